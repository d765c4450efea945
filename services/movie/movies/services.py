"""Writes to the movie tables: the import, from CSVs (import_data) or from a /v2 server
(sync_one_api), and the callers' favorites."""

import re
from pathlib import Path

from django.db import transaction

from lotr_kit.csvdata import Collection, Table, read_tables, resource_columns
from lotr_kit.favorites import Favorites
from lotr_kit.importing import SyncResult, sync_rows

from .models import FavoriteMovie, FavoriteQuote, Movie, Quote
from .resources import MOVIE, QUOTE

# PUT and DELETE /v2/me/favorites/{movies,quotes}/{id}, and the lists of them.
movie_favorites = Favorites(FavoriteMovie, "movie")
quote_favorites = Favorites(FavoriteQuote, "quote")

# What this service holds, where The One API serves it and which CSV carries it. A quote's
# character is a row of the character service, which this one cannot see: not checked here.
COLLECTIONS = (
    Collection("movie", "movies.csv", resource_columns(MOVIE)),
    Collection("quote", "quotes.csv", resource_columns(QUOTE), references={"movie": "movie"}),
)

# The original's output getter (its quote dialog as served): runs of two or more whitespace characters,
# U+00A0 included, become one space, then the ends are trimmed. A single one stays.
_WHITESPACE_RUN = re.compile(r"\s{2,}")


def dialog_clean(dialog: str) -> str:
    return _WHITESPACE_RUN.sub(" ", dialog).strip()


def movies_sync(*, tables: dict[str, Table]) -> list[SyncResult]:
    """Make the movie and quote tables hold exactly these checked tables, all or nothing."""
    movies, quotes = tables["movie"], tables["quote"]
    movie_rows = [{**row, "position": i} for i, row in enumerate(movies.rows, start=1)]
    quote_rows = [
        {**row, "dialog": dialog_clean(row["dialog"]), "position": i} for i, row in enumerate(quotes.rows, start=1)
    ]
    with transaction.atomic():
        return [
            sync_rows(Movie, movie_rows, label=movies.source),
            sync_rows(Quote, quote_rows, label=quotes.source),
        ]


def movies_import(*, data_dir: Path) -> list[SyncResult]:
    """Make the movie and quote tables hold exactly movies.csv and quotes.csv, all or nothing."""
    return movies_sync(tables=read_tables(data_dir, COLLECTIONS))
