"""The filter language compiled straight to SQL for the read paths.

The ORM spent more time building each list query than PostgreSQL spent running it
(bench/: about a third of a request), and needed a second round trip for the total. The
language is small and fixed, so its SQL is written here once: one statement returns the
page and the total, with every value passed as a parameter. A route reads a model's whole
table (its unfiltered QuerySet) or, with a condition of its own (a book's chapters, a user's
favorites), `Rows`, written here as well.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Model, QuerySet

from .parse import Clause, Query, Regex
from .regex import to_postgres
from .resources import Resource

# Every model keeps its CSV row number here: the "natural order" of the original's
# collection scan, used when no sort is given and to break ties under a sort.
NATURAL_ORDER = "position"
# Case-insensitive matching on PostgreSQL: the columns' "C" collation folds ASCII letters
# only (/^óin/i would miss "Óin"), so such regexes compare under ICU's root collation.
ICASE_COLLATION = "und-x-icu"
_COMPARISONS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


@dataclass(frozen=True)
class Rows:
    """A route's rows written as SQL: the model's table and a condition of the route's own,
    for the hot routes where building a QuerySet would cost more than the query."""

    model: type[Model]
    where: str
    params: tuple = ()

    @classmethod
    def field_equals(cls, model: type[Model], field_name: str, value) -> "Rows":
        """The rows whose `field_name` equals `value` (a parent's children)."""
        quote = connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field_name).column)}"
        return cls(model, f"{column} = %s", (value,))

    @classmethod
    def any_of(cls, model: type[Model], field_name: str, values, *, within: "Rows | None" = None) -> "Rows":
        """The rows whose `field_name` is one of `values` (none when empty), within `within`'s."""
        quote = connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field_name).column)}"
        values = tuple(values)
        where = f"{column} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0"
        if within is not None:
            return cls(model, f"({within.where}) AND {where}", (*within.params, *values))
        return cls(model, where, values)

    @classmethod
    def kept_by(cls, favorite_model: type[Model], item_field: str, user_id: str) -> "Rows":
        """The items a user keeps in `favorite_model` (whose `item_field` points at them)."""
        item = favorite_model._meta.get_field(item_field)
        return cls(item.related_model, _favorites_condition(favorite_model, item_field), (user_id,))


@cache
def _favorites_condition(favorite_model: type[Model], item_field: str) -> str:
    # A subquery on the favorites table, not a join, so a list still reads one table.
    quote = connection.ops.quote_name
    item = favorite_model._meta.get_field(item_field)
    table = quote(item.related_model._meta.db_table)
    pk = quote(item.related_model._meta.pk.column)
    favorites = quote(favorite_model._meta.db_table)
    user = quote(favorite_model._meta.get_field("user_id").column)
    return f"{table}.{pk} IN (SELECT {quote(item.column)} FROM {favorites} WHERE {user} = %s)"


@dataclass(frozen=True)
class ResourceTable:
    """A model's table and the quoted, qualified columns behind a resource's fields."""

    name: str
    columns: dict[str, str]  # model field name -> "table"."column"
    select: str  # the resource's columns, in declared order

    def column(self, field_name: str) -> str:
        return self.columns[field_name]


@cache
def table_for(model: type[Model], resource: Resource) -> ResourceTable:
    quote = connection.ops.quote_name
    name = quote(model._meta.db_table)
    columns = {f.name: f"{name}.{quote(f.column)}" for f in model._meta.concrete_fields}
    return ResourceTable(name, columns, ", ".join(columns[f.model_field] for f in resource.fields))


def base_condition(queryset: QuerySet | Rows) -> tuple[str, list]:
    """The route's own condition: that of its Rows, none for a whole table."""
    if isinstance(queryset, Rows):
        return queryset.where, list(queryset.params)
    if queryset.query.where:
        raise ValueError("a route with a condition of its own gives it as sql.Rows, not as a filtered QuerySet")
    return "", []


def condition(query: Query, table: ResourceTable) -> tuple[str, list]:
    """The filters of `query` as one SQL condition (empty when there are none)."""
    parts, params = [], []
    for clause in query.clauses:
        sql, clause_params = _clause(clause, table.column(clause.field.model_field))
        parts.append(sql)
        params.extend(clause_params)
    return " AND ".join(parts), params


