#!/usr/bin/env python3
"""The rules the benchmark's peers (pandas, polars, DuckDB) compute, taken from ntm itself, and the one
comparison they are all held to.

    rules.py [--ntm BIN] > rules.json     # the commune rules, for the peers' --rules

The thresholds come from `ntm criteria show SET --format json` for xa-ntm, nang-cao and kieu-mau (the
bundled criteria, every dated value): nothing is typed in here but what that output does not carry,
the progress groups, read from the same set's TOML file. Each check is reduced to one of

    {"column": C, "kind": "bool"}                                   Đạt / Không đạt
    {"meets": SET, "kind": "bool"}                                  another level's verdict (KM.1)
    {"column": C, "kind": "pct"|"num", "op": OP, "threshold": T}    T one of
        {"fixed": 100}
        {"by_year": {"2022": 36, ...}}                              (threshold_from: × factor here)
        {"when": {"cases": [{"column": "5n", "op": ">", "value": 3, "threshold": 70}], "otherwise": 50}}

Verdicts follow ntm's rules, the same in every peer: an empty cell is missing (never a fail); a
criterion fails if one of its indicators fails, else is unknown if one is missing; KAD skips an «if
any» (optional) indicator; a level needs the levels it requires; a threshold that depends on a missing
value («when») is decided when the value meets all of its possible thresholds, or none. Comparisons
allow 1e-9, as ntm does. Statuses are FAIL 0 < UNKNOWN 1 < PASS 2, so «the worst of» is min.

The comparison (`compare`) checks a peer's per-year counts against `ntm check FILE --level all
--summary --format json`: communes, qualified / not / unknown at each level, communes passing each xã
NTM criterion, progress groups (with their bounds).
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tomllib

FAIL, UNKNOWN, PASS = 0, 1, 2
EPS = 1e-9
SETS = ("xa-ntm", "nang-cao", "kieu-mau")
ROOT = pathlib.Path(__file__).resolve().parent.parent

# Cell words as ntm reads them (src/input/cell.rs), folded to lower case, with and without diacritics
# (ntm folds diacritics away; the peers compare lower-case text).
YES = ["đạt", "dat", "x", "có", "co", "1", "yes", "y", "true", "pass", "met"]
NO = ["không đạt", "khong dat", "chưa đạt", "chua dat", "không", "khong", "ko", "0", "no", "n",
      "false", "fail", "not met"]
NOT_APPLICABLE = ["kad", "-", "không áp dụng", "khong ap dung", "k.a.d", "n/a", "na",
                  "not applicable"]
OPS = (">=", "<=", ">", "<", "=")


def column_id(header):
    """A header's column id as ntm takes it: its first word, without trailing punctuation, lower-case
    (`2.2 Đường thôn` → `2.2`)."""
    words = header.lstrip("\ufeff").split()
    return words[0].rstrip(".:-)").lower() if words else ""


def columns(headers):
    """Column id → the file's header for it (the first header with that id)."""
    out = {}
    for h in headers:
        out.setdefault(column_id(h), h)
    return out


def _ntm_json(ntm, *args):
    done = subprocess.run([ntm, *args], capture_output=True, check=True)
    return json.loads(done.stdout)


def _threshold(rule, by_id):
    if "fixed" in rule:
        return {"fixed": float(rule["fixed"])}
    if "by_year" in rule:
        return {"by_year": {str(y): float(v) for y, v in rule["by_year"]}}
    if "when" in rule:
        cases = [{"column": c["column"], "op": c["op"], "value": float(c["value"]),
                  "threshold": float(c["threshold"])} for c in rule["when"]["cases"]]
        otherwise = _threshold(rule["when"]["otherwise"], by_id)
        if "fixed" not in otherwise or any(c["op"] not in OPS for c in cases):
            raise SystemExit(f"rules.py: a «when» threshold this script does not handle: {rule}")
        return {"when": {"cases": cases, "otherwise": otherwise["fixed"]}}
    if "from" in rule:
        ref = rule["from"]
        base = _threshold(by_id[(ref["set"], ref["indicator"])], by_id)
        f = float(ref["factor"])
        if "fixed" in base:
            return {"fixed": base["fixed"] * f}
        if "by_year" in base:
            return {"by_year": {y: v * f for y, v in base["by_year"].items()}}
    raise SystemExit(f"rules.py: a threshold this script does not handle: {rule}")


