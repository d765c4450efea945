"""One service restarted alone (issue 13, item 11), graceful reload, `make logs` (item 13) and
a second `make run` (issue 15), on a whole stack started from the command line."""

import json
import sqlite3
import stat
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from lotr_devstack.local import EVENT_PARTS, PARTS, SERVICES, LocalStack
from tests.localstack import cli, processes_of, stack_environ


@pytest.fixture(scope="module")
def stack():
    env = stack_environ()
    started = cli(env, "run")
    assert started.returncode == 0, started.stdout + started.stderr
    yield env, LocalStack(env), started.stdout
    stopped = cli(env, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert processes_of(env) == []


class Load:
    """GETs in a loop from a thread, counting statuses (0 for a failed connection)."""

    def __init__(self, url: str):
        self.url, self.statuses, self.running = url, Counter(), True
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        with requests.Session() as session:
            while self.running:
                try:
                    self.statuses[session.get(self.url, timeout=5).status_code] += 1
                except requests.RequestException:
                    self.statuses[0] += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def test_run_says_what_it_does_and_how_long_it_took(stack):
    env, _, said = stack
    assert "Migrations and import (LOTR_DATA_DIR=" in said
    assert "imported movies 8, quotes 41 in" in said
    assert "ready in" in said
    assert f"The LotR API runs at http://127.0.0.1:{env['GATEWAY_PORT']}" in said


def test_a_second_run_leaves_the_running_stack_alone(stack):
    env, local, _ = stack
    before = {part: local.state(part).pgid for part in PARTS}

    again = cli(env, "run")

    assert again.returncode == 0, again.stderr
    assert "already runs" in again.stdout
    assert {part: local.state(part).pgid for part in PARTS} == before


def test_restart_of_one_service_keeps_the_others_serving_and_does_not_import(stack):
    env, local, _ = stack
    before = {part: local.state(part).pgid for part in PARTS}
    database = Path(env["MOVIE_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(database) as db:  # an edit an import would undo
        db.execute("UPDATE movies_movie SET name = 'Kept across restarts' WHERE name LIKE '%Two Towers%'")
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"

    with Load(f"{gateway}/v2/book") as books:
        time.sleep(0.5)
        restarted = cli(env, "restart", "movie")
        time.sleep(0.5)

    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "kept serving" in restarted.stdout
    assert set(books.statuses) == {200}, books.statuses
    after = {part: local.state(part).pgid for part in PARTS}
    assert after["movie"] != before["movie"]
    assert {p: g for p, g in after.items() if p != "movie"} == {p: g for p, g in before.items() if p != "movie"}
    movies = requests.get(f"http://127.0.0.1:{env['MOVIE_PORT']}/v2/movie", timeout=10).json()["docs"]
    assert "Kept across restarts" in [movie["name"] for movie in movies]


def test_graceful_reload_fails_no_request_through_the_gateway(stack):
    env, local, _ = stack
    workers_before = set(local.state("movie").pids) - {local.state("movie").pgid}

    # Never cached by the gateway: every request reaches a movie worker.
    with Load(f"http://127.0.0.1:{env['GATEWAY_PORT']}/v2/quotes/random") as quotes:
        reloaded = cli(env, "reload", "movie")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and set(local.state("movie").pids) & workers_before:
            time.sleep(0.2)

    assert reloaded.returncode == 0, reloaded.stderr
    assert not set(local.state("movie").pids) & workers_before  # every worker replaced
    assert set(quotes.statuses) == {200}, quotes.statuses
    assert sum(quotes.statuses.values()) > 20


def test_logs_show_the_gateways_access_and_error_log_in_private_files(stack):
    env, local, _ = stack
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    requests.get(f"{gateway}/v2/book", headers={"X-Request-ID": "logs-check-1"}, timeout=10)
    local.stop_part("character")  # the gateway logs its failed connection to an upstream
    requests.get(f"{gateway}/v2/character?limit=1&check=logs", timeout=10)
    assert cli(env, "restart", "character").returncode == 0

    shown = cli(env, "logs", "gateway", "-n", "200").stdout

    assert "gateway/access.log <==" in shown
    assert "gateway/error.log <==" in shown
    assert "logs-check-1" in shown
    assert "connect() failed" in shown
    logs = Path(env["LOTR_STACK_DIR"]) / "log"
    files = [*logs.glob("*.log"), *(logs / "gateway").glob("*.log")]
    expected = {*(f"{part}.log" for part in (*SERVICES, *EVENT_PARTS)), "gateway/access.log", "gateway/error.log"}
    assert {str(path.relative_to(logs)) for path in files} == expected  # one place per part
    assert {oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {"0o600"}
    assert json.loads((logs / "gateway" / "access.log").read_text().splitlines()[0])
