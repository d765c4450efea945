"""The character service, as quotes need it: characters by id for `expand=character`, and the
ids of the characters a `characterName=` filter matches. One batched call each, never one per
quote; characters fetched by id are kept per process for LOTR_EXPAND_CACHE_SECONDS, since they
change only on import or sync."""

import threading
from functools import cache
from urllib.parse import urlencode

from cachetools import TTLCache
from django.conf import settings

from lotr_kit.client import ServiceClient, ServiceUnavailable
from lotr_kit.query import QueryError

# Far more than the dataset's characters: the cache never evicts a live one.
_CACHE_SIZE = 20_000
_lock = threading.Lock()


@cache
def character_service() -> ServiceClient:
    """One pooled client per process, so calls reuse connections to the character service."""
    return ServiceClient.from_settings(settings.CHARACTER_SERVICE_URL)


@cache
def _documents() -> TTLCache:
    return TTLCache(maxsize=_CACHE_SIZE, ttl=settings.LOTR_EXPAND_CACHE_SECONDS)


def clear_cache() -> None:
    character_service.cache_clear()
    _documents.cache_clear()


def characters_by_id(ids: list[str]) -> dict[str, dict | None]:
    """The character document of each id (None for an id the character service does not know)."""
    cached = _documents()
    with _lock:
        found = {i: cached[i] for i in ids if i in cached}
    missing = [i for i in ids if i not in found]
    if missing:
        body = _get("/internal/characters", {"_id": ",".join(missing), "limit": str(len(missing))})
        fetched = {doc["_id"]: doc for doc in body["docs"]}
        with _lock:
            for i in missing:
                cached[i] = found[i] = fetched.get(i)
    return found


def character_ids_matching(params: list[tuple[str, str]]) -> list[str]:
    """The ids of the characters whose name matches these `name...` filter parameters."""
    return _get("/internal/characters/ids", params)["ids"]


def _get(path: str, params) -> dict:
    response = character_service().get(path, query_string=urlencode(params))
    if response.status_code == 400:
        # A pattern the character service's database refuses or times out on: the client's 400.
        raise QueryError(response.json()["message"], param="characterName")
    if response.status_code != 200:
        raise ServiceUnavailable(f"GET {path}: {response.status_code}")
    return response.json()
