"""expand=movie on every quote answer, random quotes among filtered matches, and what
expand=character and characterName= do when the character service cannot answer.

Their happy paths with the character service running as a real process are in
tests/system/test_quote_features.py at the repository root.
"""

import collections

import pytest

from lotr_devstack import free_port
from lotr_kit.datachanges import data_changes
from lotr_kit.events import data_changed
from lotr_kit_testing.favorites_tests import bearer
from movies import characters, expansion

pytestmark = pytest.mark.django_db

GANDALF = "5cd99d4bde30eff6ebccfea0"
GOLLUM = "5cd99d4bde30eff6ebccfe9e"
QUOTE_KEYS = ["_id", "dialog", "movie", "character", "id"]
UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture
def character_service_down(settings):
    """The character service's URL pointed at a port nothing listens on, for one test."""
    settings.CHARACTER_SERVICE_URL = f"http://127.0.0.1:{free_port()}"
    settings.SERVICE_RETRIES = 0
    characters.character_service.cache_clear()
    expansion.clear_cache()
    yield
    characters.character_service.cache_clear()
    expansion.clear_cache()


def with_movie(quote: dict, movies: list[dict]) -> dict:
    return {**quote, "movie": next(m for m in movies if m["_id"] == quote["movie"])}


@pytest.fixture
def data_changes_known(settings):
    """The process has looked for data changes just now and will not look again in this test."""
    settings.LOTR_DATA_CHANGES_REFRESH_SECONDS = 3600
    data_changes.read_at = float("-inf")
    data_changes.latest()
    yield
    data_changes.read_at = float("-inf")


def test_expand_movie_replaces_the_id_with_the_movie_on_a_page(
    api, quotes, movies, data_changes_known, django_assert_num_queries
):
    expansion.clear_cache()
    with django_assert_num_queries(2):  # the page with its total, then every movie of the page at once
        body = api.json("/v2/quote?limit=30&page=1&expand=movie")
    with django_assert_num_queries(1):  # the movies are kept
        api.json("/v2/quote?limit=30&page=1&expand=movie")

    assert body["docs"] == [with_movie(q, movies) for q in quotes[:30]]
    assert list(body["docs"][0]) == QUOTE_KEYS
    assert body["total"] == len(quotes)


def test_a_recorded_data_change_drops_the_kept_documents(api, settings, django_assert_num_queries):
    settings.LOTR_DATA_CHANGES_REFRESH_SECONDS = 0  # look on every request
    api.json("/v2/quote?limit=30&page=1&expand=movie")
    with django_assert_num_queries(2):  # the page, and the look for a change: the movies are kept
        api.json("/v2/quote?limit=30&page=1&expand=movie")

    data_changed({"service": "movie", "tables": ["movies_movie"]})  # what the worker does with the event

    with django_assert_num_queries(3):  # the page, the look, and the movies again
        api.json("/v2/quote?limit=30&page=1&expand=movie")
    with django_assert_num_queries(2):
        api.json("/v2/quote?limit=30&page=1&expand=movie")


def test_without_expand_a_quote_page_is_unchanged(api):
    plain = api.get("/v2/quote?limit=5")
    empty = api.get("/v2/quote?limit=5&expand=")

    assert plain.content == empty.content
    assert b'"movie":"5cd95395de30eff6ebccde5d"' in plain.content


@pytest.mark.parametrize(
    "path",
    [
        "/v2/quote/{quote}?expand=movie",
        "/v2/movie/{movie}/quote?limit=3&expand=movie",
        "/internal/characters/{character}/quotes?limit=3&expand=movie",
    ],
)
def test_expand_movie_on_single_quotes_and_sub_lists(api, quotes, movies, path):
    quote = next(q for q in quotes if q["character"] == GOLLUM)
    url = path.format(quote=quote["_id"], movie=quote["movie"], character=GOLLUM)

    docs = api.json(url)["docs"]

    by_id = {q["_id"]: q for q in quotes}
    assert docs
    assert docs == [with_movie(by_id[doc["_id"]], movies) for doc in docs]
    assert all(list(doc) == QUOTE_KEYS for doc in docs)


def test_expand_movie_on_a_random_quote(api, quotes, movies):
    body = api.json(f"/v2/quotes/random?character={GOLLUM}&expand=movie")

    assert body["character"] == GOLLUM
    assert body["movie"] == next(m for m in movies if m["_id"] == body["movie"]["_id"])
    assert {**body, "movie": body["movie"]["_id"]} in quotes


