from rest_framework import serializers

from .models import Book, Character, Movie, Quote


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "name"]


class MovieSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movie
        fields = [
            "id",
            "name",
            "runtime_in_minutes",
            "budget_in_millions",
            "box_office_revenue_in_millions",
            "academy_award_nominations",
            "academy_award_wins",
            "rotten_tomatoes_score",
        ]


class CharacterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Character
        fields = ["id", "name", "wiki_url", "race", "birth", "gender", "death", "hair", "height", "realm", "spouse"]


class QuoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quote
        fields = ["id", "dialog", "movie", "character"]


class ExpandedQuoteSerializer(serializers.ModelSerializer):
    movie = MovieSerializer(read_only=True)
    character = CharacterSerializer(read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "dialog", "movie", "character"]
