"""The real parts, as processes on loopback, for system tests: services under their server and
the gateway (nginx) rendered from its template exactly as the image and `make run` do."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg

from lotr_kit.testing import Process, ServiceProcess, free_port  # noqa: F401  ServiceProcess re-exported

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "scripts"))
from localstack import nginx_binary  # noqa: E402  the same nginx `make run` uses


class GatewayProcess(Process):
    """nginx in the foreground with a prefix rendered by gateway/render.py."""

    def __init__(self, prefix: Path, upstreams: dict[str, str], **settings: str):
        self.prefix = prefix
        self.port = free_port()
        self.env = {
            **os.environ,
            **{f"GATEWAY_{name.upper()}_UPSTREAM": address for name, address in upstreams.items()},
            "GATEWAY_PORT": str(self.port),
            "GATEWAY_CACHE_DIR": str(prefix / "cache"),
            "GATEWAY_ACCESS_LOG": str(prefix / "logs" / "access.log"),
            **settings,
        }

    def __str__(self):
        return "gateway"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def nginx(self) -> list[str]:
        return [nginx_binary(), "-p", str(self.prefix), "-c", "nginx.conf", "-e", "stderr"]

    def render(self) -> "GatewayProcess":
        script = f'. "{REPO}/gateway/defaults.envsh" && exec "{BIN}/python" "{REPO}/gateway/render.py" "$0"'
        subprocess.run(["sh", "-c", script, str(self.prefix)], env=self.env, check=True)
        return self

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run([*self.nginx, "-t"], capture_output=True, text=True, check=False)

    def start(self, timeout: float = 15) -> "GatewayProcess":
        self.render()
        checked = self.check()
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        # nginx's error log (its stderr) goes to logs/error.log through the redacting filter,
        # which ends at nginx's last line (end of input), however nginx ends.
        self.redactor = subprocess.Popen(
            [str(BIN / "python"), str(REPO / "gateway" / "redact_errors.py"), str(self.prefix / "logs" / "error.log")],
            stdin=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            self.process = subprocess.Popen(
                [*self.nginx, "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=self.redactor.stdin,
                start_new_session=True,
            )
        finally:
            self.redactor.stdin.close()  # nginx holds the only writing end
        self.wait_healthy(f"{self.url}/healthz", timeout)
        return self

    def stop(self, sig: int = signal.SIGQUIT) -> None:
        super().stop(sig)
        if getattr(self, "redactor", None) is not None:
            self.redactor.wait(timeout=10)


def system_database_url(service: str, tmp_dir: Path) -> str:
    """`<name>_system` on the PostgreSQL of <SERVICE>_DATABASE_URL, made anew; else SQLite."""
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
