"""Events across services, through the real RabbitMQ (docs/events.md).

- Account deletion: accounts writes `user.deleted` to its outbox with the deletion, the relay
  publishes it, each data service's worker deletes the user's favorites and refuses their
  tokens.
- Data changes: an import that changed rows writes `data.changed` to its service's outbox and
  publishes it; the workers record it and the movie service drops the characters it cached
  for `expand=character`.

RabbitMQ: 127.0.0.1:5672 (guest/guest), or LOTR_TEST_AMQP_URL (a broker root, no vhost); each
module gets a virtual host of its own, made and removed with rabbitmqctl.
"""

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import requests
from kombu import Connection, Exchange

from tests.stack import BIN, REPO, Process, ServiceProcess, free_port

PASSWORD = "Mellon-2-friend!"
SERVICES = ("book", "movie", "character")
# (service, favorites table, list path, item path prefix, a resource to pick an item from)
FAVORITES = (
    ("book", "books_favoritebook", "/v2/me/favorites/books", "/v2/book"),
    ("movie", "movies_favoritemovie", "/v2/me/favorites/movies", "/v2/movie"),
    ("movie", "movies_favoritequote", "/v2/me/favorites/quotes", "/v2/quote"),
    ("character", "characters_favoritecharacter", "/v2/me/favorites/characters", "/v2/character"),
)
DEADLINE = 30  # seconds to wait for a deletion to reach everything (it takes about one)


def rabbitmqctl(*args: str) -> None:
    tool = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    result = subprocess.run([tool, *args], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, f"rabbitmqctl {' '.join(args)}: {result.stderr.strip()}"


@pytest.fixture(scope="module")
def broker_url():
    vhost = f"lotr-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    root = os.environ.get("LOTR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")
    yield f"{root.rstrip('/')}/{vhost}"
    rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="module")
def stack(service_env, broker_url, tmp_path_factory):
    logs = tmp_path_factory.mktemp("event-logs")
    ports = {name: free_port() for name in ("accounts", *SERVICES)}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    common = {
        "LOTR_BROKER_URL": broker_url,
        # Longer than the test: only the revocation list can make a cached key check fail.
        "LOTR_API_KEY_CACHE_SECONDS": "300",
        "LOTR_EVENTS_MAX_TRIES": "3",
        "ACCOUNTS_SERVICE_URL": url["accounts"],
        **{f"{name.upper()}_SERVICE_URL": url[name] for name in SERVICES},
    }
    parts, started = {}, []
    for name in ("accounts", *SERVICES):
        parts[name] = ServiceProcess(REPO / "services" / name, {**service_env(name), **common}, port=ports[name])
        started.append(parts[name].start())

    def process(service, command: str, name: str, *args: str) -> Process:
        return Process(
            [str(BIN / "python"), "manage.py", command, *args],
            name=name,
            cwd=service.service_dir,
            env=service.env,
            log=logs / f"{name}.log",
        )

    parts["relay"] = process(parts["accounts"], "relay_outbox", "relay")
    parts["metrics"] = free_port()
    for name in SERVICES:
        extra = ("--metrics-port", str(parts["metrics"])) if name == "book" else ()
        parts[f"{name}-worker"] = process(parts[name], "consume_events", f"{name}-worker", *extra)
    for name in ("relay", *(f"{s}-worker" for s in SERVICES)):
        started.append(parts[name].start())
    yield parts
    for part in started:
        part.stop()


def rows(service, table: str, user_id: str) -> int:
    url = service.env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(dj_database_url.parse(url)["NAME"]) as db:
            return db.execute(f"SELECT count(*) FROM {table} WHERE user_id = ?", (user_id,)).fetchone()[0]  # noqa: S608
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        return db.execute(f"SELECT count(*) FROM {table} WHERE user_id = %s", (user_id,)).fetchone()[0]  # noqa: S608


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def user_with_favorites(stack, email: str) -> dict:
    """A user with one favorite in every favorites table, every token used once in every
    service (so each service holds the API keys' checks in its cache)."""
    accounts = stack["accounts"]
    credentials = {"email": email, "password": PASSWORD}
    requests.post(f"{accounts.url}/auth/register", json=credentials, timeout=10).raise_for_status()
    login = requests.post(f"{accounts.url}/auth/login", json=credentials, timeout=10).json()
    key = requests.post(f"{accounts.url}/auth/keys", json={"name": "ci"}, headers=bearer(login["access"]), timeout=10)
    tokens = {"jwt": login["access"], "login key": login["access_token"], "api key": key.json()["key"]}
    for service, _, list_path, resource in FAVORITES:
        url = stack[service].url
        item = requests.get(f"{url}{resource}?limit=1", timeout=10).json()["docs"][0]["_id"]
        added = requests.put(f"{url}{list_path}/{item}", headers=bearer(login["access"]), timeout=10)
        assert added.status_code == 204, added.text
        for token in tokens.values():
            assert requests.get(f"{url}{list_path}", headers=bearer(token), timeout=10).status_code == 200
    me = requests.get(f"{accounts.url}/auth/me", headers=bearer(login["access"]), timeout=10).json()
    return {"id": me["id"], "tokens": tokens, "refresh": login["refresh"]}


