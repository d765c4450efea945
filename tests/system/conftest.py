"""System tests: services as real gunicorn processes on loopback, real HTTP between them.

Each service gets a database of its own made for this run: `<name>_system` on the
PostgreSQL server of its <SERVICE>_DATABASE_URL (dropped and re-created), or an SQLite
file in a temporary folder when that variable is unset.
"""

import os
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from lotr_kit.testing import ServiceProcess

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(os.environ.get("LOTR_DATA_DIR") or SAMPLE)


def system_database_url(service: str, tmp_dir: Path) -> str:
    url = os.environ.get(f"{service.upper()}_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_dir / f'{service}.sqlite3'}"
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_system"
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def service_env(tmp_path_factory, data_dir):
    """Environment for a service process: its own migrated database holding the data."""
    tmp_dir = tmp_path_factory.mktemp("system")

    def make(service: str, **extra: str) -> dict[str, str]:
        env = {
            "DATABASE_URL": system_database_url(service, tmp_dir),
            "DJANGO_SECRET_KEY": "system-test-only",
            "LOTR_DATA_DIR": str(data_dir),
            "DB_CONN_MAX_AGE": "0",
            **extra,
        }
        process = ServiceProcess(REPO / "services" / service, env)
        process.manage("migrate", "--no-input", "-v", "0")
        process.manage("import_data")
        return env

    return make


@pytest.fixture(scope="module")
def movie(service_env):
    process = ServiceProcess(REPO / "services" / "movie", service_env("movie")).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def character(service_env, movie):
    env = service_env(
        "character",
        MOVIE_SERVICE_URL=movie.url,
        SERVICE_CONNECT_TIMEOUT="0.5",
        SERVICE_READ_TIMEOUT="2",
        SERVICE_RETRIES="1",
    )
    process = ServiceProcess(REPO / "services" / "character", env).start()
    yield process
    process.stop()
