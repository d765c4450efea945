from functools import cache

from django.conf import settings
from django.http import Http404, HttpResponse

from lotr_kit.client import ServiceClient, ServiceUnavailable
from lotr_kit.errors import unavailable
from lotr_kit.views import (
    FavoriteItemApi,
    FavoriteListApi,
    ResourceApi,
    ResourceDetailApi,
    ResourceListApi,
    object_id_or_404,
)

from .models import FavoriteCharacter
from .resources import CHARACTER, QUOTE
from .selectors import character_exists, character_list


class CharacterListApi(ResourceListApi):
    resource = CHARACTER

    def get_queryset(self):
        return character_list()


class CharacterDetailApi(ResourceDetailApi):
    resource = CHARACTER

    def get_queryset(self):
        return character_list()


@cache
def movie_service() -> ServiceClient:
    """One pooled client per process, so calls reuse connections to the movie service."""
    return ServiceClient.from_settings(settings.MOVIE_SERVICE_URL)


class CharacterQuoteListApi(ResourceApi):
    """A character's quotes: checked here, answered by the movie service, which owns quotes."""

    resource = QUOTE
    kind = "sublist"
    extra_statuses = (503,)

    def get(self, request, id):
        character_id = object_id_or_404(id)
        if not character_exists(character_id=character_id):
            raise Http404
        try:
            upstream = movie_service().get(
                f"/internal/characters/{character_id}/quotes",
                query_string=request.META.get("QUERY_STRING", ""),
            )
        except ServiceUnavailable:
            return unavailable()
        if upstream.status_code >= 500:
            return unavailable()
        # The movie service's answer (its envelope or its 400) goes out byte for byte.
        return HttpResponse(
            upstream.content,
            status=upstream.status_code,
            content_type=upstream.headers.get("content-type", "application/json; charset=utf-8"),
        )


class FavoriteCharacterListApi(FavoriteListApi):
    resource = CHARACTER
    favorite_model = FavoriteCharacter
    item_field = "character"


class FavoriteCharacterApi(FavoriteItemApi):
    resource = CHARACTER
    favorite_model = FavoriteCharacter
    item_field = "character"
