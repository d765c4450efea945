from django.urls import path

from . import apis

app_name = "characters"

urlpatterns = [
    path("v2/character", apis.CharacterListApi.as_view(), name="list"),
    path("v2/character/<str:id>", apis.CharacterDetailApi.as_view(), name="detail"),
    path("v2/characters/random", apis.CharacterRandomApi.as_view(), name="random"),
    path("internal/characters", apis.CharacterBatchInternalApi.as_view(), name="internal-batch"),
    path("internal/characters/ids", apis.CharacterIdsInternalApi.as_view(), name="internal-ids"),
    path("v2/character/<str:id>/quote", apis.CharacterQuoteListApi.as_view(), name="quotes"),
    path("v2/me/favorites/characters", apis.FavoriteCharacterListApi.as_view(), name="favorite-characters"),
    path("v2/me/favorites/characters/<str:id>", apis.FavoriteCharacterApi.as_view(), name="favorite-character"),
]
