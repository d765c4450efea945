from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from lotr_kit.schema import ERROR, document_serializer
from lotr_kit.views import ReadOnlyApi, ResourceDetailApi, ResourceListApi, SubResourceListApi, random_row

from .resources import MOVIE, QUOTE
from .selectors import (
    movie_exists,
    movie_list,
    quote_list,
    quote_list_for_character,
    quote_list_for_movie,
)


class MovieListApi(ResourceListApi):
    resource = MOVIE

    def get_queryset(self):
        return movie_list()


class MovieDetailApi(ResourceDetailApi):
    resource = MOVIE

    def get_queryset(self):
        return movie_list()


class MovieQuoteListApi(SubResourceListApi):
    resource = QUOTE

    def parent_exists(self, parent_id):
        return movie_exists(movie_id=parent_id)

    def get_queryset(self, parent_id):
        return quote_list_for_movie(movie_id=parent_id)


class QuoteListApi(ResourceListApi):
    resource = QUOTE

    def get_queryset(self):
        return quote_list()


class QuoteDetailApi(ResourceDetailApi):
    resource = QUOTE

    def get_queryset(self):
        return quote_list()


class QuoteRandomApi(ReadOnlyApi):
    """One quote picked at random, as a bare object (no envelope), like the original."""

    @extend_schema(
        tags=["quote"],
        operation_id="quoteRandom",
        description="One quote picked at random, as a bare object without the envelope. Parameters are ignored.",
        responses={200: document_serializer(QUOTE, "Quote"), 404: ERROR},
    )
    def get(self, request):
        doc = random_row(quote_list(), QUOTE)
        if doc is None:
            return Response({"message": "No quotes found"}, status=404)
        return Response(doc)


class CharacterQuoteListInternalApi(SubResourceListApi):
    """Quotes of one character for the character service, which owns characters and has
    already checked that this one exists; not routed by the gateway."""

    resource = QUOTE
    schema = None  # internal: not part of the public API document

    def parent_exists(self, parent_id):
        return True

    def get_queryset(self, parent_id):
        return quote_list_for_character(character_id=parent_id)
