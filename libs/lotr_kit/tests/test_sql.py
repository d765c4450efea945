"""The SQL the filter language compiles to, as snapshots: PostgreSQL's (the reference dialect),
and SQLite's where the two differ (regexes). No statement is run."""

import pytest
from django.db import connections
from django.http import QueryDict

from lotr_kit.query import parse_query, sql
from lotr_kit.query.resources import NUMBER, OBJECT_ID, STRING, Field, Resource

CHARACTER = Resource(
    "character",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("name", "name", STRING, nullable=False),
        Field("race", "race"),
        Field("height", "height", NUMBER),
    ),
)
TABLE = sql.ResourceTable(
    '"characters"',
    {name: f'"characters"."{column}"' for name, column in [("id", "id"), ("name", "name"), ("race", "race"),
                                                          ("height", "height"), ("position", "position")]},
    '"characters"."id", "characters"."name", "characters"."race", "characters"."height"',
)  # fmt: skip


def compiled(query_string: str) -> tuple[str, list]:
    return sql.condition(parse_query(QueryDict(query_string), CHARACTER, max_limit=1000), TABLE)


@pytest.mark.parametrize(
    ("query_string", "where", "params"),
    [
        pytest.param("", "", [], id="no-filter"),
        pytest.param("name=Gandalf", '("characters"."name" = %s)', ["Gandalf"], id="equals"),
        pytest.param("race=Hobbit,Human", '("characters"."race" IN (%s, %s))', ["Hobbit", "Human"], id="in"),
        pytest.param(
            "race!=Orc", 'NOT COALESCE(("characters"."race" = %s), FALSE)', ["Orc"], id="not-equal-keeps-nulls"
        ),
        pytest.param(
            "race=Elf,null", '("characters"."race" = %s OR "characters"."race" IS NULL)', ["Elf"], id="in-or-null"
        ),
        pytest.param("race", '"characters"."race" IS NOT NULL', [], id="exists"),
        pytest.param("!race", '"characters"."race" IS NULL', [], id="missing"),
        pytest.param("height>=1.5", '"characters"."height" >= %s', [1.5], id="comparison"),
        pytest.param(
            "name=/^gand/i",
            '(("characters"."name" COLLATE "und-x-icu") ~* %s)',
            ["^gand"],
            id="regex-ignoring-case-under-icu",
        ),
        pytest.param("name=/\\bOin\\b/", '("characters"."name" ~ %s)', ["\\yOin\\y"], id="regex-word-boundary"),
        pytest.param(
            "race=Maiar&name!=/a/",
            '("characters"."race" = %s) AND NOT COALESCE(("characters"."name" ~ %s), FALSE)',
            ["Maiar", "a"],
            id="and-of-clauses",
        ),
    ],
)
def test_filters_compile_to_one_parameterised_condition_on_postgresql(query_string, where, params):
    assert compiled(query_string) == (where, params)


@pytest.mark.parametrize(
    ("query_string", "where", "params"),
    [
        pytest.param("name=/^gand/i", '("characters"."name" REGEXP %s)', ["(?i)^gand"], id="ignore-case-inline"),
        pytest.param("name=/\\bOin/", '("characters"."name" REGEXP %s)', ["\\bOin"], id="python-syntax-kept"),
    ],
)
def test_regexes_on_sqlite_use_python_syntax(monkeypatch, query_string, where, params):
    monkeypatch.setattr(sql, "connection", connections["sqlite"])

    assert compiled(query_string) == (where, params)


@pytest.mark.parametrize(
    ("query_string", "order"),
    [
        pytest.param("", '"characters"."position" ASC', id="natural-order"),
        pytest.param(
            "sort=name:asc", '"characters"."name" ASC NULLS FIRST, "characters"."position" ASC', id="asc-nulls-first"
        ),
        pytest.param(
            "sort=race:desc,name:asc",
            '"characters"."race" DESC NULLS LAST, "characters"."name" ASC NULLS FIRST, "characters"."position" ASC',
            id="several-then-natural-order",
        ),
    ],
)
def test_sort_compiles_to_mongodb_order_with_ties_in_natural_order(query_string, order):
    query = parse_query(QueryDict(query_string), CHARACTER, max_limit=1000)

    assert sql.order_by(query, TABLE) == order
