from django.db.models import QuerySet

from lotr_kit.query import sql

from .models import Book, Chapter
from .resources import BOOK


def book_list() -> QuerySet[Book]:
    return Book.objects.all()


def book_exists(*, book_id: str) -> bool:
    return sql.exists(Book, book_id)


def chapter_list() -> QuerySet[Chapter]:
    return Chapter.objects.all()


def chapter_list_for_book(*, book_id: str) -> sql.Rows:
    return sql.Rows.field_equals(Chapter, "book", book_id)


def books_by_id(*, book_ids: list[str]) -> dict[str, dict]:
    """The book documents of these ids, by id, in one query."""
    rows = Book.objects.filter(id__in=book_ids).values_list(*BOOK.model_fields)
    return {doc["_id"]: doc for doc in BOOK.documents(list(rows))}
