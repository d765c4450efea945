"""/v2/me/favorites/movies and /v2/me/favorites/quotes, with tokens from the real accounts service."""

import pytest

from lotr_kit.favorites_tests import *  # noqa: F403
from lotr_kit.favorites_tests import FavoriteCase


@pytest.fixture(params=["movies", "quotes"])
def favorite_case(request, movies, quotes):
    docs = movies if request.param == "movies" else quotes
    return FavoriteCase(request.param, docs[0], docs[1])
