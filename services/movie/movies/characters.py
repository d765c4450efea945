"""The character service, as quotes need it: characters by id for `expand=character`, and the
ids of the characters a `characterName=` filter matches. One batched call each, never one per
quote (expansion.py keeps what the first one brings)."""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings

from lotr_kit.client import ServiceClient, ServiceUnavailable
from lotr_kit.query import QueryError


@cache
def character_service() -> ServiceClient:
    """One pooled client per process, so calls reuse connections to the character service."""
    return ServiceClient.from_settings(settings.CHARACTER_SERVICE_URL)


def characters_by_id(ids: list[str]) -> dict[str, dict]:
    """The character documents of these ids, by id, in one call (an unknown id is left out)."""
    body = _get("/internal/characters", {"_id": ",".join(ids), "limit": str(len(ids))})
    return {doc["_id"]: doc for doc in body["docs"]}


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
