"""/v2/book, /v2/book/{id}, /v2/book/{id}/chapter, /v2/chapter, /v2/chapter/{id}."""

import math

import pytest

pytestmark = pytest.mark.django_db

FELLOWSHIP = "5cf5805fb53e011a64671582"
FIRST_CHAPTER = "6091b6d6d58360f988133b8b"

# Spec §3.1 and §3.2, byte for byte.
BOOKS_JSON = (
    '{"docs":[{"_id":"5cf5805fb53e011a64671582","name":"The Fellowship Of The Ring"},'
    '{"_id":"5cf58077b53e011a64671583","name":"The Two Towers"},'
    '{"_id":"5cf58080b53e011a64671584","name":"The Return Of The King"}],'
    '"total":3,"limit":1000,"offset":0,"page":1,"pages":1}'
)
FELLOWSHIP_CHAPTERS_DOCS = (
    '[{"_id":"6091b6d6d58360f988133b8b","chapterName":"A Long-expected Party"},'
    '{"_id":"6091b6d6d58360f988133b8c","chapterName":"The Shadow of the Past"},'
    '{"_id":"6091b6d6d58360f988133b8d","chapterName":"Three is Company"}]'
)
CHAPTER_JSON = (
    '{"docs":[{"_id":"6091b6d6d58360f988133b8b","chapterName":"A Long-expected Party",'
    '"book":"5cf5805fb53e011a64671582"}],"total":1,"limit":1000,"offset":0,"page":1,"pages":1}'
)


def test_book_list_is_byte_identical_to_the_original(api):
    response = api.get("/v2/book")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content.decode() == BOOKS_JSON


def test_book_chapters_are_byte_identical_to_the_original(api, chapters):
    total = sum(1 for c in chapters if c["book"] == FELLOWSHIP)

    response = api.get(f"/v2/book/{FELLOWSHIP}/chapter?limit=3")

    assert response.content.decode() == (
        f'{{"docs":{FELLOWSHIP_CHAPTERS_DOCS},"total":{total},"limit":3,"offset":0,"page":1,'
        f'"pages":{math.ceil(total / 3)}}}'
    )


def test_chapter_detail_is_byte_identical_to_the_original(api):
    response = api.get(f"/v2/chapter/{FIRST_CHAPTER}")

    assert response.content.decode() == CHAPTER_JSON


@pytest.mark.parametrize(
    ("query", "envelope", "expected_slice"),
    [
        pytest.param("offset=1", {"limit": 1000, "offset": 1}, slice(1, None), id="offset"),
        pytest.param("limit=1&page=3", {"limit": 1, "page": 3, "pages": 3}, slice(2, 3), id="page"),
        pytest.param("limit=2", {"limit": 2, "offset": 0, "page": 1, "pages": 2}, slice(0, 2), id="limit"),
        pytest.param("name=/towers/i", None, None, id="regex"),
    ],
)
def test_book_list_paginates_and_filters(api, books, query, envelope, expected_slice):
    body = api.json(f"/v2/book?{query}")

    if envelope is None:
        expected = [b for b in books if "towers" in b["name"].lower()]
        assert body["docs"] == expected
    else:
        assert {k: v for k, v in body.items() if k != "docs"} == {"total": len(books), **envelope}
        assert body["docs"] == books[expected_slice]


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        pytest.param(f"book={FELLOWSHIP}", lambda c: c["book"] == FELLOWSHIP, id="by-book"),
        pytest.param("chapterName=/ring/i", lambda c: "ring" in c["chapterName"].lower(), id="regex"),
        pytest.param("chapterName<B", lambda c: c["chapterName"] < "B", id="text-compare"),
    ],
)
def test_chapter_list_applies_query_language(api, chapters, query, predicate):
    expected = [c for c in chapters if predicate(c)]

    body = api.json(f"/v2/chapter?{query}")

    assert body["total"] == len(expected)
    assert body["docs"] == expected


def test_book_chapters_apply_filters_and_sort_and_omit_the_book_key(api, chapters):
    expected = sorted(
        ({"_id": c["_id"], "chapterName": c["chapterName"]} for c in chapters if c["book"] == FELLOWSHIP),
        key=lambda c: c["chapterName"],
        reverse=True,
    )

    body = api.json(f"/v2/book/{FELLOWSHIP}/chapter?sort=chapterName")

    assert body["docs"] == expected