def remaining(stack, user, services=SERVICES) -> list[str]:
    """What of the user is still there: favorites rows, tokens a service accepts."""
    left = []
    for service, table, list_path, _ in FAVORITES:
        if service not in services:
            continue
        if rows(stack[service], table, user["id"]):
            left.append(f"{table} rows")
        for name, token in user["tokens"].items():
            answer = requests.get(f"{stack[service].url}{list_path}", headers=bearer(token), timeout=10)
            if answer.status_code != 401:
                left.append(f"{service} answers {answer.status_code} to the {name}")
    return left


def wait_until_gone(stack, user, services=SERVICES) -> float:
    began = time.monotonic()
    while time.monotonic() - began < DEADLINE:
        left = remaining(stack, user, services)
        if not left:
            return time.monotonic() - began
        time.sleep(0.05)
    pytest.fail(f"after {DEADLINE}s still there: {left}")


def delete_account(stack, user) -> requests.Response:
    response = requests.delete(
        f"{stack['accounts'].url}/auth/me",
        json={"password": PASSWORD},
        headers=bearer(user["tokens"]["jwt"]),
        timeout=10,
    )
    assert response.status_code == 204, response.text
    return response


def test_export_holds_the_account_and_its_favorites_from_every_service(stack):
    user = user_with_favorites(stack, "bilbo@bagend.me")

    export = requests.get(
        f"{stack['accounts'].url}/auth/me/export", headers=bearer(user["tokens"]["api key"]), timeout=30
    )

    assert export.status_code == 200, export.text
    body = export.json()
    assert body["user"]["id"] == user["id"]
    assert body["user"]["email"] == "bilbo@bagend.me"
    assert [k["name"] for k in body["api_keys"]] == ["login", "ci"]
    assert "key_hash" not in json.dumps(body)
    assert {name: len(docs) for name, docs in body["favorites"].items()} == {
        "books": 1,
        "movies": 1,
        "quotes": 1,
        "characters": 1,
    }


def test_a_deleted_account_leaves_no_row_and_no_working_token_anywhere(stack):
    user = user_with_favorites(stack, "frodo@bagend.me")
    assert remaining(stack, user) != []

    delete_account(stack, user)
    latency = wait_until_gone(stack, user)

    print(f"\nend-to-end deletion latency: {latency:.2f} s")  # noqa: T201  reported with -s
    refresh = requests.post(f"{stack['accounts'].url}/auth/refresh", json={"refresh": user["refresh"]}, timeout=10)
    assert refresh.status_code == 401
    me = requests.get(f"{stack['accounts'].url}/auth/me", headers=bearer(user["tokens"]["jwt"]), timeout=10)
    assert me.status_code == 401


def test_a_worker_down_during_the_deletion_catches_up_when_it_returns(stack):
    user = user_with_favorites(stack, "sam@bagend.me")
    stack["character-worker"].stop()

    delete_account(stack, user)
    wait_until_gone(stack, user, services=("book", "movie"))
    time.sleep(2)  # the event waits in the character service's durable queue meanwhile
    assert rows(stack["character"], "characters_favoritecharacter", user["id"]) == 1

    stack["character-worker"].start()
    wait_until_gone(stack, user)


def test_a_relay_killed_before_publishing_loses_nothing(stack):
    user = user_with_favorites(stack, "merry@bagend.me")
    stack["relay"].stop(sig=9)  # SIGKILL: no clean shutdown

    delete_account(stack, user)  # committed with its outbox row; nothing publishes it
    time.sleep(2)
    assert rows(stack["book"], "books_favoritebook", user["id"]) == 1

    stack["relay"].start()
    wait_until_gone(stack, user)


def test_an_event_sent_again_is_harmless(stack, broker_url):
    """At least once: the relay crashing after the broker's confirmation but before marking
    the row sent publishes it again; workers handle it as the first time."""
    user = user_with_favorites(stack, "rosie@bagend.me")
    delete_account(stack, user)
    wait_until_gone(stack, user)

    stack["accounts"].manage(
        "shell", "-c", "from lotr_kit.models import OutboxEvent; OutboxEvent.objects.update(sent_at=None)"
    )
    time.sleep(1)
    status = stack["accounts"].manage("events_status")

    assert "outbox 0 unsent" in status
    assert "0 dead" in status
    assert remaining(stack, user) == []