def _clause(clause: Clause, column: str) -> tuple[str, list]:
    if clause.op == "exists":
        return f"{column} IS NOT NULL", []
    if clause.op == "missing":
        return f"{column} IS NULL", []
    if clause.op in _COMPARISONS:
        return f"{column} {_COMPARISONS[clause.op]} %s", [clause.value]
    # eq/ne: any of the alternatives matches. A null value matches only `null`, so under
    # negation a row whose value is null stays (MongoDB's $ne/$nin/$not).
    plain = [v for v in clause.values if v is not None and not isinstance(v, Regex)]
    parts, params = [], []
    if len(plain) == 1:
        parts.append(f"{column} = %s")
    elif plain:
        parts.append(f"{column} IN ({', '.join(['%s'] * len(plain))})")
    params.extend(plain)
    for value in clause.values:
        if isinstance(value, Regex):
            sql, param = _regex(column, value)
            parts.append(sql)
            params.append(param)
    if None in clause.values:
        parts.append(f"{column} IS NULL")
    matches = " OR ".join(parts)
    if clause.op == "eq":
        return f"({matches})", params
    return f"NOT COALESCE(({matches}), FALSE)", params


def _regex(column: str, value: Regex) -> tuple[str, str]:
    if connection.vendor == "postgresql":
        if value.ignore_case:
            return f'({column} COLLATE "{ICASE_COLLATION}") ~* %s', to_postgres(value.pattern)
        return f"{column} ~ %s", to_postgres(value.pattern)
    # SQLite: REGEXP is lotr_kit.query.regex.sqlite_regexp, Python's syntax with a time budget.
    return f"{column} REGEXP %s", f"(?i){value.pattern}" if value.ignore_case else value.pattern


def order_by(query: Query, table: ResourceTable) -> str:
    terms = [
        f"{table.column(f.model_field)} {'DESC NULLS LAST' if descending else 'ASC NULLS FIRST'}"
        for f, descending in query.sort
    ]
    return ", ".join([*terms, f"{table.column(NATURAL_ORDER)} ASC"])


def page_and_total(query: Query, queryset: QuerySet | Rows, resource: Resource) -> tuple[list[tuple], int | None]:
    """The page of rows `query` asks for, and the total of matches in the same statement.

    The total comes back as None when the page is empty (nothing to carry it); the caller
    counts then. Rows hold the resource's columns in declared order.
    """
    table = table_for(queryset.model, resource)
    where, params = _where(query, queryset, table)
    window = query.window
    sql = (
        f"SELECT {table.select}, (SELECT COUNT(*) FROM {table.name} WHERE {where}) "
        f"FROM {table.name} WHERE {where} ORDER BY {order_by(query, table)} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, window.limit, window.skip])
        rows = cursor.fetchall()
    if not rows:
        return [], None
    return [row[:-1] for row in rows], rows[0][-1]


def count(query: Query, queryset: QuerySet | Rows, resource: Resource) -> int:
    table = table_for(queryset.model, resource)
    where, params = _where(query, queryset, table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table.name} WHERE {where}", params)
        return cursor.fetchone()[0]


def one(queryset: QuerySet, resource: Resource, pk: str) -> tuple | None:
    """The row of `pk` in `queryset`, or None."""
    table = table_for(queryset.model, resource)
    base, params = base_condition(queryset)
    where = " AND ".join(filter(None, [base, f"{table.column(queryset.model._meta.pk.name)} = %s"]))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {table.select} FROM {table.name} WHERE {where}", [*params, pk])
        return cursor.fetchone()


def exists(model: type[Model], pk: str) -> bool:
    """Whether a row with this primary key exists: one indexed lookup, nothing compiled."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s", [pk])
        return cursor.fetchone() is not None


def _where(query: Query, queryset: QuerySet | Rows, table: ResourceTable) -> tuple[str, list]:
    base, base_params = base_condition(queryset)
    filters, filter_params = condition(query, table)
    parts = [f"({part})" for part in (base, filters) if part]
    return " AND ".join(parts) or "1 = 1", [*base_params, *filter_params]


def random_one(query: Query, queryset: QuerySet | Rows, resource: Resource) -> tuple | None:
    """One row among the matches of `query`, picked uniformly at random, in ONE statement: the
    count of matches, a random offset below it and the row there, none of the others loaded."""
    table = table_for(queryset.model, resource)
    where, params = _where(query, queryset, table)
    # A float in [0, 1): PostgreSQL's random() is one; SQLite's is a signed 64-bit integer.
    random = "random()" if connection.vendor == "postgresql" else "(random() / 18446744073709551616.0 + 0.5)"
    sql = (
        f"SELECT {table.select} FROM {table.name} WHERE {where} ORDER BY {table.column(NATURAL_ORDER)} "
        f"LIMIT 1 OFFSET (SELECT CAST(floor({random} * COUNT(*)) AS integer) FROM {table.name} WHERE {where})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return cursor.fetchone()


def matching_ids(query: Query, queryset: QuerySet | Rows, resource: Resource) -> list[str]:
    """The primary keys of every match of `query`, in natural order."""
    table = table_for(queryset.model, resource)
    where, params = _where(query, queryset, table)
    pk = table.column(queryset.model._meta.pk.name)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk} FROM {table.name} WHERE {where} ORDER BY {table.column(NATURAL_ORDER)}", params)
        return [row[0] for row in cursor.fetchall()]
