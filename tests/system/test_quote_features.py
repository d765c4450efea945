"""expand, filtered random and characterName= across the real movie and character services (each
asks the other) and the gateway; then the character service stopped.

Expectations come from the CSVs (data_dir); the character service's access log shows how many
calls the movie service made to it for a request (the request id travels with them).
"""

import json
import math
import time
import uuid

import pytest
import requests

from lotr_kit_testing.testing import csv_documents
from tests.one_api_upstream import clean_dialog
from tests.stack import REPO, ServiceProcess, free_port

GANDALF = "5cd99d4bde30eff6ebccfea0"
UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture(scope="module")
def services(service_env, tmp_path_factory):
    """The movie and character services wired to each other: ports are known before either starts."""
    logs = tmp_path_factory.mktemp("quote-features")
    movie = ServiceProcess(REPO / "services" / "movie", service_env("movie"), access_log=logs / "movie.log")
    character = ServiceProcess(
        REPO / "services" / "character", service_env("character"), access_log=logs / "character.log"
    )
    timeouts = {"SERVICE_CONNECT_TIMEOUT": "0.5", "SERVICE_READ_TIMEOUT": "2", "SERVICE_RETRIES": "1"}
    movie.env.update(CHARACTER_SERVICE_URL=character.url, **timeouts)
    character.env.update(MOVIE_SERVICE_URL=movie.url, **timeouts)
    started = []
    try:
        for process in (movie, character):
            started.append(process.start())
        yield {"movie": movie, "character": character}
    finally:
        for process in started:
            process.stop()


@pytest.fixture(scope="module")
def gateway(start_gateway, services):
    # Book and accounts are not part of these tests: their upstreams are ports nobody listens on.
    unused = {name: f"127.0.0.1:{free_port()}" for name in ("book", "accounts")}
    return start_gateway({**unused, **{name: f"127.0.0.1:{process.port}" for name, process in services.items()}})


@pytest.fixture(scope="module")
def data(data_dir):
    movies = {}
    for doc in csv_documents(data_dir / "movies.csv"):
        movies[doc["_id"]] = {k: v if k in ("_id", "name") else _number(v) for k, v in doc.items()}
    return {
        "quotes": [
            {**q, "dialog": clean_dialog(q["dialog"]), "id": q["_id"]} for q in csv_documents(data_dir / "quotes.csv")
        ],
        "characters": {c["_id"]: c for c in csv_documents(data_dir / "characters.csv")},
        "movies": movies,
    }


def _number(text):
    value = float(text)
    return int(value) if value.is_integer() else value


def expanded(quote: dict, data: dict, keys=("character", "movie")) -> dict:
    doc = dict(quote)
    for key in keys:
        if doc[key] is not None:
            doc[key] = data[f"{key}s"].get(doc[key])
    return doc


def get(base: str, path: str) -> tuple[requests.Response, str]:
    request_id = uuid.uuid4().hex
    return requests.get(f"{base}{path}", headers={"X-Request-ID": request_id}, timeout=30), request_id


def calls(process: ServiceProcess, request_id: str, path: str, *, settle: float = 1.0) -> int:
    """How many times `path` was asked of `process` on behalf of one request."""
    time.sleep(settle)  # the access log is written as the answers go out
    entries = [json.loads(line) for line in process.access_log.read_text().splitlines()]
    return sum(1 for e in entries if e["request_id"] == request_id and e["path"] == path)


def test_one_call_answers_a_random_gandalf_quote_with_his_name_and_the_movies(gateway, data):
    response, _ = get(gateway.url, "/v2/quotes/random?characterName=Gandalf&expand=character,movie")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["character"]["name"] == "Gandalf"
    assert body["movie"]["name"]
    gandalf_quotes = [expanded(q, data) for q in data["quotes"] if q["character"] == GANDALF]
    assert body in gandalf_quotes
    assert response.headers["X-Cache-Status"] == "BYPASS"


def test_expand_on_a_page_asks_the_character_service_once_then_uses_its_cache(services, data):
    movie, character = services["movie"], services["character"]
    path = "/v2/quote?limit=50&page=1&sort=dialog:asc&expand=character,movie"

    first, first_id = get(movie.url, path)
    second, second_id = get(movie.url, path)

    expected = sorted(data["quotes"], key=lambda q: q["dialog"].encode())[:50]
    assert first.status_code == 200, first.text
    assert first.json()["docs"] == [expanded(q, data) for q in expected]
    assert second.content == first.content
    assert len({q["character"] for q in expected}) > 1
    assert calls(character, first_id, "/internal/characters") == 1  # one batch for the whole page
    assert calls(character, second_id, "/internal/characters", settle=0) == 0  # cached


@pytest.mark.parametrize("keys", [("character",), ("movie",), ("character", "movie")])
def test_expand_on_a_characters_quotes(gateway, data, keys):
    response, _ = get(gateway.url, f"/v2/character/{GANDALF}/quote?limit=2&expand={','.join(keys)}")

    assert response.status_code == 200, response.text
    gandalf_quotes = [q for q in data["quotes"] if q["character"] == GANDALF]
    assert response.json()["docs"] == [expanded(q, data, keys) for q in gandalf_quotes[:2]]
    assert response.json()["total"] == len(gandalf_quotes)


