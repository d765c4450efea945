from django.db.models import QuerySet

from lotr_kit import sql

from .models import Movie, Quote


def movie_list() -> QuerySet[Movie]:
    return Movie.objects.all()


def movie_exists(*, movie_id: str) -> bool:
    return sql.exists(Movie, movie_id)


def quote_list() -> QuerySet[Quote]:
    return Quote.objects.all()


def quote_list_for_movie(*, movie_id: str) -> sql.Rows:
    return sql.Rows.having(Quote, "movie", movie_id)


def quote_list_for_character(*, character_id: str) -> sql.Rows:
    return sql.Rows.having(Quote, "character", character_id)
