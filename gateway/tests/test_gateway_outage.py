"""A stopped service: JSON 503 with Retry-After on its own paths, while the other services keep
answering; reads the cache has seen keep being served from it, marked STALE."""

import time

import pytest
import requests

UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture(scope="module")
def gateway_without_book(start_gateway, services, upstreams):
    gateway = start_gateway(upstreams)
    services["book"].stop()
    return gateway


@pytest.mark.parametrize("path", ["/v2/book", "/v2/chapter", "/v2/book/5cf5805fb53e011a64671582/chapter"])
def test_paths_of_a_stopped_service_answer_503_json_with_retry_after(gateway_without_book, path):
    response = requests.get(f"{gateway_without_book.url}{path}", timeout=10)

    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == UNAVAILABLE
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/v2/movie", "/v2/character/5cd99d4bde30eff6ebccfea0", "/healthz"])
def test_other_services_keep_answering(gateway_without_book, path):
    response = requests.get(f"{gateway_without_book.url}{path}", timeout=10)

    assert response.status_code == 200, response.text


def test_a_slow_service_answers_504_json(start_gateway, upstreams):
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        gateway = start_gateway(
            {**upstreams, "movie": f"127.0.0.1:{silent.getsockname()[1]}"}, GATEWAY_UPSTREAM_TIMEOUT="1s"
        )

        response = requests.get(f"{gateway.url}/v2/movie", timeout=10)

    assert response.status_code == 504, response.text
    assert response.json() == {"success": False, "message": "Service did not answer in time."}


def test_cached_reads_are_served_stale_while_their_service_is_down(start_gateway, start_service, upstreams):
    book = start_service("book")
    gateway = start_gateway({**upstreams, "book": f"127.0.0.1:{book.port}"}, GATEWAY_CACHE_TTL="1s")
    url = f"{gateway.url}/v2/book?limit=2"
    fresh = requests.get(url, timeout=10)
    assert fresh.headers["X-Cache-Status"] == "MISS"
    assert requests.get(url, timeout=10).headers["X-Cache-Status"] == "MISS"  # stored from the 2nd use on
    time.sleep(2.5)  # past the TTL (nginx counts whole seconds): expired, kept for use_stale

    book.stop()
    served = [requests.get(url, timeout=10) for _ in range(3)]
    uncached = requests.get(f"{gateway.url}/v2/book?limit=3", timeout=10)

    assert [r.status_code for r in served] == [200, 200, 200]
    # Served from the cache: STALE, or UPDATING while the background update of an earlier
    # request still waits on the stopped service.
    statuses = [r.headers["X-Cache-Status"] for r in served[1:]]
    assert set(statuses) <= {"STALE", "UPDATING"}, statuses
    assert "STALE" in statuses
    assert served[-1].json() == fresh.json()
    assert uncached.status_code == 503
    assert uncached.headers["Retry-After"] == "5"
    assert uncached.json() == UNAVAILABLE
