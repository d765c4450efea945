"""OpenAPI for the generic resource APIs, generated from the same Resource declarations."""

from enum import StrEnum
from functools import cache

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema_field, inline_serializer
from rest_framework import serializers

from .query import MAX_POSITION
from .query.resources import NUMBER, OBJECT_ID, Resource


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
)
class ErrorDetailField(serializers.Field):
    """One parameter's problem: a sentence (query language) or a list of them (request bodies)."""


ERROR = inline_serializer(
    "Error",
    {
        "success": serializers.BooleanField(),
        "message": serializers.CharField(),
        "errors": serializers.DictField(
            child=ErrorDetailField(), required=False, help_text="The problem per parameter or body field."
        ),
        "valid_fields": serializers.ListField(child=serializers.CharField(), required=False),
    },
)

# The original's random-quote 404: a bare {"message": ...}, no `success` key.
NOTHING_FOUND = inline_serializer("NothingFound", {"message": serializers.CharField()})

_TYPES = {NUMBER: "number", OBJECT_ID: "24-hex id"}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": "^[0-9a-f]{24}$"},
            {"type": "object", "description": "The document the id names, with `expand`."},
        ]
    }
)
class ReferenceField(serializers.Field):
    """Schema only: a reference to another resource, as an id or, expanded, as its document."""


@cache
def document_serializer(resource: Resource, name: str):
    fields = {}
    for spec in resource.fields:
        if spec.type == NUMBER:
            fields[spec.key] = serializers.FloatField(allow_null=spec.nullable, help_text=spec.description)
        elif spec.type == OBJECT_ID and spec.key != "_id":
            # A reference (book, movie, character): its id, or with `expand` its whole document.
            fields[spec.key] = ReferenceField(allow_null=spec.nullable, help_text=spec.description)
        elif spec.type == OBJECT_ID:
            fields[spec.key] = serializers.RegexField(
                r"^[0-9a-f]{24}$", allow_null=spec.nullable, help_text=spec.description
            )
        else:
            fields[spec.key] = serializers.CharField(allow_null=spec.nullable, help_text=spec.description)
    if resource.id_alias:
        fields["id"] = serializers.RegexField(r"^[0-9a-f]{24}$", help_text="Same as `_id`.")
    return inline_serializer(name, fields)


@cache
def envelope_serializer(resource: Resource, name: str):
    return inline_serializer(
        f"{name}List",
        {
            "docs": serializers.ListField(child=document_serializer(resource, name)),
            "total": serializers.IntegerField(help_text="Documents matching the filters."),
            "limit": serializers.IntegerField(),
            "offset": serializers.IntegerField(required=False, help_text="Absent when `page` was given."),
            "page": serializers.IntegerField(required=False, help_text="Absent when `offset` was given."),
            "pages": serializers.IntegerField(required=False, help_text="Absent when `offset` was given."),
        },
    )


# The values each parameter takes, as JSON Schema patterns (ECMA dialect), so that a schema-valid
# request is one the query language accepts and an invalid one is a 400 (checked by schemathesis).
_NUMBER_VALUE = r"[+-]?(?:(?:[1-9][0-9]*|0)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX][0-9a-fA-F]+|[+-]?Infinity"
_ID_VALUE = r"[0-9a-fA-F]{24}"


def _value_pattern(one: str, plain: str) -> str:
    """One `string(...)` value, or a comma-separated list of plain ones (a list splits at every
    comma, so `string(...)` is a whole value or none)."""
    return rf"^(?:string\((?:{one})\)|(?:{plain})(?:,(?:{plain}))*)?$"


_NUMBER_PATTERN = _value_pattern(_NUMBER_VALUE, rf"{_NUMBER_VALUE}|true|false|null")
_ID_PATTERN = _value_pattern(_ID_VALUE, rf"{_ID_VALUE}|null")
_TEXT_PATTERN = r"^[^\u0000]*$"  # no NUL: no document holds one


def _sort_pattern(resource: Resource) -> str:
    one = rf"(?:(?:{'|'.join(resource.keys)})(?::[^,\u0000]*)?)?"
    return rf"^{one}(?:,{one})*$"


def _pagination_parameters(resource: Resource) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1},
            description="Documents per page: default 1000, at least 1; above the server's maximum it is capped.",
        ),
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_POSITION},
            description=(
                "Page number from 1; the envelope then has no `offset`. "
                "Ignored, whatever its value, when `offset` is given (as the original)."
            ),
        ),
        OpenApiParameter(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
            description="Documents to skip (0 or more); wins over `page`.",
        ),
        OpenApiParameter(
            "sort",
            {"type": "string", "pattern": _sort_pattern(resource)},
            description=(
                "`field:asc` sorts ascending (`asc` in any case); any other direction (`desc`, `des`) "
                "or none sorts descending, as the original. Several fields comma-separated "
                "(`race:asc,name:desc`)."
            ),
        ),
        OpenApiParameter(
            "access_token",
            {"type": "string", "pattern": _TEXT_PATTERN},
            description="A token, as an alternative to the Authorization header; never a filter.",
        ),
    ]


