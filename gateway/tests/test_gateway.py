"""The real gateway (nginx rendered from templates/lotr.conf.template) in front of the real
services on loopback: routing, JSON errors, headers, gzip, CORS, ETags, cache, docs."""

import gzip
import http.client
import json
import time

import pytest
import requests

GANDALF = "5cd99d4bde30eff6ebccfea0"
FELLOWSHIP_BOOK = "5cf5805fb53e011a64671582"
FELLOWSHIP_MOVIE = "5cd95395de30eff6ebccde5c"
FIRST_CHAPTER = "6091b6d6d58360f988133b8b"
CLEANED_QUOTE = "5cd96e05de30eff6ebcce8d1"
NOT_FOUND = {"success": False, "message": "Not found."}


@pytest.fixture(scope="module")
def gateway(start_gateway, upstreams):
    return start_gateway(upstreams)


@pytest.fixture(scope="module")
def access(gateway):
    """An access JWT of a user registered through the gateway."""
    credentials = {"email": "legolas@mirkwood.me", "password": "Mellon-2-friend!"}
    requests.post(f"{gateway.url}/auth/register", json=credentials, timeout=10)
    return requests.post(f"{gateway.url}/auth/login", json=credentials, timeout=10).json()["access"]


def get(gateway, path, **headers):
    return requests.get(f"{gateway.url}{path}", headers=headers, timeout=10)


def test_rendered_configuration_passes_nginx_t(gateway):
    checked = gateway.check()

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/v2/book", "book"),
        (f"/v2/book/{FELLOWSHIP_BOOK}", "book"),
        (f"/v2/book/{FELLOWSHIP_BOOK}/chapter?limit=3", "book"),
        ("/v2/chapter?chapterName=/ring/i", "book"),
        (f"/v2/chapter/{FIRST_CHAPTER}", "book"),
        ("/v2/movie?budgetInMillions<100", "movie"),
        (f"/v2/movie/{FELLOWSHIP_MOVIE}", "movie"),
        (f"/v2/movie/{FELLOWSHIP_MOVIE}/quote?limit=5", "movie"),
        ("/v2/quote?limit=2&page=2", "movie"),
        (f"/v2/quote/{CLEANED_QUOTE}", "movie"),
        ("/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3", "character"),
        (f"/v2/character/{GANDALF}", "character"),
        (f"/v2/character/{GANDALF}/quote?limit=3", "character"),
        ("/v2/BOOK/", "book"),
        (f"/v2/Character/{GANDALF.upper()}", "character"),
    ],
)
def test_every_route_reaches_its_service_with_the_services_body(gateway, services, path, service):
    through = get(gateway, path)
    direct = requests.get(f"{services[service].url}{path}", timeout=10)

    assert through.status_code == 200, through.text
    assert through.headers["Content-Type"] == "application/json; charset=utf-8"
    assert through.content == direct.content


def test_random_quote_is_routed_and_never_cached(gateway):
    first = get(gateway, "/v2/quotes/random")
    second = get(gateway, "/v2/quotes/random")

    assert first.status_code == 200, first.text
    assert list(first.json()) == ["_id", "dialog", "movie", "character", "id"]
    assert "X-Cache-Status" in second.headers
    assert second.headers["X-Cache-Status"] == "BYPASS"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v2/books", "Not found. Did you mean to use the singular version of the endpoint, /book?"),
        ("/v2/Quotes", "Not found. Did you mean to use the singular version of the endpoint, /Quote?"),
        ("/v2/status", "Not found. Did you mean to use the singular version of the endpoint, /statu?"),
        (
            f"/v2/book/{FELLOWSHIP_BOOK}/chapters",
            f"Not found. Did you mean to use the singular version of the endpoint, /book/{FELLOWSHIP_BOOK}/chapter?",
        ),
        (f"/v2/characters/{GANDALF}", "Not found."),
        ("/v2/movies/", "Not found."),
        ("/v2/foo", "Not found."),
        ("/v2/bookshelf", "Not found."),
        ('/v2/a"s', "Not found. Did you mean to use the singular version of the endpoint, /a%22?"),
        ("/v2/x.json", "Not found."),
        ("/index.html", "Not found."),  # the landing page is at / only
        ("/home/index.json", "Not found."),
    ],
)
def test_unknown_paths_answer_the_original_404(gateway, path, message):
    response = get(gateway, path)

    assert response.status_code == 404, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"success": False, "message": message}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/login/",
        "/metrics",
        f"/internal/characters/{GANDALF}/quotes",
        "/readyz",
        "/api/schema/",
        "/static/admin/css/base.css",
        "/v2/book/../../admin/login/",
        "/v2/book/..%2F..%2Fadmin/login/",
        "/v2/book/%2e%2e/%2e%2e/metrics",
    ],
)
def test_internal_paths_are_not_reachable(gateway, path):
    response = requests.get(f"{gateway.url}{path}", timeout=10, allow_redirects=False)

    assert response.status_code == 404, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["success"] is False


