"""Writes to the book tables: the import, from CSVs (import_data) or from a /v2 server
(sync_one_api), and the callers' favorites."""

from pathlib import Path

from django.db import transaction

from lotr_kit.csvdata import Collection, Table, read_tables, resource_columns
from lotr_kit.favorites import Favorites
from lotr_kit.importing import SyncResult, sync_rows

from .models import Book, Chapter, FavoriteBook
from .resources import BOOK, CHAPTER

# PUT and DELETE /v2/me/favorites/books/{id}, and the list of them.
book_favorites = Favorites(FavoriteBook, "book")

# What this service holds, where The One API serves it and which CSV carries it.
COLLECTIONS = (
    Collection("book", "books.csv", resource_columns(BOOK)),
    Collection("chapter", "chapters.csv", resource_columns(CHAPTER), references={"book": "book"}),
)


def books_sync(*, tables: dict[str, Table]) -> list[SyncResult]:
    """Make the book and chapter tables hold exactly these checked tables, all or nothing."""
    books, chapters = tables["book"], tables["chapter"]
    book_rows = [{**row, "position": i} for i, row in enumerate(books.rows, start=1)]
    chapter_rows = [{**row, "position": i} for i, row in enumerate(chapters.rows, start=1)]
    with transaction.atomic():
        return [
            sync_rows(Book, book_rows, label=books.source),
            sync_rows(Chapter, chapter_rows, label=chapters.source),
        ]


def books_import(*, data_dir: Path) -> list[SyncResult]:
    """Make the book and chapter tables hold exactly books.csv and chapters.csv, all or nothing."""
    return books_sync(tables=read_tables(data_dir, COLLECTIONS))
