"""/v2/me/favorites/characters, with tokens from the real accounts service."""

import pytest

from lotr_kit.favorites_tests import *  # noqa: F403
from lotr_kit.favorites_tests import FavoriteCase


@pytest.fixture
def favorite_case(characters):
    by_id = {c["_id"]: c for c in characters}
    return FavoriteCase("characters", by_id["5cd99d4bde30eff6ebccfea0"], by_id["5cd99d4bde30eff6ebccfbe6"])
