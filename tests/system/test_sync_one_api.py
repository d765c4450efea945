"""sync_one_api and `make data` against a real /v2 server on loopback: one of the tests' own
(tests/one_api_upstream.py, with faults on demand) and another running instance of this project.
The commands run as processes, on databases of their own; what they wrote is read back
through the services' API."""

import os
import subprocess
import sys

import dj_database_url
import pytest
import requests

from lotr_devstack.databases import fresh_database
from lotr_kit_testing.testing import csv_documents
from tests.one_api_upstream import FILES, FakeOneApi, wait_until
from tests.stack import BIN, REPO, ServiceProcess, free_port

KEY = "sync-test-key-do-not-log"
COLLECTIONS = {"book": ["book", "chapter"], "movie": ["movie", "quote"], "character": ["character"]}
FELLOWSHIP_BOOK = "5cf5805fb53e011a64671582"


def own_database(service: str, tmp_dir, suffix: str) -> str:
    """A database of this module's own: `<name>_<suffix>` beside <SERVICE>_DATABASE_URL's, else SQLite."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_dir / f'{service}-{suffix}.sqlite3'}"
    return fresh_database(url, f"{dj_database_url.parse(url)['NAME']}_{suffix}")


def instance(service: str, tmp_dir, suffix: str, data_dir, *, load: bool) -> ServiceProcess:
    """A service on a migrated database of its own, loaded from data_dir or left empty; not started."""
    env = {
        "DATABASE_URL": own_database(service, tmp_dir, suffix),
        "DJANGO_SECRET_KEY": "system-test-only",
        "LOTR_DATA_DIR": str(data_dir),
    }
    process = ServiceProcess(REPO / "services" / service, env)
    process.manage("migrate", "--no-input", "-v", "0")
    if load:
        process.manage("import_data")
    return process


def sync(process: ServiceProcess, url: str, *args: str, **settings: str) -> subprocess.CompletedProcess:
    env = {
        **process.env,
        "ONE_API_URL": url,
        "ONE_API_KEY": KEY,
        "ONE_API_TRIES": "2",
        "ONE_API_TIMEOUT": "2",
        **settings,
    }
    return subprocess.run(
        [str(BIN / "python"), "manage.py", "sync_one_api", *args],
        cwd=process.service_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def served(base: str, path: str) -> list[dict]:
    response = requests.get(f"{base}/v2/{path}?limit=10000", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["docs"]


@pytest.fixture
def upstream(data_dir):
    with FakeOneApi(data_dir, key=KEY, stall_seconds=4) as api:
        yield api


# ---- each service, from empty, page by page ---------------------------------------------


@pytest.mark.parametrize("service", ["book", "movie", "character"])
def test_sync_loads_a_services_collections_page_by_page_then_changes_nothing(
    service, upstream, tmp_path_factory, data_dir
):
    process = instance(service, tmp_path_factory.mktemp(service), "sync_empty", data_dir, load=False)

    first = sync(process, upstream.url, ONE_API_LIMIT="7")
    second = sync(process, upstream.url, ONE_API_LIMIT="7")

    assert first.returncode == 0, first.stderr
    for path in COLLECTIONS[service]:
        total = len(upstream.docs[path])
        pages = max(1, -(-total // 7))
        assert f"/{path}: {total} records in {pages} page{'s' if pages != 1 else ''} (" in first.stdout
        assert f"{path}: {total} rows: {total} created, 0 updated, 0 unchanged, 0 deleted" in first.stdout
        assert f"{path}: {total} rows: 0 created, 0 updated, {total} unchanged, 0 deleted" in second.stdout
    assert second.stdout.rstrip().endswith(f"Nothing changed: the database already matches {upstream.url}.")
    assert KEY not in first.stdout + first.stderr + second.stdout + second.stderr
    assert {auth for path, _, auth in upstream.requests if path != "book"} <= {f"Bearer {KEY}"}
    process.start()
    try:
        for path in COLLECTIONS[service]:
            assert served(process.url, path) == upstream.docs[path]
    finally:
        process.stop()


# ---- failures change nothing; faults that pass are waited out --------------------------


@pytest.fixture(scope="module")
def movie(tmp_path_factory, data_dir):
    """The movie service loaded with data_dir, running; the failure cases sync into it."""
    process = instance("movie", tmp_path_factory.mktemp("movie"), "sync_faults", data_dir, load=True).start()
    yield process
    process.stop()


@pytest.fixture
def changed(upstream, movie):
    """The movie service holds data_dir again; the upstream differs: a film renamed, a quote gone."""
    movie.manage("import_data")
    upstream.docs["movie"][0]["name"] = "Renamed upstream"
    del upstream.docs["quote"][-1]
    return upstream


def spoil_id(api):
    api.docs["quote"][25]["_id"] = "not-an-id"


def spoil_number(api):
    api.docs["movie"][3]["budgetInMillions"] = "lots"


def spoil_reference(api):
    api.docs["quote"][2]["movie"] = "000000000000000000000000"


FAILURES = [
    pytest.param(
        lambda api: None,
        {"ONE_API_KEY": "wrong-key"},
        "401 from ONE_API_URL: check ONE_API_KEY (GET {url}/movie?limit=20&page=1)",
        id="401-bad-key",
    ),
    pytest.param(
        lambda api: api.fail("quote", 2, 429, 429),
        {},
        "429 from ONE_API_URL after 2 tries, Retry-After 1 (GET {url}/quote?limit=20&page=2)",
        id="429-every-try",
    ),
    pytest.param(
        lambda api: api.fail("quote", 2, 500, 503),
        {},
        "503 from ONE_API_URL after 2 tries (GET {url}/quote?limit=20&page=2)",
        id="5xx-every-try",
    ),
    pytest.param(
        lambda api: api.fail("quote", 2, "stall", "stall"),
        {"ONE_API_TIMEOUT": "1"},
        "ONE_API_URL did not answer within 1 s, 2 tries (GET {url}/quote?limit=20&page=2)",
        id="stall",
    ),
    pytest.param(
        lambda api: api.fail("quote", 2, "truncated"),
        {},
        "malformed JSON from ONE_API_URL (GET {url}/quote?limit=20&page=2): ",
        id="truncated-json",
    ),
    pytest.param(
        lambda api: api.fail("quote", 2, "missing"),
        {},
        "page 2 of /quote is missing: 404 from ONE_API_URL (GET {url}/quote?limit=20&page=2)",
        id="page-missing",
    ),
    pytest.param(
        spoil_id,
        {},
        "Nothing was synced from {url}: quote not-an-id: _id: 'not-an-id' is not an id (24 hex)",
        id="bad-id",
    ),
    pytest.param(
        spoil_number,
        {},
        "Nothing was synced from {url}: movie 5cd95395de30eff6ebccde59: budgetInMillions: 'lots' is not a number",
        id="bad-type",
    ),
    pytest.param(
        spoil_reference,
        {},
        "Nothing was synced from {url}: quote {quote}: movie 000000000000000000000000 is not in movie",
        id="unknown-reference",
    ),
]


@pytest.mark.parametrize(("spoil", "settings", "message"), FAILURES)
def test_a_failed_sync_changes_nothing_and_says_why_in_one_line(movie, changed, spoil, settings, message):
    before = {path: served(movie.url, path) for path in ("movie", "quote")}
    quote = changed.docs["quote"][2]["_id"]
    spoil(changed)

    result = sync(movie, changed.url, **{"ONE_API_LIMIT": "20", **settings})

    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    expected = message.format(url=changed.url, quote=quote)
    if not expected.startswith("Nothing was synced"):
        expected = f"Nothing was synced: {expected}"
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"CommandError: {expected}"), lines[0]
    if not message.endswith(": "):
        assert lines[0] == f"CommandError: {expected}"
    assert KEY not in result.stdout + result.stderr
    assert {path: served(movie.url, path) for path in ("movie", "quote")} == before


def test_an_unreachable_upstream_changes_nothing(movie):
    before = served(movie.url, "movie")
    url = f"http://127.0.0.1:{free_port()}/v2"

    result = sync(movie, url)

    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: Nothing was synced: ONE_API_URL unreachable after 2 tries "
        f"(GET {url}/movie?limit=1000&page=1): Connection refused"
    )
    assert served(movie.url, "movie") == before


def test_a_short_page_is_a_missing_page(movie, changed):
    before = served(movie.url, "quote")
    changed.fail("quote", 2, "short")

    result = sync(movie, changed.url, ONE_API_LIMIT="20")

    assert result.returncode == 1
    assert "page 2 of /quote is incomplete: 19 records instead of 20" in result.stderr
    assert served(movie.url, "quote") == before


@pytest.mark.parametrize(
    ("faults", "settings", "notice"),
    [
        pytest.param([429], {}, "429 answer to GET /v2/quote?limit=20&page=2: trying again in 1 s", id="429"),
        pytest.param([500], {}, "500 answer to GET /v2/quote?limit=20&page=2: trying again in 0 s", id="500"),
        pytest.param(
            ["stall"], {"ONE_API_TIMEOUT": "1"}, "ReadTimeoutError to GET /v2/quote?limit=20&page=2", id="stall"
        ),
    ],
)
def test_a_fault_that_passes_is_tried_again_and_the_sync_goes_through(movie, changed, faults, settings, notice):
    changed.fail("quote", 2, *faults)

    result = sync(movie, changed.url, ONE_API_LIMIT="20", ONE_API_TRIES="3", **settings)

    assert result.returncode == 0, result.stderr
    assert notice in result.stdout
    assert [page for path, page, _ in changed.requests if path == "quote"].count(2) == 1 + len(faults)
    assert "movie: 8 rows: 0 created, 1 updated, 7 unchanged, 0 deleted" in result.stdout
    assert served(movie.url, "movie")[0]["name"] == "Renamed upstream"
    assert served(movie.url, "quote") == changed.docs["quote"]


# ---- make data: CSVs into a folder, swapped in whole -----------------------------------


def make_data(target, url: str, **settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ONE_API_URL": url, "ONE_API_KEY": KEY, "ONE_API_TRIES": "1", **settings}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "one_api_data.py"), "--dir", str(target), "--no-import"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_data_writes_the_csvs_import_data_reads_and_a_second_run_changes_nothing(upstream, tmp_path):
    target = tmp_path / "one-api"

    first = make_data(target, upstream.url)
    written = {f: (target / f).read_bytes() for f in FILES.values()}
    second = make_data(target, upstream.url)

    assert first.returncode == 0, first.stderr
    assert f"{target}: updated" in first.stdout
    for path, file in FILES.items():
        docs = csv_documents(target / file)
        expected = [{k: v for k, v in doc.items() if k != "id"} for doc in upstream.docs[path]]
        if path == "movie":
            docs = [{k: (v if k in {"_id", "name"} else float(v)) for k, v in doc.items()} for doc in docs]
        assert docs == expected, file
    assert second.returncode == 0, second.stderr
    assert f"{target}: nothing changed" in second.stdout
    assert {f: (target / f).read_bytes() for f in FILES.values()} == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one-api"]
    assert KEY not in first.stdout + first.stderr


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda api: api.fail("character", 1, 500), id="5xx"),
        pytest.param(spoil_id, id="bad-id"),
        pytest.param(lambda api: api.fail("quote", 1, "truncated"), id="truncated"),
        # A CSV cannot tell the text "None" from a null: refused rather than changed.
        pytest.param(lambda api: api.docs["character"][0].update(hair="None"), id="text-read-back-as-null"),
    ],
)
def test_a_failed_make_data_leaves_the_folder_as_it_was(upstream, tmp_path, spoil):
    target = tmp_path / "one-api"
    assert make_data(target, upstream.url).returncode == 0
    before = {f: (target / f).read_bytes() for f in FILES.values()}
    upstream.docs["book"][0]["name"] = "Changed upstream"
    spoil(upstream)

    result = make_data(target, upstream.url)

    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("make data: ")
    assert f"({target} was left as it was)" in result.stderr
    assert {f: (target / f).read_bytes() for f in FILES.values()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one-api"]


# ---- one instance of this project syncs from another, through its gateway ---------------


@pytest.fixture(scope="module")
def source_gateway(start_service, start_gateway):
    """Instance A: the services loaded with data_dir, behind their gateway."""
    movie = start_service("movie")
    services = {
        "book": start_service("book"),
        "movie": movie,
        "character": start_service("character", MOVIE_SERVICE_URL=movie.url),
    }
    upstreams = {name: f"127.0.0.1:{p.port}" for name, p in services.items()}
    return start_gateway({**upstreams, "accounts": f"127.0.0.1:{free_port()}"})


@pytest.fixture(scope="module")
def copy(source_gateway, start_gateway, tmp_path_factory, data_dir):
    """Instance B: empty databases, synced from A's gateway, then served behind a gateway of its
    own whose cache keeps answers for 2 seconds."""
    tmp = tmp_path_factory.mktemp("copy")
    processes = {s: instance(s, tmp, "sync_copy", data_dir, load=False) for s in COLLECTIONS}
    outputs = {s: sync(p, f"{source_gateway.url}/v2", ONE_API_KEY="") for s, p in processes.items()}
    processes["movie"].start()
    processes["book"].start()
    processes["character"].env["MOVIE_SERVICE_URL"] = processes["movie"].url
    processes["character"].start()
    upstreams = {name: f"127.0.0.1:{p.port}" for name, p in processes.items()}
    gateway = start_gateway({**upstreams, "accounts": f"127.0.0.1:{free_port()}"}, GATEWAY_CACHE_TTL="2s")
    yield {"gateway": gateway, "processes": processes, "outputs": outputs}
    for process in processes.values():
        process.stop()


def test_an_instance_syncs_every_collection_from_another_instances_gateway(source_gateway, copy):
    for service, result in copy["outputs"].items():
        assert result.returncode == 0, f"{service}: {result.stderr}"
        assert "0 updated, 0 unchanged, 0 deleted" in result.stdout

    for path in FILES:
        assert served(copy["gateway"].url, path) == served(source_gateway.url, path), path


def test_after_a_sync_that_changed_data_clients_see_it_within_the_gateway_cache_lifetime(copy, upstream):
    gateway, book = copy["gateway"], copy["processes"]["book"]
    url = f"{gateway.url}/v2/book/{FELLOWSHIP_BOOK}"
    first = requests.get(url, timeout=10)
    upstream.docs["book"][0]["name"] = "The Fellowship, Synced"

    result = sync(book, upstream.url)

    assert result.returncode == 0, result.stderr
    assert "book: 3 rows: 0 created, 1 updated, 2 unchanged, 0 deleted" in result.stdout
    assert wait_until(lambda: requests.get(url, timeout=10).json()["docs"][0]["name"] == "The Fellowship, Synced", 4)
    fresh = requests.get(url, timeout=10, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != first.headers["ETag"]
    assert requests.get(url, timeout=10, headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 304
