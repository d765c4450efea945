"""The query engine: The One API's query language parsed (parse), the resources it reads
(resources), compiled to SQL (sql), and its regexes run within a budget (regex).

Running a query is `listing` (a page and its total, a random match, the matching ids).
The parser's names are importable from here: `from lotr_kit.query import parse_query`.
"""

from .parse import (
    DEFAULT_LIMIT,
    MAX_POSITION,
    MAX_REGEX_LENGTH,
    Clause,
    Query,
    QueryError,
    Regex,
    Window,
    parse_filters,
    parse_query,
    parse_sort,
    parse_window,
)

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_POSITION",
    "MAX_REGEX_LENGTH",
    "Clause",
    "Query",
    "QueryError",
    "Regex",
    "Window",
    "parse_filters",
    "parse_query",
    "parse_sort",
    "parse_window",
]
