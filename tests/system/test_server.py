"""The server every service runs under (lotr_kit.server): what it adds to the application."""

import json
import time

import pytest
import requests


@pytest.fixture(scope="module")
def book(start_service, tmp_path_factory):
    # Variables named like request headers: granian puts the environment into every request's
    # environ, and the server must not let them pass for headers a client sent.
    return start_service("book", HTTP_X_REQUEST_ID="from-the-environment", HTTP_AUTHORIZATION="Bearer not-a-token")


def test_environment_variables_do_not_pass_for_request_headers(book):
    plain = requests.get(f"{book.url}/v2/book?limit=1", timeout=10)
    traced = requests.get(f"{book.url}/v2/book?limit=1", headers={"X-Request-ID": "client-7"}, timeout=10)

    assert plain.status_code == 200, plain.text  # no stray Authorization: a public read
    assert plain.headers["X-Request-ID"] not in ("", "from-the-environment")
    assert traced.headers["X-Request-ID"] == "client-7"


def test_json_answers_carry_their_length_not_chunks(book):
    response = requests.get(f"{book.url}/v2/book", timeout=10)

    assert response.headers["Content-Length"] == str(len(response.content))
    assert "Transfer-Encoding" not in response.headers


def test_access_log_holds_one_json_object_per_request(book):
    requests.get(f"{book.url}/v2/book?limit=2", headers={"X-Request-ID": "log-check-1"}, timeout=10)

    deadline = time.monotonic() + 5
    entries = []
    while time.monotonic() < deadline and not any(e["request_id"] == "log-check-1" for e in entries):
        entries = [json.loads(line) for line in book.access_log.read_text().splitlines()]
        time.sleep(0.05)
    entry = next(e for e in entries if e["request_id"] == "log-check-1")

    assert (entry["method"], entry["path"], entry["query"], entry["status"]) == ("GET", "/v2/book", "limit=2", 200)
    assert entry["duration_ms"] > 0
