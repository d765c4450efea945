"""Concurrent writes on SQLite, `make run`'s default database: they wait for each other, never a
500. An API key's creation reads (the user's live keys) before it writes; in Django's default
DEFERRED transaction, two such writers meet as "database is locked" at once, whatever the busy
timeout (lotr_kit.settings.SQLITE_OPTIONS)."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.stack import REPO, ServiceProcess

PASSWORD = "Mellon-2-friend!"
KEYS = 120


@pytest.fixture(scope="module")
def accounts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-writes")
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'accounts.sqlite3'}",
        "DJANGO_SECRET_KEY": "system-test-only",
        "JWT_PRIVATE_KEY_FILE": str(folder / "jwt.pem"),
        "ACCOUNTS_MAX_API_KEYS": str(KEYS),
        "SERVER_THREADS": "8",
    }
    process = ServiceProcess(REPO / "services" / "accounts", env, workers=2)
    process.manage("migrate", "--no-input", "-v", "0")
    process.manage("ensure_signing_key")
    yield process.start()
    process.stop()


def test_concurrent_key_creations_on_sqlite_all_succeed(accounts):
    credentials = {"email": "merry@buckland.me", "password": PASSWORD}
    requests.post(f"{accounts.url}/auth/register", json=credentials, timeout=10).raise_for_status()
    access = requests.post(f"{accounts.url}/auth/login", json=credentials, timeout=10).json()["access"]
    headers = {"Authorization": f"Bearer {access}"}

    def create(index: int) -> requests.Response:
        return session.post(f"{accounts.url}/auth/keys", json={"name": f"app {index}"}, headers=headers, timeout=60)

    with requests.Session() as session, ThreadPoolExecutor(max_workers=32) as pool:
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
        statuses = Counter(response.status_code for response in pool.map(create, range(KEYS)))
    listed = requests.get(f"{accounts.url}/auth/keys", headers=headers, timeout=10)

    assert statuses == {201: KEYS}, statuses
    assert listed.status_code == 200
    assert len([key for key in listed.json()["docs"] if key["name"].startswith("app ")]) == KEYS
