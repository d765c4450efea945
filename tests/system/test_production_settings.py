"""The settings the containers run with (each service's config.env.example: DJANGO_ENV=production)
pass `manage.py check --deploy` with no warning, as `make check-deploy` runs it in CI."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.stack import REPO


def container_settings(service: str) -> dict[str, str]:
    lines = (REPO / "services" / service / "config.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("service", ["book", "movie", "character", "accounts"])
def test_deploy_checks_pass_with_the_container_settings(service, tmp_path):
    env = {
        **os.environ,
        **container_settings(service),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # as the Secret provides it
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO / "services" / service,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert container_settings(service)["DJANGO_ENV"] == "production"
    assert result.returncode == 0, result.stdout + result.stderr
