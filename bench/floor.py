"""How far the uncached filtered list could go without Django's request cycle.

    LOTR_DATA_DIR=... .venv/bin/python bench/floor.py

Serves /v2/character?race=Hobbit&sort=name:asc&limit=10&page=3 two ways behind the same
gateway (cache off), on the same PostgreSQL data, in one go: the character service as it runs
(granian, Django, DRF, middleware) and bench/floor_app.py, the same query language, SQL and
JSON as a bare WSGI application under granian. With the static baseline of `make bench`
measured alongside, it tells how much of the gap to the baseline Django's cycle accounts for.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import requests  # noqa: E402
from run import BASELINE_PATH, static_baseline, wrk  # noqa: E402

from lotr_kit.testing import Process, free_port  # noqa: E402
from tests.stack import GatewayProcess, ServiceProcess, system_database_url  # noqa: E402

BIN = Path(sys.executable).parent


class FloorApp(Process):
    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.env = env

    def __str__(self):
        return "floor app"

    def start(self) -> "FloorApp":
        self.process = subprocess.Popen(
            [str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--blocking-threads", "2",
             "--port", str(self.port), "--log-level", "warning", "floor_app:application"],
            cwd=REPO / "bench",
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        self.wait_healthy(f"http://127.0.0.1:{self.port}{BASELINE_PATH}", 30)
        return self


def main() -> None:
    data_dir = os.environ.get("LOTR_DATA_DIR") or str(REPO.parent / "shared" / "data" / "one-api")
    pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    os.environ["CHARACTER_DATABASE_URL"] = f"{pg}/lotr_floor_character"
    tmp = Path(tempfile.mkdtemp(prefix="lotr-floor-"))
    tmp.chmod(0o755)
    env = {
        "DATABASE_URL": system_database_url("character", tmp),
        "DJANGO_SECRET_KEY": "bench-only",
        "LOTR_DATA_DIR": data_dir,
        "SERVER_WORKERS": "2",
    }
    service = ServiceProcess(REPO / "services" / "character", env, workers=2)
    service.manage("migrate", "--no-input", "-v", "0")
    service.manage("import_data")
    floor_env = {
        **os.environ,
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "PYTHONPATH": str(REPO / "services" / "character"),
    }
    started = []
    load = {"seconds": int(os.environ.get("BENCH_SECONDS", "8")), "connections": 32, "threads": 2}
    try:
        started.append(service.start())
        floor = FloorApp(floor_env).start()
        started.append(floor)
        gateways = {}
        for name, port in (("django", service.port), ("floor", floor.port)):
            prefix = tmp / f"gateway-{name}"
            prefix.mkdir()
            prefix.chmod(0o755)
            upstreams = dict.fromkeys(("book", "movie", "character", "accounts"), f"127.0.0.1:{port}")
            gateways[name] = GatewayProcess(prefix, upstreams, GATEWAY_CACHE="off", GATEWAY_ACCESS_LOG="/dev/null")
            started.append(gateways[name].start())
        body = requests.get(f"{gateways['django'].url}{BASELINE_PATH}", timeout=10).content
        assert body == requests.get(f"{gateways['floor'].url}{BASELINE_PATH}", timeout=10).content
        static, static_port = static_baseline(body, tmp / "static-nginx")
        try:
            baseline = wrk(f"http://127.0.0.1:{static_port}/character.json", **load)
        finally:
            static.terminate()
            static.wait()
        print(f"{'static file (baseline)':40} {baseline['rps']:9.0f} req/s  100.0%")
        for name, label in (("django", "character service (Django)"), ("floor", "bare WSGI, same SQL (floor)")):
            url = f"{gateways[name].url}{BASELINE_PATH}"
            wrk(url, seconds=1, connections=8, threads=1)
            result = wrk(url, **load)
            share = 100 * result["rps"] / baseline["rps"]
            print(f"{label:40} {result['rps']:9.0f} req/s  {share:5.1f}%  p99 {result['p99_ms']:.1f} ms")
    finally:
        for process in reversed(started):
            process.stop()


if __name__ == "__main__":
    main()
