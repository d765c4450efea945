"""What the cross-service route costs: a character's quotes (the character service checks the
character, the movie service answers) against quote pages the movie service answers alone.

    LOTR_DATA_DIR=... .venv/bin/python bench/cross_service.py [--rounds 4] [--seconds 5] [--database sqlite]

Starts what `make bench` starts on one database (bench/run.py's start_stack) and loads, in turn,
round after round (wrk, 2 threads, 32 connections; the order shifted by one each round):

- through the gateway without cache: `make bench`'s two scenarios, the cross-service route
  (`/v2/character/{Gandalf}/quote?limit=20`) and the quote page it is compared with
  (`/v2/quote?limit=50&page=7`), and the same twenty quotes asked of the movie service alone
  (`/v2/quote?character={Gandalf}&limit=20`);
- straight, no gateway: the cross-service route from the character service, and its movie
  service part on its own (`/internal/characters/{Gandalf}/quotes?limit=20`, what the character
  service asks for).

Beside each rate, the CPU time per request, from /proc, of the processes that served it: the
character service's workers, the movie service's, the gateway's nginx workers, the PostgreSQL
backends of the two services' databases (bench/floor.py's BackendCpu; on SQLite the database's
work is the workers' own). Rates move with whatever else runs on the machine; the ratios of
the same round, and CPU per request, much less.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from floor import Rounds  # noqa: E402  bench/floor.py, beside this script
from run import GANDALF, stop, wrk  # noqa: E402

CROSS = "character quotes (2 services), gateway"
PAGE = "quote page, gateway"
# (name, where: "gateway" or a service's own port, path)
TARGETS = [
    (CROSS, "gateway", f"/v2/character/{GANDALF}/quote?limit=20"),
    (PAGE, "gateway", "/v2/quote?limit=50&page=7"),
    ("the same 20 quotes from the movie service alone, gateway", "gateway", f"/v2/quote?character={GANDALF}&limit=20"),
    ("character quotes, character service straight", "character", f"/v2/character/{GANDALF}/quote?limit=20"),
    ("its movie service part, straight", "movie", f"/internal/characters/{GANDALF}/quotes?limit=20"),
]
PARTS = ("character", "movie", "gateway", "database")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    rounds_of = Rounds(parser, "cross")
    stack = rounds_of.start_stack()
    try:
        processes = stack["processes"]
        gateway = stack["gateways"]["uncached"]
        bases = {"gateway": gateway.url, "character": processes["character"].url, "movie": processes["movie"].url}
        servers = {
            "character": processes["character"].process.pid,
            "movie": processes["movie"].process.pid,
            "gateway": gateway.process.pid,
        }
        databases = rounds_of.backend_databases([processes["character"], processes["movie"]])
        for _, where, path in TARGETS:
            wrk(f"{bases[where]}{path}", seconds=1, connections=8, threads=1)  # warm up
        rounds: dict[str, list[dict]] = {name: [] for name, _, _ in TARGETS}
        for number in range(rounds_of.args.rounds):
            shift = number % len(TARGETS)
            for name, where, path in TARGETS[shift:] + TARGETS[:shift]:
                result = rounds_of.measure(f"{bases[where]}{path}", servers, databases)
                rounds[name].append(result)
                print(
                    f"round {number + 1} {name:58} {result['rps']:7.0f} rps  p99 {result['p99_ms']:7.2f} ms  "
                    f"cpu {sum(result['cpu_us'].values()):6.0f} us/request  non-2xx {result['non_2xx']}",
                    flush=True,
                )
    finally:
        stop(stack)
    print(report(rounds, rounds_of.args))


def report(rounds: dict[str, list[dict]], args) -> str:
    page = rounds[PAGE]
    lines = [
        f"{args.rounds} rounds of {args.seconds} s, wrk 2 threads / {args.connections} connections, "
        f"{args.workers} granian workers per service, {args.database}",
        "",
        "| target | req/s per round | share of the quote page's rate, per round | p99 ms (median) "
        "| CPU µs per request: character + movie + gateway + PostgreSQL = total (medians) "
        "| share of the quote page by CPU (median) | non-2xx |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for name, results in rounds.items():
        rates = [r["rps"] for r in results]
        shares = [r["rps"] / p["rps"] for r, p in zip(results, page, strict=True)]
        parts = {part: statistics.median(r["cpu_us"][part] for r in results) for part in PARTS}
        by_cpu = statistics.median(
            sum(p["cpu_us"].values()) / sum(r["cpu_us"].values()) for r, p in zip(results, page, strict=True)
        )
        lines.append(
            f"| {name} | {', '.join(f'{v:.0f}' for v in rates)} "
            f"| {', '.join(f'{v:.2f}' for v in shares)} (median {statistics.median(shares):.2f}) "
            f"| {statistics.median(r['p99_ms'] for r in results):.1f} "
            f"| {' + '.join(f'{parts[p]:.0f}' for p in PARTS)} = {sum(parts.values()):.0f} "
            f"| {by_cpu:.2f} | {sum(r['non_2xx'] + r['socket_errors'] for r in results)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
