"""Concurrent PUT and DELETE of one favorite, on PostgreSQL and on SQLite (`make run`'s
default): never a 5xx, whatever the interleaving, and the state after the storm is what the
last request says. On SQLite, writers wait for each other (a busy timeout, transactions that
take the write lock when they begin) instead of failing with "database is locked"."""

import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.postgres import PrivatePostgres
from tests.stack import REPO, ServiceProcess

FELLOWSHIP_BOOK = "5cf5805fb53e011a64671582"
PASSWORD = "Mellon-2-friend!"


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def database(request, tmp_path_factory):
    """(the book service's DATABASE_URL, a function counting the favorite rows in it)"""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("favorites-race") / "book.sqlite3"

        def count_sqlite() -> int:
            with sqlite3.connect(path) as db:
                return db.execute("SELECT count(*) FROM books_favoritebook").fetchone()[0]

        yield f"sqlite:///{path}", count_sqlite
        return
    server = PrivatePostgres().start()
    url = server.create_database("book")

    def count_postgres() -> int:
        with psycopg.connect(server.url("book")) as conn:
            return conn.execute("SELECT count(*) FROM books_favoritebook").fetchone()[0]

    yield url, count_postgres
    server.stop()


@pytest.fixture(scope="module")
def book(database, start_service, data_dir):
    accounts = start_service("accounts")
    env = {
        "DATABASE_URL": database[0],
        "DJANGO_SECRET_KEY": "system-test-only",
        "LOTR_DATA_DIR": str(data_dir),
        "ACCOUNTS_SERVICE_URL": accounts.url,
        "SERVER_THREADS": "8",
        "DB_CONNECT_TIMEOUT": "20",  # sixteen threads connecting at once on a busy machine
    }
    process = ServiceProcess(REPO / "services" / "book", env, workers=2)
    process.manage("migrate", "--no-input", "-v", "0")
    process.manage("import_data")
    engine = database[0].split(":")[0]  # one user per database: the accounts service is shared
    credentials = {"email": f"pippin.{engine}@tuckborough.me", "password": PASSWORD}
    requests.post(f"{accounts.url}/auth/register", json=credentials, timeout=10).raise_for_status()
    process.token = requests.post(f"{accounts.url}/auth/login", json=credentials, timeout=10).json()["access"]
    yield process.start()
    process.stop()


def favorites(book) -> list[str]:
    response = requests.get(f"{book.url}/v2/me/favorites/books", headers=auth(book), timeout=10)
    response.raise_for_status()
    return [doc["_id"] for doc in response.json()["docs"]]


def auth(book) -> dict:
    return {"Authorization": f"Bearer {book.token}"}


def test_mixed_puts_and_deletes_of_one_favorite_never_fail(book, database):
    url = f"{book.url}/v2/me/favorites/books/{FELLOWSHIP_BOOK}"
    methods = ["PUT", "DELETE", "PUT", "PUT", "DELETE"] * 80  # 400 requests, 32 at a time

    with requests.Session() as session, ThreadPoolExecutor(max_workers=32) as pool:
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
        sent = pool.map(lambda method: session.request(method, url, headers=auth(book), timeout=30), methods)
        statuses = Counter(response.status_code for response in sent)

    assert statuses == {204: len(methods)}, statuses
    assert database[1]() <= 1
    assert requests.put(url, headers=auth(book), timeout=10).status_code == 204
    assert favorites(book) == [FELLOWSHIP_BOOK]
    assert requests.delete(url, headers=auth(book), timeout=10).status_code == 204
    assert favorites(book) == []
