"""The movie service, as characters need it: a character's quotes, which it owns and answers."""

from functools import cache

from django.conf import settings

from lotr_kit.client import ServiceClient, ServiceResponse, ServiceUnavailable


@cache
def movie_service() -> ServiceClient:
    """One pooled client per process, so calls reuse connections to the movie service."""
    return ServiceClient.from_settings(settings.MOVIE_SERVICE_URL)


def character_quotes(*, character_id: str, query_string: str) -> ServiceResponse:
    """The movie service's answer for the quotes of a character known to exist: its envelope or
    its 400, as it sent them. ServiceUnavailable (a 503) when it fails or does not answer."""
    response = movie_service().get(f"/internal/characters/{character_id}/quotes", query_string=query_string)
    if response.status_code >= 500:
        raise ServiceUnavailable(f"GET /internal/characters/{character_id}/quotes: {response.status_code}")
    return response
