from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from lotr_kit.client import ServiceUnavailable
from lotr_kit.expand import EXPAND, expand_documents, expand_parameter, parse_expand
from lotr_kit.query import Query, Window, parse_filters
from lotr_kit.query.listing import matching_ids, random_match
from lotr_kit.schema import ERROR, NOTHING_FOUND, RouteKind, document_serializer, filter_parameters
from lotr_kit.views import (
    FavoriteItemApi,
    FavoriteListApi,
    ReadOnlyApi,
    ResourceApi,
    ResourceDetailApi,
    ResourceListApi,
    object_id_or_404,
)

from .movies import character_quotes
from .resources import CHARACTER, QUOTE
from .selectors import (
    character_exists,
    character_list,
    character_seen,
    characters_by_id,
    forget_character,
    remember_character,
)
from .services import character_favorites


class CharacterListApi(ResourceListApi):
    resource = CHARACTER

    def get_queryset(self):
        return character_list()


class CharacterDetailApi(ResourceDetailApi):
    resource = CHARACTER

    def get_queryset(self):
        return character_list()


class CharacterQuoteListApi(ResourceApi):
    """A character's quotes: checked here, answered by the movie service, which owns quotes.
    `expand=movie` is the movie service's to answer, `expand=character` this service's own."""

    resource = QUOTE
    kind = RouteKind.SUBLIST
    extra_statuses = (503,)
    extra_parameters = [expand_parameter(("character", "movie"))]

    def get(self, request, id):
        keys = parse_expand(request.query_params, ("character", "movie"))
        character_id = object_id_or_404(id)
        # A character seen before costs no lookup (a PostgreSQL round trip) when the movie
        # service's answer vouches for it (a page with its quotes); any other answer is checked
        # against the table, so every answer is the one a lookup first would give.
        seen = character_seen(character_id=character_id)
        if not seen:
            if not character_exists(character_id=character_id):
                raise Http404
            remember_character(character_id=character_id)
        query_string = request.META.get("QUERY_STRING", "")
        if "character" in keys:
            # The movie service expands the rest; the character here is this service's own row.
            params = request.query_params.copy()
            params.setlist(EXPAND, [",".join(key for key in keys if key != "character")])
            query_string = urlencode(params, doseq=True)
        try:
            upstream = character_quotes(character_id=character_id, query_string=query_string)
        except ServiceUnavailable:
            if seen:
                self.check_still_there(character_id)
            raise
        wanted = upstream.status_code == 200 and (seen or "character" in keys)
        body = upstream.json() if wanted else None
        if seen and not (body and body.get("total")):
            self.check_still_there(character_id)
        if "character" in keys and body is not None:
            expand_documents(body["docs"], ("character",), lambda key, ids: characters_by_id(character_ids=ids))
            return Response(body)
        # The movie service's answer (its envelope or its 400) goes out byte for byte.
        return HttpResponse(
            upstream.content,
            status=upstream.status_code,
            content_type=upstream.headers.get("content-type", "application/json; charset=utf-8"),
        )

    @staticmethod
    def check_still_there(character_id: str) -> None:
        """A 404 for a character seen before that the table no longer holds."""
        if not character_exists(character_id=character_id):
            forget_character(character_id=character_id)
            raise Http404


class CharacterRandomApi(ReadOnlyApi):
    """One character picked at random among those matching the filters, as a bare object."""

    @extend_schema(
        tags=["character"],
        operation_id="characterRandom",
        description=(
            "One character picked at random among those matching the filters (every filter of "
            "/v2/character: `race=Hobbit`, `name=/^g/i`, ...), as a bare object without the envelope; "
            "a 404 when none matches. Paging and sort parameters are ignored."
        ),
        parameters=filter_parameters(CHARACTER),
        responses={200: document_serializer(CHARACTER, "Character"), 400: ERROR, 404: NOTHING_FOUND},
    )
    def get(self, request):
        query = Query(clauses=parse_filters(request.query_params, CHARACTER), sort=[], window=Window(1, None, None))
        doc = random_match(query, character_list(), CHARACTER)
        if doc is None:
            return Response({"message": "No characters found"}, status=404)
        return Response(doc)


class CharacterBatchInternalApi(ResourceListApi):
    """Characters for the movie service, which owns quotes: the whole filter language and the
    list envelope (`_id=<id>,<id>,...&limit=<n>` fetches a page's characters in one call).
    Not routed by the gateway: it only answers on the private network."""

    resource = CHARACTER
    schema = None  # internal: not part of the public API document
    authentication_classes = []
    permission_classes = []

    def get_queryset(self):
        return character_list()


class CharacterIdsInternalApi(ReadOnlyApi):
    """The ids of every character matching the filters, in natural order, as {"ids": [...]}:
    how the movie service resolves `characterName=`. Not routed by the gateway."""

    schema = None
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        query = Query(clauses=parse_filters(request.query_params, CHARACTER), sort=[], window=Window(1, None, None))
        return Response({"ids": matching_ids(query, character_list(), CHARACTER)})


class FavoriteCharacterListApi(FavoriteListApi):
    resource = CHARACTER
    favorites = character_favorites


class FavoriteCharacterApi(FavoriteItemApi):
    resource = CHARACTER
    favorites = character_favorites
