"""Where the uncached filtered list's floor is: what each layer under it costs, next to the peer.

    LOTR_DATA_DIR=... .venv/bin/python bench/floor.py [--rounds 4] [--seconds 5] [--database sqlite]

Starts what `make bench` starts on one database, PostgreSQL unless `--database sqlite` says
otherwise (bench/run.py's start_stack: every service with
the full data, the plain DRF peer on the same data, the gateways), then serves the bytes of
/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3 four ways, each with the same workers
and threads under granian:

- the character service as it runs (lotr_kit.server: Django, the kit's read view, middleware,
  the query);
- the same service, settings and middleware with a view that renders the same page and runs no
  query (bench/floor_settings.py, bench/floor_urls.py): Django's request cycle alone;
- bench/floor_app.py's `application`: the same query language, SQL and JSON as a bare WSGI
  application, no Django request cycle;
- bench/floor_app.py's `constant`: the same bytes from a bare WSGI application, no query: what
  granian allows on its own;

and the peer answering the equivalent query (bench/run.py's SCENARIOS). Each of the four is
loaded straight and behind a gateway of its own rendered from the template with the cache off
(the stack's uncached gateway for the service, as `make bench` loads it); the peer straight, as
`make bench` loads it (the template routes only the API's paths). The static baseline (nginx
serving the same bytes from a file) is loaded in every round too.

Everything is loaded in turn, round after round (wrk, 2 threads, 32 connections), the order
shifted by one each round, so that whatever else loads the machine falls on all alike; every
rate is a share of the same round's static baseline and a multiple of the same round's peer.
Beside it the CPU time per request, from /proc, of the processes that served it: the server's
workers, the gateway's nginx workers, and the PostgreSQL backends of the two databases (on
SQLite the database's work is the server's own, in its workers). It
depends far less than req/s on what else runs; the peer's total over a target's ("x peer by
CPU") is the ratio of their rates were CPU all that limits them (wrk's share aside).

The bare applications run under granian's own command line (the same workers and threads), not
lotr_kit.server, whose only other work is the liveness file and a filter of the environ.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import dj_database_url
import requests

import lotr_kit
from lotr_devstack import BIN, GatewayProcess, Process, ServiceProcess, free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402  bench/run.py, beside this script
    BASELINE_PATH,
    FILTERED,
    REPO,
    SCENARIOS,
    cpu_seconds,
    start_stack,
    static_baseline,
    stop,
    wrk,
)

BENCH = REPO / "bench"
PEER_PATH = next(peer for name, _, _, peer in SCENARIOS if name == FILTERED)
THREADS = os.environ.get("SERVER_THREADS", "2")
SERVICE, NO_QUERY, BARE_SQL, BARE_CONSTANT, PEER = (
    "character service",
    "Django cycle, no query",
    "bare WSGI, same SQL and JSON",
    "bare WSGI, same bytes, no query",
    "the peer (plain DRF)",
)
STATIC = "static file (nginx)"


class GranianApp(Process):
    """A WSGI application of bench/ under granian, with the services' workers and threads."""

    def __init__(self, target: str, name: str, env: dict[str, str], workers: int):
        self.port = free_port()
        super().__init__(
            [str(BIN / "granian"), "--interface", "wsgi", "--workers", str(workers), "--blocking-threads", THREADS,
             "--no-ws", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", target],
            name=name,
            cwd=BENCH,
            env=env,
            health_url=f"http://127.0.0.1:{self.port}{BASELINE_PATH}",
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class BackendCpu:
    """CPU time of the PostgreSQL backends of `databases` while a load runs, sampled every
    `interval` s: Django ends a connection after CONN_MAX_AGE (60 s), so a backend can end during
    a load; what it spent since its last sample is lost (at most `interval` s of it)."""

    def __init__(self, databases: set[str], interval: float = 0.5):
        self.databases, self.interval = databases, interval
        self.others: set[int] = set()  # processes seen that are no backend of these databases

    def sample(self) -> dict[int, float]:
        seen = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in self.others:
                continue
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # A backend's title: "postgres: [<cluster name>:] <user> <database> <client> <state>".
            words = title[2:] if len(title) > 1 and title[1].endswith(":") else title[1:]
            if not title or title[0] != "postgres:" or len(words) < 2 or words[1] not in self.databases:
                self.others.add(int(entry.name))
                continue
            fields = stat.rsplit(")", 1)[1].split()
            seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return seen

    def __enter__(self):
        self.first, self.last = self.sample(), {}
        self.last.update(self.first)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()
        return self

    def watch(self):
        while not self.done.wait(self.interval):
            self.last.update(self.sample())

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.last.update(self.sample())
        self.seconds = sum(value - self.first.get(pid, 0.0) for pid, value in self.last.items())


def code_under_test() -> str:
    """Where the servers' lotr_kit comes from (the venv's editable install points at one
    checkout, whatever this script's is; PYTHONPATH=<checkout>/libs/lotr_kit picks another),
    and whether that checkout has changes not committed there."""
    folder = Path(lotr_kit.__file__).resolve().parent
    changed = subprocess.run(
        ["git", "-C", str(folder), "status", "--porcelain", "."], capture_output=True, text=True, check=False
    ).stdout
    return f"lotr_kit from {folder}" + (", with uncommitted changes" if changed.strip() else "")


def database_name(url: str) -> str:
    return dj_database_url.parse(url)["NAME"]


def start_floor(stack: dict, folder: Path) -> dict:
    """The three measuring sticks beside the stack's character service, each with a gateway of
    its own (cache off, access log to /dev/null, as the stack's uncached gateway); the targets
    to load, as {name: (url, server master pid, gateway master pid or None)}."""
    character = stack["processes"]["character"]
    body = requests.get(f"{character.url}{BASELINE_PATH}", timeout=10).content
    (folder / "page.json").write_bytes(body)
    env = {
        **character.env,
        "FLOOR_BODY": str(folder / "page.json"),
        "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH), os.environ.get("PYTHONPATH")) if p),
    }
    # lotr_kit.server puts the service's folder first on sys.path; the bare apps run in bench/.
    bare_env = {**env, "PYTHONPATH": os.pathsep.join((str(character.service_dir), env["PYTHONPATH"]))}
    bare_env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    upstreams = {
        NO_QUERY: ServiceProcess(
            character.service_dir, {**env, "DJANGO_SETTINGS_MODULE": "floor_settings"}, workers=character.workers
        ),
        BARE_SQL: GranianApp("floor_app:application", BARE_SQL, bare_env, character.workers),
        BARE_CONSTANT: GranianApp("floor_app:constant", BARE_CONSTANT, bare_env, character.workers),
    }
    uncached = stack["gateways"]["uncached"]
    targets = {
        f"{SERVICE}, straight": (character.url, character.process.pid, None),
        f"{SERVICE}, gateway": (uncached.url, character.process.pid, uncached.process.pid),
    }
    for index, (name, upstream) in enumerate(upstreams.items()):
        stack["started"].append(upstream.start())
        prefix = folder / f"gateway-{index}"
        prefix.mkdir(mode=0o755)
        routes = dict.fromkeys(("book", "movie", "character", "accounts"), f"127.0.0.1:{upstream.port}")
        gateway = GatewayProcess(prefix, routes, GATEWAY_CACHE="off", GATEWAY_ACCESS_LOG="/dev/null")
        stack["started"].append(gateway.start())
        targets[f"{name}, straight"] = (upstream.url, upstream.process.pid, None)
        targets[f"{name}, gateway"] = (gateway.url, upstream.process.pid, gateway.process.pid)
    for name, (base, _, _) in targets.items():  # the same status, bytes and type from each
        answer = requests.get(f"{base}{BASELINE_PATH}", timeout=10)
        assert answer.status_code == 200, (name, answer.status_code)
        assert answer.content == body, f"{name} does not answer the service's bytes"
        assert answer.headers["Content-Type"] == "application/json; charset=utf-8", name
    peer = stack["peer"]
    targets[PEER] = (peer.url, peer.process.pid, None)
    # The peer's page: the same characters, in the same order (its shape is DRF's).
    theirs = [doc["name"] for doc in requests.get(f"{peer.url}{PEER_PATH}", timeout=10).json()["results"]]
    ours = [doc["name"] for doc in json.loads(body)["docs"]]
    if theirs != ours:
        print(f"warning: the peer's page differs: {theirs} against {ours}", file=sys.stderr)
    return {"targets": targets, "body": body}


class Rounds:
    """What a script of alternating rounds shares: its options (rounds, load, workers, database),
    the dataset, and a stack as `make bench` starts it, in databases of the script's own."""

    def __init__(self, parser: argparse.ArgumentParser, name: str):
        parser.add_argument("--rounds", type=int, default=4)
        parser.add_argument("--seconds", type=int, default=5)
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--workers", default=os.environ.get("SERVER_WORKERS", "2"))
        parser.add_argument("--database", default="postgresql", choices=["postgresql", "sqlite"])
        self.args = parser.parse_args()
        self.data_dir = Path(os.environ.get("LOTR_DATA_DIR") or REPO / "data" / "one-api")
        if not (self.data_dir / "quotes.csv").is_file():
            sys.exit(f"No dataset at {self.data_dir}: set LOTR_DATA_DIR to the full One API CSVs.")
        os.environ.setdefault("BENCH_DB_PREFIX", f"lotr_{name}")  # not make bench's databases
        self.tmp = Path(tempfile.mkdtemp(prefix=f"lotr-{name}-"))
        self.tmp.chmod(0o755)
        self.load = {"seconds": self.args.seconds, "connections": self.args.connections, "threads": 2}

    def start_stack(self) -> dict:
        pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
        return start_stack(self.args.database, self.tmp / self.args.database, self.args, self.data_dir, pg)

    def backend_databases(self, processes) -> set[str]:
        """The PostgreSQL databases of these processes (none on SQLite: it runs in their workers)."""
        if self.args.database != "postgresql":
            return set()
        return {database_name(process.env["DATABASE_URL"]) for process in processes}

    def measure(self, url: str, servers: dict[str, int], databases: set[str]) -> dict:
        """wrk's figures for `url`, and the CPU time per request of each of `servers` (a name
        for each granian or nginx master's pid) and of the databases' backends ("database")."""
        before = {name: cpu_seconds(pid) for name, pid in servers.items()}
        with BackendCpu(databases) as backends:
            result = wrk(url, **self.load)
        served = max(result["requests"], 1)
        cpu = {name: 1e6 * (cpu_seconds(pid) - before[name]) / served for name, pid in servers.items()}
        cpu["database"] = 1e6 * backends.seconds / served
        result["cpu_us"] = cpu
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write every round's figures to this file")
    rounds_of = Rounds(parser, "floor")
    args, load = rounds_of.args, rounds_of.load
    print(code_under_test(), flush=True)
    stack = rounds_of.start_stack()
    try:
        floor = start_floor(stack, rounds_of.tmp)
        static, static_port = static_baseline(floor["body"], rounds_of.tmp / "static-nginx")
        stack["started"].append(static)
        targets = {STATIC: (f"http://127.0.0.1:{static_port}", static.process.pid, None), **floor["targets"]}
        paths = {name: {STATIC: "/character.json", PEER: PEER_PATH}.get(name, BASELINE_PATH) for name in targets}
        databases = rounds_of.backend_databases([stack["processes"]["character"], stack["peer"]])
        for name, (base, _, _) in targets.items():
            wrk(f"{base}{paths[name]}", seconds=1, connections=8, threads=1)  # warm up
        rounds = {name: [] for name in targets}
        names = list(targets)
        for number in range(args.rounds):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                base, server, gateway = targets[name]
                servers = {"server": server, "gateway": gateway} if gateway else {"server": server}
                result = rounds_of.measure(f"{base}{paths[name]}", servers, databases)
                result["cpu_us"].setdefault("gateway", 0.0)
                result["cpu_us"]["total"] = sum(result["cpu_us"].values())
                rounds[name].append(result)
                print(
                    f"round {number + 1} {name:42} {result['rps']:8.0f} rps  p99 {result['p99_ms']:7.2f} ms  "
                    f"cpu {result['cpu_us']['total']:6.0f} us/request  non-2xx {result['non_2xx']}",
                    flush=True,
                )
    finally:
        stop(stack)
    print(report(rounds, args))
    print(code_under_test())
    if args.json:
        figures = {"load": load, "workers": args.workers, "threads": THREADS, "rounds": rounds}
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


def report(rounds: dict[str, list[dict]], args) -> str:
    static, peer = rounds[STATIC], rounds[PEER]

    def per_round(values: list[float], digits: str) -> str:
        return ", ".join(f"{v:{digits}}" for v in values) + f" (median {statistics.median(values):{digits}})"

    lines = [
        f"{args.rounds} rounds of {args.seconds} s, wrk 2 threads / {args.connections} connections, "
        f"{args.workers} granian workers x {THREADS} threads for every server, {args.database}",
        "",
        "| served by | req/s per round | % of static, per round | x peer, per round | p99 ms (median) "
        "| CPU µs per request: server + gateway + PostgreSQL backends = total (medians) "
        "| x peer by CPU (median) | non-2xx |",
        "|---|---|---|---|---:|---|---:|---:|",
    ]
    for name, results in rounds.items():
        rates = [r["rps"] for r in results]
        shares = [100 * r["rps"] / s["rps"] for r, s in zip(results, static, strict=True)]
        multiples = [r["rps"] / p["rps"] for r, p in zip(results, peer, strict=True)]
        cpu = {part: statistics.median(r["cpu_us"][part] for r in results) for part in results[0]["cpu_us"]}
        by_cpu = statistics.median(
            p["cpu_us"]["total"] / r["cpu_us"]["total"] for r, p in zip(results, peer, strict=True)
        )
        lines.append(
            f"| {name} | {per_round(rates, '.0f')} | {per_round(shares, '.1f')} | {per_round(multiples, '.2f')} "
            f"| {statistics.median(r['p99_ms'] for r in results):.1f} "
            f"| {cpu['server']:.0f} + {cpu['gateway']:.0f} + {cpu['database']:.0f} = {cpu['total']:.0f} "
            f"| {by_cpu:.2f} | {sum(r['non_2xx'] + r['socket_errors'] for r in results)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
