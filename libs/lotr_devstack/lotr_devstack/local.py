"""The whole system on one machine, no root and no Docker: what `make run`, `make stop`,
`make status`, `make logs`, `make restart` and `make serve` do.

Each part (four services, the gateway) runs as a process group of its own, recorded in
<state>/run/<part>.json (its group id and its leader's start time, so a reused pid is never
mistaken for ours). Everything is written under the state folder: var/ at the repository
root, or LOTR_STACK_DIR.

    <state>/run/<part>.json       what runs
    <state>/log/<service>.log     a service's output: setup commands, server, access lines
    <state>/log/gateway/          the gateway's access.log and error.log
    <state>/gateway/              the rendered gateway (nginx -p), its cache
    <state>/secret-key            DJANGO_SECRET_KEY for every service, unless set

Every failure is one line (StackError) and stops whatever this command had started.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import ports
from .processes import (
    BIN,
    REPO,
    GatewayProcess,
    Process,
    ServiceProcess,
    StartError,
    answers_200,
    group_members,
    last_line,
    nginx_binary,
    private_file,
    server_argv,
    start_time,
    stop_group,
)

SERVICES = ("accounts", "book", "movie", "character")
PARTS = (*SERVICES, "gateway")
# Event parts (docs/events.md): no port; each is a manage.py command of its service.
EVENT_PARTS = {
    "relay": ("accounts", "relay_outbox"),
    "book-worker": ("book", "consume_events"),
    "movie-worker": ("movie", "consume_events"),
    "character-worker": ("character", "consume_events"),
}
DEFAULT_PORTS = {"book": 8001, "movie": 8002, "character": 8003, "accounts": 8004, "gateway": 8080}
SAMPLE = REPO / "data" / "sample"


class StackError(Exception):
    """A failure to report as one line; whatever the command started is already stopped."""


@dataclass
class PartState:
    state: str  # running, orphaned (main process gone, workers left), stopped
    pgid: int | None = None
    pids: tuple[int, ...] = ()
    port: int | None = None  # where it was started


def seconds(began: float) -> str:
    return f"{time.monotonic() - began:.1f} s"


def make_broker_tables(url: str) -> None:
    """The development broker's tables, made once before its four clients start. kombu's
    SQLAlchemy transport makes them on first use; four processes doing so at once on a new
    SQLite file race ("table kombu_queue already exists": 1 in 100 such processes here), and
    the one that loses exits."""
    from kombu import Connection

    try:
        with Connection(url) as connection:
            connection.default_channel.session  # noqa: B018  the first use makes the tables
    except Exception as error:
        first = (str(error).splitlines() or [type(error).__name__])[0]
        raise StackError(f"The development broker {url} could not be set up: {first}") from None


class LocalStack:
    def __init__(self, environ: dict[str, str] | None = None, *, out=print):
        self.environ = dict(os.environ if environ is None else environ)
        self.var = Path(self.environ.get("LOTR_STACK_DIR") or REPO / "var").resolve()
        self.run_dir, self.logs, self.gateway_dir = self.var / "run", self.var / "log", self.var / "gateway"
        self.say = out

    # ---- settings ------------------------------------------------------------------------

    def port(self, part: str) -> int:
        name = f"{part.upper()}_PORT"
        value = self.environ.get(name) or str(DEFAULT_PORTS[part])
        if not value.isdigit() or not 0 < int(value) < 65536:
            raise StackError(f"{name}={value} is not a port number.")
        return int(value)

    def url(self, part: str, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.port(part)}"

    def health_url(self, part: str, port: int | None = None) -> str:
        return f"{self.url(part, port)}/{'healthz' if part == 'gateway' else 'readyz'}"

    def running_port(self, part: str) -> int:
        """The port a running part was started on, else the one the environment asks for."""
        return self.state(part).port or self.port(part)

    def secret_key(self) -> str:
        """One random key per checkout, kept in the state folder, so admin sessions survive restarts.
        Written whole under another name, then linked into place: the services are prepared side
        by side, and none may read the file half-written (an empty key fails their start)."""
        path = self.var / "secret-key"
        if not path.exists():
            written = private_file(path.with_name(f"secret-key.{os.getpid()}.{threading.get_ident()}"))
            written.write_text(secrets.token_urlsafe(50))
            try:
                os.link(written, path)  # the first one made wins; the others read it
            except FileExistsError:
                pass
            finally:
                written.unlink()
        return path.read_text().strip()

    def data_description(self) -> str:
        data = self.environ.get("LOTR_DATA_DIR")
        if data:
            return f"LOTR_DATA_DIR={data}"
        return (
            f"the shipped sample ({SAMPLE.relative_to(REPO)}); `make data` fetches the full dataset into data/one-api/"
        )

    def check_data(self) -> None:
        data = self.environ.get("LOTR_DATA_DIR")
        folder = Path(data) if data else SAMPLE
        if not folder.is_dir():
            raise StackError(f"LOTR_DATA_DIR={data} is not a folder: point it at the One API CSVs, or unset it.")
        if not (folder / "books.csv").is_file():
            raise StackError(f"{folder} holds no books.csv: LOTR_DATA_DIR must name a folder of One API CSVs.")

    def service_env(self, service: str) -> dict[str, str]:
        """The environment of a service, the same for `run`, `restart` and `serve`."""
        env = {**self.environ, "DJANGO_SECRET_KEY": self.environ.get("DJANGO_SECRET_KEY") or self.secret_key()}
        url = self.environ.get(f"{service.upper()}_DATABASE_URL")
        if url:
            env["DATABASE_URL"] = url
        else:
            env.pop("DATABASE_URL", None)  # the service's own SQLite file under services/<name>/var/
        env.setdefault("ACCOUNTS_SERVICE_URL", self.url("accounts"))
        if service == "character":
            env.setdefault("MOVIE_SERVICE_URL", self.url("movie"))
        if service == "movie":
            env.setdefault("CHARACTER_SERVICE_URL", self.url("character"))  # expand, characterName
        if service == "accounts":  # GET /auth/me/export reads the favorites of every service
            for other in ("book", "movie", "character"):
                env.setdefault(f"{other.upper()}_SERVICE_URL", self.url(other))
        # The events' broker: RabbitMQ when LOTR_BROKER_URL names one, else the development
        # broker, one SQLite file of this stack (docs/events.md).
        env.setdefault("LOTR_BROKER_URL", f"sqla+sqlite:///{self.var / 'events-broker.sqlite3'}")
        env["LOTR_STACK_DIR"] = str(self.var)
        return env

    def log_of(self, part: str) -> list[Path]:
        if part == "gateway":
            return [self.logs / "gateway" / "access.log", self.logs / "gateway" / "error.log"]
        return [self.logs / f"{part}.log"]

    def shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    # ---- what runs -----------------------------------------------------------------------

    def record_path(self, part: str) -> Path:
        return self.run_dir / f"{part}.json"

    def record(self, part: str, pgid: int) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        port = 0 if part in EVENT_PARTS else self.port(part)
        entry = {"pgid": pgid, "start_time": start_time(pgid), "port": port}
        self.record_path(part).write_text(json.dumps(entry))

    def state(self, part: str) -> PartState:
        try:
            entry = json.loads(self.record_path(part).read_text())
            pgid, began, port = int(entry["pgid"]), entry["start_time"], int(entry["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return PartState("stopped")
        members = tuple(group_members(pgid))
        leader_began = start_time(pgid)
        if leader_began is not None and leader_began != began:
            return PartState("stopped")  # the pid is someone else's now
        if leader_began is not None and members:
            return PartState("running", pgid, members, port)
        if members:
            return PartState("orphaned", pgid, members, port)
        return PartState("stopped")

    def stop_part(self, part: str) -> bool:
        current = self.state(part)
        if current.pgid is not None:
            # Gracefully: nginx finishes in-flight requests on SIGQUIT, granian on SIGTERM.
            stop_group(current.pgid, signal.SIGQUIT if part == "gateway" else signal.SIGTERM)
        self.record_path(part).unlink(missing_ok=True)
        return current.pgid is not None

    def foreign_listeners(self, part: str) -> list[ports.Listener]:
        """Listeners on the part's port that are not in the part's own process group."""
        current = self.state(part)
        own = set(current.pids)
        return [found for found in ports.listeners(self.running_port(part)) if found.pid not in own]

    # ---- commands ------------------------------------------------------------------------

    def preflight(self, parts) -> None:
        """Before starting anything: ports free and distinct, data there, nginx found."""
        chosen: dict[int, str] = {}
        for part in parts:
            port = self.port(part)
            if port in chosen:
                raise StackError(
                    f"{part.upper()}_PORT and {chosen[port].upper()}_PORT are both {port}: give each part its own port."
                )
            chosen[port] = part
        for port, part in chosen.items():
            held = ports.holder(port)
            if held:
                suggestion = port + 100 if not ports.port_taken(port + 100) else ports.free_port()
                raise StackError(
                    f"Port {port} ({part.upper()}_PORT) is in use by {held}, which this stack did not start: "
                    f"stop it, or set {part.upper()}_PORT={suggestion} (any free port)."
                )
        if "gateway" in parts:
            nginx_binary()

    def manage(self, service: str, *args: str) -> str:
        """A manage.py command with the service's environment; its output goes to the service's log."""
        log = private_file(self.logs / f"{service}.log")
        process = ServiceProcess(REPO / "services" / service, {})
        process.env = self.service_env(service)
        try:
            output = process.manage(*args)
        except StartError as error:
            detail = str(error).split("\n", 1)[-1]
            with log.open("a") as handle:
                handle.write(detail)
            raise StackError(
                f"{service}: `manage.py {' '.join(args)}` failed: {last_line(detail)} (full output: {self.shown(log)})"
            ) from None
        with log.open("a") as handle:
            handle.write(output)
        return output

    def prepare(self, service: str, *, load: bool) -> None:
        began = time.monotonic()
        self.manage(service, "migrate", "--no-input", "-v", "0")
        done = [f"migrated in {seconds(began)}"]
        if service == "accounts":
            self.manage(service, "ensure_signing_key")  # a development key under services/accounts/var/
        elif load:
            began = time.monotonic()
            output = self.manage(service, "import_data")
            counts = ", ".join(
                f"{label} {n}" for label, n in re.findall(r"^([\w .-]+?)(?:\.csv)?: (\d+) rows", output, re.M)
            )
            done.append(f"imported {counts or 'nothing'} in {seconds(began)}")
        self.say(f"   {service:10} {'; '.join(done)}")

    def spawn_service(self, service: str) -> ServiceProcess:
        process = ServiceProcess(
            REPO / "services" / service,
            {},
            workers=int(self.environ.get("SERVER_WORKERS", "2")),
            port=self.port(service),
            log=self.logs / f"{service}.log",
            access_log="-",  # one JSON line per request, in the service's log
            graceful_timeout=int(self.environ.get("SERVER_GRACEFUL_TIMEOUT", "10")),
        )
        process.env = self.service_env(service)
        process.spawn(process.argv, cwd=process.cwd, env=process.env, log=process.log)
        self.record(service, process.pgid)
        return process

    def spawn_event_part(self, part: str) -> Process:
        service, command = EVENT_PARTS[part]
        process = Process(
            [str(BIN / "python"), "manage.py", command],
            name=part,
            cwd=REPO / "services" / service,
            env=self.service_env(service),
            log=self.logs / f"{part}.log",
        )
        process.start()
        self.record(part, process.pgid)
        return process

    def start_events(self) -> None:
        """The relay and the workers, once their services are migrated; a part that exits at
        once (a broker URL that does not parse, say) fails the start like a service would."""
        began = time.monotonic()
        self.say("== Starting the events' relay and workers")
        broker = self.service_env("accounts")["LOTR_BROKER_URL"]
        if broker.startswith("sqla+"):
            make_broker_tables(broker)
        processes = {part: self.spawn_event_part(part) for part in EVENT_PARTS}
        time.sleep(1.5)
        for part, process in processes.items():
            if process.process.poll() is not None:
                raise StackError(f"{part} exited with {process.process.returncode}; see `make logs` ({part}.log).")
        where = "the development broker (SQLite)" if broker.startswith("sqla+") else "LOTR_BROKER_URL"
        self.say(f"   running in {seconds(began)} on {where}: {', '.join(EVENT_PARTS)}")

    def wait_ready(self, part: str, process) -> None:
        timeout = float(self.environ.get("STACK_START_TIMEOUT", "60"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.process.poll() is not None:
                raise StackError(
                    f"{part} exited with {process.process.returncode} on start; see `make logs SERVICE={part}`."
                )
            if answers_200(self.health_url(part)):
                return
            time.sleep(0.2)
        raise StackError(
            f"{part} did not answer {self.health_url(part)} within {timeout:.0f}s; see `make logs SERVICE={part}`."
        )

    def check_ownership(self, part: str) -> None:
        """After a start: nobody else listens on the part's port (SO_REUSEPORT would let them)."""
        foreign = self.foreign_listeners(part)
        if foreign:
            who = ports.describe(foreign)
            raise StackError(
                f"Port {self.port(part)} ({part.upper()}_PORT) is shared with {who}, which this stack did not start."
            )

    def start_gateway(self) -> GatewayProcess:
        log_dir = self.logs / "gateway"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_dir.chmod(0o700)
        self.gateway_dir.mkdir(parents=True, exist_ok=True)
        link = self.gateway_dir / "logs"
        if link.is_symlink() or not link.exists():
            link.unlink(missing_ok=True)
            link.symlink_to(log_dir)  # nginx.conf's logs/error.log lands in <state>/log/gateway/
        settings = {name: value for name, value in self.environ.items() if name.startswith("GATEWAY_")}
        settings.setdefault("GATEWAY_LISTEN", f"127.0.0.1:{self.port('gateway')}")  # loopback only
        settings.setdefault("GATEWAY_ACCESS_LOG", str(log_dir / "access.log"))
        settings.setdefault("GATEWAY_CACHE_DIR", str(self.gateway_dir / "cache"))
        settings.pop("GATEWAY_PORT", None)
        upstreams = {service: f"127.0.0.1:{self.port(service)}" for service in SERVICES}
        gateway = GatewayProcess(self.gateway_dir, upstreams, port=self.port("gateway"), **settings)
        gateway.env = {**self.environ, **gateway.env}
        gateway.render()
        checked = gateway.check()
        if checked.returncode != 0:
            from .processes import first_error

            raise StackError(f"gateway: nginx -t failed: {first_error(checked.stderr)}")
        gateway.spawn_nginx()
        self.record("gateway", gateway.pgid)
        return gateway

    def start(self, parts, *, load: bool) -> None:
        """Prepare and start `parts`; on any failure, stop every one of them that started."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.logs.chmod(0o700)
        started: list[str] = []
        try:
            services = [part for part in parts if part != "gateway"]
            if services:
                began = time.monotonic()
                self.say(f"== Migrations{' and import' if load else ''} ({self.data_description()})")
                # Each service has a database of its own: they are prepared side by side, as
                # compose's and Kubernetes' init steps are (the full import: 4.7 s one after
                # another, docs/performance.md). Every one finishes before the first failure counts.
                self.secret_key()  # made once, before the threads that read it
                with ThreadPoolExecutor(max_workers=len(services)) as pool:
                    futures = [pool.submit(self.prepare, service, load=load) for service in services]
                for future in futures:
                    future.result()
                self.say(f"   done in {seconds(began)}")
                began = time.monotonic()
                workers = self.environ.get("SERVER_WORKERS", "2")
                self.say(f"== Starting {', '.join(services)} (granian, {workers} workers each)")
                processes = {}
                for service in services:
                    processes[service] = self.spawn_service(service)
                    started.append(service)
                for service in services:
                    self.wait_ready(service, processes[service])
                    self.check_ownership(service)
                self.say(f"   ready in {seconds(began)}: " + ", ".join(f"{s} {self.url(s)}" for s in services))
            if set(SERVICES) <= set(parts):
                started.extend(EVENT_PARTS)
                self.start_events()
            if "gateway" in parts:
                began = time.monotonic()
                self.say("== Starting the gateway (nginx)")
                gateway = self.start_gateway()
                started.append("gateway")
                self.wait_ready("gateway", gateway)
                self.check_ownership("gateway")
                self.say(f"   ready in {seconds(began)}: {self.url('gateway')}")
        except (StackError, StartError) as error:
            for part in reversed(started):
                self.stop_part(part)
            raise StackError(str(error)) from None
        except BaseException:
            for part in reversed(started):
                self.stop_part(part)
            raise

    def all_healthy(self) -> bool:
        states = {part: self.state(part) for part in PARTS}
        return all(s.state == "running" and answers_200(self.health_url(p, s.port)) for p, s in states.items())

    def run(self) -> None:
        began = time.monotonic()
        if self.all_healthy():
            self.say(
                f"The stack already runs at {self.url('gateway', self.running_port('gateway'))}: nothing restarted."
            )
            self.say("   make restart (all, or SERVICE=movie) restarts · make status · make stop")
            return
        left = [part for part in PARTS if self.state(part).state != "stopped"]
        if left:
            self.say(f"== Stopping what is left of an earlier run: {', '.join(left)}")
            for part in left:
                self.stop_part(part)
        self.check_data()
        self.preflight(PARTS)
        self.start(PARTS, load=True)
        base = self.url("gateway")
        self.say(f"""
