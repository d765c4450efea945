from django.db import models

from lotr_kit.fields import BinaryTextField, ObjectIdField


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


class FavoriteBook(models.Model):
    """A book a user keeps; the user is the accounts service's id, from the token."""

    user_id = ObjectIdField()
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "book"], name="unique_favorite_book")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.book_id}"
