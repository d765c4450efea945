"""The parser, case by case: The One API's filter forms, casting, merging, sort and envelope
keys as the original reads them, and this project's 400s (docs/compatibility.md)."""

import math

import pytest
from django.http import QueryDict

from lotr_kit.query import QueryError, Regex, parse_query
from lotr_kit.query.resources import NUMBER, OBJECT_ID, STRING, Field, Resource

CHARACTER = Resource(
    "character",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("name", "name", STRING, nullable=False),
        Field("race", "race"),
        Field("realm", "realm"),
        Field("height", "height"),
    ),
)
MOVIE = Resource(
    "movie",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("name", "name", STRING, nullable=False),
        Field("runtimeInMinutes", "runtime_in_minutes", NUMBER),
        Field("academyAwardWins", "academy_award_wins", NUMBER),
    ),
)
GANDALF = "5cd99d4bde30eff6ebccfea0"


def parsed(query_string: str, resource: Resource = CHARACTER, *, max_limit: int = 10000):
    return parse_query(QueryDict(query_string), resource, max_limit=max_limit)


def clauses(query_string: str, resource: Resource = CHARACTER) -> list[tuple]:
    """Each clause as (key, op, values or value), in the parser's order."""
    return [
        (c.field.key, c.op, c.values if c.op in ("eq", "ne") else c.value)
        for c in parsed(query_string, resource).clauses
    ]


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        pytest.param("name=Gandalf", [("name", "eq", ["Gandalf"])], id="equals"),
        pytest.param("name!=Frodo%20Baggins", [("name", "ne", ["Frodo Baggins"])], id="not-equal"),
        pytest.param("race=Hobbit,Human", [("race", "eq", ["Hobbit", "Human"])], id="list-is-in"),
        pytest.param("race!=Orc,Goblin", [("race", "ne", ["Orc", "Goblin"])], id="list-is-not-in"),
        pytest.param("race=a,%20b", [("race", "eq", ["a", " b"])], id="list-parts-keep-spaces"),
        pytest.param("name", [("name", "exists", None)], id="bare-field-exists"),
        pytest.param("name=", [("name", "exists", None)], id="empty-value-exists"),
        pytest.param("!name", [("name", "missing", None)], id="bang-field-is-null"),
        pytest.param("height=null", [("height", "eq", [None])], id="null"),
        pytest.param("height!=null", [("height", "ne", [None])], id="not-null"),
        pytest.param(
            "realm=string(Reunited%20Kingdom,Arnor,Gondor)",
            [("realm", "eq", ["Reunited Kingdom,Arnor,Gondor"])],
            id="string-caster-keeps-commas",
        ),
        pytest.param("name=true", [("name", "eq", ["true"])], id="true-on-text-is-text"),
        pytest.param("name=The+Two+Towers", [("name", "eq", ["The Two Towers"])], id="plus-is-a-space"),
        pytest.param(
            f"_id={GANDALF.upper()},5cd99d4bde30eff6ebccfc15",
            [("_id", "eq", [GANDALF, "5cd99d4bde30eff6ebccfc15"])],
            id="ids-lower-cased",
        ),
        pytest.param("name=Gandalf&name=Gimli", [("name", "eq", ["Gandalf", "Gimli"])], id="repeated-key-is-one-list"),
        pytest.param("name!=Frodo&name=Gandalf", [("name", "eq", ["Gandalf"])], id="later-equals-replaces"),
        pytest.param("race=Maiar&name=Gandalf", [("race", "eq", ["Maiar"]), ("name", "eq", ["Gandalf"])], id="and"),
        pytest.param("access_token=abc&limit=2", [], id="reserved-params-are-no-filters"),
    ],
)
def test_filters_on_text_and_ids(query_string, expected):
    assert clauses(query_string) == expected


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        pytest.param("runtimeInMinutes>=160", [("runtimeInMinutes", "gte", 160.0)], id="gte-reassembled"),
        pytest.param("runtimeInMinutes%3E%3D160", [("runtimeInMinutes", "gte", 160.0)], id="percent-encoded"),
        pytest.param("runtimeInMinutes<170", [("runtimeInMinutes", "lt", 170.0)], id="lt-in-the-key"),
        pytest.param("academyAwardWins>0", [("academyAwardWins", "gt", 0.0)], id="gt"),
        pytest.param("runtimeInMinutes<=170", [("runtimeInMinutes", "lte", 170.0)], id="lte"),
        pytest.param(
            "runtimeInMinutes>=160&runtimeInMinutes<=180",
            [("runtimeInMinutes", "gte", 160.0), ("runtimeInMinutes", "lte", 180.0)],
            id="range",
        ),
        pytest.param(
            "runtimeInMinutes>100&runtimeInMinutes>200", [("runtimeInMinutes", "gt", 200.0)], id="same-op-keeps-last"
        ),
        pytest.param("academyAwardWins=0,11", [("academyAwardWins", "eq", [0.0, 11.0])], id="numbers-in"),
        pytest.param("academyAwardWins=1e3", [("academyAwardWins", "eq", [1000.0])], id="exponent"),
        pytest.param("academyAwardWins=0x10", [("academyAwardWins", "eq", [16.0])], id="hex"),
        pytest.param("academyAwardWins=.5", [("academyAwardWins", "eq", [0.5])], id="leading-dot"),
        pytest.param("academyAwardWins=true", [("academyAwardWins", "eq", [1.0])], id="boolean-as-number"),
        pytest.param("runtimeInMinutes<Infinity", [("runtimeInMinutes", "lt", math.inf)], id="infinity"),
    ],
)
def test_filters_on_numbers(query_string, expected):
    assert clauses(query_string, MOVIE) == expected


