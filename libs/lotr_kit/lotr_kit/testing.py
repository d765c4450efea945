"""Test helpers shared by the services' suites: an independent reading of the source CSVs
(to derive expected counts from the data rather than type them) and real service processes."""

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

# The null tokens of the original's pandas pipeline (spec §11.1), kept apart from the
# importer on purpose: the tests' expectations must not share its code.
_NULLS = {
    "", "NaN", "nan", "-NaN", "-nan", "NA", "N/A", "n/a", "NULL", "null", "None", "<NA>",
    "#N/A", "#N/A N/A", "#NA", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN",
}  # fmt: skip


def csv_documents(path: Path) -> list[dict]:
    """Rows of a One-API CSV as the API should serve them: `_id` first, nulls, bare ids."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    docs = []
    for row in rows:
        doc = {"_id": None}
        for key, value in row.items():
            if value in _NULLS:
                value = None
            elif value.startswith("ObjectId(") and value.endswith(")"):
                value = value[len("ObjectId(") : -1].lower()
            doc[key] = value
        docs.append(doc)
    return docs


def clean_dialog(text: str) -> str:
    return re.sub(r"\s{2,}", " ", text).strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcess:
    """One service under gunicorn on a loopback port, as it runs in production."""

    def __init__(self, service_dir: Path, env: dict[str, str], *, port: int | None = None, workers: int = 1):
        self.service_dir = service_dir
        self.port = port or free_port()
        self.env = {**os.environ, **env}
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path = Path(env.get("SERVICE_LOG", os.devnull))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.service_dir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed in {self.service_dir}:\n{result.stderr}")
        return result.stdout

    def start(self, timeout: float = 30) -> "ServiceProcess":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--graceful-timeout",
                "2",
            ],
            cwd=self.service_dir,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.service_dir.name} exited with {self.process.returncode} on start")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.service_dir.name} did not answer /healthz on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
