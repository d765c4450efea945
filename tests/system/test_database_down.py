"""A service whose database does not answer: 503 JSON on data paths and /readyz, /healthz alive."""

import pytest
import requests

from lotr_devstack import free_port
from tests.stack import REPO, ServiceProcess

UNAVAILABLE = {"success": False, "message": "Service currently not available."}


@pytest.fixture(scope="module", params=["postgres", "sqlite"])
def orphan(request, tmp_path_factory):
    if request.param == "postgres":
        url = f"postgres://postgres@127.0.0.1:{free_port()}/book"  # nothing listens there
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('nodb')}/missing/dir/book.sqlite3"  # cannot be opened
    env = {"DATABASE_URL": url, "DJANGO_SECRET_KEY": "system-test-only", "DB_CONNECT_TIMEOUT": "1"}
    process = ServiceProcess(REPO / "services" / "book", env).start()
    yield process
    process.stop()


@pytest.mark.parametrize("path", ["/v2/book", "/v2/chapter/6091b6d6d58360f988133b8b", "/readyz"])
def test_paths_needing_the_database_answer_503(orphan, path):
    response = requests.get(f"{orphan.url}{path}", timeout=10)

    assert response.status_code == 503, response.text
    assert response.json() == UNAVAILABLE
    assert response.headers["Retry-After"] == "5"


def test_healthz_stays_up_without_the_database(orphan):
    response = requests.get(f"{orphan.url}/healthz", timeout=10)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
