"""A PostgreSQL that stops answering (frozen with SIGSTOP: connections accepted, bytes
acknowledged by its kernel, nothing ever answered). Requests fail with a 503 within the
client-side deadlines instead of hanging; /healthz answers while every application thread
waits; /readyz answers 503 within a readiness probe's timeout; all recover once it answers."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.postgres import PrivatePostgres
from tests.stack import REPO, ServiceProcess

UNAVAILABLE = {"success": False, "message": "Service currently not available."}
PROBE_TIMEOUT = 3  # seconds: timeoutSeconds of the Kubernetes probes (deploy/k8s)


@pytest.fixture(scope="module")
def postgres():
    server = PrivatePostgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def book(postgres, data_dir):
    env = {
        "DATABASE_URL": postgres.create_database("book"),
        "DJANGO_SECRET_KEY": "system-test-only",
        "LOTR_DATA_DIR": str(data_dir),
        "SERVER_THREADS": "2",
    }
    # Set up with patience (a busy machine may take more than the default 2 s to connect);
    # the service itself runs with the defaults under test.
    setup = ServiceProcess(REPO / "services" / "book", {**env, "DB_CONNECT_TIMEOUT": "20"})
    setup.manage("migrate", "--no-input", "-v", "0")
    setup.manage("import_data")
    process = ServiceProcess(REPO / "services" / "book", env)
    yield process.start()
    process.stop()


@pytest.fixture
def frozen(postgres, book):
    answered = [requests.get(f"{book.url}/v2/book", timeout=10).status_code for _ in range(6)]
    assert answered[-2:] == [200, 200], answered  # the threads hold live connections first
    postgres.freeze()
    yield postgres
    postgres.thaw()


def test_readyz_answers_503_within_the_probe_timeout(frozen, book):
    response = requests.get(f"{book.url}/readyz", timeout=PROBE_TIMEOUT)

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert response.headers["Retry-After"] == "5"


def test_requests_fail_with_503_and_healthz_answers_while_every_thread_waits(frozen, book):
    with ThreadPoolExecutor(max_workers=6) as pool:
        waiting = [pool.submit(requests.get, f"{book.url}/v2/book?limit={n}", timeout=60) for n in range(1, 7)]
        # Six requests on two threads: every thread now waits on the database.
        health = requests.get(f"{book.url}/healthz", timeout=PROBE_TIMEOUT)
        answers = [future.result() for future in waiting]

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert [r.status_code for r in answers] == [503] * 6
    assert all(r.json() == UNAVAILABLE for r in answers)


def test_the_service_recovers_once_the_database_answers(postgres, book):
    postgres.freeze()
    assert requests.get(f"{book.url}/v2/book", timeout=30).status_code == 503
    postgres.thaw()

    # The first request after the thaw may still pay for a connection the stall broke.
    recovered = [requests.get(f"{book.url}/v2/book", timeout=10).status_code for _ in range(3)]
    assert recovered[-1] == 200, recovered
    assert requests.get(f"{book.url}/readyz", timeout=PROBE_TIMEOUT).status_code == 200
