"""The gateway as `make run` starts it (access log to a file) against nginx serving the same
bytes, with the access log buffered (as the template has it) and unbuffered (as it was).

Needs a running `make run` stack (its services are the upstreams) and wrk. Each gateway is
rendered from the template like `make run`'s, on a free port, logging to a file of its own;
the four are loaded in turn, several rounds, so that whatever else loads the machine falls
on all of them alike:

    .venv/bin/python bench/access_log.py [--rounds 3] [--seconds 8]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import cpu_seconds, static_baseline, wrk  # noqa: E402

from lotr_devstack import GatewayProcess  # noqa: E402

PATH = "/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3"
BUFFERED = "lotr_json buffer=64k flush=1s;"
UPSTREAMS = {
    "book": "127.0.0.1:8001",
    "movie": "127.0.0.1:8002",
    "character": "127.0.0.1:8003",
    "accounts": "127.0.0.1:8004",
}


def start_gateway(folder: Path, buffered: bool, log: str = "access.log") -> GatewayProcess:
    """A gateway rendered like make run's, logging to a file; unbuffered: the old directive."""
    process = GatewayProcess(folder, UPSTREAMS, GATEWAY_ACCESS_LOG=str(folder / log)).start()
    if not buffered:
        conf = folder / "conf.d" / "lotr.conf"
        rendered = conf.read_text()
        if BUFFERED not in rendered:
            process.stop()
            sys.exit("The template's access_log line is not the one this script knows.")
        conf.write_text(rendered.replace(BUFFERED, "lotr_json;"))
        subprocess.run([*process.nginx, "-s", "reload"], check=True, capture_output=True)
    return process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    load = {"seconds": args.seconds, "connections": 32, "threads": 2}
    started = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)
        try:
            for name, buffered in (("buffered", True), ("unbuffered", False)):
                (tmp / name).mkdir(mode=0o755)
                started.append(start_gateway(tmp / name, buffered))
            # As the benchmark's gateway runs (bench/run.py): its log thrown away.
            (tmp / "devnull").mkdir(mode=0o755)
            started.append(start_gateway(tmp / "devnull", True, log="/dev/null"))
            body = requests.get(f"{started[0].url}{PATH}", timeout=10).content
            static, port = static_baseline(body, tmp / "static")
            started.append(static)
            urls = {
                "static file": f"http://127.0.0.1:{port}/character.json",
                "gateway, buffered log": f"{started[0].url}{PATH}",
                "gateway, unbuffered log": f"{started[1].url}{PATH}",
                "gateway, log to /dev/null": f"{started[2].url}{PATH}",
            }
            for url in urls.values():  # fill the caches
                wrk(url, seconds=1, connections=4, threads=1)
            masters = {"static file": static.process.pid, "gateway, buffered log": started[0].process.pid}
            masters["gateway, unbuffered log"] = started[1].process.pid
            masters["gateway, log to /dev/null"] = started[2].process.pid
            runs = {name: [] for name in urls}
            cpu = {name: [] for name in urls}
            for _ in range(args.rounds):
                for name, url in urls.items():
                    before = cpu_seconds(masters[name])
                    result = wrk(url, **load)
                    runs[name].append(result["rps"])
                    cpu[name].append(1e6 * (cpu_seconds(masters[name]) - before) / result["requests"])
        finally:
            for process in started:
                process.stop()
    base = statistics.mean(runs["static file"])
    print(f"{args.rounds} rounds of {args.seconds} s, wrk 2 threads / 32 connections, the four in turn")
    for name, values in runs.items():
        each = ", ".join(f"{v:.0f}" for v in values)
        mean = statistics.mean(values)
        print(f"{name:24} req/s {each}; mean {mean:.0f}, {100 * mean / base:.1f}% of static")
        print(f"{'':24} nginx CPU per request: {statistics.median(cpu[name]):.1f} us (median)")


if __name__ == "__main__":
    main()
