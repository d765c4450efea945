"""Regex filters on SQLite, `make run`'s default database, are reads like any other: they do not
wait for a writer, nor for each other. They once ran in a transaction, which on SQLite takes the
database's one write lock when it begins (IMMEDIATE, lotr_kit.settings.SQLITE_OPTIONS), so every
regex read queued behind every other (`make bench`: a p99 over a second) and behind any write."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.stack import REPO, ServiceProcess

# Longer than the client waits below: a read that queued for the lock would not answer in time.
BUSY_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def character(tmp_path_factory, data_dir):
    path = tmp_path_factory.mktemp("sqlite-regex") / "character.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SECRET_KEY": "system-test-only",
        "LOTR_DATA_DIR": str(data_dir),
        "DB_SQLITE_BUSY_TIMEOUT": str(BUSY_TIMEOUT_SECONDS),
    }
    process = ServiceProcess(REPO / "services" / "character", env, workers=1)
    process.manage("migrate", "--no-input", "-v", "0")
    process.manage("import_data")
    process.path = path
    yield process.start()
    process.stop()


@pytest.mark.parametrize("query", ["name=/an/i", "name=/^ga.d/i", "race=Hobbit&name=/^s/i"])
def test_a_regex_read_answers_while_another_connection_holds_the_write_lock(character, query):
    url = f"{character.url}/v2/character?{query}"
    expected = requests.get(url, timeout=30)
    assert expected.status_code == 200
    assert expected.json()["total"] > 0

    writer = sqlite3.connect(character.path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # what a favorite's write holds while it runs
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda _: requests.get(url, timeout=BUSY_TIMEOUT_SECONDS / 4), range(8)))
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert [answer.status_code for answer in answers] == [200] * 8
    assert {answer.content for answer in answers} == {expected.content}
