"""Rate limits per client address: 429 JSON with Retry-After; preflights never counted;
X-Forwarded-For trusted only from GATEWAY_TRUSTED_PROXIES."""

import pytest
import requests

from tests.stack import REPO

TOO_MANY = {"success": False, "message": "Too many requests, please try again later."}


@pytest.fixture(scope="module")
def book_upstream(start_service):
    book = start_service("book")
    return {
        "book": f"127.0.0.1:{book.port}",
        "movie": "127.0.0.1:9",
        "character": "127.0.0.1:9",
        "accounts": "127.0.0.1:9",
    }


def statuses(gateway, count, **headers):
    return [requests.get(f"{gateway.url}/v2/book", headers=headers, timeout=10).status_code for _ in range(count)]


def test_requests_past_the_limit_get_429_json_with_retry_after(start_gateway, book_upstream):
    gateway = start_gateway(book_upstream, GATEWAY_RATE_LIMIT="1r/m", GATEWAY_RATE_BURST="2")

    assert statuses(gateway, 3) == [200, 200, 200]  # one at the rate, two of burst
    response = requests.get(f"{gateway.url}/v2/book", timeout=10)

    assert response.status_code == 429
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Retry-After"] == "1"
    assert response.json() == TOO_MANY
    preflight = requests.options(
        f"{gateway.url}/v2/book",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert preflight.status_code == 204


def test_trusted_proxies_name_the_client(start_gateway, book_upstream):
    # With loopback trusted as a proxy, each forwarded client has its own budget.
    gateway = start_gateway(
        book_upstream, GATEWAY_RATE_LIMIT="1r/m", GATEWAY_RATE_BURST="1", GATEWAY_TRUSTED_PROXIES="127.0.0.1/32"
    )

    first = statuses(gateway, 3, **{"X-Forwarded-For": "203.0.113.7"})
    other_client = statuses(gateway, 1, **{"X-Forwarded-For": "203.0.113.8"})

    assert first == [200, 200, 429]
    assert other_client == [200]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(start_gateway, book_upstream):
    gateway = start_gateway(
        book_upstream, GATEWAY_RATE_LIMIT="1r/m", GATEWAY_RATE_BURST="1", GATEWAY_TRUSTED_PROXIES="10.0.0.0/8"
    )

    spoofed = [statuses(gateway, 1, **{"X-Forwarded-For": f"203.0.113.{n}"})[0] for n in range(1, 5)]

    assert spoofed == [200, 200, 429, 429]


def test_no_proxy_is_trusted_by_default(start_gateway, book_upstream):
    gateway = start_gateway(book_upstream, GATEWAY_RATE_LIMIT="1r/m", GATEWAY_RATE_BURST="1")

    spoofed = [statuses(gateway, 1, **{"X-Forwarded-For": f"198.51.100.{n}"})[0] for n in range(1, 4)]

    assert spoofed == [200, 200, 429]


def test_the_example_settings_trust_no_forwarded_header(start_gateway, book_upstream):
    # What compose and Kubernetes run: the operator names its proxies, none are guessed.
    example = dict(
        line.split("=", 1)
        for line in (REPO / "gateway" / "gateway.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert example["GATEWAY_TRUSTED_PROXIES"] == ""


def test_api_key_creation_is_limited_per_client_and_listing_is_not(start_gateway, book_upstream):
    gateway = start_gateway(book_upstream, GATEWAY_KEYS_RATE="1r/m", GATEWAY_KEYS_BURST="2")
    url = f"{gateway.url}/auth/keys"

    # accounts is down here: whatever passes the limit gets its 503, the rest a 429.
    created = [requests.post(url, json={"name": "x"}, timeout=10) for _ in range(4)]
    listed = requests.get(url, timeout=10)

    assert [r.status_code for r in created] == [503, 503, 503, 429]
    assert created[-1].json() == TOO_MANY
    assert created[-1].headers["Retry-After"] == "60"
    assert listed.status_code == 503


def test_account_deletion_is_limited_like_a_login_and_reading_the_account_is_not(start_gateway, book_upstream):
    gateway = start_gateway(book_upstream, GATEWAY_LOGIN_RATE="1r/m", GATEWAY_LOGIN_BURST="2")
    url = f"{gateway.url}/auth/me"

    # accounts is down here: whatever passes the limit gets its 503, the rest a 429.
    deleted = [requests.delete(url, json={"password": "x"}, timeout=10) for _ in range(4)]
    read = [requests.get(url, timeout=10) for _ in range(4)]
    export = requests.get(f"{url}/export", timeout=10)

    assert [r.status_code for r in deleted] == [503, 503, 503, 429]
    assert deleted[-1].json() == TOO_MANY
    assert deleted[-1].headers["Retry-After"] == "60"
    assert [r.status_code for r in read] == [503, 503, 503, 503]
    assert export.status_code == 503