def _filter_parameters(resource: Resource) -> list[OpenApiParameter]:
    params = []
    for spec in resource.fields:
        kind = _TYPES.get(spec.type, "text")
        pattern = {NUMBER: _NUMBER_PATTERN, OBJECT_ID: _ID_PATTERN}.get(spec.type, _TEXT_PATTERN)
        schema = {"type": "string", "pattern": pattern}
        params.append(
            OpenApiParameter(
                spec.key,
                schema,
                description=(
                    f"Filter on `{spec.key}` ({kind}): `{spec.key}=v`, `{spec.key}!=v`, lists `a,b`, "
                    f"`{spec.key}<v`/`<=`/`>`/`>=`, `!{spec.key}` (no value)"
                    + (", `/regex/i`, `string(...)`." if kind == "text" else ".")
                ),
            )
        )
    return params


def filter_parameters(resource: Resource) -> list[OpenApiParameter]:
    """The filter parameters of `resource`, for a view documented with extend_schema."""
    return _filter_parameters(resource)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The bearer scheme of lotr_kit.auth.TokenAuthentication, for every service's schema."""

    target_class = "lotr_kit.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An access JWT from POST /auth/login (or /auth/refresh), or an API key from POST /auth/keys. "
                "Also accepted as ?access_token=. An invalid token is a 401 even where no token is needed."
            ),
        }


# Empty means "not given" for these, as the original reads them (`page=&limit=` is the default).
_BLANK_MEANS_ABSENT = frozenset({"limit", "page", "offset", "sort"})


class RouteKind(StrEnum):
    """What a resource route answers, which decides its parameters, responses and description."""

    LIST = "list"  # every item, filtered, sorted, paginated
    DETAIL = "detail"  # one item by id, as a one-document envelope
    SUBLIST = "sublist"  # the items of one parent (a book's chapters), filtered
    FAVORITE = "favorite"  # PUT and DELETE of one of the caller's favorites


class ResourceAutoSchema(AutoSchema):
    """Documents the generic APIs from the view's `resource` and `kind` (a RouteKind)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for param in (operation or {}).get("parameters", []):
            if param["in"] == "query" and param["name"] in _BLANK_MEANS_ABSENT:
                param["allowEmptyValue"] = True
        return operation

    def _resource_view(self):
        return getattr(self.view, "resource", None) is not None

    def get_override_parameters(self):
        params = super().get_override_parameters()
        if not self._resource_view():
            return params
        if self.view.kind == RouteKind.FAVORITE:
            return [*params, OpenApiParameter("id", str, OpenApiParameter.PATH, description="A 24-hex id.")]
        params = [*params, *_pagination_parameters(self.view.resource)]
        if self.view.kind != RouteKind.LIST:
            params.append(OpenApiParameter("id", str, OpenApiParameter.PATH, description="A 24-hex id, in any case."))
        if self.view.kind != RouteKind.DETAIL:
            params += _filter_parameters(self.view.resource)
        for param in getattr(self.view, "extra_parameters", []):
            params.append(param)
        return params

    def get_request_serializer(self):
        if self._resource_view():
            return None  # no endpoint of a resource takes a body
        return super().get_request_serializer()

    def get_response_serializers(self):
        if not self._resource_view():
            return super().get_response_serializers()
        if self.view.kind == RouteKind.FAVORITE:
            return {204: None, 401: ERROR, 404: ERROR}
        name = getattr(self.view, "schema_name", None) or self.view.resource.name.title()
        responses = {200: envelope_serializer(self.view.resource, name), 400: ERROR, 404: ERROR}
        if self.view.kind == RouteKind.LIST:
            del responses[404]
        if self._checks_tokens():
            responses[401] = ERROR
        for status in getattr(self.view, "extra_statuses", ()):
            responses[status] = ERROR
        return responses

    # get_auth is drf-spectacular's own: security from the view's authenticators, which open
    # reads do not have (lotr_kit.auth.reads_ignore_tokens). So only the paths that look at a
    # token (favorites, and every non-book read when LOTR_READS_REQUIRE_TOKEN is on) show one.

    def _checks_tokens(self) -> bool:
        """Whether the view looks at tokens, so that a bad one can be a 401."""
        return bool(self.view.get_authenticators())

    def get_description(self):
        if not self._resource_view():
            return super().get_description()
        own = type(self.view).__dict__.get("__doc__")
        if own:
            return " ".join(own.split())
        name = self.view.resource.name
        return {
            RouteKind.LIST: f"Every {name} matching the filters, sorted and paginated, in the list envelope.",
            RouteKind.DETAIL: f"One {name} by id, as a one-document envelope (404 when there is none).",
            RouteKind.SUBLIST: (
                f"The {name}s of one parent, with filters, sort and pagination (404 for an unknown parent)."
            ),
            RouteKind.FAVORITE: f"PUT adds the {name} to the caller's favorites, DELETE removes it (both idempotent).",
        }[self.view.kind]

    def get_operation_id(self):
        if not self._resource_view():
            return super().get_operation_id()
        name = type(self.view).__name__.removesuffix("Api")
        if self.method != "GET":
            name = self.method.title() + name
        return name[0].lower() + name[1:]

    def get_tags(self):
        if self._resource_view():
            return [self.view.resource.name]
        return super().get_tags()