def test_a_services_own_errors_pass_through_untouched(gateway, services):
    through = requests.post(f"{gateway.url}/v2/book", json={}, timeout=10)
    direct = requests.post(f"{services['book'].url}/v2/book", json={}, timeout=10)
    bad_filter = get(gateway, "/v2/character?foo=bar")

    assert through.status_code == 405
    assert through.headers["Allow"] == "GET, HEAD"
    assert through.content == direct.content
    assert bad_filter.status_code == 400
    assert bad_filter.json()["message"].startswith("Unknown field 'foo'")


def raw_get(gateway, target: str) -> tuple[int, bytes]:
    """GET with the request target sent as written (requests would percent-encode < > ")."""
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("/v2/movie?budgetInMillions<100", "/v2/movie?budgetInMillions%3C100"),
        (
            "/v2/movie?runtimeInMinutes>=160&budgetInMillions<100",
            "/v2/movie?runtimeInMinutes%3E=160&budgetInMillions%3C100",
        ),  # noqa: E501
        ('/v2/character?name="Gandalf"', "/v2/character?name=%22Gandalf%22"),
        ("/v2/quote?dialog=/<>/&limit=3", "/v2/quote?dialog=/%3C%3E/&limit=3"),
    ],
)
def test_filters_written_with_raw_angle_brackets_and_quotes_work(gateway, raw, encoded):
    status, body = raw_get(gateway, raw)

    assert status == 200, body
    assert body == get(gateway, encoded).content


def test_a_url_with_more_raw_brackets_than_the_gateway_escapes_is_a_json_400(gateway):
    escaped = raw_get(gateway, "/v2/movie?" + "&".join(["budgetInMillions<100"] * 8))
    refused = raw_get(gateway, "/v2/movie?" + "&".join(["budgetInMillions<100"] * 9))

    assert escaped[0] == 200, escaped[1]
    assert refused[0] == 400
    assert json.loads(refused[1]) == {"success": False, "message": "Bad request."}


def test_gateway_answers_405_json_with_allow_on_its_own_paths(gateway):
    response = requests.post(f"{gateway.url}/healthz", timeout=10)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.json() == {"success": False, "message": "Method not allowed."}


def test_gateway_answers_413_json_for_an_oversized_body(gateway):
    response = requests.post(f"{gateway.url}/v2/book", data=b"x" * 200_000, timeout=10)

    assert response.status_code == 413
    assert response.json() == {"success": False, "message": "Request body too large."}


def test_long_urls_reach_the_service_and_too_long_ones_get_414_json(gateway):
    ids = ",".join(["5cd99d4bde30eff6ebccfea0"] * 250)  # about 6 KB: past many servers' default line limit

    long_url = get(gateway, f"/v2/character?_id={ids}")
    too_long = get(gateway, f"/v2/character?_id={ids}{',5cd99d4bde30eff6ebccfea0' * 120}")

    assert long_url.status_code == 200, long_url.text
    assert long_url.json()["total"] == 1
    assert too_long.status_code == 414
    assert too_long.headers["Content-Type"] == "application/json; charset=utf-8"
    assert too_long.json() == {"success": False, "message": "Request URI too long."}


@pytest.mark.parametrize("path", ["/v2/character?name=", "/v2/book/x?name=", "/auth/me?x=", "/docs/?x=", "/nope?x="])
def test_a_request_line_past_the_limit_is_a_414_json_on_every_path(gateway, path):
    # The default limit (GATEWAY_MAX_URI_SIZE) is 8k: the whole request line must fit it.
    just_under = get(gateway, path + "a" * (8100 - len(path)))
    over = get(gateway, path + "a" * (8200 - len(path)))

    assert just_under.status_code != 414, just_under.text
    assert over.status_code == 414
    assert over.headers["Content-Type"] == "application/json; charset=utf-8"
    assert over.json() == {"success": False, "message": "Request URI too long."}


