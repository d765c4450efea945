from django.db import models

from lotr_kit.fields import BinaryTextField, ObjectIdField
from lotr_kit.models import Favorite, favorite_item, unique_favorite


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


class FavoriteCharacter(Favorite):
    """A character a user keeps."""

    character = favorite_item(Character)

    class Meta:
        constraints = unique_favorite("character")