def publish_raw(broker_url: str, body: bytes, content_type: str = "application/json") -> None:
    with Connection(broker_url, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(
            body,
            exchange=Exchange("lotr.events", type="topic", durable=True),
            routing_key="user.deleted",
            content_type=content_type,
            content_encoding="utf-8",
            delivery_mode=2,
        )


def test_malformed_events_go_to_the_dead_letter_queue_without_blocking_the_others(stack, broker_url):
    publish_raw(broker_url, b"{not json")
    publish_raw(broker_url, json.dumps({"type": "user.deleted", "data": {"user_id": "not-an-id"}}).encode())
    user = user_with_favorites(stack, "pippin@bagend.me")

    delete_account(stack, user)
    wait_until_gone(stack, user)

    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        status = subprocess.run(
            [str(BIN / "python"), "manage.py", "events_status"],
            cwd=stack["accounts"].service_dir,
            env=stack["accounts"].env,
            capture_output=True,
            text=True,
            check=False,
        )
        if all(f"{service} 0 waiting, 2 dead" in status.stdout for service in SERVICES):
            break
        time.sleep(0.5)
    assert status.returncode == 1, status.stdout + status.stderr
    assert "6 event(s) in dead-letter queues" in status.stderr
    for service in SERVICES:
        assert f"{service} 0 waiting, 2 dead" in status.stdout
    metrics = requests.get(f"http://127.0.0.1:{stack['metrics']}/metrics", timeout=10).text
    assert 'lotr_events_dead_lettered_total{consumer="book"} 2.0' in metrics
    # Three tries each: the one that is not JSON, the user.deleted without a valid user id.
    assert 'lotr_events_failed_total{consumer="book",type="unknown"} 3.0' in metrics
    assert 'lotr_events_failed_total{consumer="book",type="user.deleted"} 3.0' in metrics


# ---- data.changed ------------------------------------------------------------------------


def expanded_character(stack, quote_id: str) -> str:
    answer = requests.get(f"{stack['movie'].url}/v2/quote/{quote_id}?expand=character", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["docs"][0]["character"]["name"]


def wait_for_name(stack, quote_id: str, name: str) -> float:
    """Seconds until every one of several answers in a row (each server process) shows `name`."""
    began, streak = time.monotonic(), 0
    while time.monotonic() - began < DEADLINE:
        streak = streak + 1 if expanded_character(stack, quote_id) == name else 0
        if streak == 6:
            return time.monotonic() - began
        time.sleep(0.1)
    pytest.fail(f"after {DEADLINE}s the quote's character is still {expanded_character(stack, quote_id)!r}")


def import_characters(stack, data_dir, **settings: str) -> subprocess.CompletedProcess:
    character = stack["character"]
    return subprocess.run(
        [str(BIN / "python"), "manage.py", "import_data", "--data-dir", str(data_dir)],
        cwd=character.service_dir,
        env={**character.env, **settings},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def renamed(stack, tmp_path):
    """A quote, its character's name, and a copy of the data where that character is renamed;
    the character table is loaded from the original data again afterwards."""
    original = Path(stack["character"].env["LOTR_DATA_DIR"])
    quote = requests.get(f"{stack['movie'].url}/v2/quote?limit=1&expand=character", timeout=10).json()["docs"][0]
    character = quote["character"]
    with (original / "characters.csv").open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        if row["_id"] in (character["_id"], f"ObjectId({character['_id']})"):
            row["name"] = f"{character['name']} (renamed)"
    data = tmp_path / "renamed"
    data.mkdir()
    with (data / "characters.csv").open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    yield {"quote": quote["_id"], "name": character["name"], "renamed": f"{character['name']} (renamed)", "dir": data}
    restored = import_characters(stack, original)
    assert restored.returncode == 0, restored.stderr
    wait_for_name(stack, quote["_id"], character["name"])


def unsent_events(service) -> int:
    code = "from lotr_kit.models import OutboxEvent; print(OutboxEvent.objects.filter(sent_at=None).count())"
    return int(service.manage("shell", "-v", "0", "-c", code).strip())


def test_an_import_that_changed_data_empties_the_caches_built_from_it(stack, renamed):
    assert wait_for_name(stack, renamed["quote"], renamed["name"]) >= 0  # cached by every process

    result = import_characters(stack, renamed["dir"])

    assert result.returncode == 0, result.stderr
    assert "1 updated" in result.stdout
    assert "data.changed: 1 event(s) published" in result.stdout
    # The cache lives LOTR_EXPAND_CACHE_SECONDS (300 s); the event empties it in about a second.
    latency = wait_for_name(stack, renamed["quote"], renamed["renamed"])
    print(f"\ndata.changed to a fresh expansion: {latency:.2f} s")  # noqa: T201  reported with -s
    assert unsent_events(stack["character"]) == 0


def test_an_import_with_the_broker_away_keeps_its_event_for_the_next_one(stack, renamed):
    wait_for_name(stack, renamed["quote"], renamed["name"])
    away = f"amqp://guest:guest@127.0.0.1:{free_port()}/"

    result = import_characters(stack, renamed["dir"], LOTR_BROKER_URL=away)

    assert result.returncode == 0, result.stderr  # the data is in; only its announcement waits
    assert "1 updated" in result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "data.changed is not published yet" in result.stderr
    assert "guest:guest" not in result.stderr
    assert unsent_events(stack["character"]) == 1
    time.sleep(2)
    assert expanded_character(stack, renamed["quote"]) == renamed["name"]  # nothing told the movie service

    again = import_characters(stack, renamed["dir"])  # nothing changes; the waiting event goes

    assert again.returncode == 0, again.stderr
    assert "0 updated" in again.stdout
    assert "data.changed: 1 event(s) published" in again.stdout
    wait_for_name(stack, renamed["quote"], renamed["renamed"])
    assert unsent_events(stack["character"]) == 0
