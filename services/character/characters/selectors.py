from django.db.models import QuerySet

from lotr_kit import sql

from .models import Character


def character_list() -> QuerySet[Character]:
    """Every character; the query language and natural order are applied by the caller."""
    return Character.objects.all()


def character_exists(*, character_id: str) -> bool:
    return sql.exists(Character, character_id)
