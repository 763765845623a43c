#!/usr/bin/env python3
"""Turns the results that bench/run.sh leaves in a folder into Markdown tables: wall time, communes
per second and peak memory per command and file size; the ratios the targets are stated in (ntm /
raw-parse baseline, each peer / ntm, diff / summary) with each peer's agreement with ntm; the
fixed-size measures (the default table, .xlsx against CSV); and the issue's targets against what was
measured."""

import json
import pathlib
import sys

PEERS = ["pandas", "polars", "duckdb"]


def human(n):
    for unit in ["B", "KB", "MB", "GB"]:
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def mib(kb):
    return int(kb) / 1024


def read_mem(path):
    if not path.exists():
        return {}
    return {k: int(v) for k, v in (line.split() for line in path.read_text().splitlines() if line.strip())}


def read_time(path):
    return {r["command"]: r for r in json.loads(path.read_text())["results"]}


def times(a, b):
    return f"{a / b:.2f}×"


def main(folder):
    d = pathlib.Path(folder)
    print("```")
    print((d / "machine.txt").read_text().strip())
    print("```")
    print()
    sizes = sorted(int(p.stem.split("-")[1]) for p in d.glob("time-*.json"))
    print("| communes | CSV | command | wall, mean ± σ | min | communes/s (mean) | peak RSS |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    rows = []
    for n in sizes:
        results = read_time(d / f"time-{n}.json")
        mem = read_mem(d / f"mem-{n}.txt")
        csv = human(int((d / f"size-{n}.txt").read_text()))
        js = d / f"json-size-{n}.txt"
        for name, r in results.items():
            label = name + (f" ({human(int(js.read_text()))} out)" if name == "ntm-json" and js.exists() else "")
            label += " (2 files)" if name in ("ntm-diff", "ntm-diff-summary") else ""
            rss = f"{mib(mem[name]):.0f} MiB" if name in mem else "?"
            print(f"| {n:,} | {csv} | {label} | {r['mean']:.3f} ± {r['stddev'] or 0:.3f} s "
                  f"| {r['min']:.3f} s | {n / r['mean']:,.0f} | {rss} |")
        agree = {}
        for p in PEERS:
            f = d / f"agree-{n}-{p}.txt"
            if f.exists():
                agree[p] = f.read_text().strip()
        rows.append({"n": n, "t": results, "mem": mem, "agree": agree})

    print()
    print("Ratios of mean wall times in the same run (a peer's ratio is how many times as long it took "
          "as ntm-summary: above 1, ntm is faster).")
    print()
    print("| communes | ntm-summary / baseline | ntm-json / baseline | pandas / ntm | polars / ntm "
          "| duckdb / ntm | ntm-diff / ntm-summary | ntm-diff-summary / ntm-summary | peers and ntm |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        t = r["t"]

        def ratio(a, b):
            return times(t[a]["mean"], t[b]["mean"]) if a in t and b in t else "–"

        agreed = [p for p, a in r["agree"].items() if a.startswith("agree")]
        other = [f"{p}: {a}" for p, a in r["agree"].items() if not a.startswith("agree")]
        verdict = ", ".join(agreed) + (" agree" if agreed else "")
        verdict = "; ".join(([verdict] if agreed else []) + other) or "not checked"
        print(f"| {r['n']:,} | {ratio('ntm-summary', 'csv-baseline')} | {ratio('ntm-json', 'csv-baseline')} "
              f"| {ratio('pandas', 'ntm-summary')} | {ratio('polars', 'ntm-summary')} "
              f"| {ratio('duckdb', 'ntm-summary')} | {ratio('ntm-diff', 'ntm-summary')} "
              f"| {ratio('ntm-diff-summary', 'ntm-summary')} | {verdict} |")

    fixed = []
    tf = d / "fixed-table-time.json"
    if tf.exists():
        n = int((d / "fixed-table-rows.txt").read_text())
        fixed.append((f"{n:,} communes, CSV", read_time(tf), read_mem(d / "fixed-table-mem.txt"), n))
    xf = d / "fixed-xlsx-time.json"
    xlsx = None
    if xf.exists():
        n, csv_size, xlsx_size = map(int, (d / "fixed-xlsx-rows.txt").read_text().split())
        xlsx = (n, read_time(xf), read_mem(d / "fixed-xlsx-mem.txt"))
        fixed.append((f"{n:,} communes, CSV {human(csv_size)} / .xlsx {human(xlsx_size)}",
                      xlsx[1], xlsx[2], n))
    if fixed:
        print()
        print("| fixed size | command | wall, mean ± σ | min | peak RSS |")
        print("|---|---|---:|---:|---:|")
        for label, t, mem, n in fixed:
            for name, r in t.items():
                rss = f"{mib(mem[name]):.0f} MiB" if name in mem else "?"
                print(f"| {label} | {name} | {r['mean']:.3f} ± {r['stddev'] or 0:.3f} s | {r['min']:.3f} s | {rss} |")
        agree = d / "fixed-xlsx-agree.txt"
        if agree.exists():
            print()
            print(agree.read_text().strip())

    # The targets against what this run measured. A target that names a size is judged at
    # that size only; the peers' target names none and is judged at every size run.
    targets = []

    def verdict(ok, by=None):
        return "met" if ok else ("missed" + (f" by {by:.2f}×" if by else ""))

    by_n = {r["n"]: r for r in rows}
    for r in rows:
        t, n = r["t"], r["n"]
        for p in ("polars", "duckdb"):
            if p in t and "ntm-summary" in t:
                x = t[p]["mean"] / t["ntm-summary"]["mean"]
                measured = (f"{p} takes {x:.2f}× as long ({t[p]['mean']:.3f} s vs "
                            f"{t['ntm-summary']['mean']:.3f} s)")
                targets.append((f"check --summary ≥ 4× faster than {p}", f"{n:,}", measured,
                                verdict(x >= 4, 4 / x if x else None)))
    r = by_n.get(100000)
    diff_t = "diff of two 100k files ≤ 3× one check --summary"
    diff_m = "diff of two 100k files ≤ 300 MiB"
    if r and "ntm-diff" in r["t"] and "ntm-summary" in r["t"]:
        t = r["t"]
        x = t["ntm-diff"]["mean"] / t["ntm-summary"]["mean"]
        targets.append((diff_t, "100,000", f"{x:.2f}× ({t['ntm-diff']['mean']:.3f} s vs "
                        f"{t['ntm-summary']['mean']:.3f} s)", verdict(x <= 3, x / 3)))
    else:
        targets.append((diff_t, "–", "not measured at 100k in this run", "–"))
    if r and "ntm-diff" in r["mem"]:
        m = mib(r["mem"]["ntm-diff"])
        targets.append((diff_m, "100,000", f"{m:.0f} MiB", verdict(m <= 300, m / 300)))
    else:
        targets.append((diff_m, "–", "not measured at 100k in this run", "–"))
    table_t = "the default table at 200k ≤ 150 MiB"
    table_mem = None
    if tf.exists() and int((d / "fixed-table-rows.txt").read_text()) == 200000:
        table_mem = read_mem(d / "fixed-table-mem.txt").get("ntm-table")
    elif 200000 in by_n:
        table_mem = by_n[200000]["mem"].get("ntm-table")
    if table_mem is not None:
        m = mib(table_mem)
        targets.append((table_t, "200,000", f"{m:.0f} MiB", verdict(m <= 150, m / 150)))
    else:
        targets.append((table_t, "–", "not measured at 200k in this run", "–"))
    xlsx_t = "a 20k-row .xlsx ≤ 5× the same data as CSV"
    xlsx_m = "a 20k-row .xlsx ≤ 200 MiB"
    if xlsx and xlsx[0] == 20000 and "ntm-xlsx" in xlsx[1] and "ntm-csv" in xlsx[1]:
        n, t, mem = xlsx
        x = t["ntm-xlsx"]["mean"] / t["ntm-csv"]["mean"]
        targets.append((xlsx_t, "20,000", f"{x:.2f}× ({t['ntm-xlsx']['mean']:.3f} s vs "
                        f"{t['ntm-csv']['mean']:.3f} s)", verdict(x <= 5, x / 5)))
        if "ntm-xlsx" in mem:
            m = mib(mem["ntm-xlsx"])
            targets.append((xlsx_m, "20,000", f"{m:.0f} MiB", verdict(m <= 200, m / 200)))
    else:
        targets.append((xlsx_t, "–", "not measured at 20k in this run", "–"))
    if targets:
        print()
        print("| target | communes | measured | verdict |")
        print("|---|---:|---|---|")
        for target, n, measured, v in targets:
            print(f"| {target} | {n} | {measured} | {v} |")


if __name__ == "__main__":
    main(sys.argv[1])
