from django.db import migrations

from lotr_kit.sort_indexes import sort_indexes

MOVIE_COLUMNS = [
    "id",
    "name",
    "runtime_in_minutes",
    "budget_in_millions",
    "box_office_revenue_in_millions",
    "academy_award_nominations",
    "academy_award_wins",
    "rotten_tomatoes_score",
]
QUOTE_COLUMNS = ["id", "dialog", "movie", "character"]


class Migration(migrations.Migration):
    dependencies = [("movies", "0002_favoritemovie_favoritequote")]

    operations = [sort_indexes("movies_movie", MOVIE_COLUMNS), sort_indexes("movies_quote", QUOTE_COLUMNS)]
