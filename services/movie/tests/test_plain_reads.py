"""The movie and quote routes answered without DRF's dispatch answer as DRF's dispatch does."""

from lotr_devstack import free_port
from lotr_kit_testing.plain_reads import PlainReadContract
from lotr_kit_testing.testing import csv_documents


class TestPlainReads(PlainReadContract):
    def prepare(self, settings):
        settings.CHARACTER_SERVICE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens: a 503
        settings.SERVICE_RETRIES = 0

    def plain_read_paths(self, data_dir):
        movie = csv_documents(data_dir / "movies.csv")[0]["_id"]
        quote = csv_documents(data_dir / "quotes.csv")[0]
        return [
            "/v2/movie",
            "/v2/movie?budgetInMillions<100&sort=name:desc",
            f"/v2/movie/{movie}",
            f"/v2/movie/{movie}/quote?limit=5&page=2",
            "/v2/quote?limit=20&offset=40&sort=dialog:asc",
            f"/v2/quote?character={quote['character']}&expand=movie",
            f"/v2/quote/{quote['_id']}?expand=movie",
            f"/v2/quotes/random?_id={quote['_id']}&expand=movie",
            "/v2/quotes/random?character=5cd99d4bde30eff6ebccfe9f",  # 404: no quote
            f"/internal/characters/{quote['character']}/quotes?limit=3&expand=movie",
            "/v2/quote?expand=nothing",  # 400
            "/v2/quote?page=0",  # 400
            "/v2/movie/not-an-id",  # 404
            f"/v2/movie/{quote['_id']}/quote",  # 404: a quote's id is no movie
            "/v2/quote?limit=2&expand=character",  # 503: the character service does not answer
        ]

    def favorite_lists(self):
        return ["/v2/me/favorites/movies", "/v2/me/favorites/quotes"]

    def token_read(self):
        return "/v2/quote"
