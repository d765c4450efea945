"""/v2/me/favorites/books, with tokens of the suite's own (lotr_kit_testing.tokens)."""

import pytest

from lotr_kit_testing.favorites_tests import FavoriteCase, FavoritesContract


class TestBookFavorites(FavoritesContract):
    @pytest.fixture
    def favorite_case(self, books):
        return FavoriteCase("books", books[0], books[1])
