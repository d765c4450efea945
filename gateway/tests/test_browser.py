"""The landing page and the docs page in headless Chromium, in front of the real services:
they render, their links answer, nothing is logged as an error, nothing leaves the machine;
ReDoc's search finds things; "Try it out" can send the whole filter language."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

VERSION = (Path(__file__).resolve().parents[2] / "VERSION").read_text().strip()


@pytest.fixture(scope="module")
def gateway(start_gateway, upstreams):
    return start_gateway(upstreams)


def test_the_landing_page_renders_without_errors_or_outside_requests(gateway, visit):
    seen = visit(f"{gateway.url}/")
    page = seen.page

    assert page.title() == f"LotR API {VERSION}"
    assert page.locator("h1").inner_text() == f"LotR API {VERSION}"
    assert page.locator("#resources tbody tr").count() == 5
    assert page.locator(".origin").first.inner_text() == gateway.url  # examples name this host
    assert seen.console_errors == []
    assert seen.failed == []
    assert seen.outside(gateway.url) == []


def test_every_link_of_the_landing_page_answers_200_on_this_host(gateway, visit):
    seen = visit(f"{gateway.url}/")
    links = seen.page.eval_on_selector_all("a[href]", "anchors => anchors.map(a => a.href)")

    assert len(links) >= 15
    for link in links:
        assert link.startswith(f"{gateway.url}/"), link
        answer = seen.page.request.get(link)
        assert answer.status == 200, link
    # The live examples answer real data, filters included (the link's raw "<" arrives encoded).
    movies = seen.page.request.get(f"{gateway.url}/v2/movie?budgetInMillions<100").json()
    assert movies["total"] > 0
    assert all(movie["budgetInMillions"] < 100 for movie in movies["docs"])


def swagger_operation(page, method: str, path: str):
    return page.locator(f".opblock-{method}", has=page.locator(f".opblock-summary-path[data-path='{path}']")).first


def test_the_docs_page_loads_the_one_document_without_errors_or_outside_requests(gateway, visit):
    seen = visit(f"{gateway.url}/docs/")
    page = seen.page
    page.wait_for_selector(".opblock", timeout=15000)

    assert f"{gateway.url}/openapi.json" in seen.requests
    for path in ("/v2/book", "/v2/movie", "/v2/character", "/auth/login", "/v2/me/favorites/characters"):
        assert page.locator(f".opblock-summary-path[data-path='{path}']").count() >= 1, path
    assert seen.console_errors == []
    assert seen.failed == []
    assert seen.outside(gateway.url) == []


def test_anonymous_reads_show_no_padlock_and_favorites_do(gateway, visit):
    page = visit(f"{gateway.url}/docs/").page
    page.wait_for_selector(".opblock", timeout=15000)

    assert swagger_operation(page, "get", "/v2/movie").locator(".authorization__btn").count() == 0
    assert swagger_operation(page, "get", "/v2/me/favorites/characters").locator(".authorization__btn").count() == 1


def try_it_out(page, gateway, path: str, filters: str):
    """Open GET `path`, type `filters` in the page's filters box, execute: the response."""
    operation = swagger_operation(page, "get", path)
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator("tr[data-param-name='filters'] input").fill(filters)
    with page.expect_response(lambda r: r.url.startswith(f"{gateway.url}{path}?")) as answer:
        operation.locator(".execute").click()
    page.wait_for_selector(".request-url pre")
    return answer.value, operation


@pytest.mark.parametrize(
    ("filters", "holds"),
    [
        ("budgetInMillions<100", lambda movie: movie["budgetInMillions"] < 100),
        ("name!=The Two Towers&academyAwardWins>=1", lambda m: m["name"] != "The Two Towers" and m["academyAwardWins"]),
        ("!rottenTomatoesScore", lambda movie: movie["rottenTomatoesScore"] is None),
    ],
)
def test_try_it_out_sends_whole_filter_clauses(gateway, visit, filters, holds):
    page = visit(f"{gateway.url}/docs/").page
    page.wait_for_selector(".opblock", timeout=15000)

    response, operation = try_it_out(page, gateway, "/v2/movie", filters)

    assert response.status == 200
    assert "filters=" not in response.url  # no parameter of that name reaches the API
    body = response.json()
    expected = page.request.get(f"{gateway.url}/v2/movie?{filters}").json()
    assert body == expected
    assert all(holds(movie) for movie in body["docs"])
    # What the page shows as sent is what was sent (the browser percent-encodes "<" and ">").
    shown = operation.locator(".request-url pre").inner_text()
    assert unquote(shown) == unquote(response.url)


def test_redoc_search_finds_quotes_without_errors_or_outside_requests(gateway, visit):
    seen = visit(f"{gateway.url}/docs/redoc.html", settle_ms=1000)
    page = seen.page
    page.wait_for_selector("input[placeholder='Search...']", timeout=15000)

    page.fill("input[placeholder='Search...']", "quote")
    page.wait_for_selector("[data-role='search:results'] li", timeout=10000)
    results = page.locator("[data-role='search:results'] li")

    assert results.count() > 0
    assert any(re.search("quote", text, re.IGNORECASE) for text in results.all_inner_texts())
    assert seen.console_errors == []
    assert seen.failed == []
    assert seen.outside(gateway.url) == []
