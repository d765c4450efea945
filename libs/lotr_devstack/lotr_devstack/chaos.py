"""make chaos: faults injected for real into a stack of its own, and a table of what clients saw.

The stack runs on free ports, on PostgreSQL databases named CHAOS_DB_PREFIX_<service>
(lotr_chaos_ by default) on CHAOS_PG_URL (postgres://postgres@127.0.0.1:5432), with the
shipped sample data. The frozen-database fault uses a PRIVATE PostgreSQL cluster (initdb and
pg_ctl, PG_BIN=/usr/lib/postgresql/15/bin) on a free port: the shared server is never stopped.

Each row (issue 13's items 4-11): the fault, requests sent, status counts, time to recover,
what is expected, and whether it held. The exit status is 1 when any expectation failed.
Bounded: a few hundred requests per fault, a few minutes in all.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from . import ports
from .databases import admin_connection, fresh_database
from .local import PARTS, SERVICES, LocalStack, StackError
from .processes import REPO, ServiceProcess, group_members

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SLOW = 10.0  # seconds: an answer slower than this counts as a hang
CHARACTER = "5cd99d4bde30eff6ebccfea0"  # Gandalf, in data/sample


@dataclass
class Row:
    fault: str
    expected: str
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    recovery: str = "-"
    ok: bool = False
    note: str = ""


def status_text(statuses: Counter) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items(), key=lambda item: str(item[0]))) or "-"


def since(began: float) -> str:
    return f"{time.monotonic() - began:.1f} s"


def wait_until(check, timeout: float, step: float = 0.1) -> float | None:
    """Seconds until `check()` held, or None after `timeout`."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if check():
            return time.monotonic() - began
        time.sleep(step)
    return None


def get_status(url: str, headers: dict | None = None, timeout: float = 3) -> int | str:
    try:
        return requests.get(url, headers=headers, timeout=timeout).status_code
    except requests.Timeout:
        return "timeout"
    except requests.RequestException:
        return "refused"


