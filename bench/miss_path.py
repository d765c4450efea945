"""The gateway's miss path: one-off URLs, through gateways that differ in one setting each.

    .venv/bin/python bench/miss_path.py [--database sqlite|postgresql] [--rounds 3] [--seconds 6]

Starts what `make bench` starts on one database (bench/run.py's start_stack: every service,
the plain DRF peer, a gateway with the cache and one without), then more gateways rendered from
the same template with extra http-level directives (VARIANTS), and loads each in turn, round
after round, with wrk and bench/miss_path.lua: the issue's query (Hobbits sorted by name) with a
random `limit` of 1-60 at a random offset of 0-900, so almost every URL is new. Also loaded the
same way: the character service straight (no gateway) and the peer. Every figure is a ratio to
the character service straight in the same round, so a machine that other work slows down
during the run shifts the rounds, not the ratios; and beside it the CPU time per request of
the processes that served it (the gateway's nginx workers and the service's granian workers,
from /proc), which depends far less on what else runs.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lotr_devstack import GatewayProcess, ServiceProcess

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, cpu_seconds, parse_wrk, start_stack, stop  # noqa: E402  bench/run.py, beside this script

# (the API's query, the peer's): Hobbits sorted by name, or quotes with their characters and
# movies embedded (pages of up to 60 KB, past nginx's default proxy buffers).
QUERIES = {
    "character": (
        "/v2/character?race=Hobbit&sort=name:asc&limit=%d&offset=%d",
        "/characters/?race=Hobbit&ordering=name&limit=%d&offset=%d",
    ),
    "expand": ("/v2/quote?expand=character,movie&limit=%d&offset=%d", "/expanded-quotes/?limit=%d&offset=%d"),
}
BUFFERS = "proxy_buffer_size 16k;\nproxy_buffers 16 16k;"
# Extra directives at http level in each variant gateway, beside what the template says.
VARIANTS = {
    "cache, stored from the 1st use": ("proxy_cache_min_uses 1;", "lotr_cache"),
    "cache, stored from the 2nd use": ("proxy_cache_min_uses 2;", "lotr_cache"),
    "cache, 2nd use, 16k buffers": (f"proxy_cache_min_uses 2;\n{BUFFERS}", "lotr_cache"),
    "cache off, 16k buffers": (BUFFERS, "off"),
}
# Character services beside the stack's (2 workers x 2 threads), on the same database.
SERVER_VARIANTS = {
    "service, 2 x 2, backpressure 2": (2, {"SERVER_BACKPRESSURE": "2"}),
    "service, 1 worker x 4 threads": (1, {"SERVER_THREADS": "4"}),
    "service, 1 x 4, backpressure 4": (1, {"SERVER_THREADS": "4", "SERVER_BACKPRESSURE": "4"}),
    "service, 2 workers x 4 threads": (2, {"SERVER_THREADS": "4"}),
    "service, 2 x 2, backpressure 8": (2, {"SERVER_BACKPRESSURE": "8"}),
}


class VariantGateway(GatewayProcess):
    def __init__(self, *args, extra: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra = extra

    def render(self):
        super().render()
        (self.prefix / "conf.d" / "zz-variant.conf").write_text(self.extra + "\n")
        return self


def load(url: str, template: str, *, seconds: int, connections: int) -> dict:
    env = {**os.environ, "MISS_PATH_TEMPLATE": template}
    script = str(REPO / "bench" / "miss_path.lua")
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", "-s", script, url]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout
    return parse_wrk(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--query", default="character", choices=list(QUERIES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--variants", default="gateway", choices=["gateway", "server"], help="the gateway's settings or the server's"
    )
    parser.add_argument("--workers", default=os.environ.get("SERVER_WORKERS", "2"))
    args = parser.parse_args()
    data_dir = Path(os.environ.get("LOTR_DATA_DIR") or REPO / "data" / "one-api")
    pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    tmp = Path(tempfile.mkdtemp(prefix="lotr-miss-"))
    tmp.chmod(0o755)
    stack = start_stack(args.database, tmp / args.database, args, data_dir, pg)
    try:
        upstreams = {name: f"127.0.0.1:{p.port}" for name, p in stack["processes"].items()}
        api, peer = QUERIES[args.query]
        processes = stack["processes"]
        character = processes["character"]
        straight = character if args.query == "character" else processes["movie"]
        served_by = [character.process.pid] + ([processes["movie"].process.pid] if args.query == "expand" else [])
        targets = {
            "service straight": (straight.url, api, served_by),
            "gateway, cache off": (
                stack["gateways"]["uncached"].url,
                api,
                [*served_by, stack["gateways"]["uncached"].process.pid],
            ),
            "plain DRF peer": (stack["peer"].url, peer, [stack["peer"].process.pid]),
        }
        for name, (extra, cache) in VARIANTS.items() if args.variants == "gateway" else ():
            prefix = tmp / f"variant-{len(stack['started'])}"
            prefix.mkdir()
            prefix.chmod(0o755)
            gateway = VariantGateway(
                prefix, upstreams, extra=extra, GATEWAY_CACHE=cache, GATEWAY_ACCESS_LOG="/dev/null"
            ).start()
            stack["started"].append(gateway)
            targets[name] = (gateway.url, api, [*served_by, gateway.process.pid])
        for name, (workers, env) in SERVER_VARIANTS.items() if args.variants == "server" else ():
            variant = ServiceProcess(character.service_dir, {**character.env, **env}, workers=workers).start()
            stack["started"].append(variant)
            targets[name] = (variant.url, api, [variant.process.pid])
        rounds: dict[str, list[dict]] = {name: [] for name in targets}
        for number in range(args.rounds):
            for name, (base, template, pids) in targets.items():
                began = sum(cpu_seconds(pid) for pid in pids)
                result = load(base, template, seconds=args.seconds, connections=args.connections)
                result["cpu_us"] = 1e6 * (sum(cpu_seconds(pid) for pid in pids) - began) / max(result["requests"], 1)
                rounds[name].append(result)
                print(
                    f"round {number + 1} {name:34} {result['rps']:8.0f} rps p99 {result['p99_ms']:7.2f} ms "
                    f"cpu {result['cpu_us']:6.0f} us/request",
                    flush=True,
                )
    finally:
        stop(stack)

    straight = rounds["service straight"]
    print(f"\n{args.query}, {args.database}, {args.rounds} rounds of {args.seconds} s, {args.connections} connections")
    print(
        "| target | req/s per round | share of the service straight, per round | p99 ms per round "
        "| CPU µs per request, per round | non-2xx |"
    )
    print("|---|---|---|---|---|---:|")
    for name, results in rounds.items():
        shares = [r["rps"] / s["rps"] for r, s in zip(results, straight, strict=True)]
        rates = ", ".join(str(round(r["rps"])) for r in results)
        p99 = ", ".join(str(r["p99_ms"]) for r in results)
        share_text = ", ".join(f"{v:.2f}" for v in shares)
        errors = sum(r["non_2xx"] for r in results)
        cpu = ", ".join(f"{r['cpu_us']:.0f}" for r in results)
        median = statistics.median(shares)
        print(f"| {name} | {rates} | {share_text} (median {median:.2f}) | {p99} | {cpu} | {errors} |")


if __name__ == "__main__":
    main()
