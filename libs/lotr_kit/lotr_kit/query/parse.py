"""The One API query language: filters, sort and pagination parsed and validated.

Follows The One API's query language (docs/compatibility.md) with the project's decisions: every
well-formed request means what it means on the original, every malformed one is a
400 naming the problem instead of the original's 500 or odd 200.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .resources import NUMBER, OBJECT_ID, Resource
from .resources import Field as ResourceField

DEFAULT_LIMIT = 1000
MAX_REGEX_LENGTH = 200
# page and offset beyond this are no use and cannot be written as JSON numbers by every client.
MAX_POSITION = 2**53 - 1

# Parameters that are never filters. `access_token` carries a token (spec decisions table).
PAGINATION_PARAMS = ("limit", "page", "offset")
RESERVED_PARAMS = frozenset({*PAGINATION_PARAMS, "sort", "access_token"})
# The original's parser reads these too; this project refuses them (decisions table).
UNSUPPORTED_PARAMS = {
    "filter": "raw MongoDB filters are not supported; use the filter language (name=Gandalf, race=Hobbit,Human, ...)",
    "select": "field selection is not supported; every document carries all of its fields",
    "populate": "populate is not supported",
    "skip": "use offset=<n> to skip documents",
}

# prefix "!", field name, then the rest: an operator and its value, or nothing.
_CLAUSE = re.compile(r"(?P<negate>!?)(?P<field>[^<>!=]+)(?P<rest>.*)", re.DOTALL)
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")  # longest first
_COMPARISONS = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_CASTER = re.compile(r"(?P<name>string|date)\((?P<value>.*)\)", re.DOTALL)
_REGEX = re.compile(r"/(?P<pattern>.*)/(?P<flags>i?)", re.DOTALL)
# JavaScript Number() forms the original accepts, minus "0" followed by a digit, which it
# reads as a date instead.
_NUMBER = re.compile(r"[+-]?(?:(?:[1-9]\d*|0)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|[+-]?Infinity")
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_UNSIGNED = re.compile(r"\d+")


class QueryError(Exception):
    """A malformed query: answered 400 with `message` and per-parameter `errors`."""

    def __init__(self, message: str, *, param: str | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.param = param
        self.extra = extra


@dataclass(frozen=True)
class Regex:
    pattern: str
    ignore_case: bool
    param: str  # the query parameter that carried it, for error messages


@dataclass
class Clause:
    field: ResourceField
    op: str  # "eq", "ne", "lt", "lte", "gt", "gte", "exists", "missing"
    values: list[Any] = field(default_factory=list)  # for eq/ne: the alternatives (OR)
    value: Any = None  # for comparisons


@dataclass(frozen=True)
class Window:
    """Which slice of the results to return and which envelope keys say so: `offset` and no
    `page`/`pages` with an offset, `page` and `pages` with a page, all three by default."""

    limit: int
    page: int | None
    offset: int | None
    capped: bool = False

    @property
    def mode(self) -> str:
        if self.offset is not None:
            return "offset"
        if self.page is not None:
            return "page"
        return "default"

    @property
    def skip(self) -> int:
        if self.offset is not None:
            return self.offset
        return ((self.page or 1) - 1) * self.limit

    def envelope(self, docs: list, total: int) -> dict[str, Any]:
        body: dict[str, Any] = {"docs": docs, "total": total, "limit": self.limit}
        pages = max(1, math.ceil(total / self.limit))
        if self.mode == "default":
            body.update(offset=0, page=1, pages=pages)
        elif self.mode == "page":
            body.update(page=self.page, pages=pages)
        else:
            body.update(offset=self.offset)
        return body


@dataclass
class Query:
    clauses: list[Clause]
    sort: list[tuple[ResourceField, bool]]  # (field, descending), most significant first
    window: Window

    @property
    def regexes(self) -> list[Regex]:
        return [v for c in self.clauses for v in c.values if isinstance(v, Regex)]


def parse_query(params, resource: Resource, *, max_limit: int, filters: bool = True) -> Query:
    """Parse a request's QueryDict against `resource`; raise QueryError for bad input.

    With `filters=False` (single-item routes) filter parameters are ignored, unread, as the
    original ignores them there (`/v2/character/{id}?foo=bar` is that character).
    """
    refuse_nul(params)
    window = parse_window(params, max_limit=max_limit)
    sort = parse_sort(params, resource)
    clauses = parse_filters(params, resource) if filters else []
    return Query(clauses=clauses, sort=sort, window=window)


def parse_window(params, *, max_limit: int) -> Window:
    limit = _single(params, "limit")
    offset = _single(params, "offset")
    # With an offset, page is ignored whatever its value, as the original does:
    # real SDKs send page=0&offset=0 on every list.
    page = _single(params, "page") if offset is None else None
    capped = False
    if limit is None:
        limit_value = min(DEFAULT_LIMIT, max_limit)
    else:
        limit_value = _positive_int("limit", limit, minimum=1, maximum=None)  # capped below, not refused
        if limit_value > max_limit:
            limit_value, capped = max_limit, True
    page_value = None if page is None else _positive_int("page", page, minimum=1)
    offset_value = None if offset is None else _positive_int("offset", offset, minimum=0)
    return Window(limit=limit_value, page=page_value, offset=offset_value, capped=capped)


def parse_sort(params, resource: Resource) -> list[tuple[ResourceField, bool]]:
    """`field:asc` (any case) ascends; any other direction, or none, descends, as in the
    original (real SDKs send `field:des`). Several fields, comma-separated, are an extension."""
    raw = _single(params, "sort")
    if raw is None:
        return []
    ordering = []
    for part in raw.split(","):
        if part == "":
            continue  # a stray comma (name:asc,) adds nothing
        # As the original: the field, then the direction is the part after the first ':'.
        key, *rest = part.split(":")
        direction = rest[0] if rest else ""
        spec = resource.field(key)
        if spec is None:
            raise QueryError(
                f"Cannot sort by unknown field '{key}'. Valid fields: {', '.join(resource.keys)}.",
                param="sort",
                valid_fields=resource.keys,
            )
        # Nulls sort first ascending and last descending, as MongoDB orders them.
        ordering.append((spec, direction.lower() != "asc"))
    return ordering


def refuse_nul(params) -> None:
    for key, values in params.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            # No database stores NUL in text; PostgreSQL refuses it outright.
            raise QueryError(f"Parameter {key!r} contains a NUL character.", param=key)


def parse_filters(params, resource: Resource) -> list[Clause]:
    refuse_nul(params)  # also for the routes that parse only filters (random, internal)
    per_field: dict[str, dict[str, Clause]] = {}
    for key, values in params.lists():
        if key in RESERVED_PARAMS:
            continue
        if key in UNSUPPORTED_PARAMS:
            raise QueryError(f"Unsupported parameter '{key}': {UNSUPPORTED_PARAMS[key]}.", param=key)
        clauses = [_parse_clause(key, value, resource) for value in values]
        if len(clauses) > 1 and clauses[0].op in ("eq", "ne"):
            # A repeated key (name=Gandalf&name=Gimli) is one list, as the original's array.
            merged = clauses[0]
            for extra in clauses[1:]:
                merged.values.extend(extra.values)
            clauses = [merged]
        for clause in clauses:
            ops = per_field.setdefault(clause.field.key, {})
            if clause.op == "eq":
                ops.clear()  # a later equals replaces earlier operators on the field, as in the original
            ops[clause.op] = clause  # the same operator twice keeps the last one
    return [clause for ops in per_field.values() for clause in ops.values()]


def _parse_clause(key: str, value: str, resource: Resource) -> Clause:
    # The original rebuilds "key=value" (or "key" when the value is empty) and re-parses it,
    # so "a>=5" (key "a>", value "5") and "a<5" (key "a<5", no value) both work.
    text = f"{key}={value}" if value != "" else key
    match = _CLAUSE.fullmatch(text)
    if match is None:
        raise QueryError(f"Malformed filter '{text}': expected <field><operator><value>.", param=key)
    name, rest, negate = match["field"], match["rest"], match["negate"] == "!"
    spec = resource.field(name)
    if spec is None:
        raise QueryError(
            f"Unknown field '{name}' in filter '{text}'. Valid fields: {', '.join(resource.keys)}.",
            param=key,
            valid_fields=resource.keys,
        )
    if rest == "":
        return Clause(spec, "missing" if negate else "exists")
    operator = next((op for op in _OPERATORS if rest.startswith(op)), None)
    if operator is None:
        raise QueryError(
            f"Malformed filter '{text}': after '{name}' expected one of =, !=, <, <=, >, >=.",
            param=key,
        )
    if negate:
        raise QueryError(
            f"Malformed filter '{text}': a leading '!' means 'has no value' and takes no operator; "
            f"use {name}!=<value> to exclude a value.",
            param=key,
        )
    raw = rest[len(operator) :]
    if operator == "=" and raw == "":
        return Clause(spec, "exists")  # a key spelled "name=" with no value, as in "name="
    if operator in ("=", "!="):
        if raw == "" and operator == "!=":
            raise QueryError(f"Malformed filter '{text}': '!=' needs a value.", param=key)
        values = _cast_alternatives(spec, raw, text, key)
        return Clause(spec, "eq" if operator == "=" else "ne", values=values)
    if raw == "":
        raise QueryError(f"Malformed filter '{text}': '{operator}' needs a value.", param=key)
    caster = _CASTER.fullmatch(raw)
    if caster is None and ("," in raw or _REGEX.fullmatch(raw) or raw == "null"):
        raise QueryError(
            f"Invalid filter '{text}': '{operator}' compares with one value, not a list, a regex or null.",
            param=key,
        )
    return Clause(spec, _COMPARISONS[operator], value=_cast_one(spec, raw, text, key))


def _cast_alternatives(spec: ResourceField, raw: str, text: str, key: str) -> list[Any]:
    if _CASTER.fullmatch(raw) is None and "," in raw:
        return [_cast_one(spec, part, text, key) for part in raw.split(",")]
    return [_cast_one(spec, raw, text, key)]


def _cast_one(spec: ResourceField, raw: str, text: str, key: str) -> Any:
    caster = _CASTER.fullmatch(raw)
    if caster is not None:
        if caster["name"] == "date":
            raise QueryError(f"Invalid filter '{text}': date(...) values are not supported here.", param=key)
        return _cast_typed(spec, caster["value"], text, key, literal=True)
    regex = _REGEX.fullmatch(raw)
    if regex is not None:
        return _regex(spec, regex["pattern"], regex["flags"] == "i", text, key)
    if raw == "null":
        return None
    return _cast_typed(spec, raw, text, key, literal=False)


def _cast_typed(spec: ResourceField, raw: str, text: str, key: str, *, literal: bool) -> Any:
    if spec.type == NUMBER:
        if not literal and raw in ("true", "false"):
            return 1.0 if raw == "true" else 0.0  # booleans cast to numbers, as mongoose does
        if not _NUMBER.fullmatch(raw):
            raise QueryError(f"Invalid filter '{text}': '{spec.key}' is a number and '{raw}' is not.", param=key)
        # Infinity compares as in the original (runtimeInMinutes<Infinity is every movie);
        # a decimal too large for a double becomes infinite in JavaScript too.
        # Numbers are doubles, as in JavaScript: a long hex value is a large double, not an int.
        return float(int(raw, 16)) if raw[:2].lower() == "0x" else float(raw)
    if spec.type == OBJECT_ID:
        if not _OBJECT_ID.fullmatch(raw):
            raise QueryError(
                f"Invalid filter '{text}': '{spec.key}' takes 24-hex ids and '{raw}' is not one.", param=key
            )
        return raw.lower()
    return raw


def _regex(spec: ResourceField, pattern: str, ignore_case: bool, text: str, key: str) -> Regex:
    if spec.type != "string":
        raise QueryError(f"Invalid filter '{text}': '{spec.key}' is not text, so it cannot match a regex.", param=key)
    if len(pattern) > MAX_REGEX_LENGTH:
        raise QueryError(
            f"Invalid filter: regex for '{spec.key}' is {len(pattern)} characters; the limit is {MAX_REGEX_LENGTH}.",
            param=key,
        )
    try:
        re.compile(pattern)
    except re.error as error:
        raise QueryError(f"Invalid regex /{pattern}/ for '{spec.key}': {error}.", param=key) from None
    return Regex(pattern, ignore_case, key)


def _single(params, name: str) -> str | None:
    """One value of a reserved parameter; empty means absent, as in the original."""
    values = params.getlist(name)
    if len(values) > 1:
        raise QueryError(f"Parameter '{name}' was given {len(values)} times; give it once.", param=name)
    if not values or values[0] == "":
        return None
    return values[0]


def _positive_int(name: str, raw: str, *, minimum: int, maximum: int | None = MAX_POSITION) -> int:
    if not _UNSIGNED.fullmatch(raw) or int(raw) < minimum:
        kind = "a positive integer" if minimum == 1 else "an integer of 0 or more"
        raise QueryError(f"Invalid {name} '{raw}': it must be {kind}.", param=name)
    if maximum is not None and int(raw) > maximum:
        raise QueryError(f"Invalid {name} '{raw}': it must be at most {maximum}.", param=name)
    return int(raw)
