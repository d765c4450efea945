"""The gateway's cache keeps the files of recent hits open in each worker (open_file_cache in
snippets/v2.conf): an entry stored anew must still be what the next hits serve."""

import time

import requests

from tests.one_api_upstream import FakeOneApi, wait_until
from tests.stack import free_port


def test_an_entry_refreshed_after_its_ttl_is_what_the_next_hits_serve(start_gateway, data_dir):
    with FakeOneApi(data_dir) as origin:  # a /v2/book whose answer the test changes
        upstreams = {name: f"127.0.0.1:{free_port()}" for name in ("movie", "character", "accounts")}
        book = origin.url.removeprefix("http://").removesuffix("/v2")
        gateway = start_gateway({**upstreams, "book": book}, GATEWAY_CACHE_TTL="1s")
        url = f"{gateway.url}/v2/book?limit=1"
        first_name = origin.docs["book"][0]["name"]

        def name_and_cache_status():
            response = requests.get(url, timeout=10)
            assert response.status_code == 200, response.text
            return response.json()["docs"][0]["name"], response.headers["X-Cache-Status"]

        before = [name_and_cache_status() for _ in range(12)]  # new connections: either worker answers
        origin.docs["book"][0]["name"] = "The Fellowship, Refreshed"
        time.sleep(2.5)  # past the TTL (nginx counts whole seconds)
        # The first read after it answers from the expired copy and refreshes it in the background.
        refreshed = wait_until(lambda: name_and_cache_status() == ("The Fellowship, Refreshed", "HIT"), 5)
        after = [name_and_cache_status() for _ in range(12)]

    assert before[2:] == [(first_name, "HIT")] * 10
    assert refreshed
    assert after == [("The Fellowship, Refreshed", "HIT")] * 12
