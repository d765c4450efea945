"""What the book and chapter APIs expose: keys in the original's order, columns and types."""

from lotr_kit.query.resources import OBJECT_ID, STRING, Field, Resource

BOOK = Resource(
    "book",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("name", "name", STRING, nullable=False),
    ),
)

CHAPTER = Resource(
    "chapter",
    (
        Field("_id", "id", OBJECT_ID, nullable=False),
        Field("chapterName", "chapter_name", STRING, nullable=False),
        Field("book", "book", OBJECT_ID),
    ),
)

# /v2/book/{id}/chapter leaves out the `book` key, as the original's projection does.
BOOK_CHAPTER = CHAPTER.only("_id", "chapterName")
