"""/v2/characters/random with filters, the internal paths the movie service asks (characters by
id for expand=character, ids by filter for characterName=), and expand on a character's quotes
when the movie service cannot answer."""

import collections
from urllib.parse import quote

import pytest

from characters.movies import movie_service
from lotr_devstack import free_port

pytestmark = pytest.mark.django_db

GANDALF = "5cd99d4bde30eff6ebccfea0"
UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        pytest.param("race=Hobbit", lambda c: c["race"] == "Hobbit", id="race"),
        pytest.param("race=Hobbit,Maiar", lambda c: c["race"] in ("Hobbit", "Maiar"), id="list"),
        pytest.param("name=/^g/i&limit=1&sort=name:asc", lambda c: c["name"].lower().startswith("g"), id="regex"),
        pytest.param("", lambda c: True, id="unfiltered"),
    ],
)
def test_random_character_is_drawn_among_the_matches(api, characters, query, predicate):
    matches = {c["_id"]: c for c in characters if predicate(c)}
    assert len(matches) > 1

    drawn = [api.json(f"/v2/characters/random?{query}") for _ in range(40)]

    assert all(doc == matches[doc["_id"]] for doc in drawn)  # bare documents, no envelope
    assert len(collections.Counter(doc["_id"] for doc in drawn)) > 1


def test_random_character_is_one_query(api, django_assert_num_queries):
    with django_assert_num_queries(1):
        api.json("/v2/characters/random?race=Hobbit")


def test_random_character_without_a_match_is_a_404(api):
    response = api.get("/v2/characters/random?race=Balrog&name=Frodo")

    assert response.status_code == 404
    assert response.json() == {"message": "No characters found"}


@pytest.mark.parametrize("query", ["rice=Hobbit", "_id=notanid", "name=/(/"])
def test_random_character_refuses_malformed_filters(api, query):
    response = api.get(f"/v2/characters/random?{query}")

    assert response.status_code == 400, response.content
    assert response.json()["success"] is False


def test_internal_batch_answers_the_characters_of_some_ids_in_one_query(api, characters, django_assert_max_num_queries):
    wanted = [characters[5], characters[0], characters[11]]
    ids = ",".join(c["_id"] for c in wanted)

    with django_assert_max_num_queries(1):
        body = api.json(f"/internal/characters?_id={ids},000000000000000000000000&limit=4")

    assert body["docs"] == [characters[0], characters[5], characters[11]]  # natural order


def test_internal_ids_answer_every_match_of_a_filter(api, characters):
    body = api.json(f"/internal/characters/ids?name={quote('/^(frodo|sam)/i')}")

    expected = [c["_id"] for c in characters if c["name"].lower().startswith(("frodo", "sam"))]
    assert expected
    assert body == {"ids": expected}


def test_internal_paths_need_no_token_even_when_reads_do(api, settings):
    settings.LOTR_READS_REQUIRE_TOKEN = True

    assert api.get(f"/internal/characters?_id={GANDALF}").status_code == 200
    assert api.get("/internal/characters/ids?name=Gandalf").status_code == 200
    assert api.get("/v2/characters/random").status_code == 401


@pytest.fixture
def movie_down(settings):
    settings.MOVIE_SERVICE_URL = f"http://127.0.0.1:{free_port()}"
    settings.SERVICE_RETRIES = 0
    movie_service.cache_clear()
    yield
    movie_service.cache_clear()


@pytest.mark.parametrize("expand", ["character", "movie", "character,movie"])
def test_character_quotes_with_expand_answer_503_when_the_movie_service_is_down(api, movie_down, expand):
    response = api.get(f"/v2/character/{GANDALF}/quote?expand={expand}")

    assert response.status_code == 503, response.content
    assert response.json() == UNAVAILABLE


def test_character_quotes_refuse_an_unknown_expand_before_asking_movies(api, movie_down):
    response = api.get(f"/v2/character/{GANDALF}/quote?expand=book")

    assert response.status_code == 400, response.content
    assert response.json()["valid_values"] == ["character", "movie"]
    assert response.json()["message"] == "Unknown expand value 'book'. Valid values: character, movie."