def test_a_regex_keeps_its_pattern_flag_and_parameter():
    (clause,) = parsed("name=/^gand/i").clauses

    assert clause.values == [Regex("^gand", True, "name")]


def test_only_the_i_flag_makes_a_regex():
    assert clauses("name=/gandalf/g") == [("name", "eq", ["/gandalf/g"])]


@pytest.mark.parametrize(
    ("query_string", "param", "message"),
    [
        pytest.param("foo=bar", "foo", "Unknown field 'foo' in filter 'foo=bar'. Valid fields: ", id="unknown-field"),
        pytest.param("Name=Gandalf", "Name", "Unknown field 'Name'", id="field-names-are-case-sensitive"),
        pytest.param("filter=%7B%7D", "filter", "Unsupported parameter 'filter'", id="raw-filter"),
        pytest.param("select=name", "select", "Unsupported parameter 'select'", id="select"),
        pytest.param("skip=2", "skip", "Unsupported parameter 'skip'", id="skip"),
        pytest.param("_id=notanid", "_id", "Invalid filter '_id=notanid': '_id' takes 24-hex ids", id="bad-id"),
        pytest.param("name>=/a/", "name>", "compares with one value, not a list, a regex or null", id="regex-compared"),
        pytest.param("name=/(/", "name", "Invalid regex /(/ for 'name'", id="invalid-regex"),
        pytest.param("name=/" + "a" * 201 + "/", "name", "is 201 characters; the limit is 200", id="long-regex"),
        pytest.param("!name=Gandalf", "!name", "a leading '!' means 'has no value'", id="bang-with-operator"),
        pytest.param("name!=", "name!", "after 'name' expected one of =, !=", id="not-equal-nothing"),
        pytest.param("name=date(2020-01-01)", "name", "date(...) values are not supported", id="date-caster"),
        pytest.param("name=a%00", "name", "contains a NUL character", id="nul"),
        pytest.param("sort=foo:asc", "sort", "Cannot sort by unknown field 'foo'", id="sort-unknown-field"),
        pytest.param("limit=0", "limit", "Invalid limit '0': it must be a positive integer.", id="limit-zero"),
        pytest.param("limit=2.7", "limit", "Invalid limit '2.7'", id="limit-decimal"),
        pytest.param("page=0", "page", "Invalid page '0': it must be a positive integer.", id="page-zero"),
        pytest.param(
            "offset=-1", "offset", "Invalid offset '-1': it must be an integer of 0 or more.", id="offset-neg"
        ),
        pytest.param("limit=1&limit=2", "limit", "Parameter 'limit' was given 2 times; give it once.", id="twice"),
        pytest.param(f"page={2**53}", "page", "it must be at most 9007199254740991", id="page-too-far"),
    ],
)
def test_malformed_queries_are_refused_naming_the_parameter(query_string, param, message):
    with pytest.raises(QueryError) as refused:
        parsed(query_string)

    assert refused.value.param == param
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        pytest.param("academyAwardWins>abc", "'academyAwardWins' is a number and 'abc' is not.", id="uncastable"),
        pytest.param("runtimeInMinutes=/1/", "'runtimeInMinutes' is not text", id="regex-on-number"),
        pytest.param("academyAwardWins=00", "'academyAwardWins' is a number and '00' is not.", id="leading-zero"),
    ],
)
def test_number_fields_refuse_what_is_not_a_number(query_string, expected):
    with pytest.raises(QueryError, match="Invalid filter") as refused:
        parsed(query_string, MOVIE)

    assert expected in refused.value.message


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        pytest.param("sort=name:asc", [("name", False)], id="asc"),
        pytest.param("sort=name:desc", [("name", True)], id="desc"),
        pytest.param("sort=name", [("name", True)], id="no-direction-descends"),
        pytest.param("sort=name:des", [("name", True)], id="any-other-direction-descends"),
        pytest.param("sort=name:ASC", [("name", False)], id="asc-in-any-case"),
        pytest.param("sort=race:asc,name:desc", [("race", False), ("name", True)], id="several-fields"),
        pytest.param("sort=name:asc,", [("name", False)], id="stray-comma"),
        pytest.param("sort=", [], id="empty-is-none"),
    ],
)
def test_sort(query_string, expected):
    assert [(f.key, descending) for f, descending in parsed(query_string).sort] == expected