@pytest.mark.parametrize(
    ("path", "valid"),
    [
        ("/v2/quote?expand=dialog", ["character", "movie"]),
        ("/v2/quote/5cd96e05de30eff6ebcce7e9?expand=movie,book", ["character", "movie"]),
        ("/v2/quotes/random?expand=Movie", ["character", "movie"]),
        ("/internal/characters/5cd99d4bde30eff6ebccfe9e/quotes?expand=character", ["movie"]),
    ],
)
def test_unknown_expand_values_are_a_400_naming_the_valid_ones(api, path, valid):
    response = api.get(path)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False
    assert body["valid_values"] == valid
    assert f"Valid values: {', '.join(valid)}." in body["message"]
    assert set(body["errors"]) == {"expand"}


@pytest.mark.parametrize(
    "path",
    [
        "/v2/quote?limit=5&expand=character",
        "/v2/quote/5cd96e05de30eff6ebcce7e9?expand=character,movie",
        "/v2/quotes/random?expand=character",
        "/v2/movie/5cd95395de30eff6ebccde5d/quote?expand=character",
        "/v2/quote?characterName=/gandalf/i",
        "/v2/quotes/random?characterName=Gandalf",
        "/v2/movie/5cd95395de30eff6ebccde5d/quote?characterName=Gollum",
    ],
)
def test_character_service_down_is_a_503_not_a_page_with_ids(api, character_service_down, path):
    response = api.get(path)

    assert response.status_code == 503, response.content
    assert response.json() == UNAVAILABLE


def test_expand_movie_alone_never_asks_the_character_service(api, character_service_down):
    assert api.get("/v2/quote?limit=5&expand=movie").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["characterName<", "characterName=/" + "a" * 201 + "/", "characterName=/(unclosed/", "!characterName=Gandalf"],
)
def test_malformed_character_names_are_a_400_before_any_call(api, character_service_down, query):
    response = api.get(f"/v2/quote?{query}")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False
    assert "characterName" in body["message"]
    assert all(key.lstrip("!").startswith("characterName") for key in body["errors"])


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        pytest.param(f"character={GOLLUM}", lambda q: q["character"] == GOLLUM, id="character"),
        pytest.param("movie=5cd95395de30eff6ebccde5d", lambda q: q["movie"] == "5cd95395de30eff6ebccde5d", id="movie"),
        pytest.param("dialog=/deagol/i", lambda q: "deagol" in q["dialog"].lower(), id="regex"),
        pytest.param(f"character!={GOLLUM}&limit=1", lambda q: q["character"] != GOLLUM, id="negated"),
    ],
)
def test_random_quote_is_drawn_among_the_matches_only(api, quotes, query, predicate):
    matches = [q for q in quotes if predicate(q)]
    assert 1 < len(matches) < len(quotes)

    drawn = collections.Counter(api.json(f"/v2/quotes/random?{query}")["_id"] for _ in range(60))

    assert set(drawn) <= {q["_id"] for q in matches}
    assert len(drawn) > 1  # a draw, not always the first match


def test_random_quote_among_matches_is_one_query(api, django_assert_num_queries):
    with django_assert_num_queries(1):
        api.json(f"/v2/quotes/random?character={GOLLUM}")


def test_random_quote_with_no_match_is_the_original_404(api):
    response = api.get(f"/v2/quotes/random?character={GANDALF}&dialog=/no such line/")

    assert response.status_code == 404
    assert response.json() == {"message": "No quotes found"}


def test_random_quote_refuses_a_malformed_filter(api):
    response = api.get("/v2/quotes/random?character=notanid")

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"character": "Invalid filter 'character=notanid': 'character' "
                                                      "takes 24-hex ids and 'notanid' is not one."}  # fmt: skip


@pytest.fixture
def reader(signed_in):
    return signed_in("expand-reader@shire.me")


def test_expand_movie_on_favorite_quotes(client, quotes, movies, reader):
    auth = bearer(reader["access"])
    kept = quotes[3]
    assert client.put(f"/v2/me/favorites/quotes/{kept['_id']}", headers=auth).status_code == 204

    response = client.get("/v2/me/favorites/quotes?expand=movie", headers=auth)
    refused = client.get("/v2/me/favorites/quotes?expand=user", headers=auth)

    assert response.status_code == 200, response.content
    assert response.json()["docs"] == [with_movie(kept, movies)]
    assert refused.status_code == 400
