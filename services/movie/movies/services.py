"""Writes to the movie tables: the CSV import."""

import re
from pathlib import Path

from django.db import transaction

from lotr_kit.csvdata import Column, check_references, number, object_id, read_table
from lotr_kit.importing import SyncResult, sync_rows

from .models import Movie, Quote

MOVIE_COLUMNS = (
    Column("_id", "id", object_id, required=True),
    Column("name", "name", required=True),
    Column("runtimeInMinutes", "runtime_in_minutes", number),
    Column("budgetInMillions", "budget_in_millions", number),
    Column("boxOfficeRevenueInMillions", "box_office_revenue_in_millions", number),
    Column("academyAwardNominations", "academy_award_nominations", number),
    Column("academyAwardWins", "academy_award_wins", number),
    Column("rottenTomatoesScore", "rotten_tomatoes_score", number),
)

QUOTE_COLUMNS = (
    Column("_id", "id", object_id, required=True),
    Column("dialog", "dialog", required=True),
    Column("movie", "movie", object_id),
    Column("character", "character", object_id),
)

# The original's output getter (spec §3.5): runs of two or more whitespace characters,
# U+00A0 included, become one space, then the ends are trimmed. A single one stays.
_WHITESPACE_RUN = re.compile(r"\s{2,}")


def dialog_clean(dialog: str) -> str:
    return _WHITESPACE_RUN.sub(" ", dialog).strip()


def movies_import(*, data_dir: Path) -> list[SyncResult]:
    """Make the movie and quote tables hold exactly movies.csv and quotes.csv, all or nothing."""
    movies = read_table(data_dir / "movies.csv", MOVIE_COLUMNS)
    quotes = read_table(data_dir / "quotes.csv", QUOTE_COLUMNS)
    check_references(quotes, "movie", movies, header="movie")
    movie_rows = [{**row, "position": i} for i, row in enumerate(movies.rows, start=1)]
    quote_rows = [
        {**row, "dialog": dialog_clean(row["dialog"]), "position": i} for i, row in enumerate(quotes.rows, start=1)
    ]
    with transaction.atomic():
        return [
            sync_rows(Movie, movie_rows, label="movies.csv"),
            sync_rows(Quote, quote_rows, label="quotes.csv"),
        ]
