"""A PostgreSQL cluster of a test's own: Debian's initdb and postgres on a free loopback port,
in a temporary folder. Faults are injected into it, never into the shared server: `freeze()`
stops the postmaster and every backend (SIGSTOP; each backend is a session of its own, so
they are found by their parent), `thaw()` resumes them.
"""

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from lotr_devstack import free_port


def postgres_bin() -> Path:
    """The newest server install under /usr/lib/postgresql (Debian's layout)."""
    installs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not installs:
        raise RuntimeError("No PostgreSQL server under /usr/lib/postgresql: apt-get install postgresql")
    return installs[-1].parent


class PrivatePostgres:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="lotr-pg-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        # The server refuses to run as root: then it runs as the `postgres` user.
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.user:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)

    def _run_as(self) -> dict:
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []} if self.user else {}

    def start(self, timeout: float = 30) -> "PrivatePostgres":
        binaries = postgres_bin()
        data = self.root / "data"
        subprocess.run(
            [binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            **self._run_as(),
        )
        self.process = subprocess.Popen(
            [
                binaries / "postgres",
                "-D",
                data,
                "-p",
                str(self.port),
                "-k",
                self.root,
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=50",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the backends are frozen with it
            **self._run_as(),
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return self
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"private PostgreSQL did not start on port {self.port}") from None
                time.sleep(0.1)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _cluster(self) -> list[int]:
        """The postmaster and its children (backends, checkpointer, ...)."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def _signal(self, sig: int) -> None:
        for pid in self._cluster():
            with contextlib.suppress(ProcessLookupError):  # a backend that ended meanwhile
                os.kill(pid, sig)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)  # first: it forks no new backend
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.thaw()
            self.process.send_signal(signal.SIGQUIT)  # immediate shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
