"""/v2/me/favorites/books, with tokens from the real accounts service."""

import pytest

from lotr_kit.favorites_tests import *  # noqa: F403
from lotr_kit.favorites_tests import FavoriteCase


@pytest.fixture
def favorite_case(books):
    return FavoriteCase("books", books[0], books[1])
