#!/usr/bin/env python3
"""The commune rules of xã NTM, nâng cao and kiểu mẫu in DuckDB: one SQL query over read_csv (every
column as text), one CASE expression per check, a GROUP BY per year.

A peer of bench/run.sh: the SQL is written from the rules ntm gives (bench/rules.py, which also holds
the verdict rules all peers follow and the comparison they share). Same usage as pandas_check.py:

    duckdb_check.py FILE [--rules rules.json] [--compare NTM.json] [--sql]   (--sql: print the query)
"""

import sys

import duckdb

import rules as R


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def literal(s):
    return "'" + s.replace("'", "''") + "'"


def words(ws):
    return "(" + ", ".join(literal(w) for w in ws) + ")"


def query(path, headers, rules):
    cols = R.columns(headers)
    eps = repr(rules["eps"])

    def text(col):
        h = cols.get(col)
        return f"lower(trim({ident(h)}))" if h is not None else "NULL::VARCHAR"

    def number(col):
        h = cols.get(col)
        return f"num({ident(h)})" if h is not None else "NULL::DOUBLE"

    def holds(v, op, t):
        return {">=": f"{v} >= {t} - {eps}", "<=": f"{v} <= {t} + {eps}", ">": f"{v} > {t} + {eps}",
                "<": f"{v} < {t} - {eps}"}.get(op, f"abs({v} - {t}) <= {eps}")

    def compare(v, op, t):
        return (f"CASE WHEN {v} IS NULL OR {t} IS NULL THEN {R.UNKNOWN} "
                f"WHEN {holds(v, op, t)} THEN {R.PASS} ELSE {R.FAIL} END")

    def check(c, optional):
        if "meets" in c:
            return ident(f"__final:{c['meets']}")
        if c["kind"] == "bool":
            t = text(c["column"])
            status = (f"CASE WHEN {t} IN {words(rules['yes'])} THEN {R.PASS} "
                      f"WHEN {t} IN {words(rules['no'])} THEN {R.FAIL} ELSE {R.UNKNOWN} END")
        else:
            v, th, op = number(c["column"]), c["threshold"], c["op"]
            if "fixed" in th:
                status = compare(v, op, repr(th["fixed"]))
            elif "by_year" in th:
                cases = " ".join(f"WHEN {int(y)} THEN {x!r}" for y, x in th["by_year"].items())
                status = compare(v, op, f"(CASE __year {cases} ELSE NULL END)")
            else:
                w = th["when"]
                chosen = " ".join(f"WHEN {holds(number(k['column']), k['op'], repr(k['value']))} "
                                  f"THEN {k['threshold']!r}" for k in w["cases"])
                chosen = f"(CASE {chosen} ELSE {w['otherwise']!r} END)"
                open_ = " OR ".join(f"{number(k['column'])} IS NULL" for k in w["cases"])
                every = [compare(v, op, repr(x)) for x in R.candidates(th)]
                undecided = (f"CASE WHEN least({', '.join(every)}) = {R.PASS} THEN {R.PASS} "
                             f"WHEN greatest({', '.join(every)}) = {R.FAIL} THEN {R.FAIL} "
                             f"ELSE {R.UNKNOWN} END")
                status = f"CASE WHEN {open_} THEN {undecided} ELSE {compare(v, op, chosen)} END"
        if optional:
            # KAD skips an «if any» indicator; elsewhere ntm refuses the row, so it never counts here.
            status = (f"CASE WHEN {text(c['column'])} IN {words(rules['not_applicable'])} "
                      f"THEN {R.PASS} ELSE {status} END")
        return status

    def least(xs):
        return xs[0] if len(xs) == 1 else f"least({', '.join(xs)})"

    ctes = [f"t0 AS (SELECT *, TRY_CAST(trim({ident(cols['nam'])}) AS INTEGER) AS __year "
            f"FROM read_csv({literal(path)}, delim = ';', header = true, all_varchar = true, "
            f"comment = '#'))"]
    for s in rules["sets"]:
        crits = []
        for c in s["criteria"]:
            inds = [least([check(ch, i["optional"]) for ch in i["checks"]]) for i in c["indicators"]]
            crits.append(f"{least(inds)} AS {ident('__c:' + s['id'] + ':' + c['number'])}")
        n = len(ctes)
        ctes.append(f"t{n} AS (SELECT *, {', '.join(crits)} FROM t{n - 1})")
        final = [ident(f"__c:{s['id']}:{c['number']}") for c in s["criteria"]]
        final += [ident(f"__final:{r}") for r in s["requires"]]
        ctes.append(f"t{n + 1} AS (SELECT *, {least(final)} AS {ident('__final:' + s['id'])} FROM t{n})")

    base = rules["sets"][0]
    crit_cols = [ident(f"__c:{base['id']}:{c['number']}") for c in base["criteria"]]
    met = " + ".join(f"({c} = {R.PASS})::INTEGER" for c in crit_cols)
    aggs = ["count(*) AS units"]
    for s in rules["sets"]:
        f = ident(f"__final:{s['id']}")
        for name, v in (("q", R.PASS), ("n", R.FAIL), ("u", R.UNKNOWN)):
            aggs.append(f"count(*) FILTER ({f} = {v}) AS {ident(s['id'] + ':' + name)}")
    for k, (lo, hi) in enumerate(R.group_bounds(rules)):
        aggs.append(f"count(*) FILTER (__met BETWEEN {lo} AND {hi}) AS g{k}")
    for c, col in zip(base["criteria"], crit_cols):
        aggs.append(f"count(*) FILTER ({col} = {R.PASS}) AS {ident('p:' + c['number'])}")
    n = len(ctes)
    ctes.append(f"t{n} AS (SELECT __year, {met} AS __met, * FROM t{n - 1})")
    return (f"WITH {', '.join(ctes)}\nSELECT __year, {', '.join(aggs)} FROM t{n} "
            f"GROUP BY __year ORDER BY __year")


def summarise(path, rules, show_sql=False):
    con = duckdb.connect()
    # 85,5 / 85.5 / 85,5 % → DOUBLE; anything else (empty, KAD) → NULL.
    con.execute("CREATE MACRO num(x) AS "
                "TRY_CAST(replace(trim(rtrim(trim(x), '%')), ',', '.') AS DOUBLE)")
    headers = [d[0] for d in con.execute(
        f"SELECT * FROM read_csv({literal(path)}, delim = ';', header = true, all_varchar = true, "
        f"comment = '#') LIMIT 0").description]
    sql = query(path, headers, rules)
    if show_sql:
        print(sql)
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    base = rules["sets"][0]
    bounds = R.group_bounds(rules)
    out = {}
    for values in cur.fetchall():
        row = dict(zip(names, values))
        out[int(row["__year"])] = {
            "units": row["units"],
            "levels": {s["id"]: [row[f"{s['id']}:q"], row[f"{s['id']}:n"], row[f"{s['id']}:u"]]
                       for s in rules["sets"]},
            "groups": [[lo, hi, row[f"g{k}"]] for k, (lo, hi) in enumerate(bounds)],
            "criteria_passed": {c["number"]: row[f"p:{c['number']}"] for c in base["criteria"]},
        }
    return out


if __name__ == "__main__":
    show = "--sql" in sys.argv
    if show:
        sys.argv.remove("--sql")
    sys.exit(R.main_for("duckdb", lambda p, r: summarise(p, r, show), __doc__))
