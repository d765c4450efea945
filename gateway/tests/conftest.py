import pytest

from tests.stack import free_port

from .browser import browser_context, visit  # noqa: F401  fixtures of the browser tests


@pytest.fixture(scope="module")
def services(start_service):
    """All four services, wired as in production: every one checks tokens with accounts, the
    character service asks the movie service for quotes, the movie service asks the character
    service for names (expand, characterName). API-key checks are cached for one second."""
    accounts = start_service("accounts")
    wiring = {"ACCOUNTS_SERVICE_URL": accounts.url, "LOTR_API_KEY_CACHE_SECONDS": "1"}
    book = start_service("book", **wiring)
    character_port = free_port()
    movie = start_service("movie", CHARACTER_SERVICE_URL=f"http://127.0.0.1:{character_port}", **wiring)
    character = start_service("character", port=character_port, MOVIE_SERVICE_URL=movie.url, **wiring)
    return {"book": book, "movie": movie, "character": character, "accounts": accounts}


@pytest.fixture(scope="module")
def upstreams(services):
    return {name: f"127.0.0.1:{process.port}" for name, process in services.items()}
