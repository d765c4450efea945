"""/readyz says ready only when the service can serve: its database answers, every migration
is applied and, for the data services, the data is imported. `make serve` on a new SQLite
file used to be "ready" while every API path answered 503."""

import pytest
import requests

from tests.stack import REPO, ServiceProcess


@pytest.fixture
def fresh_book(tmp_path, data_dir):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'book.sqlite3'}",
        "DJANGO_SECRET_KEY": "system-test-only",
        "LOTR_DATA_DIR": str(data_dir),
    }
    process = ServiceProcess(REPO / "services" / "book", env).start()
    yield process
    process.stop()


def test_readyz_waits_for_migrations_then_for_the_data(fresh_book):
    ready = f"{fresh_book.url}/readyz"
    before_migrations = requests.get(ready, timeout=10)
    fresh_book.manage("migrate", "--no-input", "-v", "0")
    before_import = requests.get(ready, timeout=10)
    fresh_book.manage("import_data")
    after_import = requests.get(ready, timeout=10)

    assert before_migrations.status_code == 503, before_migrations.text
    assert before_import.status_code == 503, before_import.text
    assert before_import.json() == {"success": False, "message": "Service currently not available."}
    assert after_import.status_code == 200, after_import.text
    assert after_import.json() == {"status": "ready"}


def test_a_service_without_data_of_its_own_is_ready_once_migrated(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'accounts.sqlite3'}", "DJANGO_SECRET_KEY": "system-test-only"}
    accounts = ServiceProcess(REPO / "services" / "accounts", env).start()
    try:
        before = requests.get(f"{accounts.url}/readyz", timeout=10).status_code
        accounts.manage("migrate", "--no-input", "-v", "0")
        after = requests.get(f"{accounts.url}/readyz", timeout=10).status_code
    finally:
        accounts.stop()

    assert (before, after) == (503, 200)
