from django.db import models

from lotr_kit.fields import BinaryTextField, ObjectIdField
from lotr_kit.models import Favorite, favorite_item, unique_favorite


class Movie(models.Model):
    """A film or a series; every figure is a number (doubles in the original)."""

    id = ObjectIdField(primary_key=True)
    position = models.PositiveIntegerField(db_index=True, help_text="Row number in the source CSV.")
    name = BinaryTextField()
    runtime_in_minutes = models.FloatField(null=True)
    budget_in_millions = models.FloatField(null=True)
    box_office_revenue_in_millions = models.FloatField(null=True)
    academy_award_nominations = models.FloatField(null=True)
    academy_award_wins = models.FloatField(null=True)
    rotten_tomatoes_score = models.FloatField(null=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


class Quote(models.Model):
    """A line of dialog; `character` is the id of a row of the character service."""

    id = ObjectIdField(primary_key=True)
    position = models.PositiveIntegerField(db_index=True, help_text="Row number in the source CSV.")
    dialog = BinaryTextField(help_text="Whitespace already cleaned as the API serves it.")
    movie = ObjectIdField(null=True)
    character = ObjectIdField(null=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.dialog[:60]


class FavoriteMovie(Favorite):
    """A movie a user keeps."""

    movie = favorite_item(Movie)

    class Meta:
        constraints = unique_favorite("movie")


class FavoriteQuote(Favorite):
    """A quote a user keeps."""

    quote = favorite_item(Quote)

    class Meta:
        constraints = unique_favorite("quote")
