import pytest

from .browser import browser_context, visit  # noqa: F401  fixtures of the browser tests


@pytest.fixture(scope="module")
def services(start_service):
    """All four services, wired as in production: every one checks tokens with accounts, the
    character service asks the movie service. API-key checks are cached for one second."""
    accounts = start_service("accounts")
    wiring = {"ACCOUNTS_SERVICE_URL": accounts.url, "LOTR_API_KEY_CACHE_SECONDS": "1"}
    book = start_service("book", **wiring)
    movie = start_service("movie", **wiring)
    character = start_service("character", MOVIE_SERVICE_URL=movie.url, **wiring)
    return {"book": book, "movie": movie, "character": character, "accounts": accounts}


@pytest.fixture(scope="module")
def upstreams(services):
    return {name: f"127.0.0.1:{process.port}" for name, process in services.items()}
