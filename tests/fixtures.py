"""Fixtures for system and gateway tests: databases made for the run, processes started on
demand and stopped at the end of the module that asked for them."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from .stack import REPO, GatewayProcess, ServiceProcess, system_database_url

SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(os.environ.get("LOTR_DATA_DIR") or SAMPLE)


@pytest.fixture(scope="session")
def service_env(tmp_path_factory, data_dir):
    """Environment for a service: its own database, migrated and loaded once per session."""
    tmp_dir = tmp_path_factory.mktemp("databases")
    prepared: dict[str, dict[str, str]] = {}

    def make(service: str) -> dict[str, str]:
        if service not in prepared:
            env = {
                "DATABASE_URL": system_database_url(service, tmp_dir),
                "DJANGO_SECRET_KEY": "system-test-only",
                "LOTR_DATA_DIR": str(data_dir),
            }
            if service == "accounts":
                env["JWT_PRIVATE_KEY_FILE"] = str(tmp_dir / "jwt-signing-key.pem")
            process = ServiceProcess(REPO / "services" / service, env)
            process.manage("migrate", "--no-input", "-v", "0")
            process.manage("ensure_signing_key" if service == "accounts" else "import_data")
            prepared[service] = env
        return dict(prepared[service])

    return make


@pytest.fixture(scope="module")
def start_service(service_env, tmp_path_factory):
    """start_service("movie", SETTING="x") → a running ServiceProcess, stopped after the module."""
    started: list[ServiceProcess] = []
    logs = tmp_path_factory.mktemp("service-logs")

    def start(service: str, port: int | None = None, **settings: str) -> ServiceProcess:
        env = {**service_env(service), **settings}
        process = ServiceProcess(
            REPO / "services" / service, env, access_log=logs / f"{service}-{len(started)}.log", port=port
        ).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(scope="module")
def start_gateway():
    """start_gateway({"book": "127.0.0.1:8001", ...}, GATEWAY_RATE_LIMIT="1r/m") → running nginx."""
    started: list[GatewayProcess] = []

    def start(upstreams: dict[str, str], **settings: str) -> GatewayProcess:
        # Not under pytest's tmp_path: its folders are private (0700), and nginx workers run
        # as an unprivileged user when the tests run as root, so they could not read the prefix.
        prefix = Path(tempfile.mkdtemp(prefix="lotr-gateway-"))
        prefix.chmod(0o755)
        gateway = GatewayProcess(prefix, upstreams, **settings).start()
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()
        shutil.rmtree(gateway.prefix, ignore_errors=True)
