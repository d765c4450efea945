"""Test helpers shared by the suites: an independent reading of the source CSVs (to derive
expected counts from the data rather than type them), and services as real processes."""

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

BIN = Path(sys.executable).parent

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


class Process:
    """A child process in its own session, stopped with its whole group."""

    process: subprocess.Popen | None = None

    def wait_healthy(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self} exited with {self.process.returncode} on start")
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self} did not answer {url} within {timeout}s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class ServiceProcess(Process):
    """One service under its server (lotr_kit.server) on a loopback port, as it runs in production."""

    def __init__(self, service_dir: Path, env: dict[str, str], *, workers: int = 1, access_log: Path | None = None):
        self.service = service_dir.name
        self.access_log = access_log
        self.service_dir = service_dir
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.workers = workers

    def __str__(self):
        return f"{self.service} service"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=self.service_dir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed for {self}:\n{result.stderr}")
        return result.stdout

    def start(self, timeout: float = 30) -> "ServiceProcess":
        self.process = subprocess.Popen(
            [
                str(BIN / "python"),
                "-m",
                "lotr_kit.server",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--graceful-timeout",
                "2",
                # One JSON object per request, with the X-Request-ID the service received.
                *(["--access-log", str(self.access_log)] if self.access_log else []),
            ],
            cwd=self.service_dir,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.wait_healthy(f"{self.url}/healthz", timeout)
        return self
