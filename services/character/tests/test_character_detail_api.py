"""/v2/character/{id}: one-doc envelopes, golden bytes of the original's answers, ids and paths."""

import pytest

pytestmark = pytest.mark.django_db

GANDALF = "5cd99d4bde30eff6ebccfea0"
ARAGORN = "5cd99d4bde30eff6ebccfbe6"

# Spec §3.4, byte for byte (the Gandalf one matches a fixture recorded from production).
GANDALF_JSON = (
    '{"docs":[{"_id":"5cd99d4bde30eff6ebccfea0","name":"Gandalf","wikiUrl":"http://lotr.wikia.com//wiki/Gandalf",'
    '"race":"Maiar","birth":"Before the the Shaping of Arda","gender":"Male",'
    '"death":"January 253019 ,Battle of the Peak immortal","hair":"Grey, later white","height":null,'
    '"realm":null,"spouse":null}],"total":1,"limit":1000,"offset":0,"page":1,"pages":1}'
)
ARAGORN_DOC = (
    '{"_id":"5cd99d4bde30eff6ebccfbe6","name":"Aragorn II Elessar",'
    '"wikiUrl":"http://lotr.wikia.com//wiki/Aragorn_II_Elessar","race":"Human","birth":"March 1 ,2931",'
    '"gender":"Male","death":"FO 120","hair":"Dark","height":"198cm (6\'6\\")",'
    '"realm":"Reunited Kingdom,Arnor,Gondor","spouse":"Arwen"}'
)


def test_character_detail_is_byte_identical_to_the_original(api):
    response = api.get(f"/v2/character/{GANDALF}")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content.decode() == GANDALF_JSON


def test_character_detail_keeps_comma_joined_values(api):
    response = api.get(f"/v2/character/{ARAGORN}")

    assert response.content.decode() == (
        f'{{"docs":[{ARAGORN_DOC}],"total":1,"limit":1000,"offset":0,"page":1,"pages":1}}'
    )


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"/v2/character/{GANDALF.upper()}", id="upper-case-id"),
        pytest.param(f"/v2/character/{GANDALF}/", id="trailing-slash"),
        pytest.param(f"/v2/CHARACTER/{GANDALF}", id="path-ignores-case"),
        pytest.param(f"/v2/character/{GANDALF}?name=Frodo", id="filters-ignored"),
        pytest.param(f"/v2/character/{GANDALF}?foo=bar&name=/(/&select=name", id="any-filter-ignored"),
    ],
)
def test_character_detail_answers_the_same_for_equivalent_requests(api, path):
    response = api.get(path)

    assert response.content.decode() == GANDALF_JSON


@pytest.mark.parametrize(
    ("query", "envelope"),
    [
        pytest.param("page=2", {"docs": [], "total": 1, "limit": 1000, "page": 2, "pages": 1}, id="page-2-is-empty"),
        pytest.param("offset=1", {"docs": [], "total": 1, "limit": 1000, "offset": 1}, id="offset-1-is-empty"),
    ],
)
def test_character_detail_applies_paging(api, query, envelope):
    body = api.json(f"/v2/character/{GANDALF}?{query}")

    assert body == envelope


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v2/character/invalid", id="not-hex"),
        pytest.param("/v2/character/000000000000000000000000", id="unknown-id"),
        pytest.param("/v2/character/5cd99d4bde30eff6ebccfea", id="23-hex"),
        pytest.param("/v2/character/abcdefghijkl", id="12-characters"),
        pytest.param("/v2/character/invalid/quote", id="bad-id-on-sub-resource"),
        pytest.param("/v2/character/000000000000000000000000/quote", id="unknown-id-on-sub-resource"),
    ],
)
def test_character_unknown_or_malformed_id_is_404(api, path):
    response = api.get(path)

    assert response.status_code == 404, response.content
    assert response.json() == {"success": False, "message": "Not found."}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param(
            "/v2/characters",
            "Not found. Did you mean to use the singular version of the endpoint, /character?",
            id="plural",
        ),
        pytest.param(
            "/v2/Characters",
            "Not found. Did you mean to use the singular version of the endpoint, /Character?",
            id="plural-keeps-case",
        ),
        pytest.param(f"/v2/characters/{GANDALF}", "Not found.", id="plural-then-id"),
        pytest.param("/v2/characters/", "Not found.", id="plural-with-slash"),
        pytest.param("/v2/foo", "Not found.", id="unknown"),
    ],
)
def test_character_unknown_paths_answer_the_original_404(api, path, message):
    response = api.get(path)

    assert response.status_code == 404, response.content
    assert response.json() == {"success": False, "message": message}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_character_paths_refuse_other_methods_with_405(client, db, method):
    response = getattr(client, method)("/v2/character", data="{}", content_type="application/json")

    assert response.status_code == 405, response.content
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"success": False, "message": f'Method "{method.upper()}" not allowed.'}


def test_character_head_answers_without_body(client, db):
    response = client.head("/v2/character")

    assert response.status_code == 200
    assert response.content == b""


def test_character_detail_runs_one_query(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        api.json(f"/v2/character/{GANDALF}")


@pytest.mark.parametrize("path", ["/v2/character?limit=3", f"/v2/character/{GANDALF}"])
@pytest.mark.parametrize(
    ("headers", "query"),
    [
        pytest.param({"Authorization": "Bearer Xq3_kP9-vLm2Zt7wBn4R"}, "", id="one-api-key"),
        pytest.param({}, "access_token=Xq3_kP9-vLm2Zt7wBn4R", id="access_token"),
    ],
)
def test_character_open_reads_do_not_look_at_tokens(api, path, headers, query):
    separator = "&" if "?" in path else "?"

    response = api.get(f"{path}{separator}{query}" if query else path, **headers)

    assert response.status_code == 200, response.content
    assert response.content == api.get(path).content
