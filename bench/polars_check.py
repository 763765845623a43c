#!/usr/bin/env python3
"""The commune rules of xã NTM, nâng cao and kiểu mẫu in polars: one lazy query (scan_csv, every
column as text, one expression per check, a group-by per year), run by the streaming engine.

A peer of bench/run.sh: the rules come from ntm (bench/rules.py, which also holds the verdict rules
all peers follow and the comparison they share). Same usage as pandas_check.py:

    polars_check.py FILE [--rules rules.json] [--compare NTM.json]
"""

import sys

import polars as pl

import rules as R


def summarise(path, rules):
    # Every column as text: `85,5`, `85,5%`, `Đạt` and `KAD` share columns. Empty cells are null.
    lf = pl.scan_csv(path, separator=";", infer_schema=False, comment_prefix="#")
    cols = R.columns(lf.collect_schema().names())
    eps = rules["eps"]
    year = pl.col(cols["nam"]).str.strip_chars().cast(pl.Int32, strict=False)

    def text(col):
        h = cols.get(col)
        return pl.col(h).str.strip_chars().str.to_lowercase() if h is not None else pl.lit(None, pl.String)

    def number(col):
        """85,5 / 85.5 / 85,5 % → Float64; anything else (empty, KAD) → null."""
        h = cols.get(col)
        if h is None:
            return pl.lit(None, pl.Float64)
        t = pl.col(h).str.strip_chars().str.strip_chars_end("%").str.strip_chars()
        return t.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)

    def holds(v, op, t):
        if op == ">=":
            return v >= t - eps
        if op == "<=":
            return v <= t + eps
        if op == ">":
            return v > t + eps
        if op == "<":
            return v < t - eps
        return (v - t).abs() <= eps

    def compare(v, op, t):
        # null (missing value or threshold) → unknown
        return (pl.when(v.is_null() | t.is_null()).then(pl.lit(R.UNKNOWN, pl.Int8))
                .when(holds(v, op, t)).then(pl.lit(R.PASS, pl.Int8))
                .otherwise(pl.lit(R.FAIL, pl.Int8)))

    def by_year(table):
        expr = pl.lit(None, pl.Float64)
        for y, x in table.items():
            expr = pl.when(pl.col("__year") == int(y)).then(pl.lit(x, pl.Float64)).otherwise(expr)
        return expr

    def check(c, optional):
        if "meets" in c:
            return pl.col(f"__final:{c['meets']}")
        if c["kind"] == "bool":
            t = text(c["column"])
            status = (pl.when(t.is_in(rules["yes"])).then(pl.lit(R.PASS, pl.Int8))
                      .when(t.is_in(rules["no"])).then(pl.lit(R.FAIL, pl.Int8))
                      .otherwise(pl.lit(R.UNKNOWN, pl.Int8)))
        else:
            v, th, op = number(c["column"]), c["threshold"], c["op"]
            if "fixed" in th:
                status = compare(v, op, pl.lit(th["fixed"], pl.Float64))
            elif "by_year" in th:
                status = compare(v, op, by_year(th["by_year"]))
            else:
                w = th["when"]
                chosen = pl.lit(w["otherwise"], pl.Float64)
                open_ = pl.lit(False)
                for case in reversed(w["cases"]):
                    cond = number(case["column"])
                    open_ = open_ | cond.is_null()
                    chosen = pl.when(holds(cond, case["op"], case["value"])).then(
                        pl.lit(case["threshold"], pl.Float64)).otherwise(chosen)
                every = [compare(v, op, pl.lit(x, pl.Float64)) for x in R.candidates(th)]
                undecided = (pl.when(pl.all_horizontal([s == R.PASS for s in every])).then(pl.lit(R.PASS, pl.Int8))
                             .when(pl.all_horizontal([s == R.FAIL for s in every])).then(pl.lit(R.FAIL, pl.Int8))
                             .otherwise(pl.lit(R.UNKNOWN, pl.Int8)))
                status = pl.when(open_).then(undecided).otherwise(compare(v, op, chosen))
        if optional:
            # KAD skips an «if any» indicator; elsewhere ntm refuses the row, so it never counts here.
            status = (pl.when(text(c["column"]).is_in(rules["not_applicable"]))
                      .then(pl.lit(R.PASS, pl.Int8)).otherwise(status))
        return status

    lf = lf.with_columns(year.alias("__year"))
    base = rules["sets"][0]
    for s in rules["sets"]:
        crits = []
        for c in s["criteria"]:
            inds = [pl.min_horizontal([check(ch, i["optional"]) for ch in i["checks"]])
                    for i in c["indicators"]]
            crits.append(pl.min_horizontal(inds).alias(f"__c:{s['id']}:{c['number']}"))
        lf = lf.with_columns(crits)
        final = [pl.col(f"__c:{s['id']}:{c['number']}") for c in s["criteria"]]
        final += [pl.col(f"__final:{r}") for r in s["requires"]]
        lf = lf.with_columns(pl.min_horizontal(final).alias(f"__final:{s['id']}"))

    crit_cols = [f"__c:{base['id']}:{c['number']}" for c in base["criteria"]]
    met = pl.sum_horizontal([(pl.col(c) == R.PASS).cast(pl.Int32) for c in crit_cols])
    bounds = R.group_bounds(rules)
    aggs = [pl.len().alias("units")]
    for s in rules["sets"]:
        f = pl.col(f"__final:{s['id']}")
        for name, v in (("q", R.PASS), ("n", R.FAIL), ("u", R.UNKNOWN)):
            aggs.append((f == v).sum().alias(f"{s['id']}:{name}"))
    for k, (lo, hi) in enumerate(bounds):
        aggs.append(pl.col("__met").is_between(lo, hi).sum().alias(f"g{k}"))
    for c in base["criteria"]:
        aggs.append((pl.col(f"__c:{base['id']}:{c['number']}") == R.PASS).sum().alias(f"p:{c['number']}"))
    table = (lf.with_columns(met.alias("__met")).group_by("__year").agg(aggs)
             .collect(engine="streaming"))

    out = {}
    for row in table.iter_rows(named=True):
        out[int(row["__year"])] = {
            "units": row["units"],
            "levels": {s["id"]: [row[f"{s['id']}:q"], row[f"{s['id']}:n"], row[f"{s['id']}:u"]]
                       for s in rules["sets"]},
            "groups": [[lo, hi, row[f"g{k}"]] for k, (lo, hi) in enumerate(bounds)],
            "criteria_passed": {c["number"]: row[f"p:{c['number']}"] for c in base["criteria"]},
        }
    return out


if __name__ == "__main__":
    sys.exit(R.main_for("polars", summarise, __doc__))
