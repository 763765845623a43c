#!/usr/bin/env python3
"""The commune rules of Lạng Sơn 2021–2025 (xã NTM, then nâng cao and kiểu mẫu on top of it), written
the way an analyst would with pandas: one vectorised expression per indicator, thresholds typed in.

It is the comparison point of bench/run.sh, not a second implementation to maintain: the figures
below are copied from criteria/lang-son-2024/*.toml (as of the benchmark) and the script reads the
files that bench/examples' generator writes (`;`, decimal comma, Đạt/Không đạt, KAD, empty = missing).

    pandas_check.py FILE                      # per-year counts by level, as text
    pandas_check.py FILE --compare NTM.json   # and check them against `ntm check FILE --level all
                                              # --summary --format json` (exit 1 if they differ)

Verdicts follow ntm's rules: an empty cell is missing (never a fail); a criterion fails if one of its
indicators fails, else is unknown if one is missing; KAD skips an «if any» indicator; a level needs
the levels below it; 5b without 5n is decided when it meets both of its thresholds, or neither.
Comparisons allow 1e-9, as ntm does.
"""

import argparse
import json
import sys

import numpy as np
import pandas as pd

FAIL, UNKNOWN, PASS = 0, 1, 2
EPS = 1e-9
YES = {"đạt", "dat", "x", "có", "co", "1", "yes", "y", "true", "pass", "met"}
NO = {"không đạt", "khong dat", "chưa đạt", "chua dat", "không", "khong", "ko", "0", "no", "n",
      "false", "fail", "not met"}
NOT_APPLICABLE = {"kad", "-", "không áp dụng", "khong ap dung", "k.a.d", "n/a", "na", "not applicable"}

INCOME_XA = {2022: 36, 2023: 39, 2024: 42, 2025: 45}
INCOME_NC = {2022: 41, 2023: 45, 2024: 48, 2025: 52}

# (criterion, indicator, optional, [(column, op, threshold)]); op None = Đạt/Không đạt.
XA_NTM = [
    ("1", "1.1", False, [("1.1", None, None)]),
    ("1", "1.2", False, [("1.2", None, None)]),
    ("2", "2.1", False, [("2.1", ">=", 100)]),
    ("2", "2.2", False, [("2.2", ">=", 70)]),
    ("2", "2.3", False, [("2.3a", ">=", 100), ("2.3b", ">=", 50)]),
    ("2", "2.4", False, [("2.4", ">=", 60)]),
    ("3", "3.1", False, [("3.1", ">=", 80)]),
    ("3", "3.2", False, [("3.2a", None, None), ("3.2b", ">=", 50)]),
    ("4", "4.1", False, [("4.1", None, None)]),
    ("4", "4.2", False, [("4.2", ">=", 95)]),
    ("5", "5", False, [("5a", ">=", 100), ("5b", ">=", "schools")]),
    ("6", "6.1", False, [("6.1", None, None)]),
    ("6", "6.2", False, [("6.2", None, None)]),
    ("6", "6.3", False, [("6.3", ">=", 100)]),
    ("7", "7", False, [("7", None, None)]),
    ("8", "8.1", False, [("8.1", None, None)]),
    ("8", "8.2", False, [("8.2", None, None)]),
    ("8", "8.3", False, [("8.3", None, None)]),
    ("8", "8.4", False, [("8.4", None, None)]),
    ("9", "9.1", False, [("9.1", "<=", 0)]),
    ("9", "9.2", False, [("9.2", ">=", 75)]),
    ("10", "10", False, [("10", ">=", INCOME_XA)]),
    ("11", "11", False, [("11", "<=", 13)]),
    ("12", "12.1", False, [("12.1", ">=", 90)]),
    ("12", "12.2", False, [("12.2", ">=", 65)]),
    ("12", "12.3", False, [("12.3", ">=", 20)]),
    ("13", "13.1", False, [("13.1", None, None)]),
    ("13", "13.2", False, [("13.2", None, None)]),
    ("13", "13.3", False, [("13.3", None, None)]),
    ("13", "13.4", True, [("13.4", None, None)]),
    ("13", "13.5", False, [("13.5", None, None)]),
    ("14", "14.1", False, [("14.1a", None, None), ("14.1b", ">=", 98)]),
    ("14", "14.2", False, [("14.2", ">=", 85)]),
    ("15", "15.1", False, [("15.1", ">=", 95)]),
    ("15", "15.2", False, [("15.2", None, None)]),
    ("15", "15.3", False, [("15.3", "<=", 30)]),
    ("15", "15.4", False, [("15.4", ">=", 50)]),
    ("16", "16", False, [("16", ">=", 70)]),
    ("17", "17.1", False, [("17.1a", ">=", 95), ("17.1b", ">=", 35)]),
    ("17", "17.2", False, [("17.2", ">=", 100)]),
    ("17", "17.3", False, [("17.3", None, None)]),
    ("17", "17.4", False, [("17.4", ">=", 2)]),
    ("17", "17.5", False, [("17.5", None, None)]),
    ("17", "17.6", False, [("17.6", None, None)]),
    ("17", "17.7", False, [("17.7", ">=", 70)]),
    ("17", "17.8", False, [("17.8", ">=", 60)]),
    ("17", "17.9", False, [("17.9", ">=", 100)]),
    ("17", "17.10", False, [("17.10", ">=", 30)]),
    ("17", "17.11", False, [("17.11", ">=", 50)]),
    ("18", "18.1", False, [("18.1", None, None)]),
    ("18", "18.2", False, [("18.2", None, None)]),
    ("18", "18.3", False, [("18.3", None, None)]),
    ("18", "18.4", False, [("18.4", None, None)]),
    ("18", "18.5", False, [("18.5", None, None)]),
    ("18", "18.6", False, [("18.6", None, None)]),
    ("19", "19.1", False, [("19.1", None, None)]),
    ("19", "19.2", False, [("19.2", None, None)]),
]