def test_the_uri_limit_is_the_gateways_own_setting(start_gateway, upstreams):
    gateway = start_gateway(upstreams, GATEWAY_MAX_URI_SIZE="2k")

    under = get(gateway, "/v2/character?name=" + "a" * 1900)
    over = get(gateway, "/v2/character?name=" + "a" * 2100)

    assert under.status_code == 200, under.text
    assert over.status_code == 414
    assert over.json() == {"success": False, "message": "Request URI too long."}


def test_the_services_take_longer_lines_than_the_gateway_ever_passes(services):
    # The gateway's limit must be hit first: at its documented maximum (32k) a service still
    # answers, rather than with a bare 414 or 431 of its own server.
    character = services["character"].url
    long_line = requests.get(f"{character}/v2/character?name={'a' * 32 * 1024}", timeout=10)
    big_headers = requests.get(
        f"{character}/v2/book", headers={f"X-Big-{n}": "a" * 32 * 1024 for n in range(4)}, timeout=10
    )

    assert long_line.status_code == 200, long_line.text
    assert big_headers.status_code == 404, big_headers.text  # routed and answered: /v2/book lives elsewhere


def test_json_is_gzipped_for_clients_that_accept_it(gateway, services):
    path = "/v2/character?limit=50"
    response = requests.get(f"{gateway.url}{path}", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    raw = response.raw.read()
    direct = requests.get(f"{services['character'].url}{path}", timeout=10)

    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw) == direct.content
    assert len(raw) < len(direct.content)


def test_cors_preflight_is_answered_by_the_gateway(gateway):
    response = requests.options(
        f"{gateway.url}/v2/movie",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=10,
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"
    assert response.content == b""


def test_responses_carry_cors_and_security_headers(gateway):
    for response in (get(gateway, "/v2/book"), get(gateway, "/v2/books")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Strict-Transport-Security"] == "max-age=15552000; includeSubDomains"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "nginx/" not in response.headers.get("Server", "")


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_if_none_match_gets_304_end_to_end(gateway, access, encoding):
    path = f"/v2/character/{GANDALF}"
    first = get(gateway, path, **{"Accept-Encoding": encoding})

    again = get(gateway, path, **{"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"]})
    token = get(
        gateway,
        path,
        **{"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"], "Authorization": f"Bearer {access}"},
    )

    assert again.status_code == 304
    assert again.content == b""
    assert token.status_code == 304  # answered by the service itself: the cache is bypassed
    assert token.headers["X-Cache-Status"] == "BYPASS"


def test_anonymous_gets_are_cached_briefly_and_personal_ones_never(gateway, access):
    path = "/v2/movie?sort=name:asc"
    first, second, third = get(gateway, path), get(gateway, path), get(gateway, path)
    with_token = [get(gateway, path, Authorization=f"Bearer {access}") for _ in range(2)]
    with_query_token = [get(gateway, f"{path}&access_token={access}") for _ in range(2)]

    # Stored from the second request for a URL on (proxy_cache_min_uses 2): a one-off URL never is.
    assert [first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]] == ["MISS", "MISS"]
    assert third.headers["X-Cache-Status"] == "HIT"
    assert second.content == first.content == third.content
    assert [r.status_code for r in with_token + with_query_token] == [200] * 4
    assert [r.headers["X-Cache-Status"] for r in with_token] == ["BYPASS", "BYPASS"]
    assert [r.headers["X-Cache-Status"] for r in with_query_token] == ["BYPASS", "BYPASS"]


def test_request_id_is_kept_returned_and_passed_to_the_service(gateway, services):
    response = get(gateway, "/v2/book?limit=1", **{"X-Request-ID": "trace-42.a"})
    made_up = get(gateway, "/v2/book?limit=2", **{"X-Request-ID": "bad id with spaces"})

    assert response.headers["X-Request-ID"] == "trace-42.a"
    assert made_up.headers["X-Request-ID"] != "bad id with spaces"
    assert len(made_up.headers["X-Request-ID"]) == 32
    expected = [("limit=1", "trace-42.a"), ("limit=2", made_up.headers["X-Request-ID"])]

    def seen(lines):
        entries = map(json.loads, lines)
        return {(entry["query"], entry["request_id"]) for entry in entries if entry["path"] == "/v2/book"}

    lines = logged_lines(services["book"].access_log, [], until=lambda ls: set(expected) <= seen(ls))
    assert set(expected) <= seen(lines)