def test_expand_on_a_movies_quotes_and_one_quote(gateway, data):
    quote = next(q for q in data["quotes"] if q["character"] == GANDALF)

    listed, _ = get(gateway.url, f"/v2/movie/{quote['movie']}/quote?limit=3&expand=character")
    single, _ = get(gateway.url, f"/v2/quote/{quote['_id']}?expand=character,movie")

    in_movie = [q for q in data["quotes"] if q["movie"] == quote["movie"]]
    assert listed.json()["docs"] == [expanded(q, data, ("character",)) for q in in_movie[:3]]
    assert single.json()["docs"] == [expanded(quote, data)]


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("characterName=/gandalf/i", lambda c: "gandalf" in c["name"].lower()),
        ("characterName=Gandalf,Gollum", lambda c: c["name"] in ("Gandalf", "Gollum")),
        ("characterName!=Gollum", lambda c: c["name"] != "Gollum"),
        ("characterName=string(Gandalf)", lambda c: c["name"] == "Gandalf"),
    ],
)
def test_quotes_by_a_characters_name_in_one_call(services, data, query, matches):
    movie, character = services["movie"], services["character"]
    wanted = {i for i, c in data["characters"].items() if matches(c)}
    expected = sorted((q for q in data["quotes"] if q["character"] in wanted), key=lambda q: q["dialog"].encode())

    response, request_id = get(movie.url, f"/v2/quote?{query}&sort=dialog:asc&limit=2&page=2")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "docs": expected[2:4],
        "total": len(expected),
        "limit": 2,
        "page": 2,
        "pages": max(1, math.ceil(len(expected) / 2)),
    }
    assert calls(character, request_id, "/internal/characters/ids") == 1


def test_character_name_combines_with_other_filters_on_a_movies_quotes(gateway, data):
    quote = next(q for q in data["quotes"] if q["character"] == GANDALF)
    path = f"/v2/movie/{quote['movie']}/quote?characterName=/^gand/i&dialog=/e/&expand=character"

    response, _ = get(gateway.url, path)

    expected = [
        expanded(q, data, ("character",))
        for q in data["quotes"]
        if q["movie"] == quote["movie"] and q["character"] == GANDALF and "e" in q["dialog"]
    ]
    assert expected
    assert response.json()["docs"] == expected


def test_a_name_nobody_has_is_an_empty_page_and_a_random_404(gateway):
    listed, _ = get(gateway.url, "/v2/quote?characterName=Nobody%20At%20All")
    drawn, _ = get(gateway.url, "/v2/quotes/random?characterName=Nobody%20At%20All")

    assert listed.json() == {"docs": [], "total": 0, "limit": 1000, "offset": 0, "page": 1, "pages": 1}
    assert (drawn.status_code, drawn.json()) == (404, {"message": "No quotes found"})


def test_random_characters_are_filtered_and_never_cached(gateway, data):
    hobbits = {i: c for i, c in data["characters"].items() if c["race"] == "Hobbit"}

    drawn = [get(gateway.url, "/v2/characters/random?race=Hobbit")[0] for _ in range(12)]

    assert all(r.status_code == 200 for r in drawn)
    assert all(r.json() == hobbits[r.json()["_id"]] for r in drawn)
    assert drawn[-1].headers["X-Cache-Status"] == "BYPASS"
    assert len({r.json()["_id"] for r in drawn}) > 1


@pytest.mark.parametrize("path", [f"/internal/characters?_id={GANDALF}", "/internal/characters/ids?name=Gandalf"])
def test_the_internal_character_paths_are_not_routed_by_the_gateway(gateway, services, path):
    through, _ = get(gateway.url, path)
    direct, _ = get(services["character"].url, path)

    assert through.status_code == 404
    assert direct.status_code == 200


def test_with_the_character_service_stopped_expand_and_names_are_503(services, gateway):
    services["character"].stop()
    # A movie service that has cached no character yet (the running one may hold them all).
    fresh = ServiceProcess(REPO / "services" / "movie", services["movie"].env).start()
    try:
        for base, path in (
            (gateway.url, "/v2/quote?limit=5&characterName=/gandalf/i"),
            (gateway.url, "/v2/quotes/random?characterName=Gandalf"),
            (fresh.url, "/v2/quote?limit=7&expand=character"),
            (fresh.url, "/v2/quotes/random?expand=character,movie"),
            (fresh.url, f"/v2/quote?characterName=Gandalf&character={GANDALF}"),
        ):
            response, _ = get(base, path)
            assert response.status_code == 503, (path, response.text)
            assert response.json() == UNAVAILABLE
        plain, _ = get(fresh.url, "/v2/quote?limit=5&expand=movie")
        assert plain.status_code == 200
    finally:
        fresh.stop()
