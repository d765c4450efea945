from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from lotr_kit.expand import (
    ExpandableMixin,
    expand_documents,
    expand_parameter,
    filter_field,
    parse_expand,
    take_params,
)
from lotr_kit.query import Query, Window, parse_filters
from lotr_kit.query.listing import random_match, random_row
from lotr_kit.query.resources import STRING, Field, Resource
from lotr_kit.schema import ERROR, NOTHING_FOUND, document_serializer, filter_parameters
from lotr_kit.views import (
    FavoriteItemApi,
    FavoriteListApi,
    ReadOnlyApi,
    ResourceDetailApi,
    ResourceListApi,
    SubResourceListApi,
)

from .characters import character_ids_matching
from .expansion import quote_expansion
from .resources import MOVIE, QUOTE
from .selectors import (
    movie_exists,
    movie_list,
    quote_list,
    quote_list_for_character,
    quote_list_for_movie,
)
from .services import movie_favorites, quote_favorites

CHARACTER_NAME = "characterName"
# `characterName` read with the filter language, so its errors name it as any filter's do.
CHARACTER_NAME_FILTER = Resource("quote", (Field(CHARACTER_NAME, "name", STRING, nullable=False),))
CHARACTER_NAME_PARAMETER = OpenApiParameter(
    CHARACTER_NAME,
    str,
    description=(
        "Quotes of the characters whose name matches, in the whole filter language: `characterName=Gandalf`, "
        "`characterName!=Gandalf`, lists `Frodo Baggins,Samwise Gamgee`, `/gandalf/i`, `string(...)`. "
        "Resolved by the character service in one call and combined with every other filter, sort and page "
        "(503 when that service does not answer)."
    ),
)


def take_character_name(request) -> list[str] | None:
    """The ids of the characters the request's `characterName` filters match; None without one."""
    taken = take_params(request, lambda key, value: filter_field(key, value) == CHARACTER_NAME)
    if not taken:
        return None
    parse_filters(taken, CHARACTER_NAME_FILTER)  # a malformed one is a 400 here, naming characterName
    return character_ids_matching(
        [(key.replace(CHARACTER_NAME, "name", 1), value) for key, values in taken.lists() for value in values]
    )


class QuoteExpandMixin(ExpandableMixin):
    """`expand=character,movie` on a quote answer (see expansion.py)."""

    expandable = ("character", "movie")
    extra_statuses = (503,)

    def expansion(self, key, ids):
        return quote_expansion(key, ids)


class CharacterNameMixin:
    """`characterName=` on a quote list: the matching characters' ids, then `character IN (...)`
    in the list's own SQL. Before a resource view in the bases; its get_queryset reads
    `self.character_ids` (None when the parameter is absent)."""

    own_parameters = [CHARACTER_NAME_PARAMETER]
    character_ids: list[str] | None = None

    def get(self, request, *args, **kwargs):
        self.character_ids = take_character_name(request)
        return super().get(request, *args, **kwargs)


class MovieListApi(ResourceListApi):
    resource = MOVIE

    def get_queryset(self):
        return movie_list()


class MovieDetailApi(ResourceDetailApi):
    resource = MOVIE

    def get_queryset(self):
        return movie_list()


class MovieQuoteListApi(QuoteExpandMixin, CharacterNameMixin, SubResourceListApi):
    resource = QUOTE

    def parent_exists(self, parent_id):
        return movie_exists(movie_id=parent_id)

    def get_queryset(self, parent_id):
        return quote_list_for_movie(movie_id=parent_id, character_ids=self.character_ids)


class QuoteListApi(QuoteExpandMixin, CharacterNameMixin, ResourceListApi):
    resource = QUOTE

    def get_queryset(self):
        return quote_list(character_ids=self.character_ids)


class QuoteDetailApi(QuoteExpandMixin, ResourceDetailApi):
    resource = QUOTE

    def get_queryset(self):
        return quote_list()


class QuoteRandomApi(ReadOnlyApi):
    """One quote picked at random, as a bare object (no envelope), like the original; among
    those matching the filters when there are any."""

    @extend_schema(
        tags=["quote"],
        operation_id="quoteRandom",
        description=(
            "One quote picked at random, as a bare object without the envelope. The filters of /v2/quote "
            "(`character=<id>`, `movie=<id>`, `dialog=/ring/i`, ...) and `characterName` narrow the draw "
            "(a 404 when nothing matches); `expand` embeds the character and the movie. Any other parameter "
            "is ignored, as the original ignores them all."
        ),
        parameters=[*filter_parameters(QUOTE), CHARACTER_NAME_PARAMETER, expand_parameter(("character", "movie"))],
        responses={200: document_serializer(QUOTE, "Quote"), 400: ERROR, 404: NOTHING_FOUND, 503: ERROR},
    )
    def get(self, request):
        keys = parse_expand(request.query_params, ("character", "movie"))
        character_ids = take_character_name(request)
        filters = take_params(request, lambda key, value: QUOTE.field(filter_field(key, value)) is not None)
        clauses = parse_filters(filters, QUOTE)
        if clauses or character_ids is not None:
            query = Query(clauses=clauses, sort=[], window=Window(1, None, None))
            doc = random_match(query, quote_list(character_ids=character_ids), QUOTE)
        else:
            doc = random_row(quote_list(), QUOTE)
        if doc is None:
            return Response({"message": "No quotes found"}, status=404)
        expand_documents([doc], keys, quote_expansion)
        return Response(doc)


class CharacterQuoteListInternalApi(ExpandableMixin, SubResourceListApi):
    """Quotes of one character for the character service, which owns characters and has
    already checked that this one exists; not routed by the gateway."""

    resource = QUOTE
    schema = None  # internal: not part of the public API document
    # The character service has already authenticated the caller; this path never leaves
    # the private network (the gateway does not route /internal).
    authentication_classes = []
    permission_classes = []

    # `expand=character` is the character service's own to answer.
    expandable = ("movie",)

    def parent_exists(self, parent_id):
        return True

    def get_queryset(self, parent_id):
        return quote_list_for_character(character_id=parent_id)

    def expansion(self, key, ids):
        return quote_expansion(key, ids)


class FavoriteMovieListApi(FavoriteListApi):
    resource = MOVIE
    favorites = movie_favorites


class FavoriteMovieApi(FavoriteItemApi):
    resource = MOVIE
    favorites = movie_favorites


class FavoriteQuoteListApi(QuoteExpandMixin, FavoriteListApi):
    resource = QUOTE
    favorites = quote_favorites


class FavoriteQuoteApi(FavoriteItemApi):
    resource = QUOTE
    favorites = quote_favorites
