"""Draw bench/results/latest.png from latest.json: throughput as a share of the static
baseline (and, for the uncached scenarios, as a multiple of the plain DRF peer), and
p50/p90/p99 latency, per scenario, database and mode."""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    report = json.loads((RESULTS / "latest.json").read_text())
    rows = report["scenarios"]
    labels = [f"{r['scenario']}\n({r.get('database', '')} {r['mode']}, c{r.get('connections', '')})" for r in rows]
    colours = {"cached": "#4c72b0", "uncached": "#dd8452", "peer": "#8c8c8c", "direct": "#55a868"}
    y = range(len(rows))
    fig, (rate, latency) = plt.subplots(1, 2, figsize=(16, 0.4 * len(rows) + 2), sharey=True)
    rate.barh(
        y,
        [100 * r["ratio_to_static"] for r in rows],
        color=[colours.get(r["mode"], "#dd8452") for r in rows],
    )
    for i, r in enumerate(rows):
        peer = f", {r['ratio_to_peer']:.1f}x the peer" if r.get("ratio_to_peer") else ""
        rate.text(100 * r["ratio_to_static"] + 0.5, i, f"{r['rps']:.0f} req/s{peer}", va="center", fontsize=8)
    rate.set_yticks(list(y), labels, fontsize=8)
    rate.invert_yaxis()
    rate.set_xlabel(f"% of the static baseline ({report['static_baseline']['rps']:.0f} req/s)")
    rate.set_xscale("log")
    rate.set_title("Throughput (log scale); blue cached, orange uncached, green direct, grey the DRF peer", fontsize=9)
    for key, marker in (("p50_ms", "o"), ("p90_ms", "s"), ("p99_ms", "^")):
        latency.plot([r[key] for r in rows], list(y), marker, label=key.split("_")[0])
    latency.set_xscale("log")
    latency.set_xlabel("latency, ms (log scale)")
    latency.set_title("Latency")
    latency.legend()
    load = report["load"]
    fig.suptitle(
        f"{report['machine']['cores']} cores, wrk {load['threads']} threads / {load['connections']} connections, "
        f"{load['seconds']} s per scenario"
    )
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(RESULTS / "latest.png", dpi=110)
    print(f"wrote {RESULTS / 'latest.png'}")


if __name__ == "__main__":
    main()
