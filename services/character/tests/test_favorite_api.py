"""/v2/me/favorites/characters, with tokens of the suite's own (lotr_kit_testing.tokens)."""

import pytest

from lotr_kit_testing.favorites_tests import FavoriteCase, FavoritesContract


class TestCharacterFavorites(FavoritesContract):
    @pytest.fixture
    def favorite_case(self, characters):
        by_id = {c["_id"]: c for c in characters}
        return FavoriteCase("characters", by_id["5cd99d4bde30eff6ebccfea0"], by_id["5cd99d4bde30eff6ebccfbe6"])
