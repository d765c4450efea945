from django.db.models import QuerySet

from lotr_kit.query import sql

from .models import Character
from .resources import CHARACTER


def character_list() -> QuerySet[Character]:
    """Every character; the query language and natural order are applied by the caller."""
    return Character.objects.all()


def character_exists(*, character_id: str) -> bool:
    return sql.exists(Character, character_id)


def characters_by_id(*, character_ids: list[str]) -> dict[str, dict]:
    """The character documents of these ids, by id, in one query."""
    rows = Character.objects.filter(id__in=character_ids).values_list(*CHARACTER.model_fields)
    return {doc["_id"]: doc for doc in CHARACTER.documents(list(rows))}
