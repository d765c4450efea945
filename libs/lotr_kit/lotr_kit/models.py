"""The kit's tables, in every service's database (docs/events.md):

- OutboxEvent: events written in the same transaction as the change they announce; the
  relay (`manage.py relay_outbox`) publishes them to the broker and marks them sent.
- RevokedUser: users whose tokens this service refuses (learned from `user.deleted`), so a
  JWT signed before the deletion stops working before it expires.
- DataChange: `data.changed` events this service's worker received (an import or a sync
  changed some service's data), so the server processes drop what they cached from it.

and what every favorites table is made of (`Favorite`, abstract: each service's own tables).
"""

import uuid

from django.db import models
from django.utils import timezone

from .fields import ObjectIdField


class OutboxEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=64)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="lotr_kit_outbox_unsent")]

    def __str__(self):
        return f"{self.type} {self.id}"


class RevokedUser(models.Model):
    user_id = models.CharField(max_length=24, primary_key=True)
    revoked_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.user_id


class DataChange(models.Model):
    # Ordered by id: a process compares the newest id it saw with the newest one recorded.
    id = models.BigAutoField(primary_key=True)
    service = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.service} {self.received_at:%Y-%m-%d %H:%M:%S}"


class Favorite(models.Model):
    """An item a user keeps (lotr_kit.favorites). The user is the accounts service's id, from
    the token; a service's table adds the item, `favorite_item(Item)`, and `unique_favorite`."""

    user_id = ObjectIdField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        item = next(f for f in self._meta.concrete_fields if f.is_relation)
        return f"{self.user_id} ♥ {getattr(self, item.attname)}"


def favorite_item(item_model: type[models.Model]) -> models.ForeignKey:
    """The kept item of a Favorite table: gone with the item."""
    return models.ForeignKey(item_model, on_delete=models.CASCADE, related_name="favorites")


def unique_favorite(item_field: str) -> list[models.UniqueConstraint]:
    """A user keeps an item once."""
    return [models.UniqueConstraint(fields=["user_id", item_field], name=f"unique_favorite_{item_field}")]
