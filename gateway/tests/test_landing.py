"""The landing page at / (HTML for a browser, JSON for a program), the resource index at /v2,
the icon: served by the gateway itself, with its headers. The browser's view of the page is
in test_browser.py."""

from pathlib import Path

import pytest
import requests

VERSION = (Path(__file__).resolve().parents[2] / "VERSION").read_text().strip()


@pytest.fixture(scope="module")
def gateway(start_gateway, upstreams):
    return start_gateway(upstreams)


def get(gateway, path, **headers):
    return requests.get(f"{gateway.url}{path}", headers=headers, timeout=10)


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/json, text/html", None])
def test_a_program_gets_json(gateway, accept):
    home = get(gateway, "/", **({"Accept": accept} if accept else {}))

    assert home.status_code == 200
    assert home.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Accept" in home.headers["Vary"]
    assert home.json()["version"] == VERSION
    assert home.json()["links"]["docs"] == "/docs/"


def test_a_browser_gets_the_page_under_the_docs_policy(gateway):
    home = get(gateway, "/", Accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    docs = get(gateway, "/docs/")

    assert home.status_code == 200
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<h1>LotR API <span class="version" id="version">{VERSION}</span></h1>' in home.text
    assert home.headers["Content-Security-Policy"] == docs.headers["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in home.headers["Content-Security-Policy"]
    assert "https://" not in home.text.split("<body")[0]  # nothing loaded from elsewhere


@pytest.mark.parametrize("path", ["/v2", "/v2/", "/V2", "/v2?limit=1"])
def test_v2_is_the_resource_index(gateway, path):
    index = get(gateway, path)

    assert index.status_code == 200
    assert index.headers["Content-Type"] == "application/json; charset=utf-8"
    assert index.headers["Access-Control-Allow-Origin"] == "*"
    resources = index.json()["resources"]
    assert set(resources) == {"book", "chapter", "movie", "quote", "character"}
    for name, path in resources.items():
        assert get(gateway, f"{path}?limit=1").json()["total"] > 0, name


def test_every_example_of_the_index_answers_200(gateway):
    for example in get(gateway, "/v2").json()["examples"]:
        assert get(gateway, example).status_code == 200, example


def test_the_icon_is_served(gateway):
    icon = get(gateway, "/favicon.ico")

    assert icon.status_code == 200
    assert icon.headers["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_the_landing_page_is_read_only(gateway, method):
    answer = requests.request(method, f"{gateway.url}/", timeout=10)

    assert answer.status_code == 405
    assert answer.json()["success"] is False
