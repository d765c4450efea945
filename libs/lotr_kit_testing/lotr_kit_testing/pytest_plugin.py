"""Fixtures every service's suite shares; a service's tests/conftest.py loads this plugin.

The test database gets the data of LOTR_DATA_DIR (the full dataset in CI, the project's
sample otherwise) once per session; every test then runs in a transaction rolled back
at its end, so tests that write see their own changes only.
"""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


def pytest_sessionstart(session):
    """Stop at once, naming the server, when the tests' PostgreSQL does not answer."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        return
    import psycopg

    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432} as {db.get('USER') or 'default user'}"
    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as error:
        pytest.exit(f"PostgreSQL unreachable at {where} (from DATABASE_URL): {str(error).strip()}", 2)


@pytest.fixture(scope="session")
def data_dir() -> Path | None:
    """The folder the data services load; None for a service without data (accounts)."""
    return Path(settings.LOTR_DATA_DIR) if hasattr(settings, "LOTR_DATA_DIR") else None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, data_dir):
    from django.core.management import get_commands

    if data_dir is not None and "import_data" in get_commands():
        with django_db_blocker.unblock():
            call_command("import_data", data_dir=data_dir, stdout=io.StringIO())


def run_import(data_dir) -> str:
    """The service's `import_data` on `data_dir`, as its output."""
    out = io.StringIO()
    call_command("import_data", data_dir=data_dir, stdout=out)
    return out.getvalue()


@pytest.fixture
def copy_of_data(tmp_path, data_dir):
    """A writable copy of the data folder's CSVs, for tests that spoil a file."""
    import shutil

    for path in data_dir.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


class Api:
    """GETs through Django's full request stack (middleware, URL routing, renderers)."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str, **headers):
        return self.client.get(url, headers=headers)

    def json(self, url: str, status: int = 200):
        response = self.client.get(url)
        assert response.status_code == status, response.content
        return json.loads(response.content)


@pytest.fixture
def api(client, db) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def token_issuer():
    """Tokens of the suite's own (lotr_kit_testing.tokens), which this service accepts for the
    session through the kit's key-resolver and API-key hooks instead of asking accounts."""
    from lotr_kit import auth

    from .tokens import RESOLVER, VERIFIER, Issuer

    hooks = {"LOTR_AUTH_KEY_RESOLVER": RESOLVER, "LOTR_AUTH_API_KEY_VERIFIER": VERIFIER}
    previous = {name: getattr(settings, name, None) for name in hooks}
    for name, value in hooks.items():
        setattr(settings, name, value)
    auth.verified_jwt.cache_clear()
    yield Issuer()
    for name, value in previous.items():
        setattr(settings, name, value)
    auth.verified_jwt.cache_clear()


@pytest.fixture(scope="session")
def signed_in(token_issuer):
    """signed_in("frodo@shire.me") → that user's id and tokens (`access`, a JWT; `access_token`,
    an API key), the same for the same email all session."""
    made: dict[str, dict] = {}

    def login(email: str = "frodo@shire.me") -> dict:
        if email not in made:
            made[email] = token_issuer.user(email)
        return made[email]

    return login
