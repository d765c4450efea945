"""/v2/quote, /v2/quote/{id}, /v2/quotes/random and the internal per-character list."""

import math

import pytest

from movies.models import Quote

pytestmark = pytest.mark.django_db

GANDALF = "5cd99d4bde30eff6ebccfea0"
FELLOWSHIP = "5cd95395de30eff6ebccde5c"
QUOTE_KEYS = ["_id", "dialog", "movie", "character", "id"]

# Spec §3.5: the second page of two, byte for byte except the derived totals.
PAGE_2_DOCS = (
    '[{"_id":"5cd96e05de30eff6ebcce7eb","dialog":"Deagol!","movie":"5cd95395de30eff6ebccde5d",'
    '"character":"5cd99d4bde30eff6ebccfe9e","id":"5cd96e05de30eff6ebcce7eb"},'
    '{"_id":"5cd96e05de30eff6ebcce7ec","dialog":"Give us that! Deagol my love","movie":"5cd95395de30eff6ebccde5d",'
    '"character":"5cd99d4bde30eff6ebccfe9e","id":"5cd96e05de30eff6ebcce7ec"}]'
)


def test_quote_list_page_is_byte_identical_to_the_original(api, quotes):
    response = api.get("/v2/quote?limit=2&page=2")

    total = len(quotes)
    assert response.content.decode() == (
        f'{{"docs":{PAGE_2_DOCS},"total":{total},"limit":2,"page":2,"pages":{math.ceil(total / 2)}}}'
    )


@pytest.mark.parametrize(
    ("quote_id", "served"),
    [
        pytest.param("5cd96e05de30eff6ebcce8d1", "Take the reins, pull him left. LEFT!", id="trailing-nbsp"),
        pytest.param("5cd96e05de30eff6ebcce8d2", "Make safe the city.", id="trailing-space"),
    ],
)
def test_quote_detail_serves_cleaned_dialog(api, quote_id, served):
    response = api.get(f"/v2/quote/{quote_id}")

    assert response.status_code == 200, response.content
    doc = response.json()["docs"][0]
    assert list(doc) == QUOTE_KEYS
    assert doc["dialog"] == served
    assert doc["id"] == quote_id


def test_quote_dialog_cleaning_keeps_a_single_no_break_space(api, quotes):
    doc = next(q for q in quotes if q["_id"] == "5cd96e05de30eff6ebcce9e4")

    body = api.json("/v2/quote/5cd96e05de30eff6ebcce9e4")

    assert body["docs"][0]["dialog"] == doc["dialog"]
    assert "Master?\u00a0Master" in body["docs"][0]["dialog"]
    assert "  " not in body["docs"][0]["dialog"]


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        pytest.param(f"character={GANDALF}", lambda q: q["character"] == GANDALF, id="by-character"),
        pytest.param(f"movie={FELLOWSHIP}", lambda q: q["movie"] == FELLOWSHIP, id="by-movie"),
        pytest.param(f"movie!={FELLOWSHIP}", lambda q: q["movie"] != FELLOWSHIP, id="other-movies"),
        pytest.param("dialog=/precious/i", lambda q: "precious" in q["dialog"].lower(), id="regex"),
        # Filters match the cleaned text clients see (the original matches the stored one: 0).
        pytest.param("dialog=Make safe the city.", lambda q: q["dialog"] == "Make safe the city.", id="cleaned-text"),
        pytest.param("dialog=/^Make safe the city/", lambda q: q["dialog"].startswith("Make safe the city"), id="re"),
        pytest.param("character", lambda q: q["character"] is not None, id="has-character"),
    ],
)
def test_quote_list_applies_query_language(api, quotes, query, predicate):
    expected = [q for q in quotes if predicate(q)]

    body = api.json(f"/v2/quote?{query}&limit=10000")

    assert body["total"] == len(expected)
    assert body["docs"] == expected


@pytest.mark.parametrize("query", ["character=notanid", "character=/abc/"])
def test_quote_list_rejects_malformed_ids(api, query):
    response = api.get(f"/v2/quote?{query}")

    assert response.status_code == 400, response.content


def test_quote_list_defaults_to_pages_of_1000(api, quotes):
    body = api.json("/v2/quote?page=3")

    assert {k: v for k, v in body.items() if k != "docs"} == {
        "total": len(quotes),
        "limit": 1000,
        "page": 3,
        "pages": max(1, math.ceil(len(quotes) / 1000)),
    }
    assert body["docs"] == quotes[2000:3000]


def test_quote_list_sorts_by_reference_id(api, quotes):
    expected = sorted(quotes, key=lambda q: (q["character"] is not None, q["character"] or ""), reverse=True)

    body = api.json("/v2/quote?sort=character:desc&limit=10000")

    assert [q["_id"] for q in body["docs"]] == [q["_id"] for q in expected]


def test_random_quote_is_a_bare_quote_object(api, quotes):
    body = api.json("/v2/quotes/random?limit=1&name=ignored")

    assert list(body) == QUOTE_KEYS
    assert body in quotes


def test_random_quote_on_an_empty_table_is_the_original_404(api):
    Quote.objects.all().delete()

    response = api.get("/v2/quotes/random")

    assert response.status_code == 404
    assert response.json() == {"message": "No quotes found"}


def test_singular_random_is_an_unknown_id(api):
    response = api.get("/v2/quote/random")

    assert response.status_code == 404, response.content
    assert response.json() == {"success": False, "message": "Not found."}


def test_plural_quotes_path_hints_the_singular(api):
    response = api.get("/v2/quotes")

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "message": "Not found. Did you mean to use the singular version of the endpoint, /quote?",
    }


def test_internal_character_quotes_answer_with_filters_and_paging(api, quotes):
    expected = [q for q in quotes if q["character"] == GANDALF]

    body = api.json(f"/internal/characters/{GANDALF}/quotes?limit=3")

    assert body == {
        "docs": expected[:3],
        "total": len(expected),
        "limit": 3,
        "offset": 0,
        "page": 1,
        "pages": max(1, math.ceil(len(expected) / 3)),
    }


def test_quote_lists_run_two_queries_whatever_the_page_size(api, django_assert_max_num_queries):
    for limit in (1, 1000, 5000):
        with django_assert_max_num_queries(2):
            api.json(f"/v2/quote?limit={limit}&sort=dialog:asc")
    with django_assert_max_num_queries(2):
        api.json(f"/internal/characters/{GANDALF}/quotes?limit=1000")
