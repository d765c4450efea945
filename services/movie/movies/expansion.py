"""What `expand=character,movie` puts in place of a quote's ids: characters from the character
service, movies from this service's table, each fetched for a whole answer at once.

Both are kept per process, by id, for LOTR_EXPAND_CACHE_SECONDS (a TTL): they change only on
import or sync, so a page whose characters and movies were all seen recently costs no call
and no query at all. With events on, an import or a sync that changed data anywhere empties
the cache within about a second (its `data.changed`, lotr_kit.datachanges); without them, an
answer is at most the TTL old after one.
"""

import threading
from collections.abc import Callable

from cachetools import TTLCache
from django.conf import settings

from lotr_kit.datachanges import data_changes

from .characters import characters_by_id
from .selectors import movies_by_id

# Far more than the dataset's characters and movies: the cache never evicts a live one.
_CACHE_SIZE = 20_000
_lock = threading.Lock()


class _Held:
    cache: TTLCache | None = None
    version: int | None = None  # the newest data change when the cache was started


def _documents() -> TTLCache:
    version = data_changes.latest()
    with _lock:
        if _Held.cache is None or _Held.version != version:
            _Held.cache, _Held.version = TTLCache(maxsize=_CACHE_SIZE, ttl=settings.LOTR_EXPAND_CACHE_SECONDS), version
        return _Held.cache


def clear_cache() -> None:
    with _lock:
        _Held.cache = None


def quote_expansion(key: str, ids: list[str]) -> dict[str, dict | None]:
    """The `key` ("character" or "movie") documents of these ids (None for an unknown id)."""
    if key == "character":
        return _cached(key, ids, characters_by_id)
    return _cached(key, ids, lambda missing: movies_by_id(movie_ids=missing))


def _cached(key: str, ids: list[str], fetch: Callable[[list[str]], dict[str, dict]]) -> dict[str, dict | None]:
    cached = _documents()
    with _lock:
        found = {i: cached[key, i] for i in ids if (key, i) in cached}
    missing = [i for i in ids if i not in found]
    if missing:
        fetched = fetch(missing)  # outside the lock: a slow call must not hold up other threads
        with _lock:
            for i in missing:
                cached[key, i] = found[i] = fetched.get(i)
    return found
