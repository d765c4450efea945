"""Writes to the book tables: the CSV import."""

from pathlib import Path

from django.db import transaction

from lotr_kit.csvdata import Column, check_references, object_id, read_table
from lotr_kit.importing import SyncResult, sync_rows

from .models import Book, Chapter

BOOK_COLUMNS = (
    Column("_id", "id", object_id, required=True),
    Column("name", "name", required=True),
)

CHAPTER_COLUMNS = (
    Column("_id", "id", object_id, required=True),
    Column("chapterName", "chapter_name", required=True),
    Column("book", "book", object_id),
)


def books_import(*, data_dir: Path) -> list[SyncResult]:
    """Make the book and chapter tables hold exactly books.csv and chapters.csv, all or nothing."""
    books = read_table(data_dir / "books.csv", BOOK_COLUMNS)
    chapters = read_table(data_dir / "chapters.csv", CHAPTER_COLUMNS)
    check_references(chapters, "book", books, header="book")
    book_rows = [{**row, "position": i} for i, row in enumerate(books.rows, start=1)]
    chapter_rows = [{**row, "position": i} for i, row in enumerate(chapters.rows, start=1)]
    with transaction.atomic():
        return [
            sync_rows(Book, book_rows, label="books.csv"),
            sync_rows(Chapter, chapter_rows, label="chapters.csv"),
        ]
