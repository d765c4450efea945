from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from lotr_kit.schema import ERROR, document_serializer
from lotr_kit.views import (
    FavoriteItemApi,
    FavoriteListApi,
    ReadOnlyApi,
    ResourceDetailApi,
    ResourceListApi,
    SubResourceListApi,
    random_row,
)

from .models import FavoriteMovie, FavoriteQuote
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
    # The character service has already authenticated the caller; this path never leaves
    # the private network (the gateway does not route /internal).
    authentication_classes = []
    permission_classes = []

    def parent_exists(self, parent_id):
        return True

    def get_queryset(self, parent_id):
        return quote_list_for_character(character_id=parent_id)


class FavoriteMovieListApi(FavoriteListApi):
    resource = MOVIE
    favorite_model = FavoriteMovie
    item_field = "movie"


class FavoriteMovieApi(FavoriteItemApi):
    resource = MOVIE
    favorite_model = FavoriteMovie
    item_field = "movie"


class FavoriteQuoteListApi(FavoriteListApi):
    resource = QUOTE
    favorite_model = FavoriteQuote
    item_field = "quote"


class FavoriteQuoteApi(FavoriteItemApi):
    resource = QUOTE
    favorite_model = FavoriteQuote
    item_field = "quote"
