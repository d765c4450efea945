"""nginx's own instructions per cache hit, counted by callgrind: a static file, a bare proxy
cache and the gateway's cache (the template as `make bench` renders it), each answering
/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3 with the same bytes.

Counting instructions is repeatable whatever else the machine runs, unlike req/s or CPU time;
it leaves out the kernel's work (bench/cache_floor.py measures the CPU time, both). Each nginx
runs as one process (no master, one worker) under valgrind; after a warm-up that fills the
cache, callgrind's counters are zeroed, N requests are sent one after another on a keep-alive
connection and the counters dumped.

    .venv/bin/python bench/nginx_instructions.py [--requests 2000]
        [--edit 'OLD=>NEW' ...]   a text replacement in the gateway's rendered conf.d/lotr.conf
                                  or snippets (one change at a time: what a part costs)

For example, what the access log costs a hit:

    .venv/bin/python bench/nginx_instructions.py --edit 'access_log /dev/null lotr_json=>access_log off; #'
"""

import argparse
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cache_floor import BARE_CACHE, BODY, ORIGIN, PATH  # noqa: E402
from run import REPO  # noqa: E402

from lotr_devstack import GatewayProcess, Process, free_port, nginx_binary  # noqa: E402

ONE_PROCESS = "worker_processes 1;\nmaster_process off;\ndaemon off;"


def one_process(conf: Path) -> None:
    conf.write_text(re.sub(r"worker_processes\s+\S+;", ONE_PROCESS, conf.read_text()))


def get(port: int, count: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"{path}: {response.status}")
    connection.close()
    return response


def wait_for(port: int, process: subprocess.Popen, path: str) -> None:
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"nginx under valgrind exited with {process.returncode}")
        try:
            get(port, 1, path)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nginx under valgrind does not answer on port {port}")


def count(prefix: Path, port: int, path: str, requests: int) -> tuple[float, str]:
    """Instructions per request of the nginx configured in `prefix`, and its last X-Cache-Status."""
    out = prefix / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", nginx_binary()]
    command += ["-p", str(prefix), "-c", "nginx.conf", "-e", str(prefix / "logs" / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, process, path)
        get(port, 50, path)  # the gateway stores an answer from its URL's second request on
        subprocess.run(["callgrind_control", "--zero", str(process.pid)], check=True, capture_output=True)
        response = get(port, requests, path)
        subprocess.run(["callgrind_control", "--dump", str(process.pid)], check=True, capture_output=True)
        dump = max(prefix.glob("callgrind.out*"), key=lambda path: path.stat().st_mtime)
        totals = [line for line in dump.read_text().splitlines() if line.startswith(("summary:", "totals:"))]
        return int(totals[-1].split()[1]) / requests, response.headers.get("X-Cache-Status", "")
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--edit", action="append", default=[], metavar="OLD=>NEW")
    args = parser.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        sys.exit("valgrind is needed: apt-get install valgrind")
    template = (REPO / "bench" / "static-nginx.conf").read_text()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)
        (tmp / "static").mkdir(mode=0o755)
        (tmp / "static" / "character.json").write_bytes(BODY)
        typed = "default_type application/json;"
        serving = template.replace(typed, f"{typed}\n{ORIGIN}").replace("@ROOT@", str(tmp))

        # The upstream of both caches: every URI answered with the same bytes (not counted).
        origin_port = free_port()
        (tmp / "origin" / "logs").mkdir(parents=True)
        (tmp / "origin" / "nginx.conf").write_text(serving.replace("@PORT@", str(origin_port)))
        command = [nginx_binary(), "-p", str(tmp / "origin"), "-c", "nginx.conf", "-e", str(tmp / "origin" / "error")]
        origin = Process([*command, "-g", "daemon off;"], name="origin", health_url=f"http://127.0.0.1:{origin_port}/")
        origin.start(timeout=5)
        try:
            ports = {name: free_port() for name in ("static file", "bare proxy cache", "the gateway's cache")}
            prefixes = {name: tmp / f"counted-{i}" for i, name in enumerate(ports)}
            for prefix in prefixes.values():
                (prefix / "logs").mkdir(parents=True)
                prefix.chmod(0o755)
            static = prefixes["static file"] / "nginx.conf"
            # As make bench's baseline serves it: the file at its own path, no try_files.
            plain = template.replace("@ROOT@", str(tmp)).replace("@PORT@", str(ports["static file"]))
            static.write_text(plain)
            bare = prefixes["bare proxy cache"]
            block = BARE_CACHE.replace("@CACHE_PORT@", str(ports["bare proxy cache"]))
            block = block.replace("@ORIGIN_PORT@", str(origin_port)).replace("@ROOT@", str(bare))
            unused = serving.replace("@PORT@", str(free_port()))
            (bare / "nginx.conf").write_text(unused.replace("    server {", block + "    server {", 1))
            gateway = prefixes["the gateway's cache"]
            upstreams = dict.fromkeys(("book", "movie", "character", "accounts"), f"127.0.0.1:{origin_port}")
            settings = {"GATEWAY_ACCESS_LOG": "/dev/null", "GATEWAY_CACHE_TTL": "10m"}
            GatewayProcess(gateway, upstreams, port=ports["the gateway's cache"], **settings).render()
            for edit in args.edit:
                old, sep, new = edit.partition("=>")
                files = [gateway / "conf.d" / "lotr.conf", *sorted((gateway / "snippets").glob("*.conf"))]
                changed = [path for path in files if sep and old in path.read_text()]
                if not changed:
                    sys.exit(f"--edit {edit!r}: no 'OLD=>NEW', or OLD is in none of the gateway's files")
                for path in changed:
                    path.write_text(path.read_text().replace(old, new))
            print(f"nginx instructions per request, {args.requests} requests one after another (callgrind)")
            for name, prefix in prefixes.items():
                one_process(prefix / "nginx.conf")
                path = "/character.json" if name == "static file" else PATH
                per_request, cache = count(prefix, ports[name], path, args.requests)
                print(f"{name:20} {per_request:9,.0f}" + (f"  (X-Cache-Status: {cache})" if cache else ""))
        finally:
            origin.stop()


if __name__ == "__main__":
    main()
