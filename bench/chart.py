#!/usr/bin/python3
"""Draws chart.png beside a results.json of bench/run.sh: requests per second at saturation (the median
round as the bar, every round as a dot) and p99 latency at the fixed rate, for each system.

    /usr/bin/python3 bench/chart.py bench/results.json      # writes bench/chart.png

Needs matplotlib (Debian's python3-matplotlib, installed for /usr/bin/python3)."""
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)
import matplotlib.ticker  # noqa: E402

SYSTEMS = (("mesh", "our gateway", "#1f77b4"), ("nest", "NestJS", "#d62728"), ("baseline", "bare baseline", "#7f7f7f"))


def label_bars(axis, bars, values, digits):
    for bar, value in zip(bars, values):
        text = "–" if value is None else f"{value:,.{digits}f}"
        axis.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height() if value else 0),
                      xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=10, fontweight="bold",
                      bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}, zorder=4)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: chart.py RESULTS_JSON (writes chart.png beside it)")
    source = Path(sys.argv[1])
    results = json.loads(source.read_text())
    systems = results["systems"]
    names = [label for _, label, _ in SYSTEMS]
    colours = [colour for _, _, colour in SYSTEMS]
    rps = [systems[key]["saturation"]["requests_per_second_median"] for key, _, _ in SYSTEMS]
    rounds = [[r["requests_per_second"] for r in systems[key]["saturation"]["rounds"]] for key, _, _ in SYSTEMS]
    p99 = [systems[key]["fixed_rate"]["p99_ms"] for key, _, _ in SYSTEMS]
    rate = systems["mesh"]["fixed_rate"]["rate_per_second"]

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5.2))
    bars = left.bar(names, rps, color=colours, width=0.6)
    label_bars(left, bars, rps, 0)
    for x, values in enumerate(rounds):
        if len(values) > 1:
            left.scatter([x] * len(values), values, color="black", s=14, zorder=3,
                         label="one round" if x == 0 else None)
    if any(len(values) > 1 for values in rounds):
        left.legend(loc="upper left", fontsize=9)
    left.set_title("Throughput at saturation (higher is better)")
    left.set_ylabel("requests per second (median of rounds)")
    left.margins(y=0.12)

    bars = right.bar(names, [v or 0 for v in p99], color=colours, width=0.6)
    label_bars(right, bars, p99, 1)
    right.set_title(f"p99 latency at a fixed {rate:,} req/s (lower is better)")
    right.set_ylabel("p99 latency (ms)")
    right.margins(y=0.12)

    left.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    for axis in (left, right):
        axis.grid(axis="y", alpha=0.3)
        axis.set_axisbelow(True)
        axis.spines[["top", "right"]].set_visible(False)
    machine = results["machine"]
    smoke = " — smoke run: seconds-long, says nothing about speed" if results.get("smoke") else ""
    figure.suptitle(f"GET /fetchLatestNews, one run on one machine ({machine['cpus']} CPUs, load average "
                    f"{machine['load_average_start'].split()[0]} at the start){smoke}", fontsize=11)
    figure.text(0.5, 0.01, f"wrk {results['settings']['wrk']}; {results['settings']['fixed_rate']}; "
                f"{results['settings']['jvm'].split(' for ')[0]} per JVM", ha="center", fontsize=8, color="#555555")
    figure.tight_layout(rect=(0, 0.04, 1, 0.95))
    out = source.with_name("chart.png")
    figure.savefig(out, dpi=110)
    print(f"chart: wrote {out}")


if __name__ == "__main__":
    main()
