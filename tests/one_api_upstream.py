"""A /v2 server of the tests' own, playing The One API on a loopback port: it serves the
CSVs of a folder page by page as the original does (nulls, bare ids, numbers, cleaned dialog,
a key needed for everything but /book), and answers with faults on demand."""

import json
import math
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lotr_kit_testing.testing import csv_documents

FILES = {
    "book": "books.csv",
    "chapter": "chapters.csv",
    "movie": "movies.csv",
    "quote": "quotes.csv",
    "character": "characters.csv",
}
OPEN = {"book"}  # the original needs no key for /book


def clean_dialog(text: str) -> str:
    """A quote's dialog as the original serves it: runs of whitespace made one space, trimmed."""
    return re.sub(r"\s{2,}", " ", text).strip()


def _number(value):
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def documents(data_dir: Path) -> dict[str, list[dict]]:
    """Every collection as the original serves it."""
    docs = {name: csv_documents(data_dir / file) for name, file in FILES.items()}
    for movie in docs["movie"]:
        for key in movie:
            if key not in {"_id", "name"}:
                movie[key] = _number(movie[key])
    docs["quote"] = [{**q, "dialog": clean_dialog(q["dialog"]), "id": q["_id"]} for q in docs["quote"]]
    return docs


class FakeOneApi:
    """FakeOneApi(data_dir, key="k") as a context manager; `.url` is its /v2 base.

    `docs` may be edited by a test; `fail(path, page, *faults)` queues answers for that page,
    one per request, before the normal one: an int status (with `Retry-After: 1` on 429),
    "stall" (no answer for `stall_seconds`), "truncated" (JSON cut short), "missing" (404) or
    "short" (the page without its last record).
    `requests` lists (path, page, Authorization header) of every request received."""

    def __init__(self, data_dir: Path, *, key: str = "test-one-api-key", stall_seconds: float = 5):
        self.docs = documents(data_dir)
        self.key = key
        self.stall_seconds = stall_seconds
        self.faults: dict[tuple[str, int], list] = {}
        self.requests: list[tuple[str, int, str | None]] = []
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v2"

    def fail(self, path: str, page: int, *faults) -> None:
        self.faults.setdefault((path, page), []).extend(faults)

    def __enter__(self) -> "FakeOneApi":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_json(self, status: int, body, *, headers=None, cut: bool = False):
                data = json.dumps(body, ensure_ascii=False).encode()
                if cut:
                    data = data[: len(data) // 2]
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                name = parts.path.removeprefix("/v2/").strip("/")
                page = int(query.get("page", ["1"])[0])
                limit = int(query.get("limit", ["1000"])[0])
                auth = self.headers.get("Authorization")
                api.requests.append((name, page, auth))
                if name not in FILES:
                    return self.send_json(404, {"success": False, "message": "Not found."})
                if name not in OPEN and auth != f"Bearer {api.key}":
                    return self.send_json(401, {"success": False, "message": "Unauthorized."})
                queued = api.faults.get((name, page))
                fault = queued.pop(0) if queued else None
                if fault == "stall":
                    api.stopping.wait(api.stall_seconds)
                    return None
                if fault == "missing":
                    return self.send_json(404, {"success": False, "message": "Not found."})
                if isinstance(fault, int):
                    headers = {"Retry-After": "1"} if fault == 429 else {}
                    return self.send_json(fault, {"success": False, "message": "fault"}, headers=headers)
                docs = api.docs[name]
                page_docs = docs[(page - 1) * limit : page * limit]
                body = {
                    "docs": page_docs[:-1] if fault == "short" else page_docs,
                    "total": len(docs),
                    "limit": limit,
                    "page": page,
                    "pages": max(1, math.ceil(len(docs) / limit)),
                }
                return self.send_json(200, body, cut=fault == "truncated")

        return Handler


def wait_until(predicate, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()
