#!/usr/bin/env python3
"""The commune rules of xã NTM, nâng cao and kiểu mẫu in pandas, the way an analyst writes them: the
file read as text, one vectorised numpy expression per check.

It is a peer of bench/run.sh, not a second implementation to maintain: the rules come from ntm
(bench/rules.py, which also holds the verdict rules all peers follow and the comparison they share).
The files are those of examples/gen_communes.rs (`;`, decimal comma, `%` signs, Đạt/Không đạt, KAD,
empty = missing).

    pandas_check.py FILE [--rules rules.json]                       # per-year counts by level
    pandas_check.py FILE [--rules rules.json] --compare NTM.json    # and check them against `ntm check
                                                                    # FILE --level all --summary
                                                                    # --format json` (exit 1 if not)
"""

import sys

import numpy as np
import pandas as pd

import rules as R


def summarise(path, rules):
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig",
                     comment="#")
    cols = R.columns(df.columns)
    n = len(df)
    eps = rules["eps"]
    text_cache, num_cache = {}, {}

    def text(col):
        """The column folded to lower case; a missing column is all empty."""
        if col not in text_cache:
            h = cols.get(col)
            text_cache[col] = (df[h].str.strip().str.lower() if h is not None
                               else pd.Series("", index=df.index))
        return text_cache[col]

    def number(col):
        """85,5 / 85.5 / 85,5 % → float; anything else (empty, KAD) → NaN."""
        if col not in num_cache:
            t = text(col).str.rstrip("%").str.strip().str.replace(",", ".", regex=False)
            num_cache[col] = pd.to_numeric(t, errors="coerce").to_numpy(dtype=float)
        return num_cache[col]

    years = pd.to_numeric(df[cols["nam"]], errors="coerce").astype(int)

    def holds(value, op, threshold):
        with np.errstate(invalid="ignore"):
            if op == ">=":
                return value >= threshold - eps
            if op == "<=":
                return value <= threshold + eps
            if op == ">":
                return value > threshold + eps
            if op == "<":
                return value < threshold - eps
            return np.abs(value - threshold) <= eps

    def compare(value, op, threshold):
        status = np.where(holds(value, op, threshold), R.PASS, R.FAIL)
        return np.where(np.isnan(value) | np.isnan(threshold), R.UNKNOWN, status)

    final = {}

    def check(c, optional):
        if "meets" in c:
            return final[c["meets"]]
        t = text(c["column"])
        if c["kind"] == "bool":
            status = np.where(t.isin(rules["yes"]), R.PASS,
                              np.where(t.isin(rules["no"]), R.FAIL, R.UNKNOWN))
        else:
            v, th, op = number(c["column"]), c["threshold"], c["op"]
            if "fixed" in th:
                status = compare(v, op, np.full(n, th["fixed"]))
            elif "by_year" in th:
                by_year = {int(y): x for y, x in th["by_year"].items()}
                status = compare(v, op, years.map(by_year).to_numpy(dtype=float))
            else:
                w = th["when"]
                chosen = np.full(n, w["otherwise"])
                open_ = np.zeros(n, dtype=bool)
                for case in reversed(w["cases"]):
                    cond = number(case["column"])
                    open_ |= np.isnan(cond)
                    chosen = np.where(holds(cond, case["op"], case["value"]), case["threshold"], chosen)
                known = compare(v, op, chosen)
                every = [compare(v, op, np.full(n, x)) for x in R.candidates(th)]
                all_pass = np.logical_and.reduce([s == R.PASS for s in every])
                all_fail = np.logical_and.reduce([s == R.FAIL for s in every])
                undecided = np.where(all_pass, R.PASS, np.where(all_fail, R.FAIL, R.UNKNOWN))
                status = np.where(open_, undecided, known)
        if optional:
            # KAD skips an «if any» indicator; elsewhere ntm refuses the row, so it never counts here.
            status = np.where(t.isin(rules["not_applicable"]).to_numpy(), R.PASS, status)
        return status

    criteria_of = {}
    for s in rules["sets"]:
        crits = {}
        for c in s["criteria"]:
            inds = [np.minimum.reduce([check(ch, i["optional"]) for ch in i["checks"]])
                    for i in c["indicators"]]
            crits[c["number"]] = np.minimum.reduce(inds)
        status = np.minimum.reduce(list(crits.values()))
        for req in s["requires"]:
            status = np.minimum(status, final[req])
        final[s["id"]] = status
        criteria_of[s["id"]] = crits

    base = rules["sets"][0]["id"]
    frame = pd.DataFrame({"year": years})
    for sid, status in final.items():
        frame[sid] = status
    frame["met"] = sum((s == R.PASS).astype(int) for s in criteria_of[base].values())
    for num, s in criteria_of[base].items():
        frame["c" + num] = s == R.PASS
    bounds = R.group_bounds(rules)
    out = {}
    for year, g in frame.groupby("year"):
        levels = {}
        for sid in final:
            counts = g[sid].value_counts()
            levels[sid] = [int(counts.get(R.PASS, 0)), int(counts.get(R.FAIL, 0)),
                           int(counts.get(R.UNKNOWN, 0))]
        out[int(year)] = {
            "units": len(g),
            "levels": levels,
            "groups": [[lo, hi, int(g["met"].between(lo, hi).sum())] for lo, hi in bounds],
            "criteria_passed": {num: int(g["c" + num].sum()) for num in criteria_of[base]},
        }
    return out


if __name__ == "__main__":
    sys.exit(R.main_for("pandas", summarise, __doc__))
