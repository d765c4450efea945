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
    if db["ENGINE"] != "django.db.backends.postgresql":
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
def data_dir() -> Path:
    return Path(settings.LOTR_DATA_DIR)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, data_dir):
    with django_db_blocker.unblock():
        call_command("import_data", data_dir=data_dir, stdout=io.StringIO())


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
