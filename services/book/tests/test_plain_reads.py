"""The book and chapter routes answered without DRF's dispatch answer as DRF's dispatch does."""

from lotr_kit_testing.plain_reads import PlainReadContract
from lotr_kit_testing.testing import csv_documents


class TestPlainReads(PlainReadContract):
    def plain_read_paths(self, data_dir):
        book = csv_documents(data_dir / "books.csv")[0]["_id"]
        chapter = csv_documents(data_dir / "chapters.csv")[0]["_id"]
        return [
            "/v2/book",
            "/v2/book?sort=name:desc&limit=2",
            f"/v2/book/{book}",
            f"/v2/book/{book}/chapter?limit=4&offset=2",
            "/v2/chapter?chapterName=/ring/i&expand=book",
            f"/v2/chapter/{chapter}?expand=book",
            "/v2/book?name=/[/",  # 400: not a valid regex
            f"/v2/book/{book}/chapter?expand=book",  # 400: nothing expands there
            "/v2/book/not-an-id",  # 404
            f"/v2/book/{chapter}/chapter",  # 404: a chapter's id is no book
        ]

    def favorite_lists(self):
        return ["/v2/me/favorites/books"]

    def token_read(self):
        return "/v2/chapter"
