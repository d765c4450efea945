"""/v2/character: the query language (docs/compatibility.md) on the real data (LOTR_DATA_DIR).

Expected results are derived from characters.csv by the predicates below, which state
each row's meaning under this project's decisions table, never typed as numbers.
"""

import math

import pytest

pytestmark = pytest.mark.django_db

ARAGORN = "5cd99d4bde30eff6ebccfbe6"
GANDALF = "5cd99d4bde30eff6ebccfea0"
FRODO = "5cd99d4bde30eff6ebccfc15"


def binary(value):
    """MongoDB order for text: null first, then by UTF-8 bytes (= code points)."""
    return (value is not None, value or "")


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        pytest.param("name=Gandalf", lambda c: c["name"] == "Gandalf", id="equals"),
        pytest.param("name=Frodo", lambda c: c["name"] == "Frodo", id="equals-is-exact"),
        pytest.param("name!=Frodo%20Baggins", lambda c: c["name"] != "Frodo Baggins", id="not-equal"),
        pytest.param("race=Hobbit,Human", lambda c: c["race"] in ("Hobbit", "Human"), id="in-list"),
        pytest.param("race!=Orc,Goblin", lambda c: c["race"] not in ("Orc", "Goblin"), id="not-in-list"),
        pytest.param("name", lambda c: c["name"] is not None, id="exists"),
        pytest.param("name=", lambda c: c["name"] is not None, id="empty-value-is-exists"),
        pytest.param("!name", lambda c: c["name"] is None, id="not-exists"),
        pytest.param("height", lambda c: c["height"] is not None, id="exists-means-non-null"),
        pytest.param("!height", lambda c: c["height"] is None, id="not-exists-means-null"),
        pytest.param("name=/foot/i", lambda c: "foot" in c["name"].lower(), id="regex-ignore-case"),
        pytest.param("name!=/a/i", lambda c: "a" not in c["name"].lower(), id="negated-regex"),
        pytest.param("name=/^gand/i", lambda c: c["name"].lower().startswith("gand"), id="anchored-regex"),
        pytest.param("name=/gandalf/g", lambda c: c["name"] == "/gandalf/g", id="g-flag-is-literal-text"),
        pytest.param("race=Maiar&gender=Male", lambda c: c["race"] == "Maiar" and c["gender"] == "Male", id="and"),
        pytest.param("height=null", lambda c: c["height"] is None, id="equals-null"),
        pytest.param("height!=null", lambda c: c["height"] is not None, id="not-null"),
        pytest.param(
            "realm=Reunited%20Kingdom,Arnor,Gondor",
            lambda c: c["realm"] in ("Reunited Kingdom", "Arnor", "Gondor"),
            id="comma-is-a-list",
        ),
        pytest.param(
            "realm=string(Reunited%20Kingdom,Arnor,Gondor)",
            lambda c: c["realm"] == "Reunited Kingdom,Arnor,Gondor",
            id="string-caster-keeps-commas",
        ),
        pytest.param(
            "name=string(Tom,%20Bert,%20and%20William)",
            lambda c: c["name"] == "Tom, Bert, and William",
            id="string-caster-name",
        ),
        pytest.param("birth=2931", lambda c: c["birth"] == "2931", id="digits-are-text-on-text-fields"),
        pytest.param("name=true", lambda c: c["name"] == "true", id="true-is-text-on-text-fields"),
        pytest.param(
            f"_id={GANDALF},{FRODO}",
            lambda c: c["_id"] in (GANDALF, FRODO),
            id="id-list",
        ),
        pytest.param(f"_id={GANDALF.upper()}", lambda c: c["_id"] == GANDALF, id="id-any-case"),
        pytest.param("spouse=None", lambda c: c["spouse"] == "None", id="null-token-is-null-in-db"),
        pytest.param("race=NaN", lambda c: c["race"] == "NaN", id="nan-token-is-null-in-db"),
        pytest.param("name=Gandalf&name=Gimli", lambda c: c["name"] in ("Gandalf", "Gimli"), id="repeated-key-is-list"),
        pytest.param(
            "name!=Frodo%20Baggins&name=Gandalf", lambda c: c["name"] == "Gandalf", id="later-equals-replaces"
        ),
        pytest.param("race=Hobbit,null", lambda c: c["race"] in ("Hobbit", None), id="list-with-null"),
        pytest.param("name>=Z", lambda c: c["name"] >= "Z", id="text-compare-in-binary-order"),
        pytest.param("name<B", lambda c: c["name"] < "B", id="text-less-than"),
        pytest.param("name%3E%3DZ", lambda c: c["name"] >= "Z", id="percent-encoded-operator"),
        pytest.param("hair=/^Dark $/", lambda c: c["hair"] == "Dark ", id="values-are-not-trimmed"),
        # Case folding beyond ASCII, as MongoDB's (PCRE, UTF-8) does.
        pytest.param("name=/^óin/i", lambda c: c["name"].lower().startswith("óin"), id="regex-ignore-case-unicode"),
        pytest.param("name!=/^óin/i", lambda c: not c["name"].lower().startswith("óin"), id="negated-unicode-icase"),
        pytest.param(r"name=/\bGand/", lambda c: c["name"].startswith("Gand"), id="word-boundary"),
        pytest.param(r"name=/[\b]/", lambda c: "\b" in c["name"], id="backspace-in-brackets"),
        pytest.param("name%3D", lambda c: c["name"] is not None, id="encoded-equals-key-is-exists"),
        pytest.param(
            "name=Gandalf&name!=/x/", lambda c: c["name"] == "Gandalf", id="equals-then-other-operator-is-and"
        ),
    ],
)
def test_character_list_applies_query_language(api, characters, query, predicate):
    expected = [c for c in characters if predicate(c)]

    body = api.json(f"/v2/character?{query}&limit=10000")

    assert body["total"] == len(expected)
    assert body["docs"] == expected


