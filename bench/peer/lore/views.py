from rest_framework import viewsets

from .models import Book, Character, Movie, Quote
from .serializers import BookSerializer, CharacterSerializer, ExpandedQuoteSerializer, MovieSerializer, QuoteSerializer


class BookViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("pk")
    serializer_class = BookSerializer


class MovieViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Movie.objects.order_by("pk")
    serializer_class = MovieSerializer
    filterset_fields = {"name": ["exact"], "budget_in_millions": ["exact", "lt", "gt"]}
    ordering_fields = ["name", "budget_in_millions"]


class CharacterViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Character.objects.order_by("pk")
    serializer_class = CharacterSerializer
    filterset_fields = {"name": ["exact", "iregex"], "race": ["exact"], "gender": ["exact"], "realm": ["exact"]}
    ordering_fields = ["name", "race", "gender"]


class QuoteViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Quote.objects.order_by("pk")
    serializer_class = QuoteSerializer
    filterset_fields = ["movie", "character"]
    ordering_fields = ["dialog"]


class ExpandedQuoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Quotes with their movie and character nested (select_related: one query a page)."""

    queryset = Quote.objects.select_related("movie", "character").order_by("pk")
    serializer_class = ExpandedQuoteSerializer
    filterset_fields = ["movie", "character"]
