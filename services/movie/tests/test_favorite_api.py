"""/v2/me/favorites/movies and /v2/me/favorites/quotes, with tokens of the suite's own
(lotr_kit_testing.tokens)."""

import pytest

from lotr_kit_testing.favorites_tests import FavoriteCase, FavoritesContract


class TestMovieAndQuoteFavorites(FavoritesContract):
    @pytest.fixture(params=["movies", "quotes"])
    def favorite_case(self, request, movies, quotes):
        docs = movies if request.param == "movies" else quotes
        return FavoriteCase(request.param, docs[0], docs[1])
