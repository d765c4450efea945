from django.db.models import QuerySet

from lotr_kit.query import sql

from .models import Movie, Quote
from .resources import MOVIE


def movie_list() -> QuerySet[Movie]:
    return Movie.objects.all()


def movie_exists(*, movie_id: str) -> bool:
    return sql.exists(Movie, movie_id)


def movies_by_id(*, movie_ids: list[str]) -> dict[str, dict]:
    """The movie documents of these ids, by id, in one query."""
    rows = Movie.objects.filter(id__in=movie_ids).values_list(*MOVIE.model_fields)
    return {doc["_id"]: doc for doc in MOVIE.documents(list(rows))}


def quote_list(*, character_ids: list[str] | None = None) -> QuerySet[Quote] | sql.Rows:
    """Every quote, or those of these characters (`characterName=`) when given."""
    if character_ids is None:
        return Quote.objects.all()
    return sql.Rows.any_of(Quote, "character", character_ids)


def quote_list_for_movie(*, movie_id: str, character_ids: list[str] | None = None) -> sql.Rows:
    rows = sql.Rows.field_equals(Quote, "movie", movie_id)
    if character_ids is None:
        return rows
    return sql.Rows.any_of(Quote, "character", character_ids, within=rows)


def quote_list_for_character(*, character_id: str) -> sql.Rows:
    return sql.Rows.field_equals(Quote, "character", character_id)
