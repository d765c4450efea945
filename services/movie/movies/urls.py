from django.urls import path

from . import apis

app_name = "movies"

urlpatterns = [
    path("v2/movie", apis.MovieListApi.as_view(), name="list"),
    path("v2/movie/<str:id>", apis.MovieDetailApi.as_view(), name="detail"),
    path("v2/movie/<str:id>/quote", apis.MovieQuoteListApi.as_view(), name="quotes"),
    path("v2/quote", apis.QuoteListApi.as_view(), name="quote-list"),
    path("v2/quote/<str:id>", apis.QuoteDetailApi.as_view(), name="quote-detail"),
    path("v2/quotes/random", apis.QuoteRandomApi.as_view(), name="quote-random"),
    path("internal/characters/<str:id>/quotes", apis.CharacterQuoteListInternalApi.as_view(), name="character-quotes"),
    path("v2/me/favorites/movies", apis.FavoriteMovieListApi.as_view(), name="favorite-movies"),
    path("v2/me/favorites/movies/<str:id>", apis.FavoriteMovieApi.as_view(), name="favorite-movie"),
    path("v2/me/favorites/quotes", apis.FavoriteQuoteListApi.as_view(), name="favorite-quotes"),
    path("v2/me/favorites/quotes/<str:id>", apis.FavoriteQuoteApi.as_view(), name="favorite-quote"),
]