NANG_CAO = [
    ("1", "1.1", False, [("nc1.1", None, None)]),
    ("1", "1.2", False, [("nc1.2", None, None)]),
    ("2", "2.1", False, [("nc2.1", ">=", 100)]),
    ("2", "2.2", False, [("nc2.2", ">=", 85)]),
    ("2", "2.3", False, [("nc2.3", ">=", 75)]),
    ("2", "2.4", False, [("nc2.4", ">=", 70)]),
    ("3", "3.1", False, [("nc3.1", ">=", 80)]),
    ("3", "3.2", False, [("nc3.2", ">=", 10)]),
    ("3", "3.3", False, [("nc3.3", ">=", 70)]),
    ("4", "4.1", False, [("nc4.1", None, None)]),
    ("5", "5", False, [("nc5", ">=", 50)]),
    ("6", "6", False, [("nc6", None, None)]),
    ("7", "7", False, [("nc7", None, None)]),
    ("8", "8.1", False, [("nc8.1", None, None)]),
    ("8", "8.2", False, [("nc8.2", None, None)]),
    ("9", "9", False, [("nc9", ">=", 80)]),
    ("10", "10", False, [("10", ">=", INCOME_NC)]),
    ("11", "11", False, [("11", "<=", 13)]),
    ("12", "12", False, [("12.2", ">=", 70)]),
    ("13", "13", False, [("nc13", None, None)]),
    ("14", "14", False, [("nc14", None, None)]),
    ("15", "15.1", False, [("15.1", ">=", 95)]),
    ("15", "15.2", False, [("15.3", "<=", 25)]),
    ("16", "16", False, [("16", ">=", 90)]),
    ("17", "17.1", False, [("17.1b", ">=", 50)]),
    ("17", "17.2", False, [("17.10", ">=", 50)]),
    ("18", "18", False, [("nc18", None, None)]),
    ("19", "19", False, [("nc19", None, None)]),
]

# Kiểu mẫu: KM.1 meets nâng cao; KM.2 income ≥ 1.10 × the nâng cao threshold of the year.
KIEU_MAU = [
    ("KM.2", "KM.2", False, [("10", ">=", {y: round(1.10 * v, 6) for y, v in INCOME_NC.items()})]),
    ("KM.3", "KM.3", False, [("km3", ">=", 1)]),
    ("KM.4", "KM.4", False, [("km4", ">=", 1)]),
]

GROUPS = [19, 15, 10, 5, 0]


def cells(df, col):
    """(text folded to lower case, not-applicable mask) of a column; a missing column is all empty."""
    if col not in df:
        empty = pd.Series("", index=df.index)
        return empty, empty.astype(bool)
    text = df[col].str.strip().str.lower()
    return text, text.isin(NOT_APPLICABLE)


def number(text):
    """85,5 / 85.5 / 85,5 % → float; anything else (empty, KAD) → NaN."""
    text = text.str.rstrip("%").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def compare(value, op, threshold):
    with np.errstate(invalid="ignore"):
        held = value >= threshold - EPS if op == ">=" else value <= threshold + EPS
    status = np.where(held, PASS, FAIL)
    return np.where(np.isnan(value) | np.isnan(threshold), UNKNOWN, status)


