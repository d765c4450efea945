import pytest


@pytest.fixture(scope="module")
def services(start_service):
    """The three services, the character one calling the movie one, as in production."""
    book = start_service("book")
    movie = start_service("movie")
    character = start_service("character", MOVIE_SERVICE_URL=movie.url)
    return {"book": book, "movie": movie, "character": character}


@pytest.fixture(scope="module")
def upstreams(services):
    return {name: f"127.0.0.1:{process.port}" for name, process in services.items()}