The LotR API runs at {base} (started in {seconds(began)}), serving {self.data_description()}
  {base}/v2/book            the API (every /v2 path of The One API)
  {base}/auth/register      accounts: register, login, API keys; favorites at {base}/v2/me/favorites/...
  {base}/docs/              Swagger UI for every service (ReDoc: {base}/docs/redoc.html)
  make status · make logs [SERVICE=gateway] · make restart [SERVICE=movie] · make stop""")

    def stop(self, parts=PARTS) -> list[str]:
        stopped = []
        if set(SERVICES) <= set(parts):
            parts = (*parts, *EVENT_PARTS)  # the workers and the relay go first
        for part in reversed(parts):  # the gateway first: no new requests reach a stopping service
            if self.stop_part(part):
                stopped.append(part)
        return stopped

    def restart(self, part: str | None, *, load: bool) -> None:
        began = time.monotonic()
        parts = list(PARTS) if part is None else [part]
        stopped = self.stop(parts)
        if stopped:
            self.say(f"== Stopped {', '.join(stopped)} in {seconds(began)}")
        if part is None:
            self.check_data()
        self.preflight(parts)
        self.start(parts, load=load)
        others = [p for p in PARTS if p not in parts and self.state(p).state == "running"]
        kept = f"; {', '.join(others)} kept serving" if others else ""
        self.say(f"Restarted {', '.join(parts)} in {seconds(began)}{kept}.")

    def reload(self, part: str) -> None:
        current = self.state(part)
        if current.state != "running":
            raise StackError(f"{part} is not running ({current.state}): `make run` or `make restart SERVICE={part}`.")
        os.kill(current.pgid, signal.SIGHUP)
        if part == "gateway":
            self.say("gateway: nginx re-reads its configuration; old workers finish their requests, then exit.")
        else:
            self.say(f"{part}: granian replaces its workers one by one (a new one starts before an old one stops).")

    def status(self) -> list[str]:
        lines = []
        for part in PARTS:
            current = self.state(part)
            port = current.port or self.port(part)
            if current.state == "running":
                healthy = answers_200(self.health_url(part, port))
                text = "healthy" if healthy else "running, not answering"
            elif current.state == "orphaned":
                text = "ORPHANED: main process gone, workers left (make stop ends them)"
            else:
                text = "stopped"
            detail = f"pgid {current.pgid}, {len(current.pids)} processes" if current.pgid else ""
            line = f"{part:10} {port:5}  {text:24} {detail}".rstrip()
            foreign = self.foreign_listeners(part)
            if foreign:
                who = ports.describe(foreign)
                line += f"\n{'':17}port {port} is answered by {who}: NOT started by this stack"
            elif current.state == "stopped" and ports.answers(port):
                line += f"\n{'':17}port {port} is answered by a process NOT started by this stack"
            lines.append(line)
        for part in EVENT_PARTS:
            current = self.state(part)
            text = {"running": "running", "orphaned": "ORPHANED (make stop ends it)"}.get(current.state, "stopped")
            detail = f"pgid {current.pgid}" if current.pgid else ""
            lines.append(f"{part:16} {text:24} {detail}".rstrip())
        if self.state("relay").state == "running":
            lines.append(self.events_status())
        return lines

    def events_status(self) -> str:
        """`manage.py events_status` of accounts: unsent outbox rows, waiting and dead events."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", "events_status"],
            cwd=REPO / "services" / "accounts",
            env=self.service_env("accounts"),
            capture_output=True,
            text=True,
            check=False,
        )
        problem = last_line(result.stderr).replace("CommandError: ", "") if result.returncode else ""
        return "  ".join(part for part in (result.stdout.strip(), problem) if part)

    def tail(self, part: str | None, lines: int) -> list[str]:
        out = []
        for name in [part] if part else (*PARTS, *EVENT_PARTS):
            for path in self.log_of(name):
                out.append(f"==> {self.shown(path)} <==")
                if path.exists():
                    out.extend(path.read_text(errors="replace").splitlines()[-lines:])
        return out

    def serve(self, service: str, port: int | None, *, load: bool) -> None:
        """One service in the foreground, with exactly the environment `run` gives it."""
        port = port or self.port(service)
        held = ports.holder(port)
        if held:
            raise StackError(f"Port {port} is in use by {held}: set PORT=... (make serve SERVICE={service} PORT=...).")
        self.logs.mkdir(parents=True, exist_ok=True)
        self.say(f"== {service}: migrations{' and import' if load else ''} ({self.data_description()})")
        self.prepare(service, load=load)
        env = self.service_env(service)
        self.say(f"== {service} on http://127.0.0.1:{port} (Ctrl-C stops it; IMPORT=1 imports first)")
        argv = server_argv(port, workers=int(env.get("SERVER_WORKERS", "2")), extra=["--access-log", "-"])
        os.chdir(REPO / "services" / service)
        os.execve(str(BIN / "python"), argv, env)
