from django.db import models

from lotr_kit.fields import BinaryTextField, ObjectIdField


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


class FavoriteMovie(models.Model):
    """A movie a user keeps; the user is the accounts service's id, from the token."""

    user_id = ObjectIdField()
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "movie"], name="unique_favorite_movie")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.movie_id}"


class FavoriteQuote(models.Model):
    """A quote a user keeps; the user is the accounts service's id, from the token."""

    user_id = ObjectIdField()
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "quote"], name="unique_favorite_quote")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.quote_id}"
