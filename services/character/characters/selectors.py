from django.conf import settings
from django.core.cache import caches
from django.db.models import QuerySet

from lotr_kit.datachanges import data_changes
from lotr_kit.query import sql

from .models import Character
from .resources import CHARACTER


def character_list() -> QuerySet[Character]:
    """Every character; the query language and natural order are applied by the caller."""
    return Character.objects.all()


def character_exists(*, character_id: str) -> bool:
    return sql.exists(Character, character_id)


# Characters found in the table, remembered in the service's cache (Django's, as the API-key
# checks are) for LOTR_SEEN_CHARACTER_SECONDS: a character's quotes skip the lookup for them while
# the movie service's answer vouches for the character (a 200 with quotes of it); any other answer
# looks again (CharacterQuoteListApi). So a character deleted by a sync is a 404 at once where it
# has no quotes left, and everywhere after the TTL, or within about a second with events on: the
# newest data change is part of the key (lotr_kit.datachanges). Only ids found in the table are
# remembered: made-up ids never enter the cache.


def _seen_key(character_id: str) -> str:
    return f"lotr-seen-character:{data_changes.latest()}:{character_id}"


def character_seen(*, character_id: str) -> bool:
    return caches["default"].get(_seen_key(character_id)) is not None


def remember_character(*, character_id: str) -> None:
    caches["default"].set(_seen_key(character_id), True, settings.LOTR_SEEN_CHARACTER_SECONDS)


def forget_character(*, character_id: str) -> None:
    caches["default"].delete(_seen_key(character_id))


def characters_by_id(*, character_ids: list[str]) -> dict[str, dict]:
    """The character documents of these ids, by id, in one query."""
    rows = Character.objects.filter(id__in=character_ids).values_list(*CHARACTER.model_fields)
    return {doc["_id"]: doc for doc in CHARACTER.documents(list(rows))}
