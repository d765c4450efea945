"""expand=book on /v2/chapter and /v2/chapter/{id}; a 400 on /v2/book/{id}/chapter, whose
chapters carry no book key to expand."""

import pytest

pytestmark = pytest.mark.django_db


def with_book(chapter: dict, books: list[dict]) -> dict:
    return {**chapter, "book": next(b for b in books if b["_id"] == chapter["book"])}


def test_expand_book_on_the_chapter_list(api, chapters, books, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the page with its total, then its books at once
        body = api.json("/v2/chapter?limit=7&expand=book")

    assert body["docs"] == [with_book(c, books) for c in chapters[:7]]
    assert list(body["docs"][0]) == ["_id", "chapterName", "book"]
    assert body["total"] == len(chapters)


def test_expand_book_on_one_chapter(api, chapters, books):
    chapter = chapters[-1]

    body = api.json(f"/v2/chapter/{chapter['_id']}?expand=book")

    assert body["docs"] == [with_book(chapter, books)]


def test_without_expand_chapters_are_unchanged(api):
    assert api.get("/v2/chapter?limit=3").content == api.get("/v2/chapter?limit=3&expand=").content
    assert b'"book":"5cf5805fb53e011a64671582"' in api.get("/v2/chapter?limit=3").content


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v2/chapter?expand=books", "Unknown expand value 'books'. Valid values: book."),
        ("/v2/chapter?expand=book,chapterName", "Unknown expand value 'chapterName'. Valid values: book."),
        (
            "/v2/book/5cf5805fb53e011a64671582/chapter?expand=book",
            "Unknown expand value 'book'. Nothing can be expanded on this path.",
        ),
    ],
)
def test_expand_values_that_cannot_apply_are_a_400(api, path, message):
    response = api.get(path)

    assert response.status_code == 400, response.content
    assert response.json()["message"] == message
    assert response.json()["errors"] == {"expand": message}
