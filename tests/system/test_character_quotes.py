"""/v2/character/{id}/quote across two real services, then with the movie service gone."""

import math
import time

import pytest
import requests

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
