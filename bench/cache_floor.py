"""How close a cached read can come to a static file: nginx serving the bytes of
/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3 from a file, from a bare proxy cache
(`proxy_cache` and `proxy_pass`, nothing else) and from the gateway's cache (the template as
`make bench` renders it, its log thrown away), each answer a cache hit.

The three use the same nginx binary and process settings (bench/static-nginx.conf) and are
loaded in turn, round after round, so that whatever else loads the machine falls on all of
them alike; beside req/s, the CPU time of each one's nginx workers per request (from /proc),
which depends far less on that load. The upstream of both caches is a fourth nginx that
answers every URI with the same bytes: no service is needed.

    .venv/bin/python bench/cache_floor.py [--rounds 4] [--seconds 6]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, cpu_seconds, static_baseline, wrk  # noqa: E402

from lotr_devstack import GatewayProcess, Process, free_port, nginx_binary  # noqa: E402

PATH = "/v2/character?race=Hobbit&sort=name:asc&limit=10&page=3"

# About the size of that page (2.4 KB): what nginx copies is the same whatever the bytes.
BODY = b'{"docs":[' + b'{"_id":"5cd99d4bde30eff6ebccfc15","name":"Frodo Baggins"},' * 42 + b"{}]}"

# Appended to bench/static-nginx.conf's server block.
ORIGIN = "location / { try_files /character.json =404; }"  # every URI: the same bytes
BARE_CACHE = """
    proxy_cache_path @ROOT@/cache levels=1:2 keys_zone=bare:10m inactive=10m use_temp_path=off;
    server {
        listen 127.0.0.1:@CACHE_PORT@;
        location / {
            proxy_cache bare;
            proxy_cache_valid 200 10m;
            proxy_pass http://127.0.0.1:@ORIGIN_PORT@;
        }
    }
"""


def nginx(folder: Path, conf: str, name: str, port: int) -> Process:
    (folder / "logs").mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(conf)
    command = [nginx_binary(), "-p", str(folder), "-c", "nginx.conf", "-e", str(folder / "logs" / "error.log")]
    process = Process([*command, "-g", "daemon off;"], name=name, health_url=f"http://127.0.0.1:{port}{PATH}")
    return process.start(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=6)
    args = parser.parse_args()
    load = {"seconds": args.seconds, "connections": 32, "threads": 2}
    started = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)
        try:
            static, static_port = static_baseline(BODY, tmp / "static")
            started.append(static)
            template = (REPO / "bench" / "static-nginx.conf").read_text()
            origin_port, cache_port = free_port(), free_port()
            typed = "default_type application/json;"
            origin_conf = template.replace(typed, f"{typed}\n{ORIGIN}")
            origin_conf = origin_conf.replace("@PORT@", str(origin_port)).replace("@ROOT@", str(tmp / "static"))
            (tmp / "origin").mkdir(mode=0o755)
            started.append(nginx(tmp / "origin", origin_conf, "origin", origin_port))
            bare = BARE_CACHE.replace("@CACHE_PORT@", str(cache_port)).replace("@ORIGIN_PORT@", str(origin_port))
            bare_conf = template.replace("    server {", bare.replace("@ROOT@", str(tmp / "bare")) + "    server {", 1)
            bare_conf = bare_conf.replace("@PORT@", str(free_port())).replace("@ROOT@", str(tmp / "static"))
            (tmp / "bare").mkdir(mode=0o755)
            started.append(nginx(tmp / "bare", bare_conf, "bare proxy cache", cache_port))
            (tmp / "gateway").mkdir(mode=0o755)
            upstreams = dict.fromkeys(("book", "movie", "character", "accounts"), f"127.0.0.1:{origin_port}")
            # Its answers kept for 10 minutes (10 s by default): every request of the run a hit.
            settings = {"GATEWAY_ACCESS_LOG": "/dev/null", "GATEWAY_CACHE_TTL": "10m"}
            gateway = GatewayProcess(tmp / "gateway", upstreams, **settings).start()
            started.append(gateway)
            targets = {
                "static file": (f"http://127.0.0.1:{static_port}/character.json", static.process.pid),
                "bare proxy cache": (f"http://127.0.0.1:{cache_port}{PATH}", started[2].process.pid),
                "the gateway's cache": (f"{gateway.url}{PATH}", gateway.process.pid),
            }
            for url, _ in targets.values():  # fill the caches (the gateway stores from a URL's 2nd request)
                wrk(url, seconds=1, connections=4, threads=1)
            rates = {name: [] for name in targets}
            cpu = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, (url, master) in targets.items():
                    before = cpu_seconds(master)
                    result = wrk(url, **load)
                    if result["non_2xx"] or result["socket_errors"]:
                        sys.exit(f"{name}: {result['non_2xx']} non-2xx, {result['socket_errors']} socket errors")
                    rates[name].append(result["rps"])
                    cpu[name].append(1e6 * (cpu_seconds(master) - before) / result["requests"])
        finally:
            for process in reversed(started):
                process.stop()
    static_rate, static_cpu = statistics.mean(rates["static file"]), statistics.median(cpu["static file"])
    print(f"{args.rounds} rounds of {args.seconds} s each, wrk 2 threads / 32 connections, the three in turn")
    for name in targets:
        each = ", ".join(f"{v:.0f}" for v in rates[name])
        share_rate = 100 * statistics.mean(rates[name]) / static_rate
        share_cpu = 100 * static_cpu / statistics.median(cpu[name])
        print(f"{name:20} req/s {each}: {share_rate:.0f}% of static")
        cpus = ", ".join(f"{v:.1f}" for v in cpu[name])
        print(f"{'':20} nginx CPU us per request {cpus}: {share_cpu:.0f}% of static by CPU (medians)")


if __name__ == "__main__":
    main()