def load(ntm):
    """The commune sets as ntm states them, reduced to what the peers compute."""
    docs = [_ntm_json(ntm, "criteria", "show", s, "--format", "json") for s in SETS]
    # Indicator thresholds by (set, code), for threshold_from.
    by_id = {}
    for d in docs:
        for c in d["criteria"]:
            for i in c["indicators"]:
                for ch in i["checks"]:
                    if ch["threshold_rule"] is not None and not ch["context"]:
                        by_id.setdefault((d["id"], i["code"]), ch["threshold_rule"])
    sets = []
    for d in docs:
        criteria = []
        for c in d["criteria"]:
            indicators = []
            for i in c["indicators"]:
                checks = []
                for ch in i["checks"]:
                    if ch["context"]:
                        continue  # read and shown, never judged (5n); a «when» reads it directly
                    inp = ch["input"]
                    if "meets" in inp:
                        checks.append({"meets": inp["meets"], "kind": "bool"})
                    elif "column" not in inp:
                        raise SystemExit(f"rules.py: an input this script does not handle: {inp}")
                    elif ch["kind"] == "bool":
                        checks.append({"column": inp["column"], "kind": "bool"})
                    else:
                        if ch["op"] not in OPS:
                            raise SystemExit(f"rules.py: an operator this script does not handle: {ch['op']}")
                        checks.append({"column": inp["column"], "kind": ch["kind"], "op": ch["op"],
                                       "threshold": _threshold(ch["threshold_rule"], by_id)})
                indicators.append({"code": i["code"], "optional": i["optional"], "checks": checks})
            criteria.append({"number": c["number"], "indicators": indicators})
        toml = ROOT / "criteria" / d["version"] / f"{d['id']}.toml"
        groups = None
        if d.get("origin") == "bundled" and toml.exists():
            groups = tomllib.loads(toml.read_text(encoding="utf-8"))["set"].get("progress_groups")
        sets.append({"id": d["id"], "requires": d["requires"], "criteria": criteria,
                     "groups": groups})
    if not sets[0]["groups"]:
        raise SystemExit(f"rules.py: no progress_groups for {sets[0]['id']}")
    return {"version": docs[0]["version"], "sets": sets, "yes": YES, "no": NO,
            "not_applicable": NOT_APPLICABLE, "eps": EPS}


def group_bounds(rules):
    """[(from, to)] of the progress groups: `[19, 15, 10, 5, 0]` → (19, 19), (15, 18), … (0, 4)."""
    base = rules["sets"][0]
    lows = base["groups"]
    return [(lo, (lows[i - 1] - 1) if i else len(base["criteria"])) for i, lo in enumerate(lows)]


def candidates(threshold):
    """Every threshold a «when» rule can give."""
    w = threshold["when"]
    return [c["threshold"] for c in w["cases"]] + [w["otherwise"]]


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
                               "groups": [[gr["from"], gr["to"], gr["count"]] for gr in s["groups"]],
                               "criteria_passed": {n: c for n, c in s["criteria_passed"]}}
    return out, len(doc.get("unscored", []))


def report(engine, ours, compare_with=None):
    """Prints the counts; with compare_with (ntm's summary JSON), checks them: 0 if they agree."""
    for year, s in sorted(ours.items()):
        lv = "  ".join(f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in s["levels"].items())
        print(f"{year}: {s['units']} communes; qualified/not/unknown: {lv}; "
              f"groups {[g[2] for g in s['groups']]}")
    if not compare_with:
        return 0
    theirs, unscored = from_ntm(compare_with)
    if theirs != ours or unscored:
        if unscored:
            print(f"MISMATCH: ntm left {unscored} rows unscored (refused values): the peers score every row",
                  file=sys.stderr)
        for year in sorted(set(ours) | set(theirs)):
            if ours.get(year) != theirs.get(year):
                print(f"MISMATCH {year}:\n  {engine} {ours.get(year)}\n  ntm {theirs.get(year)}",
                      file=sys.stderr)
        print(f"DISAGREE: {engine} and ntm give different counts")
        return 1
    total = sum(s["units"] for s in ours.values())
    print(f"agree: {engine} and ntm give the same counts for {total} communes "
          f"(levels, criteria passed, groups, per year)")
    return 0


def main_for(engine, summarise, doc):
    """The command line every peer shares: FILE [--rules R] [--ntm BIN] [--compare NTM_JSON]."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--rules", help="the rules from bench/rules.py (default: ask --ntm now)")
    ap.add_argument("--ntm", default=str(ROOT / "target" / "release" / "ntm"),
                    help="the ntm binary to read the rules from when --rules is not given")
    ap.add_argument("--compare", metavar="NTM_JSON",
                    help="ntm's summary (check --level all --summary --format json) to check the counts against")
    args = ap.parse_args()
    if args.rules:
        with open(args.rules, encoding="utf-8") as f:
            rules = json.load(f)
    else:
        rules = load(args.ntm)
    return report(engine, summarise(args.file, rules), args.compare)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ntm", default=str(ROOT / "target" / "release" / "ntm"))
    args = ap.parse_args()
    json.dump(load(args.ntm), sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