def test_character_list_returns_every_character_in_natural_order(api, characters):
    body = api.json("/v2/character")

    assert body == {"docs": characters, "total": len(characters), "limit": 1000, "offset": 0, "page": 1, "pages": 1}


@pytest.mark.parametrize(
    ("query", "envelope", "first_index"),
    [
        pytest.param("limit=10&page=2", {"limit": 10, "page": 2}, 10, id="page-mode-has-no-offset"),
        pytest.param("page=94&limit=10", {"limit": 10, "page": 94}, 930, id="last-page"),
        pytest.param("page=200&limit=10", {"limit": 10, "page": 200}, None, id="page-past-the-end"),
        pytest.param(
            "page=9007199254740991&limit=10000",
            {"limit": 10000, "page": 9007199254740991},
            None,
            id="largest-page-past-the-end",
        ),
        pytest.param("limit=10&offset=5", {"limit": 10, "offset": 5}, 5, id="offset-mode-has-no-page"),
        pytest.param("page=2&offset=5&limit=10", {"limit": 10, "offset": 5}, 5, id="offset-wins-over-page"),
        pytest.param("limit=10&page=0&offset=0", {"limit": 10, "offset": 0}, 0, id="offset-ignores-page-zero"),
        pytest.param("page=abc&offset=5&limit=10", {"limit": 10, "offset": 5}, 5, id="offset-ignores-bad-page"),
        pytest.param("page=1&page=2&offset=3&limit=10", {"limit": 10, "offset": 3}, 3, id="offset-ignores-page-list"),
        pytest.param("offset=10&limit=1", {"limit": 1, "offset": 10}, 10, id="offset-one"),
        pytest.param("offset=0", {"limit": 1000, "offset": 0}, 0, id="offset-zero"),
        pytest.param("page=&limit=", {"limit": 1000, "offset": 0, "page": 1}, 0, id="empty-values-are-defaults"),
    ],
)
def test_character_list_paginates_like_the_original(api, characters, query, envelope, first_index):
    body = api.json(f"/v2/character?{query}")

    limit = envelope["limit"]
    expected = dict(envelope)
    if "offset" not in envelope or "page" in envelope:
        expected["pages"] = math.ceil(len(characters) / limit)
    start = first_index if first_index is not None else len(characters)
    assert list(body) == ["docs", "total", "limit", *[k for k in ("offset", "page", "pages") if k in expected]]
    assert {k: v for k, v in body.items() if k != "docs"} == {"total": len(characters), **expected}
    assert body["docs"] == characters[start : start + limit]


def test_character_list_caps_a_huge_limit_and_says_so(api, characters, settings):
    settings.LOTR_MAX_LIMIT = 50

    body = api.json("/v2/character?limit=99999999999999999999")

    assert body["limit"] == 50
    assert body["docs"] == characters[:50]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        pytest.param("name:asc", "name", False, id="asc"),
        pytest.param("name:desc", "name", True, id="desc"),
        pytest.param("name", "name", True, id="no-direction-is-descending"),
        pytest.param("name:ASC", "name", False, id="direction-ignores-case"),
        pytest.param("name:des", "name", True, id="any-other-direction-is-descending"),
        pytest.param("name:up", "name", True, id="unknown-word-is-descending"),
        pytest.param("name:asc:x", "name", False, id="direction-is-the-second-part"),
        pytest.param("name:asc,", "name", False, id="stray-comma"),
        pytest.param("name:", "name", True, id="empty-direction-is-descending"),
        pytest.param("height:asc", "height", False, id="nulls-first-ascending"),
        pytest.param("height:desc", "height", True, id="nulls-last-descending"),
        pytest.param("_id:desc", "_id", True, id="by-id"),
    ],
)
def test_character_list_sorts_in_binary_order_with_natural_ties(api, characters, sort, key, reverse):
    # Python's sort is stable in both directions, so ties keep natural order.
    expected = sorted(characters, key=lambda c: binary(c[key]), reverse=reverse)

    body = api.json(f"/v2/character?sort={sort}")

    assert [c["_id"] for c in body["docs"]] == [c["_id"] for c in expected]


def test_character_list_sorts_by_several_fields(api, characters):
    expected = sorted(characters, key=lambda c: binary(c["name"]), reverse=True)
    expected = sorted(expected, key=lambda c: binary(c["race"]))

    body = api.json("/v2/character?sort=race:asc,name:desc")

    assert [c["_id"] for c in body["docs"]] == [c["_id"] for c in expected]


def test_character_list_filters_sorts_and_pages_together(api, characters):
    hobbits = sorted((c for c in characters if c["race"] == "Hobbit"), key=lambda c: binary(c["name"]))

    body = api.json("/v2/character?race=Hobbit&sort=name:asc&limit=5&page=2")

    assert body == {
        "docs": hobbits[5:10],
        "total": len(hobbits),
        "limit": 5,
        "page": 2,
        "pages": max(1, math.ceil(len(hobbits) / 5)),
    }


def test_character_list_runs_two_queries_whatever_the_page_size(api, django_assert_max_num_queries):
    for limit in (1, 100, 1000):
        with django_assert_max_num_queries(2):
            api.json(f"/v2/character?race=Hobbit,Human&sort=name:asc&limit={limit}")


def test_character_list_takes_access_token_as_a_token_not_a_filter(api, characters, signed_in):
    token = signed_in()["access_token"]

    body = api.json(f"/v2/character?name=/an/i&access_token={token}")

    assert body["docs"] == [c for c in characters if "an" in c["name"].lower()]
