"""Where the uncached filtered list's ceiling is: what each layer under it costs.

    LOTR_DATA_DIR=... .venv/bin/python bench/floor.py

Serves the bytes of /v2/character?race=Hobbit&sort=name:asc&limit=10&page=3 four ways, each
behind its own gateway (cache off) on the same PostgreSQL data, in one go with the static
baseline of `make bench`:

- the character service as it runs (granian, Django, DRF, middleware, the query);
- the same service, settings and middleware with a view that renders the same page and runs
  no query (bench/floor_settings.py, bench/floor_urls.py): Django's request cycle alone;
- bench/floor_app.py's `application`: the same query language, SQL and JSON as a bare WSGI
  application under granian, no Django request cycle;
- bench/floor_app.py's `constant`: the same bytes from a bare WSGI application, no query:
  what the gateway and granian allow on their own.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import requests
from run import BASELINE_PATH, static_baseline, wrk  # bench/run.py, beside this script

from lotr_devstack import GatewayProcess, Process, ServiceProcess, free_port, system_database_url

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKERS, THREADS = os.environ.get("SERVER_WORKERS", "2"), os.environ.get("SERVER_THREADS", "2")


class GranianApp(Process):
    """A WSGI application of bench/ under granian, with the service's worker model."""

    def __init__(self, target: str, label: str, env: dict[str, str]):
        self.port = free_port()
        super().__init__(
            [str(BIN / "granian"), "--interface", "wsgi", "--workers", WORKERS, "--blocking-threads", THREADS,
             "--port", str(self.port), "--log-level", "warning", target],
            name=label,
            cwd=REPO / "bench",
            env=env,
            health_url=f"http://127.0.0.1:{self.port}{BASELINE_PATH}",
        )  # fmt: skip


def main() -> None:
    data_dir = os.environ.get("LOTR_DATA_DIR") or str(REPO / "data" / "one-api")
    pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    os.environ["CHARACTER_DATABASE_URL"] = f"{pg}/lotr_floor_character"
    tmp = Path(tempfile.mkdtemp(prefix="lotr-floor-"))
    tmp.chmod(0o755)
    env = {
        "DATABASE_URL": system_database_url("character", tmp),
        "DJANGO_SECRET_KEY": "bench-only",
        "LOTR_DATA_DIR": data_dir,
        "SERVER_WORKERS": WORKERS,
    }
    service = ServiceProcess(REPO / "services" / "character", env, workers=int(WORKERS))
    service.manage("migrate", "--no-input", "-v", "0")
    service.manage("import_data")
    started = []
    load = {"seconds": int(os.environ.get("BENCH_SECONDS", "8")), "connections": 32, "threads": 2}
    try:
        started.append(service.start())
        body = requests.get(f"{service.url}{BASELINE_PATH}", timeout=10).content
        (tmp / "page.json").write_bytes(body)
        bench_env = {
            **os.environ,
            **env,
            "FLOOR_BODY": str(tmp / "page.json"),
            "PYTHONPATH": os.pathsep.join([str(REPO / "services" / "character"), str(REPO / "bench")]),
        }
        upstreams = {
            "character service (Django)": service,
            "Django cycle, no query": GranianApp(
                "config.wsgi:application",
                "Django, no query",
                {**bench_env, "DJANGO_SETTINGS_MODULE": "floor_settings"},
            ),
            "bare WSGI, same SQL": GranianApp(
                "floor_app:application", "bare WSGI", {**bench_env, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
            ),
            "bare WSGI, no query": GranianApp(
                "floor_app:constant",
                "bare WSGI constant",
                {**bench_env, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
            ),
        }
        gateways = {}
        for index, (label, upstream) in enumerate(upstreams.items()):
            if upstream is not service:
                started.append(upstream.start())
            prefix = tmp / f"gateway-{index}"
            prefix.mkdir()
            prefix.chmod(0o755)
            routes = dict.fromkeys(("book", "movie", "character", "accounts"), f"127.0.0.1:{upstream.port}")
            gateways[label] = GatewayProcess(prefix, routes, GATEWAY_CACHE="off", GATEWAY_ACCESS_LOG="/dev/null")
            started.append(gateways[label].start())
            answer = requests.get(f"{gateways[label].url}{BASELINE_PATH}", timeout=10)
            assert answer.status_code == 200, (label, answer.status_code)
            assert answer.json() == json.loads(body), label
        static, static_port = static_baseline(body, tmp / "static-nginx")
        try:
            baseline = wrk(f"http://127.0.0.1:{static_port}/character.json", **load)
        finally:
            static.stop()
        print(f"{'static file (baseline)':32} {baseline['rps']:9.0f} req/s  100.0%")
        for label, gateway in gateways.items():
            url = f"{gateway.url}{BASELINE_PATH}"
            wrk(url, seconds=1, connections=8, threads=1)
            result = wrk(url, **load)
            share = 100 * result["rps"] / baseline["rps"]
            print(f"{label:32} {result['rps']:9.0f} req/s  {share:5.1f}%  p99 {result['p99_ms']:.1f} ms")
    finally:
        for process in reversed(started):
            process.stop()


if __name__ == "__main__":
    main()
