import threading
import time

from django.conf import settings
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


class SeenCharacters:
    """Ids of characters this process found in the table, each for LOTR_SEEN_CHARACTER_SECONDS:
    a character's quotes skip the lookup for them as long as the movie service's answer vouches
    for the character (a 200 with quotes of it); any other answer is checked against the table
    again (CharacterQuoteListApi). So a character deleted by a sync is a 404 at once where it
    has no quotes left, and everywhere after the TTL, or within about a second with events on
    (an import or a sync that changed data empties the set: lotr_kit.datachanges).

    Only ids found in the table enter, and far more than the dataset's characters fit: made-up
    ids never fill it. A dict of monotonic times rather than cachetools' TTLCache, which the
    movie service uses: a membership test and an insert are all this needs."""

    LIMIT = 20_000

    def __init__(self):
        self.lock = threading.Lock()
        self.seen_at: dict[str, float] = {}
        self.version: int | None = None  # the newest data change when the set was started

    def __contains__(self, character_id: str) -> bool:
        version = data_changes.latest()
        if version != self.version:
            with self.lock:
                self.seen_at, self.version = {}, version
        seen_at = self.seen_at.get(character_id)
        return seen_at is not None and time.monotonic() - seen_at < settings.LOTR_SEEN_CHARACTER_SECONDS

    def add(self, character_id: str) -> None:
        with self.lock:
            if len(self.seen_at) >= self.LIMIT:
                self.seen_at.clear()
            self.seen_at[character_id] = time.monotonic()

    def discard(self, character_id: str) -> None:
        with self.lock:
            self.seen_at.pop(character_id, None)


seen_characters = SeenCharacters()


def characters_by_id(*, character_ids: list[str]) -> dict[str, dict]:
    """The character documents of these ids, by id, in one query."""
    rows = Character.objects.filter(id__in=character_ids).values_list(*CHARACTER.model_fields)
    return {doc["_id"]: doc for doc in CHARACTER.documents(list(rows))}
