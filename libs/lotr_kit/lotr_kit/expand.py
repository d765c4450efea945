"""`expand=`: ids of other resources replaced by their documents, and the parameters a route
reads itself rather than through the filter language.

A view lists what it can expand (`expandable`) and fetches the documents behind a page's ids
in one call per key (`expansion`); without `expand` its answer is untouched, byte for byte.
"""

import re
from collections.abc import Callable

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter

from .query import QueryError

EXPAND = "expand"
# The field a filter parameter is on: "!name", "name!" (name!=x), "name<5", "name" all say "name".
_FIELD = re.compile(r"!?(?P<field>[^<>!=]+)")


def parse_expand(params, valid: tuple[str, ...]) -> tuple[str, ...]:
    """The keys `expand` asks for, in the order given, each once; a 400 for any other."""
    names: list[str] = []
    for value in params.getlist(EXPAND):
        for name in value.split(","):
            if name and name not in names:
                names.append(name)
    for name in names:
        if name not in valid:
            hint = f"Valid values: {', '.join(valid)}." if valid else "Nothing can be expanded on this path."
            raise QueryError(f"Unknown expand value '{name}'. {hint}", param=EXPAND, valid_values=list(valid))
    return tuple(names)


def expand_parameter(valid: tuple[str, ...], *, what: str = "") -> OpenApiParameter:
    """The OpenAPI description of `expand` on a path that can expand `valid`."""
    listed = ", ".join(f"`{name}`" for name in valid)
    names = "|".join(re.escape(name) for name in valid)
    return OpenApiParameter(
        EXPAND,
        str,
        pattern=f"^({names})(,({names}))*$",
        description=(
            f"Comma-separated keys among {listed} (`expand={','.join(valid)}`): each id under those keys "
            f"becomes the whole document it names{what} (null when there is none). Any other value is a 400; "
            "without `expand` the answer is unchanged."
        ),
    )


def filter_field(key: str, value: str) -> str:
    """The field a filter parameter is on, read as the query language reads it."""
    text = f"{key}={value}" if value != "" else key
    match = _FIELD.match(text)
    return match["field"] if match else ""


def take_params(request, keep: Callable[[str, str], bool]) -> QueryDict:
    """Remove from the request's query the parameters `keep(key, value)` selects; return them.

    The generic views then parse only what belongs to the filter language."""
    taken, rest = QueryDict(mutable=True), QueryDict(mutable=True)
    for key, values in request.query_params.lists():
        for value in values:
            (taken if keep(key, value) else rest).appendlist(key, value)
    request._request.GET = rest  # DRF's request.query_params reads the Django request's GET
    return taken


class ExpandableMixin:
    """For a resource view (before it in the bases): `expand=a,b` replaces the ids under keys
    `a` and `b` of every document of the answer with the documents `expansion` returns (null
    for an id with none). The view's own answer, paging and errors are unchanged."""

    expandable: tuple[str, ...] = ()

    @property
    def extra_parameters(self):
        # Where nothing can be expanded, `expand` is not offered (any value is a 400 there).
        expand = [expand_parameter(self.expandable)] if self.expandable else []
        return [*expand, *getattr(self, "own_parameters", [])]

    def expansion(self, key: str, ids: list[str]) -> dict[str, dict]:
        """The documents behind `ids` (distinct, never empty) for `key`, in ONE call."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        keys = parse_expand(request.query_params, self.expandable)
        take_params(request, lambda key, value: key == EXPAND)
        response = super().get(request, *args, **kwargs)
        if keys and response.status_code == 200:
            # A ServiceUnavailable here is a 503 (lotr_kit/errors.py): never ids where objects were promised.
            body = response.data
            expand_documents(body.get("docs", [body]), keys, self.expansion)
        return response


def expand_documents(docs: list[dict], keys: tuple[str, ...], fetch: Callable[[str, list[str]], dict]) -> None:
    for key in keys:
        ids = list(dict.fromkeys(doc[key] for doc in docs if doc.get(key) is not None))
        found = fetch(key, ids) if ids else {}
        for doc in docs:
            if doc.get(key) is not None:
                doc[key] = found.get(doc[key])