def check_status(df, years, column, op, threshold, optional):
    text, na = cells(df, column)
    if op is None:
        value = np.where(text.isin(YES), PASS, np.where(text.isin(NO), FAIL, UNKNOWN))
    else:
        if isinstance(threshold, dict):
            t = years.map(threshold).to_numpy(dtype=float)
        elif threshold == "schools":
            # 5b: 70 % where the commune has more than 3 schools (5n), 50 % otherwise. Without 5n the
            # verdict is still known when the value meets both thresholds, or neither.
            schools = number(cells(df, "5n")[0])
            v = number(text)
            known = compare(v, op, np.where(schools > 3 + EPS, 70.0, 50.0))
            both_pass = compare(v, op, np.full(len(df), 70.0)) == PASS
            both_fail = compare(v, op, np.full(len(df), 50.0)) == FAIL
            open_ = np.where(both_pass, PASS, np.where(both_fail, FAIL, UNKNOWN))
            value = np.where(np.isnan(schools), open_, known)
            return np.where(na.to_numpy(), PASS if optional else UNKNOWN, value)
        else:
            t = np.full(len(df), float(threshold))
        value = compare(number(text), op, t)
    # KAD skips an «if any» indicator; elsewhere ntm refuses the row, so it never counts here.
    return np.where(na.to_numpy(), PASS if optional else UNKNOWN, value)


def evaluate(df, years, rules, extra=None):
    """Criterion statuses (dict number → array) and the set's own status."""
    criteria = {}
    if extra:
        criteria.update(extra)
    for criterion, _code, optional, checks in rules:
        indicator = np.minimum.reduce(
            [check_status(df, years, col, op, t, optional) for col, op, t in checks]
        )
        prev = criteria.get(criterion)
        criteria[criterion] = indicator if prev is None else np.minimum(prev, indicator)
    status = np.minimum.reduce(list(criteria.values()))
    return criteria, status


def summarise(path):
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig",
                     comment="#")
    years = pd.to_numeric(df["nam"], errors="coerce").astype(int)
    xa_criteria, xa = evaluate(df, years, XA_NTM)
    nc_own = evaluate(df, years, NANG_CAO)[1]
    nc = np.minimum(nc_own, xa)
    km_own = evaluate(df, years, KIEU_MAU, extra={"KM.1": nc})[1]
    km = np.minimum(km_own, nc)
    met = sum((s == PASS).astype(int) for s in xa_criteria.values())
    frame = pd.DataFrame({"year": years, "xa-ntm": xa, "nang-cao": nc, "kieu-mau": km, "met": met})
    for number_, s in xa_criteria.items():
        frame["c" + number_] = s == PASS
    out = {}
    for year, g in frame.groupby("year"):
        levels = {}
        for level in ["xa-ntm", "nang-cao", "kieu-mau"]:
            counts = g[level].value_counts()
            levels[level] = [int(counts.get(PASS, 0)), int(counts.get(FAIL, 0)),
                             int(counts.get(UNKNOWN, 0))]
        bounds = [(lo, (GROUPS[i - 1] - 1) if i else lo) for i, lo in enumerate(GROUPS)]
        groups = [int(g["met"].between(lo, hi).sum()) for lo, hi in bounds]
        passed = {n: int(g["c" + n].sum()) for n in xa_criteria}
        out[int(year)] = {"units": len(g), "levels": levels, "groups": groups,
                          "criteria_passed": passed}
    return out


def from_ntm(path):
    """The same figures from ntm's --summary --format json: the whole-file summary of each year."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = {}
    for s in doc["summaries"]:
        if s.get("district") is not None or s.get("set") != "xa-ntm":
            continue
        levels = {lv["set"]: [lv["qualified"], lv["not_qualified"], lv["unknown"]]
                  for lv in s["levels"]}
        out[int(s["year"])] = {"units": s["units"], "levels": levels,
                               "groups": [gr["count"] for gr in s["groups"]],
                               "criteria_passed": {n: c for n, c in s["criteria_passed"]}}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--compare", metavar="NTM_JSON",
                    help="ntm's summary (--summary --format json) to check the counts against")
    args = ap.parse_args()
    ours = summarise(args.file)
    for year, s in sorted(ours.items()):
        lv = "  ".join(f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in s["levels"].items())
        print(f"{year}: {s['units']} communes; qualified/not/unknown: {lv}; groups {s['groups']}")
    if args.compare:
        theirs = from_ntm(args.compare)
        if theirs != ours:
            for year in sorted(set(ours) | set(theirs)):
                if ours.get(year) != theirs.get(year):
                    print(f"MISMATCH {year}:\n  pandas {ours.get(year)}\n  ntm    {theirs.get(year)}",
                          file=sys.stderr)
            return 1
        total = sum(s["units"] for s in ours.values())
        print(f"agree: pandas and ntm give the same counts for {total} communes "
              f"(levels, criteria passed, groups, per year)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
