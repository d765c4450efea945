"""Regular expressions of the filter language, run by the database within a time budget.

PostgreSQL runs them with its own engine, whose dialect differs from MongoDB's (PCRE) in a
few escapes: `\\b` there is a backspace and `\\y` the word boundary. SQLite has no engine
of its own: Django registers Python's `re`, which has no time limit, so one pathological
pattern could hold a worker for minutes. This module swaps in the `regex` package, whose
matcher takes a timeout, and gives every query a budget (LOTR_REGEX_TIMEOUT_MS).
"""

import contextvars
import time
from contextlib import contextmanager
from functools import lru_cache

import regex

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("regex_deadline", default=None)


class RegexTimeout(Exception):
    pass


@contextmanager
def regex_budget(seconds: float):
    """Queries run inside get `seconds` in all for their regex matching."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


# Characters that make a pattern more than a literal string (anchors at its ends aside).
_SYNTAX = frozenset(".^$*+?{}[]\\|()")


@lru_cache(maxsize=256)
def _matcher(pattern: str) -> tuple[regex.Pattern, bool]:
    """The compiled pattern, and whether a search with it needs the time limit.

    A literal string (most filters: /an/i, /^Gan/, /Baggins$/) is found in time linear in the
    value, so its search runs without `timeout`, whose bookkeeping costs more than the search:
    per character name, 2.1 µs with it and 0.7 µs without (docs/performance.md, "Fourth pass").
    Anything else (a class, a quantifier, a group, an escape) keeps the limit."""
    body = pattern.removeprefix("(?i)")
    body = body.removeprefix("^")
    body = body.removesuffix("$")
    return regex.compile(pattern), any(char in _SYNTAX for char in body)


def sqlite_regexp(pattern, value):
    """SQLite's REGEXP, as Django's, but bounded by the current query's budget."""
    if pattern is None or value is None:
        return None
    compiled, limited = _matcher(pattern)
    deadline = _deadline.get()
    remaining = None if deadline is None else deadline - time.monotonic()
    if remaining is not None and remaining <= 0:
        raise RegexTimeout
    if not limited:
        return compiled.search(str(value)) is not None
    try:
        return compiled.search(str(value), timeout=remaining) is not None
    except TimeoutError:
        raise RegexTimeout from None


def install_sqlite_regexp(sender, connection, **kwargs):
    """connection_created receiver: replace Django's REGEXP on every new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("regexp", 2, sqlite_regexp, deterministic=True)


def to_postgres(pattern: str) -> str:
    """The same pattern in PostgreSQL's dialect: word boundaries \\b and \\B become \\y and \\Y
    (outside bracket expressions, where \\b keeps meaning backspace in both)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if not in_class and nxt in "bB":
                out.append("\\y" if nxt == "b" else "\\Y")
            else:
                out.append(char + nxt)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            # A "]" first in the brackets (after an optional "^") is a literal, not the end.
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)
