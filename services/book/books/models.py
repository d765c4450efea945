from django.db import models

from lotr_kit.fields import BinaryTextField, ObjectIdField
from lotr_kit.models import Favorite, favorite_item, unique_favorite


class Book(models.Model):
    id = ObjectIdField(primary_key=True)
    position = models.PositiveIntegerField(db_index=True, help_text="Row number in the source CSV.")
    name = BinaryTextField()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


class Chapter(models.Model):
    """A chapter; `book` holds the book's id (checked at import) rather than a foreign key,
    the same way every reference between rows is stored in this project."""

    id = ObjectIdField(primary_key=True)
    position = models.PositiveIntegerField(db_index=True, help_text="Row number in the source CSV.")
    chapter_name = BinaryTextField()
    book = ObjectIdField(null=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.chapter_name


class FavoriteBook(Favorite):
    """A book a user keeps."""

    book = favorite_item(Book)

    class Meta:
        constraints = unique_favorite("book")
