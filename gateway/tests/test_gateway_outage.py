"""A stopped service: JSON 502 on its own paths, while the other services keep answering."""

import pytest
import requests

UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture(scope="module")
def gateway_without_book(start_gateway, services, upstreams):
    gateway = start_gateway(upstreams)
    services["book"].stop()
    return gateway


@pytest.mark.parametrize("path", ["/v2/book", "/v2/chapter", "/v2/book/5cf5805fb53e011a64671582/chapter"])
def test_paths_of_a_stopped_service_answer_502_json(gateway_without_book, path):
    response = requests.get(f"{gateway_without_book.url}{path}", timeout=10)

    assert response.status_code == 502, response.text
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