class Load:
    """GETs in a loop from `threads` threads until stopped (or `limit` requests), counting statuses."""

    def __init__(
        self, url: str, *, threads: int = 2, headers: dict | None = None, limit: int = 2000, pause: float = 0.0
    ):
        self.url, self.headers, self.limit, self.pause = url, headers, limit, pause
        self.statuses: Counter = Counter()
        self.slow = 0
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(threads)]

    def loop(self) -> None:
        with requests.Session() as session:
            while not self.stop_event.is_set() and sum(self.statuses.values()) < self.limit:
                began = time.monotonic()
                try:
                    status = session.get(self.url, headers=self.headers, timeout=SLOW + 5).status_code
                except requests.Timeout:
                    status = "timeout"
                except requests.RequestException:
                    status = "refused"
                    time.sleep(0.05)
                with self.lock:
                    self.statuses[status] += 1
                    self.slow += time.monotonic() - began > SLOW
                if self.pause:
                    self.stop_event.wait(self.pause)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join()

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb, pg_ctl) on a free port, to freeze with SIGSTOP."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, ports.free_port()
        self.data = folder / "data"

    def as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def start(self) -> "PrivatePostgres":
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        for argv in (
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"],
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "postgres.log"), "-w", "start",
             "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"],
        ):  # fmt: skip
            result = subprocess.run(self.as_owner(argv), capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise StackError(f"private PostgreSQL: {Path(argv[0]).name} failed: {result.stderr.strip()[-200:]}")
        return self

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def processes(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == postmaster:
                    children.append(int(entry.name))
        return [postmaster, *children]

    def signal(self, sig: int) -> None:
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.signal(signal.SIGCONT)
            argv = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
            subprocess.run(self.as_owner(argv), capture_output=True, check=False)


class Chaos:
    def __init__(self, say=print):
        self.say = say
        self.tmp = Path(tempfile.mkdtemp(prefix="lotr-chaos-"))
        self.tmp.chmod(0o755)
        self.pg = os.environ.get("CHAOS_PG_URL", "postgres://postgres@127.0.0.1:5432")
        self.prefix = os.environ.get("CHAOS_DB_PREFIX", "lotr_chaos")
        self.env = self.environ(self.tmp / "stack")
        for service in SERVICES:
            name = f"{self.prefix}_{service}"
            self.env[f"{service.upper()}_DATABASE_URL"] = fresh_database(f"{self.pg}/postgres", name)
        self.stack = LocalStack(self.env, out=lambda line: None)
        self.rows: list[Row] = []
        self.token = ""
        self.cleanups = []

    def environ(self, state: Path, **overrides: str) -> dict[str, str]:
        state.mkdir(parents=True, exist_ok=True)
        state.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.endswith(("_DATABASE_URL", "_PORT", "_SERVICE_URL"))}
        env.update(
            {
                "LOTR_STACK_DIR": str(state),
                "LOTR_DATA_DIR": str(REPO / "data" / "sample"),
                "JWT_PRIVATE_KEY_FILE": str(state / "jwt.pem"),
                "GATEWAY_CACHE_TTL": "2s",
                "SERVER_WORKERS": "2",
                "SERVER_GRACEFUL_TIMEOUT": "5",
            }
        )
        env.update({f"{part.upper()}_PORT": str(ports.free_port()) for part in PARTS})
        env.update(overrides)
        return env

    def url(self, part: str, path: str = "") -> str:
        return f"http://127.0.0.1:{self.env[f'{part.upper()}_PORT']}{path}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def login(self) -> None:
        credentials = {"email": "chaos@lotr.me", "password": "Chaos-monkey-1!"}
        requests.post(self.url("gateway", "/auth/register"), json=credentials, timeout=10)
        answer = requests.post(self.url("gateway", "/auth/login"), json=credentials, timeout=10)
        answer.raise_for_status()
        self.token = answer.json()["access"]

    # ---- the faults ----------------------------------------------------------------------

    def favorites_race(self) -> Row:
        row = Row("4 concurrent PUT/DELETE of one favorite", "no 5xx; GET answers 200 after")
        url = self.url("gateway", f"/v2/me/favorites/characters/{CHARACTER}")

        def one(index: int) -> int | str:
            method = requests.put if index % 2 else requests.delete
            try:
                return method(url, headers=self.auth, timeout=SLOW).status_code
            except requests.RequestException:
                return "refused"

        with ThreadPoolExecutor(16) as pool:
            row.statuses.update(pool.map(one, range(300)))
        row.requests = 300
        after = get_status(self.url("gateway", "/v2/me/favorites/characters"), self.auth)
        row.ok = not any(isinstance(s, int) and s >= 500 for s in row.statuses) and after == 200
        row.note = f"GET after: {after}"
        return row

    def frozen_database(self) -> Row:
        row = Row("5 database frozen (SIGSTOP) under load", "503 JSON within 10 s; /healthz 200 throughout")
        cluster = PrivatePostgres(self.tmp / "private-pg").start()
        self.cleanups.append(cluster.stop)
        env = {
            "DATABASE_URL": fresh_database(cluster.url, "chaos_book"),
            "DJANGO_SECRET_KEY": "chaos-only",
            "LOTR_DATA_DIR": str(REPO / "data" / "sample"),
            "ACCOUNTS_SERVICE_URL": self.url("accounts"),
        }
        book = ServiceProcess(REPO / "services" / "book", env, workers=2, log=self.tmp / "frozen-book.log")
        book.manage("migrate", "--no-input", "-v", "0")
        book.manage("import_data")
        book.start()
        self.cleanups.append(book.stop)
        health = Counter()
        try:
            # Paced (4 threads, a pause after each answer), so requests keep arriving through the
            # whole freeze rather than all being answered in the second before it.
            with Load(f"{book.url}/v2/book?limit=1", threads=4, limit=2000, pause=0.05) as load:
                time.sleep(1)
                cluster.signal(signal.SIGSTOP)
                frozen_at = time.monotonic()
                while time.monotonic() - frozen_at < 15:
                    health[get_status(f"{book.url}/healthz", timeout=2)] += 1
                    time.sleep(1)
                cluster.signal(signal.SIGCONT)
                thawed = time.monotonic()
            recovered = wait_until(lambda: get_status(f"{book.url}/v2/book?limit=1") == 200, 30)
            recovery = time.monotonic() - thawed
        finally:
            cluster.signal(signal.SIGCONT)
        row.requests, row.statuses = load.sent + sum(health.values()), load.statuses
        row.recovery = f"{recovery:.1f} s after thawing" if recovered is not None else "never"
        unanswered = load.statuses["timeout"] + load.slow
        row.ok = unanswered == 0 and set(health) == {200} and 503 in load.statuses and recovered is not None
        row.note = f"/healthz: {status_text(health)}; answers slower than {SLOW:.0f} s: {unanswered}"
        return row

    def accounts_down_at_start(self) -> Row:
        row = Row("6 accounts down when book's workers start, then a JWT read", "200")
        self.stack.stop_part("accounts")
        try:
            self.stack.restart("book", load=False)
            statuses = Counter(get_status(self.url("gateway", "/v2/book"), self.auth) for _ in range(20))
        finally:
            began = time.monotonic()
            self.stack.restart("accounts", load=False)
        recovered = wait_until(lambda: get_status(self.url("gateway", "/v2/book"), self.auth) == 200, 20)
        row.requests, row.statuses = 20, statuses
        row.recovery = since(began) if recovered is not None else "never"
        row.ok = set(statuses) == {200}
        return row

    def service_stopped(self) -> Row:
        row = Row("7 movie stopped behind the gateway", "uncached: 503 JSON + Retry-After; cached: 200 STALE")
        cached = self.url("gateway", "/v2/movie")
        for _ in range(2):  # stored from its URL's second request on (proxy_cache_min_uses 2)
            requests.get(cached, timeout=10)
        stored = time.monotonic()
        self.stack.stop_part("movie")
        # Past GATEWAY_CACHE_TTL (2 s), which nginx counts in whole seconds: an answer stored
        # late in one second stays fresh until the third second after it. Stale from then on.
        time.sleep(max(0.0, stored + 3.2 - time.monotonic()))
        cached_seen, uncached_seen = Counter(), Counter()
        good_uncached = 0
        for index in range(10):
            answer = requests.get(cached, timeout=SLOW)
            cached_seen[f"{answer.status_code} {answer.headers.get('X-Cache-Status', '-')}"] += 1
            try:
                answer = requests.get(self.url("gateway", f"/v2/movie?limit=1&offset={index}"), timeout=SLOW)
                uncached_seen[answer.status_code] += 1
                is_json = answer.headers.get("Content-Type", "").startswith("application/json")
                good_uncached += answer.status_code == 503 and is_json and "Retry-After" in answer.headers
            except requests.RequestException:
                uncached_seen["refused"] += 1
        began = time.monotonic()
        self.stack.restart("movie", load=False)
        recovered = wait_until(lambda: get_status(self.url("gateway", "/v2/movie?limit=1&offset=99")) == 200, 20)
        row.requests = 20
        row.statuses = Counter({f"cached {k}": v for k, v in cached_seen.items()})
        row.statuses.update({f"uncached {k}": v for k, v in uncached_seen.items()})
        row.recovery = since(began) if recovered is not None else "never"
        # Every cached read answered from the cache; at least one of them past its lifetime
        # (STALE). A refresh that failed may leave the entry counted fresh again (HIT) for a while.
        row.ok = good_uncached == 10 and set(cached_seen) <= {"200 STALE", "200 HIT"} and cached_seen["200 STALE"] > 0
        return row

    def port_taken(self) -> Row:
        row = Row("8 a port already taken (SO_REUSEPORT listener)", "exit 1, one line, nothing started")
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            held = sock.getsockname()[1]
            env = self.second_stack("port", BOOK_PORT=str(held))
            result = self.cli(env, "run")
            row.statuses[f"exit {result.returncode}"] += 1
            row.ok = result.returncode == 1 and self.one_line(result) and "BOOK_PORT" in result.stderr
            row.ok = row.ok and not self.left_running(env, held)
        row.requests, row.note = 1, result.stderr.strip()[:110]
        return row

    def failing_start(self) -> Row:
        row = Row("9 a failing start (gateway config broken)", "exit 1, one line, nothing left running")
        env = self.second_stack("fail", GATEWAY_RATE_LIMIT="bogus")
        result = self.cli(env, "run")
        row.requests, row.statuses = 1, Counter({f"exit {result.returncode}": 1})
        row.ok = result.returncode == 1 and self.one_line(result) and not self.left_running(env)
        row.note = result.stderr.strip()[:110]
        return row

    def main_process_killed(self) -> Row:
        row = Row("10 SIGKILL of book's main process", "workers gone within 5 s; status says so; restart")
        state = self.stack.state("book")
        with Load(self.url("gateway", "/v2/book"), headers=self.auth, limit=600) as load:
            time.sleep(0.5)
            os.kill(state.pgid, signal.SIGKILL)
            gone = wait_until(
                lambda: not group_members(state.pgid) and not ports.answers(int(self.env["BOOK_PORT"])), 10
            )
            status = next(line for line in self.stack.status() if line.startswith("book"))
            began = time.monotonic()
            self.stack.restart("book", load=False)
            recovered = wait_until(lambda: get_status(self.url("gateway", "/v2/book"), self.auth) == 200, 20)
        row.requests, row.statuses = load.sent, load.statuses
        row.recovery = since(began) if recovered is not None else "never"
        row.ok = gone is not None and "healthy" not in status and recovered is not None
        row.note = f"workers gone after {gone:.1f} s" if gone is not None else "workers still serving after 10 s"
        return row

    def restart_one(self) -> Row:
        row = Row("11 restart movie while book serves", "book: only 200; movie back")
        with Load(self.url("gateway", "/v2/book"), headers=self.auth, limit=2000) as load:
            time.sleep(0.5)
            began = time.monotonic()
            self.stack.restart("movie", load=False)
            took = since(began)
            time.sleep(0.5)
        row.requests, row.statuses, row.recovery = load.sent, load.statuses, took
        row.ok = set(load.statuses) == {200} and get_status(self.url("movie", "/readyz")) == 200
        return row

    def graceful_reload(self) -> Row:
        row = Row("11 graceful reload of movie (SIGHUP) under load", "through the gateway: only 200; workers replaced")
        state = self.stack.state("movie")
        old = set(state.pids) - {state.pgid}
        # /v2/quotes/random is never cached: every request reaches a movie worker.
        gateway = Load(self.url("gateway", "/v2/quotes/random"), threads=2, limit=5000)
        direct = Load(self.url("movie", "/v2/quotes/random"), threads=2, limit=5000)
        with gateway, direct:
            time.sleep(0.5)
            self.stack.reload("movie")
            replaced = wait_until(lambda: not set(self.stack.state("movie").pids) & old, 40, 0.2)
            time.sleep(0.5)
        row.requests, row.statuses = gateway.sent, gateway.statuses
        row.recovery = f"{replaced:.1f} s to replace" if replaced is not None else "not replaced"
        row.ok = set(gateway.statuses) == {200} and replaced is not None
        row.note = f"straight to movie, keep-alive client: {status_text(direct.statuses)}"
        return row

    # ---- second stacks (items 8, 9) --------------------------------------------------------

    def second_stack(self, name: str, **overrides: str) -> dict[str, str]:
        env = self.environ(self.tmp / name, **overrides)
        for service in SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = f"sqlite:///{self.tmp / name / f'{service}.sqlite3'}"
        return env

    def cli(self, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-m", "lotr_devstack", *args]
        return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)

    def one_line(self, result: subprocess.CompletedProcess) -> bool:
        return result.stderr.count("\n") == 1 and "Traceback" not in result.stdout + result.stderr

    def left_running(self, env: dict[str, str], held: int | None = None) -> bool:
        stack = LocalStack(env)
        ports_answering = [
            p for p in PARTS if int(env[f"{p.upper()}_PORT"]) != held and ports.answers(int(env[f"{p.upper()}_PORT"]))
        ]
        return bool(ports_answering) or any(stack.state(part).state != "stopped" for part in PARTS)

    # ---- the run -------------------------------------------------------------------------

    FAULTS = (
        "favorites_race",
        "frozen_database",
        "accounts_down_at_start",
        "service_stopped",
        "port_taken",
        "failing_start",
        "main_process_killed",
        "restart_one",
        "graceful_reload",
    )

    def run(self, only: str = "") -> int:
        began = time.monotonic()
        self.say(f"chaos: a stack of its own in {self.tmp} (databases {self.prefix}_*), sample data")
        self.stack.check_data()
        self.stack.preflight(PARTS)
        self.stack.start(PARTS, load=True)
        self.login()
        self.say(f"   stack up in {since(began)}: {self.url('gateway')}")
        for name in self.FAULTS:
            if only and only not in name:
                continue
            self.say(f"-- {name}")
            fault_began = time.monotonic()
            try:
                row = getattr(self, name)()
            except (StackError, requests.RequestException, OSError) as error:
                row = Row(name, "runs", note=f"error: {error}"[:110])
            row.note = (row.note + f" ({since(fault_began)})").strip()
            self.rows.append(row)
            self.say(f"   {'PASS' if row.ok else 'FAIL'} {row.fault}: {status_text(row.statuses)}")
        self.say("")
        self.say(self.table())
        self.say(f"\n{sum(r.ok for r in self.rows)} of {len(self.rows)} held; {since(began)} in all")
        return 0 if all(row.ok for row in self.rows) else 1

    def table(self) -> str:
        lines = [
            "| fault | requests | status counts | time to recover | expected | held | note |",
            "|---|---:|---|---|---|---|---|",
        ]
        for r in self.rows:
            lines.append(
                f"| {r.fault} | {r.requests} | {status_text(r.statuses)} | {r.recovery} | {r.expected} "
                f"| {'yes' if r.ok else '**NO**'} | {r.note} |"
            )
        return "\n".join(lines)

    def close(self) -> None:
        self.stack.stop()
        for cleanup in reversed(self.cleanups):
            cleanup()
        with admin_connection(f"{self.pg}/postgres") as conn:
            for service in SERVICES:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.prefix}_{service}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(only: str = "") -> int:
    chaos = Chaos(say=lambda line: print(line, flush=True))
    try:
        return chaos.run(only)
    except StackError as error:
        print(f"error: chaos could not start its stack: {error}", file=sys.stderr)
        return 1
    finally:
        chaos.close()
