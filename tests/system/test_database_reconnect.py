"""A service whose PostgreSQL connections are dropped under it (a server restart, a failover,
an idle timeout) reconnects: at once when the connection sat idle long enough for a health
check (DB_HEALTH_CHECK_IDLE_SECONDS), after one 503 when it was in use moments before."""

import time

import dj_database_url
import psycopg
import pytest
import requests

UNAVAILABLE = {"success": False, "message": "Service currently not available."}


def drop_connections(database_url: str) -> int:
    """What a server restart does to the service: every backend of its database ends."""
    config = dj_database_url.parse(database_url)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"] or None, user=config["USER"], dbname="postgres", autocommit=True
    ) as conn:
        ended = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", [config["NAME"]]
        ).fetchone()[0]
    return ended


@pytest.fixture(scope="module")
def book_env(service_env):
    env = service_env("book")
    if not env["DATABASE_URL"].startswith("postgres"):
        pytest.skip("needs BOOK_DATABASE_URL on PostgreSQL; the health check is PostgreSQL's backend")
    # One thread, so every request below uses the same connection.
    return {**env, "SERVER_THREADS": "1"}


def test_a_connection_dropped_while_idle_is_replaced_before_the_next_request(start_service, book_env):
    book = start_service("book", **book_env, DB_HEALTH_CHECK_IDLE_SECONDS="0.2")
    assert requests.get(f"{book.url}/v2/book", timeout=10).status_code == 200

    assert drop_connections(book_env["DATABASE_URL"]) >= 1
    time.sleep(0.5)
    responses = [requests.get(f"{book.url}/v2/book", timeout=10) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200], responses[0].text
    assert len(responses[0].json()["docs"]) == responses[0].json()["total"]


def test_a_connection_dropped_while_busy_costs_one_503_then_reconnects(start_service, book_env):
    book = start_service("book", **book_env, DB_HEALTH_CHECK_IDLE_SECONDS="60")
    assert requests.get(f"{book.url}/v2/book", timeout=10).status_code == 200

    assert drop_connections(book_env["DATABASE_URL"]) >= 1
    first = requests.get(f"{book.url}/v2/book", timeout=10)
    then = [requests.get(f"{book.url}/v2/book", timeout=10).status_code for _ in range(3)]

    assert first.status_code == 503
    assert first.json() == UNAVAILABLE
    assert then == [200, 200, 200]
