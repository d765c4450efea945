"""lotr_kit.client against a real HTTP server on loopback, in a thread of the test's own: what
it sends, which connections it keeps, what it retries and what it gives up on."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lotr_devstack import free_port
from lotr_kit.client import ServiceClient, ServiceUnavailable


class Recorder(BaseHTTPRequestHandler):
    """Answers each GET with the next of the server's `statuses` (then 200), recording the
    request; `close_after` closes each connection after its answer without saying so."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
        server.seen.append({"path": self.path, "port": self.client_address[1], "headers": dict(self.headers)})
        status = server.statuses.pop(0) if server.statuses else 200
        body = b'{"total":1}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Answer-Number", str(len(server.seen)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if server.close_after:
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.daemon_threads = True
    httpd.seen, httpd.statuses, httpd.close_after = [], [], False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def client_of(url: str, **options) -> ServiceClient:
    return ServiceClient(url, **{"connect_timeout": 0.5, "read_timeout": 2.0, "retries": 2, **options})


def test_an_answer_comes_back_whole_with_its_headers_named_in_lower_case(server):
    client = client_of(f"http://127.0.0.1:{server.server_port}/prefix")

    response = client.get("/internal/x", query_string="limit=2&sort=name:asc", headers={"X-API-Key": "k"})

    assert (response.status_code, response.content, response.json()) == (200, b'{"total":1}', {"total": 1})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-answer-number"] == "1"
    (seen,) = server.seen
    assert seen["path"] == "/prefix/internal/x?limit=2&sort=name:asc"
    assert seen["headers"]["X-API-Key"] == "k"
    assert seen["headers"]["X-Request-ID"] == "-"  # outside a request: the request id's default


def test_characters_that_may_not_stand_in_a_target_go_out_percent_encoded_as_urllib3_encodes_them(server):
    client = client_of(f"http://127.0.0.1:{server.server_port}")

    client.get("/x", query_string='name="<Gandalf>"&dialog=%2fring|é')
    client.get("/x", query_string="a=%zz")

    assert [seen["path"] for seen in server.seen] == [
        "/x?name=%22%3CGandalf%3E%22&dialog=%2Fring%7C%C3%A9",
        "/x?a=%25zz",
    ]


def test_a_connection_stays_open_between_calls(server):
    client = client_of(f"http://127.0.0.1:{server.server_port}")

    for _ in range(5):
        assert client.get("/x").status_code == 200

    assert len({seen["port"] for seen in server.seen}) == 1


def test_a_connection_the_other_side_closed_while_idle_is_replaced_without_a_failure(server):
    server.close_after = True  # HTTP/1.1 without "Connection: close": the client learns it on reuse
    client = client_of(f"http://127.0.0.1:{server.server_port}", retries=0)

    answers = [client.get("/x").headers["x-answer-number"] for _ in range(4)]

    assert answers == ["1", "2", "3", "4"]  # each asked once, none lost to the closed connection
    assert len({seen["port"] for seen in server.seen}) == 4


def test_a_502_503_or_504_is_asked_again_up_to_the_retries(server):
    server.statuses = [503, 502]
    client = client_of(f"http://127.0.0.1:{server.server_port}")

    assert client.get("/x").status_code == 200
    assert len(server.seen) == 3


def test_past_the_retries_the_last_answer_is_given_as_it_came(server):
    server.statuses = [504, 503, 502, 503]
    client = client_of(f"http://127.0.0.1:{server.server_port}", retries=2)

    assert client.get("/x").status_code == 502
    assert len(server.seen) == 3


def test_other_statuses_are_answers_not_failures(server):
    server.statuses = [500, 404]
    client = client_of(f"http://127.0.0.1:{server.server_port}")

    assert [client.get("/x").status_code for _ in range(2)] == [500, 404]
    assert len(server.seen) == 2


def test_nothing_listening_is_unavailable_after_the_retries():
    client = client_of(f"http://127.0.0.1:{free_port()}", retries=2)

    with pytest.raises(ServiceUnavailable, match="GET http://127.0.0.1:"):
        client.get("/x")


def test_a_service_that_never_answers_is_unavailable_after_the_read_timeout_without_asking_again():
    with socket.socket() as listener:  # accepts connections, reads nothing, answers nothing
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        client = client_of(f"http://127.0.0.1:{listener.getsockname()[1]}", read_timeout=0.3, retries=2)
        started = time.monotonic()

        with pytest.raises(ServiceUnavailable):
            client.get("/x")

        elapsed = time.monotonic() - started
        listener.settimeout(0.1)
        accepted = []
        while True:
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                break
        for connection in accepted:
            connection.close()
    assert 0.3 <= elapsed < 5, elapsed  # the read timeout, waited for once: never a hang
    assert len(accepted) == 1
