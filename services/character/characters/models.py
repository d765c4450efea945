from django.db import models

from lotr_kit.fields import BinaryTextField, ObjectIdField


class Character(models.Model):
    """A character as The One API serves it; every text field may be null except the name."""

    id = ObjectIdField(primary_key=True)
    position = models.PositiveIntegerField(db_index=True, help_text="Row number in the source CSV.")
    name = BinaryTextField()
    wiki_url = BinaryTextField(null=True)
    race = BinaryTextField(null=True)
    birth = BinaryTextField(null=True)
    gender = BinaryTextField(null=True)
    death = BinaryTextField(null=True)
    hair = BinaryTextField(null=True)
    height = BinaryTextField(null=True)
    realm = BinaryTextField(null=True)
    spouse = BinaryTextField(null=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


class FavoriteCharacter(models.Model):
    """A character a user keeps; the user is the accounts service's id, from the token."""

    user_id = ObjectIdField()
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "character"], name="unique_favorite_character")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.character_id}"