@pytest.mark.parametrize(
    "path",
    [
        "/v2/book/invalid",
        "/v2/book/000000000000000000000000",
        "/v2/book/invalid/chapter",
        "/v2/book/000000000000000000000000/chapter",
        "/v2/chapter/invalid",
    ],
)
def test_book_unknown_or_malformed_id_is_404(api, path):
    response = api.get(path)

    assert response.status_code == 404, response.content
    assert response.json() == {"success": False, "message": "Not found."}


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("/v2/books", "/book"),
        ("/v2/Books", "/Book"),
        (f"/v2/book/{FELLOWSHIP}/chapters", f"/book/{FELLOWSHIP}/chapter"),
        ("/v2/status", "/statu"),
    ],
)
def test_book_plural_paths_hint_the_singular(api, path, hint):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "message": f"Not found. Did you mean to use the singular version of the endpoint, {hint}?",
    }


@pytest.mark.parametrize(
    "query", ["filter=x", "sort=a&sort=b", "name=X&name!=/(/", "name=date(nope)", "name=/a/&name>/b/"]
)
def test_book_routes_answer_400_where_the_original_crashed(api, query):
    response = api.get(f"/v2/book?{query}")

    assert response.status_code == 400, response.content
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    ("query", "predicate"),
    [
        # The original crashes here (an operator after "="): this project combines them.
        pytest.param("name=The Two Towers&name!=/Ring/", lambda b: b["name"] == "The Two Towers", id="eq-then-ne"),
        pytest.param("name!=/Ring/&name=The Two Towers", lambda b: b["name"] == "The Two Towers", id="ne-then-eq"),
        pytest.param("name>T&name<U", lambda b: "T" < b["name"] < "U", id="range-on-text"),
    ],
)
def test_book_list_combines_operators_on_one_field(api, books, query, predicate):
    body = api.json(f"/v2/book?{query}")

    assert body["docs"] == [b for b in books if predicate(b)]


def test_book_lists_run_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        api.json("/v2/chapter?limit=1000")
    with django_assert_max_num_queries(3):
        api.json(f"/v2/book/{FELLOWSHIP}/chapter?limit=1000")
    with django_assert_max_num_queries(1):
        api.json(f"/v2/chapter/{FIRST_CHAPTER}")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v2/book", 200),
        (f"/v2/book/{FELLOWSHIP}", 200),
        (f"/v2/book/{FELLOWSHIP}/chapter", 200),
        ("/v2/chapter", 401),
        (f"/v2/chapter/{FIRST_CHAPTER}", 401),
    ],
)
def test_when_reads_need_a_token_only_the_book_routes_stay_open(api, settings, path, status):
    settings.LOTR_READS_REQUIRE_TOKEN = True

    response = api.get(path)

    assert response.status_code == status, response.content


def test_when_reads_need_a_token_a_valid_one_opens_every_route(api, settings, signed_in):
    settings.LOTR_READS_REQUIRE_TOKEN = True

    response = api.get("/v2/chapter", Authorization=f"Bearer {signed_in()['access']}")

    assert response.status_code == 200, response.content


# A the-one-api.dev access token: 20 characters of nanoid's alphabet, unknown here.
ONE_API_KEY = "Xq3_kP9-vLm2Zt7wBn4R"
BOOK_ROUTES = ["/v2/book", f"/v2/book/{FELLOWSHIP}", f"/v2/book/{FELLOWSHIP}/chapter"]
CHAPTER_ROUTES = ["/v2/chapter", f"/v2/chapter/{FIRST_CHAPTER}"]


@pytest.mark.parametrize("path", BOOK_ROUTES + CHAPTER_ROUTES)
@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"Authorization": f"Bearer {ONE_API_KEY}"}, id="bearer"),
        pytest.param({"Authorization": "Token whatever"}, id="other-scheme"),
        pytest.param({"access_token": ONE_API_KEY}, id="access_token"),
        pytest.param({"Authorization": f"Bearer {ONE_API_KEY}", "access_token": "x"}, id="both"),
    ],
)
def test_open_reads_do_not_look_at_tokens(api, path, how):
    headers = {k: v for k, v in how.items() if k != "access_token"}
    query = f"?access_token={how['access_token']}" if "access_token" in how else ""

    with_token = api.get(path + query, **headers)
    without = api.get(path)

    assert with_token.status_code == 200, with_token.content
    assert with_token.content == without.content


@pytest.mark.parametrize("path", BOOK_ROUTES)
def test_book_routes_do_not_look_at_tokens_even_when_reads_need_one(api, settings, path):
    settings.LOTR_READS_REQUIRE_TOKEN = True

    response = api.get(path, Authorization=f"Bearer {ONE_API_KEY}")

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", CHAPTER_ROUTES)
@pytest.mark.parametrize("token", [ONE_API_KEY, "lotr_" + "A" * 43, "not.a.jwt"])
def test_when_reads_need_a_token_a_bad_one_is_401(api, settings, token_issuer, path, token):
    settings.LOTR_READS_REQUIRE_TOKEN = True

    response = api.get(path, Authorization=f"Bearer {token}")

    assert response.status_code == 401, response.content
    assert response.json() == {"success": False, "message": "Unauthorized."}