def logged_lines(path, wanted, *, until=None, timeout=5.0):
    """The log's lines once the `wanted` ones are there: servers log after they answer."""
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_text().splitlines()
        # The gateway's log is buffered (flushed within a second): an empty file is not done yet.
        done = (bool(lines) and until(lines)) if until else all(w in lines for w in wanted)
        if done or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_access_log_is_one_json_object_per_request(gateway):
    get(gateway, "/v2/chapter?limit=1", **{"X-Request-ID": "log-line-check"})

    lines = logged_lines(gateway.prefix / "logs" / "access.log", [], until=lambda ls: "log-line-check" in ls[-1])
    entries = [json.loads(line) for line in lines]
    entry = next(e for e in entries if e["request_id"] == "log-line-check")
    assert entry["request"] == "GET /v2/chapter?limit=1 HTTP/1.1"
    assert entry["status"] == 200
    assert entry["upstream"].startswith("127.0.0.1:")
    assert {"time", "client", "bytes", "request_time", "upstream_time", "cache"} <= set(entry)


def test_docs_page_lists_every_schema_and_loads_its_assets_locally(gateway):
    page = get(gateway, "/docs/")
    redoc = get(gateway, "/docs/redoc.html")
    services_js = get(gateway, "/docs/services.js").text

    assert page.status_code == 200
    assert requests.get(f"{gateway.url}/docs", timeout=10, allow_redirects=False).headers["Location"] == "/docs/"
    for html in (page.text, redoc.text):
        assert "https://" not in html  # no CDN
        assert "http://" not in html
        for src in [part.split('"')[1] for part in html.split("src=")[1:]]:
            asset = get(gateway, f"/docs/{src}")
            assert asset.status_code == 200, src
    for service in ("book", "movie", "character"):
        assert f'url: "/api/{service}/schema/"' in services_js
        schema = get(gateway, f"/api/{service}/schema/")
        assert schema.status_code == 200, service
        assert schema.content.startswith(b"openapi: 3.")
        assert b"/v2/" in schema.content


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("POST", "/v2/book", {"Transfer-Encoding": "gzip"}, 501),
    ],
)
def test_the_gateways_rarer_errors_are_json_too(gateway, method, path, headers, status):
    response = requests.request(method, f"{gateway.url}{path}", headers=headers, timeout=10)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["success"] is False


def test_a_token_spelled_another_way_is_never_cached(gateway, access):
    # The services decode "access%5Ftoken" as access_token; nginx's $arg_ does not: the
    # service's Cache-Control: private keeps the answer out of the cache anyway.
    path = f"/v2/character/{GANDALF}?access%5Ftoken={access}"

    first, second, third = get(gateway, path), get(gateway, path), get(gateway, path)

    assert first.status_code == 200, first.text
    assert "private" in first.headers["Cache-Control"]
    # A stored answer would be served from the third request on (proxy_cache_min_uses 2).
    assert "HIT" not in {second.headers["X-Cache-Status"], third.headers["X-Cache-Status"]}


def test_gateway_health(gateway):
    response = get(gateway, "/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# A the-one-api.dev access token (20 characters of nanoid's alphabet): unknown here.
ONE_API_KEY = "Xq3_kP9-vLm2Zt7wBn4R"


@pytest.mark.parametrize(
    "path",
    [
        "/v2/book",
        f"/v2/book/{FELLOWSHIP_BOOK}/chapter?limit=2",
        "/v2/chapter?sort=chapterName:des&limit=3",
        f"/v2/movie/{FELLOWSHIP_MOVIE}",
        "/v2/quote?limit=10&page=0&offset=0",
        f"/v2/character/{GANDALF}",
        f"/v2/character/{GANDALF}/quote?limit=2",
    ],
)
def test_an_sdk_keeping_its_one_api_key_reads_as_anyone(gateway, path):
    anonymous = get(gateway, path)
    with_key = get(gateway, path, Authorization=f"Bearer {ONE_API_KEY}")

    assert anonymous.status_code == 200, anonymous.text
    assert with_key.status_code == 200, with_key.text
    assert with_key.json() == anonymous.json()


def test_the_one_api_key_opens_no_favorites(gateway):
    response = get(gateway, "/v2/me/favorites/books", Authorization=f"Bearer {ONE_API_KEY}")

    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "Unauthorized."}
