"""/v2/character/{id}/quote across two real services, then with the movie service gone."""

import contextlib
import math
import sqlite3
import time

import psycopg
import pytest
import requests

from lotr_devstack import free_port
from lotr_kit_testing.testing import csv_documents
from tests.one_api_upstream import clean_dialog

GANDALF = "5cd99d4bde30eff6ebccfea0"


@pytest.fixture(scope="module")
def movie(start_service):
    return start_service("movie")


@pytest.fixture(scope="module")
def character(start_service, movie):
    return start_service(
        "character",
        MOVIE_SERVICE_URL=movie.url,
        SERVICE_CONNECT_TIMEOUT="0.5",
        SERVICE_READ_TIMEOUT="2",
        SERVICE_RETRIES="1",
    )


@pytest.fixture(scope="module")
def gandalf_quotes(data_dir):
    return [
        {**q, "dialog": clean_dialog(q["dialog"]), "id": q["_id"]}
        for q in csv_documents(data_dir / "quotes.csv")
        if q["character"] == GANDALF
    ]


def test_character_quotes_come_from_the_movie_service(character, gandalf_quotes):
    response = requests.get(f"{character.url}/v2/character/{GANDALF}/quote?limit=3", timeout=10)

    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "docs": gandalf_quotes[:3],
        "total": len(gandalf_quotes),
        "limit": 3,
        "offset": 0,
        "page": 1,
        "pages": math.ceil(len(gandalf_quotes) / 3),
    }
    assert all(doc["id"] == doc["_id"] for doc in response.json()["docs"])


def test_character_quotes_apply_filters_sort_and_paging(character, gandalf_quotes):
    expected = sorted((q for q in gandalf_quotes if "ring" in q["dialog"].lower()), key=lambda q: q["dialog"])

    response = requests.get(
        f"{character.url}/v2/character/{GANDALF.upper()}/quote/?dialog=/ring/i&sort=dialog:asc&page=1&limit=2",
        timeout=10,
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "docs": expected[:2],
        "total": len(expected),
        "limit": 2,
        "page": 1,
        "pages": max(1, math.ceil(len(expected) / 2)),
    }


def test_character_quotes_pass_the_movie_services_400_through(character):
    response = requests.get(f"{character.url}/v2/character/{GANDALF}/quote?name=Gandalf", timeout=10)

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False
    assert body["message"].startswith("Unknown field 'name' in filter 'name=Gandalf'. Valid fields: _id, dialog")


def test_character_quotes_of_an_unknown_character_are_404(character):
    response = requests.get(f"{character.url}/v2/character/000000000000000000000000/quote", timeout=10)

    assert response.status_code == 404
    assert response.json() == {"success": False, "message": "Not found."}


@pytest.fixture(scope="module")
def quoted_character(data_dir) -> str:
    """A character with quotes other than Gandalf, whom these tests delete for a while."""
    return next(q["character"] for q in csv_documents(data_dir / "quotes.csv") if q["character"] != GANDALF)


@contextlib.contextmanager
def deleted_for_a_while(service_env, character_id: str):
    """The character's row gone from the character service's database, put back afterwards."""
    url = service_env("character")["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        db, mark = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None), "?"
    else:
        db, mark = psycopg.connect(url, autocommit=True), "%s"
    try:
        cursor = db.execute(f"SELECT * FROM characters_character WHERE id = {mark}", [character_id])
        row, columns = cursor.fetchone(), [c[0] for c in cursor.description]
        db.execute(f"DELETE FROM characters_character WHERE id = {mark}", [character_id])
        try:
            yield
        finally:
            names, marks = ", ".join(columns), ", ".join([mark] * len(columns))
            db.execute(f"INSERT INTO characters_character ({names}) VALUES ({marks})", list(row))
    finally:
        db.close()


def test_a_character_deleted_after_it_was_seen_is_404_where_no_quote_vouches_for_it_and_after_the_ttl(
    start_service, movie, service_env, quoted_character
):
    character = start_service("character", MOVIE_SERVICE_URL=movie.url, LOTR_SEEN_CHARACTER_SECONDS="3")
    quotes = f"{character.url}/v2/character/{quoted_character}/quote"
    assert requests.get(quotes, timeout=10).status_code == 200  # seen: found in the table

    with deleted_for_a_while(service_env, quoted_character):
        deleted_at = time.monotonic()
        # An empty page does not vouch for the character: the table is asked again, at once.
        none = requests.get(f"{quotes}?dialog=/^no such line$/", timeout=10)
        assert none.status_code == 404, none.text
        assert none.json() == {"success": False, "message": "Not found."}
        # A page with quotes vouches for a seen character; forgotten after the TTL at the latest.
        time.sleep(max(0.0, deleted_at + 3.5 - time.monotonic()))
        assert requests.get(quotes, timeout=10).status_code == 404

    assert requests.get(quotes, timeout=10).status_code == 200  # found again once the row is back


def test_a_character_deleted_after_it_was_seen_is_404_while_the_movie_service_is_down(
    start_service, service_env, quoted_character
):
    character = start_service("character", MOVIE_SERVICE_URL=f"http://127.0.0.1:{free_port()}", SERVICE_RETRIES="0")
    quotes = f"{character.url}/v2/character/{quoted_character}/quote"
    assert requests.get(quotes, timeout=10).status_code == 503  # seen, then the movie service failed

    with deleted_for_a_while(service_env, quoted_character):
        response = requests.get(quotes, timeout=10)

    assert response.status_code == 404, response.text
    assert response.json() == {"success": False, "message": "Not found."}


def test_character_quotes_answer_503_once_the_movie_service_stops(character, movie):
    movie.stop()
    started = time.monotonic()

    response = requests.get(f"{character.url}/v2/character/{GANDALF}/quote", timeout=30)

    elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert response.json() == {"success": False, "message": "Service currently not available."}
    assert elapsed < 10, elapsed  # well inside the configured timeouts, never a hang
    other = requests.get(f"{character.url}/v2/character/{GANDALF}", timeout=10)
    assert other.status_code == 200
