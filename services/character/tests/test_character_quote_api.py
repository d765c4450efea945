"""/v2/character/{id}/quote when the movie service cannot answer.

The happy path, with the movie service running as a real process, is in
tests/system/test_character_quotes.py at the repository root.
"""

import socket
import time

import pytest

from characters.movies import movie_service
from lotr_devstack import free_port

pytestmark = pytest.mark.django_db

GANDALF = "5cd99d4bde30eff6ebccfea0"
UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture
def movie_url(settings):
    """Point the character service at a movie service URL for one test."""

    def use(url):
        settings.MOVIE_SERVICE_URL = url
        movie_service.cache_clear()

    yield use
    movie_service.cache_clear()


def test_character_quotes_answer_503_when_the_movie_service_is_down(api, movie_url):
    movie_url(f"http://127.0.0.1:{free_port()}")  # nothing listens there

    response = api.get(f"/v2/character/{GANDALF}/quote")

    assert response.status_code == 503, response.content
    assert response.json() == UNAVAILABLE


def test_character_quotes_answer_503_within_the_timeout_when_the_movie_service_hangs(api, movie_url, settings):
    settings.SERVICE_READ_TIMEOUT = 0.5
    settings.SERVICE_RETRIES = 1
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        movie_url(f"http://127.0.0.1:{listener.getsockname()[1]}")
        started = time.monotonic()

        response = api.get(f"/v2/character/{GANDALF}/quote")

        elapsed = time.monotonic() - started
    assert response.status_code == 503, response.content
    assert response.json() == UNAVAILABLE
    # Two attempts of 0.5 s each plus backoff; far below any client's patience.
    assert elapsed < 5, elapsed


def test_character_quotes_of_an_unknown_character_are_404_without_asking_movies(api, movie_url):
    movie_url(f"http://127.0.0.1:{free_port()}")  # would be a 503 if it were asked

    response = api.get("/v2/character/000000000000000000000000/quote")

    assert response.status_code == 404, response.content
    assert response.json() == {"success": False, "message": "Not found."}


def test_character_quotes_need_a_token_when_reads_do(api, settings, movie_url):
    settings.LOTR_READS_REQUIRE_TOKEN = True
    movie_url(f"http://127.0.0.1:{free_port()}")

    response = api.get(f"/v2/character/{GANDALF}/quote")

    assert response.status_code == 401, response.content


def test_character_quotes_do_not_look_at_tokens_while_reads_are_open(api, movie_url):
    # The movie service is down, so the 503 shows the token passed the character service
    # unchecked (an unknown token would otherwise be a 401 before the call).
    movie_url(f"http://127.0.0.1:{free_port()}")

    response = api.get(f"/v2/character/{GANDALF}/quote", Authorization="Bearer Xq3_kP9-vLm2Zt7wBn4R")

    assert response.status_code == 503, response.content


def test_character_quotes_refuse_a_bad_token_when_reads_need_one(api, settings, movie_url):
    settings.LOTR_READS_REQUIRE_TOKEN = True
    movie_url(f"http://127.0.0.1:{free_port()}")

    response = api.get(f"/v2/character/{GANDALF}/quote", Authorization="Bearer Xq3_kP9-vLm2Zt7wBn4R")

    assert response.status_code == 401, response.content
