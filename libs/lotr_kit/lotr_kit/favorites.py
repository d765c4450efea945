"""Favorites: the items a user keeps, one table per kind of item in the service that owns it.

A favorites model has a `user_id` (the accounts service's id, from the token) and a foreign key
`item_field` to the item. A service declares each of its tables once, in its services.py
(`character_favorites = Favorites(FavoriteCharacter, "character")`); its APIs call these writes
and the list's read.
"""

from dataclasses import dataclass

from django.db.models import Model

from .query import sql


@dataclass(frozen=True)
class Favorites:
    model: type[Model]
    item_field: str

    def kept(self, *, user_id: str) -> sql.Rows:
        """The items the user keeps, as the rows a list reads."""
        return sql.Rows.kept_by(self.model, self.item_field, user_id)

    def add(self, *, user_id: str, item_id: str) -> bool:
        """Keep the item among the user's favorites (idempotent); False when there is no such item."""
        if not self._item_exists(item_id):
            return False
        # One INSERT ... ON CONFLICT DO NOTHING: a concurrent PUT of the same favorite is no
        # error, and no read-then-write window is left for a concurrent DELETE to fall into
        # (get_or_create's retry read finds nothing there, a 500).
        favorite = self.model(user_id=user_id, **{f"{self.item_field}_id": item_id})
        self.model.objects.bulk_create([favorite], ignore_conflicts=True)
        return True

    def remove(self, *, user_id: str, item_id: str) -> bool:
        """Let the item go from the user's favorites (idempotent); False when there is no such item."""
        if not self._item_exists(item_id):
            return False
        self.model.objects.filter(user_id=user_id, **{f"{self.item_field}_id": item_id}).delete()
        return True

    def _item_exists(self, item_id: str) -> bool:
        item_model = self.model._meta.get_field(self.item_field).related_model
        return item_model.objects.filter(pk=item_id).exists()
