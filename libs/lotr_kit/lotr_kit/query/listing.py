"""Running a parsed query: a page with its total, a random match, the matching ids. Each runs
its regexes within LOTR_REGEX_TIMEOUT_MS and turns what the database says about a pattern
(too slow, or not valid in its dialect) into a 400 QueryError.
"""

import random
import time
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import DataError, OperationalError, connection, transaction
from django.db.models import QuerySet

from . import sql
from .parse import Query, QueryError
from .regex import regex_budget
from .resources import Resource


def paginate(query: Query, queryset: QuerySet | sql.Rows, resource: Resource) -> dict:
    """The envelope for `queryset` under `query`: the page and the total in one statement;
    a COUNT of its own only for a page past the end."""
    window = query.window
    with _regex_guard(query):
        # No table here is that long; a larger OFFSET would not fit the database's bigint.
        rows, total = sql.page_and_total(query, queryset, resource) if window.skip < 2**62 else ([], None)
        if total is None:
            total = 0 if window.skip == 0 else sql.count(query, queryset, resource)
    return window.envelope(resource.documents(rows), total)


@contextmanager
def _regex_guard(query: Query):
    """Run a query with regexes within LOTR_REGEX_TIMEOUT_MS (on PostgreSQL in a transaction of
    its own, for its statement_timeout); turn what the database says about a pattern (too slow,
    or not valid in its dialect) into a 400."""
    regexes = query.regexes
    if not regexes:
        yield
        return
    seconds = settings.LOTR_REGEX_TIMEOUT_MS / 1000
    deadline = time.monotonic() + seconds
    first = regexes[0]
    # PostgreSQL's limit is the statement_timeout of a transaction of the query's own (SET LOCAL).
    # SQLite's is the REGEXP function's budget, and a transaction there would take the database's
    # one write lock (IMMEDIATE: settings.SQLITE_OPTIONS), so every regex read would wait for
    # every other one and for any writer.
    postgresql = connection.vendor == "postgresql"
    try:
        with transaction.atomic() if postgresql else nullcontext(), regex_budget(seconds):
            if postgresql:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {int(settings.LOTR_REGEX_TIMEOUT_MS)}")
            yield
    except DataError as error:
        message = f"Invalid regex /{first.pattern}/: {str(error).splitlines()[0]}."
        raise QueryError(message, param=first.param) from None
    except OperationalError as error:
        if not (time.monotonic() >= deadline or _cancelled(error)):
            raise
        message = f"Regex /{first.pattern}/ took longer than {seconds:g} s to run; simplify it."
        raise QueryError(message, param=first.param) from None


def _cancelled(error: OperationalError) -> bool:
    return type(error.__cause__).__name__ == "QueryCanceled"  # psycopg's statement_timeout error


def random_row(queryset: QuerySet, resource: Resource) -> dict | None:
    """One row picked uniformly at random: a COUNT and one indexed OFFSET, not a full load."""
    total = queryset.count()
    if total == 0:
        return None
    rows = list(queryset.order_by(sql.NATURAL_ORDER).values_list(*resource.model_fields)[random.randrange(total) :][:1])
    return resource.documents(rows)[0] if rows else None


def random_match(query: Query, queryset: QuerySet | sql.Rows, resource: Resource) -> dict | None:
    """One row among the matches of `query`'s filters, at random, in one statement; None for none."""
    with _regex_guard(query):
        row = sql.random_one(query, queryset, resource)
    return resource.documents([row])[0] if row is not None else None


def matching_ids(query: Query, queryset: QuerySet | sql.Rows, resource: Resource) -> list[str]:
    """The ids of every match of `query`'s filters, in natural order (no paging)."""
    with _regex_guard(query):
        return sql.matching_ids(query, queryset, resource)