@pytest.mark.parametrize(
    ("query_string", "total", "envelope"),
    [
        pytest.param("", 933, {"total": 933, "limit": 1000, "offset": 0, "page": 1, "pages": 1}, id="default"),
        pytest.param("page=3", 2383, {"total": 2383, "limit": 1000, "page": 3, "pages": 3}, id="page"),
        pytest.param("limit=10&page=2", 933, {"total": 933, "limit": 10, "page": 2, "pages": 94}, id="limit-page"),
        pytest.param("limit=10&offset=5", 933, {"total": 933, "limit": 10, "offset": 5}, id="offset"),
        pytest.param("page=2&offset=5&limit=10", 933, {"total": 933, "limit": 10, "offset": 5}, id="offset-wins"),
        pytest.param("page=0&offset=0", 3, {"total": 3, "limit": 1000, "offset": 0}, id="sdk-page-zero-with-offset"),
        pytest.param("page=&limit=", 3, {"total": 3, "limit": 1000, "offset": 0, "page": 1, "pages": 1}, id="empty"),
        pytest.param("limit=20000", 3, {"total": 3, "limit": 10000, "offset": 0, "page": 1, "pages": 1}, id="capped"),
    ],
)
def test_envelope_keys_follow_the_window(query_string, total, envelope):
    window = parsed(query_string).window

    body = window.envelope([], total)

    assert list(body) == ["docs", *envelope]
    assert body == {"docs": [], **envelope}


def test_the_window_skips_pages_and_offsets():
    assert [parsed(q).window.skip for q in ("", "page=3&limit=10", "offset=7", "page=9&offset=7")] == [0, 20, 7, 7]
    assert parsed("limit=20000").window.capped


def test_single_item_routes_ignore_filters():
    query = parse_query(QueryDict("foo=bar&limit=1"), CHARACTER, max_limit=10000, filters=False)

    assert (query.clauses, query.window.limit) == ([], 1)
