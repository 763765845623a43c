#!/usr/bin/env python3
"""Turns the results that bench/run.sh leaves in a folder into Markdown tables: wall time,
communes per second and peak memory per command and file size, then the ratios the targets are
stated in (ntm / raw-parse baseline, pandas / ntm)."""

import json
import pathlib
import sys


def human(n):
    for unit in ["B", "KB", "MB", "GB"]:
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def main(folder):
    d = pathlib.Path(folder)
    print("```")
    print((d / "machine.txt").read_text().strip())
    print("```")
    print()
    sizes = sorted(int(p.stem.split("-")[1]) for p in d.glob("time-*.json"))
    print("| communes | CSV | command | wall, mean ± σ | min | communes/s (mean) | peak RSS |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    ratios = []
    for n in sizes:
        results = {r["command"]: r for r in json.loads((d / f"time-{n}.json").read_text())["results"]}
        mem = dict(line.split() for line in (d / f"mem-{n}.txt").read_text().splitlines())
        csv = human(int((d / f"size-{n}.txt").read_text()))
        js = d / f"json-size-{n}.txt"
        for name, r in results.items():
            label = name + (f" ({human(int(js.read_text()))} out)" if name == "ntm-json" and js.exists() else "")
            rss = f"{int(mem[name]) / 1024:.0f} MiB" if name in mem else "?"
            print(f"| {n:,} | {csv} | {label} | {r['mean']:.3f} ± {r['stddev'] or 0:.3f} s "
                  f"| {r['min']:.3f} s | {n / r['mean']:,.0f} | {rss} |")
        base = results.get("csv-baseline")
        summ = results.get("ntm-summary")
        row = {"n": n}
        if base and summ:
            row["summary/baseline"] = summ["mean"] / base["mean"]
        if base and "ntm-json" in results:
            row["json/baseline"] = results["ntm-json"]["mean"] / base["mean"]
        if summ and "pandas" in results:
            row["pandas/summary"] = results["pandas"]["mean"] / summ["mean"]
        agree = d / f"agree-{n}.txt"
        row["agree"] = agree.read_text().strip() if agree.exists() else "not checked"
        ratios.append(row)
    print()
    print("| communes | ntm-summary / baseline | ntm-json / baseline | pandas / ntm-summary | pandas and ntm |")
    print("|---:|---:|---:|---:|---|")
    for r in ratios:
        f = lambda k: f"{r[k]:.2f}×" if k in r else "–"
        agree = "agree" if r["agree"].startswith("agree") else r["agree"]
        print(f"| {r['n']:,} | {f('summary/baseline')} | {f('json/baseline')} | {f('pandas/summary')} | {agree} |")


if __name__ == "__main__":
    main(sys.argv[1])
