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
def accounts_service(tmp_path_factory):
    """The real accounts service under its server on a loopback port, with its own SQLite file and
    signing key; this suite's service is pointed at it for JWKS and API-key checks."""
    from lotr_devstack import ServiceProcess

    from . import auth

    folder = tmp_path_factory.mktemp("accounts")
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'accounts.sqlite3'}",
        "DJANGO_SECRET_KEY": "accounts-test-only",
        "JWT_PRIVATE_KEY_FILE": str(folder / "jwt.pem"),
        "JWT_PRIVATE_KEY": "",
        # Fast hashing: the suites register many users (see the accounts test settings).
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    process = ServiceProcess(Path(settings.REPO_DIR) / "services" / "accounts", env)
    process.manage("migrate", "--no-input", "-v", "0")
    process.manage("ensure_signing_key")
    process.start()
    previous = settings.ACCOUNTS_SERVICE_URL
    settings.ACCOUNTS_SERVICE_URL = process.url
    auth.public_keys.cache_clear()
    auth.accounts_service.cache_clear()
    yield process
    process.stop()
    settings.ACCOUNTS_SERVICE_URL = previous
    auth.public_keys.cache_clear()
    auth.accounts_service.cache_clear()


@pytest.fixture(scope="session")
def signed_in(accounts_service):
    """signed_in("frodo@shire.me") → that user's tokens, from a real register and login."""
    import requests

    made: dict[str, dict] = {}

    def login(email: str = "frodo@shire.me") -> dict:
        if email not in made:
            credentials = {"email": email, "password": "Mellon-2-friend!"}
            registered = requests.post(f"{accounts_service.url}/auth/register", json=credentials, timeout=10)
            assert registered.status_code == 201, registered.text
            response = requests.post(f"{accounts_service.url}/auth/login", json=credentials, timeout=10)
            assert response.status_code == 200, response.text
            made[email] = {**response.json(), "id": _user_id(accounts_service.url, response.json()["access"])}
        return made[email]

    return login


def _user_id(url: str, access: str) -> str:
    import requests

    return requests.get(f"{url}/auth/me", headers={"Authorization": f"Bearer {access}"}, timeout=10).json()["id"]
