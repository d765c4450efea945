"""The character routes answered without DRF's dispatch answer as DRF's dispatch does."""

from lotr_kit_testing.plain_reads import PlainReadContract
from lotr_kit_testing.testing import csv_documents


class TestPlainReads(PlainReadContract):
    def plain_read_paths(self, data_dir):
        first = csv_documents(data_dir / "characters.csv")[0]
        return [
            "/v2/character",
            "/v2/character?race=Hobbit&sort=name:asc&limit=10&page=2",
            "/v2/character?name=/^gan/i&limit=3&offset=1",
            "/v2/character?race!=Hobbit,Elf&birth=&sort=race:desc",
            f"/v2/character/{first['_id']}",
            f"/v2/character/{first['_id']}?limit=1&page=2",
            f"/v2/characters/random?_id={first['_id']}",
            "/v2/characters/random?race=NoSuchRace",
            f"/internal/characters?_id={first['_id']}",
            f"/internal/characters/ids?name={first['name']}",
            "/v2/character?sort=nosuchfield:asc",  # 400
            "/v2/character?limit=many",  # 400
            "/v2/character?name=/[/",  # 400
            "/v2/character/not-an-id",  # 404
            "/v2/character/5cd99d4bde30eff6ebccfe9f",  # 404 (no such character)
        ]

    def favorite_lists(self):
        return ["/v2/me/favorites/characters"]

    def token_read(self):
        return "/v2/character"
