#!/usr/bin/env bash
# Benchmarks, side by side in one run on the same synthetic commune files (examples/gen_communes.rs):
#   ntm-summary   ntm check FILE --level all --summary          (the batch summary only)
#   ntm-json      ntm check FILE --level all --format json > F  (every commune, to a file)
#   ntm-table     ntm check FILE                                (the default table, to /dev/null)
#   ntm-diff      ntm diff OLD NEW                              (two files of N communes, one year each)
#   ntm-diff-summary  ntm diff OLD NEW --summary                (the same comparison, its counts only)
#   csv-baseline  bench/baseline: the csv crate reading FILE and touching every field (the floor)
#   pandas        bench/pandas_check.py FILE   \
#   polars        bench/polars_check.py FILE    } the same verdicts, rules from ntm (bench/rules.py)
#   duckdb        bench/duckdb_check.py FILE   /
# Wall time (hyperfine), communes per second, peak memory (/usr/bin/time -v) and the ratios, as
# Markdown tables (bench/report.py); and a check that each peer agrees with ntm on the counts
# (levels, criteria passed, groups, per year). Then, at the sizes the targets name: the default table
# at BENCH_TABLE_ROWS communes, and reading BENCH_XLSX_ROWS communes from .xlsx against the same data
# as CSV (examples/csv_to_xlsx.rs), checking that both give the same summary.
#
# Usage: bench/run.sh [ROWS...]          (default: 1000 10000 100000 1000000)
# Needs: hyperfine and /usr/bin/time (Debian: apt-get install hyperfine time), python3 with venv and
#        pip (Debian: apt-get install python3-venv), the Rust toolchain. The Python peers are installed
#        from PyPI at the versions in bench/requirements.txt into a venv the script makes
#        (BENCH_VENV, default target/bench-venv; reused while bench/requirements.txt is unchanged).
# Environment: BENCH_RUNS (runs per command; default 10 up to 10k rows, 3 up to 100k, 2 above),
#        BENCH_JSON_MAX (largest file timed with --format json, default 100000: the JSON is ~15 KB
#        per commune), BENCH_PEERS_MAX (largest file timed with polars and DuckDB, default 1000000),
#        BENCH_PANDAS_MAX (with pandas, default BENCH_PEERS_MAX), BENCH_TABLE_MAX (largest file timed
#        with the default table, default 1000000), BENCH_DIFF_MAX (largest N for ntm diff, default
#        100000: diff keeps a few hundred bytes per commune, about 200 MB at 100k, but its table is
#        ~7 KB per commune of these files, 730 MB at 100k, written to /dev/null),
#        BENCH_TABLE_ROWS (default 200000) and BENCH_XLSX_ROWS (default 20000): the fixed-size
#        measures (0 skips one), BENCH_OUT (a folder to keep the results in; default a temporary one,
#        removed).
# Exit: 0 when every peer agreed with ntm, 1 when one did not (the report is printed first), 69 when
#        a tool is missing or the venv cannot be made.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then rows=("$@"); else rows=(1000 10000 100000 1000000); fi
json_max=${BENCH_JSON_MAX:-100000}
peers_max=${BENCH_PEERS_MAX:-1000000}
pandas_max=${BENCH_PANDAS_MAX:-$peers_max}
table_max=${BENCH_TABLE_MAX:-1000000}
diff_max=${BENCH_DIFF_MAX:-100000}
table_rows=${BENCH_TABLE_ROWS:-200000}
xlsx_rows=${BENCH_XLSX_ROWS:-20000}
venv=${BENCH_VENV:-target/bench-venv}

missing=()
command -v hyperfine > /dev/null || missing+=("hyperfine (apt-get install hyperfine)")
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (apt-get install time)")
if ! command -v python3 > /dev/null; then
  missing+=("python3")
elif [ ! -x "$venv/bin/python" ] && ! python3 -c 'import venv, ensurepip' 2> /dev/null; then
  missing+=("python3's venv and ensurepip (apt-get install python3-venv)")
fi
if [ ${#missing[@]} -gt 0 ]; then
  printf 'bench/run.sh: missing: %s\n' "${missing[@]}" >&2
  exit 69
fi

# The Python peers: a venv of its own, pinned versions, remade when bench/requirements.txt changes.
stamp="$venv/requirements.txt"
if ! cmp -s bench/requirements.txt "$stamp" 2> /dev/null; then
  echo "bench/run.sh: installing the Python peers into $venv (bench/requirements.txt)" >&2
  rm -rf "$venv"
  if ! python3 -m venv "$venv" \
    || ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r bench/requirements.txt; then
    rm -rf "$venv"
    echo "bench/run.sh: could not make the venv $venv or install bench/requirements.txt from PyPI" >&2
    exit 69
  fi
  cp bench/requirements.txt "$stamp"
fi
py=$venv/bin/python

cargo build --release --quiet --bin ntm --example gen_communes --example csv_to_xlsx
cargo build --release --quiet --manifest-path bench/baseline/Cargo.toml --target-dir target/bench-baseline
ntm=./target/release/ntm
gen=./target/release/examples/gen_communes
baseline=./target/bench-baseline/release/csv-baseline

# The summary path: --summary where the binary has it, else the CSV report thrown away.
if "$ntm" check --help | grep -q -- --summary; then
  summary="--summary"
else
  summary="--format csv"
  echo "note: this ntm has no --summary: the summary path is timed as --format csv > /dev/null" >&2
fi

if [ -n "${BENCH_OUT:-}" ]; then
  out=$BENCH_OUT
  mkdir -p "$out"
else
  out=$(mktemp -d)
fi
data=$(mktemp -d)
trap 'rm -rf "$data"; [ -n "${BENCH_OUT:-}" ] || rm -rf "$out"' EXIT

# The rules the peers compute, as this ntm states them.
"$py" bench/rules.py --ntm "$ntm" > "$data/rules.json"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  if git rev-parse -q HEAD > /dev/null 2>&1; then
    commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml criteria examples bench || echo ' (with uncommitted changes in src/, criteria/, examples/, bench/ or Cargo.toml)')"
  else
    commit="? (not a git checkout)"
  fi
  echo "ntm: $commit, summary path: check --level all $summary"
  echo "tools: $(rustc --version | cut -d' ' -f1-2), $(hyperfine --version)"
  echo "peers: $("$py" -c 'import platform, pandas, numpy, polars, duckdb; print("python", platform.python_version(), "pandas", pandas.__version__, "numpy", numpy.__version__, "polars", polars.__version__, "duckdb", duckdb.__version__)')"
} | tee "$out/machine.txt"

disagree=0
# Peak memory of one run of a command (its output thrown away) → "NAME KB" in FILE.
peak() { # NAME COMMAND FILE
  /usr/bin/time -v -o "$data/time.txt" sh -c "$2 > /dev/null" 2> /dev/null || true
  echo "$1 $(awk -F': ' '/Maximum resident set size/ {print $2}' "$data/time.txt")" >> "$3"
}
# ntm's summary as JSON, for the agreement checks; exit codes above 2 mean ntm refused the file.
ntm_summary() { # FILE JSON
  local code=0
  "$ntm" check "$1" --level all --summary --format json > "$2" 2> "$data/stderr.txt" || code=$?
  if [ "$code" -gt 2 ]; then
    echo "ntm check exited $code on $1 (a generated file must be read whole):" >&2
    head -n 5 "$data/stderr.txt" >&2
    exit 1
  fi
}

for n in "${rows[@]}"; do
  file="$data/communes-$n.csv"
  "$gen" "$n" > "$file"
  runs=${BENCH_RUNS:-$([ "$n" -le 10000 ] && echo 10 || ([ "$n" -le 100000 ] && echo 3 || echo 2))}
  names=(ntm-summary csv-baseline)
  cmds=("$ntm check $file --level all $summary" "$baseline $file")
  if [ "$n" -le "$json_max" ]; then
    names+=(ntm-json)
    cmds+=("$ntm check $file --level all --format json > $data/out.json")
  fi
  if [ "$n" -le "$table_max" ]; then
    names+=(ntm-table)
    cmds+=("$ntm check $file")
  fi
  if [ "$n" -le "$diff_max" ]; then
    # Two years of the same communes, every value drawn again: nearly every commune changes, the
    # heaviest report diff makes.
    "$gen" "$n" --year 2023 > "$data/old-$n.csv"
    "$gen" "$n" --year 2024 --seed 2 > "$data/new-$n.csv"
    names+=(ntm-diff)
    cmds+=("$ntm diff $data/old-$n.csv $data/new-$n.csv")
    if "$ntm" diff --help | grep -q -- --summary; then
      names+=(ntm-diff-summary)
      cmds+=("$ntm diff $data/old-$n.csv $data/new-$n.csv --summary")
    fi
  fi
  peers=()
  [ "$n" -le "$pandas_max" ] && peers+=(pandas)
  [ "$n" -le "$peers_max" ] && peers+=(polars duckdb)
  for p in "${peers[@]}"; do
    names+=("$p")
    cmds+=("$py bench/${p}_check.py $file --rules $data/rules.json")
  done

  echo "== $n communes ($(du -h "$file" | cut -f1) CSV), $runs runs each"
  # hyperfine -i below ignores every exit code: the baseline must read the file cleanly first, and
  # ntm must read it whole (exit 0, 1 or 2).
  "$baseline" "$file"
  ntm_summary "$file" "$data/summary.json"
  # Exit codes 1 and 2 are expected (some communes do not qualify or miss data): -i.
  args=()
  for i in "${!names[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
  hyperfine -i --warmup 1 --runs "$runs" --export-json "$out/time-$n.json" "${args[@]}"

  if [ -f "$data/out.json" ]; then stat -c %s "$data/out.json" > "$out/json-size-$n.txt"; fi
  # Peak memory, one run each; the peers' run also checks their counts against ntm's.
  for i in "${!names[@]}"; do
    case " ${peers[*]} " in
      *" ${names[$i]} "*)
        code=0
        /usr/bin/time -v -o "$data/time.txt" sh -c "${cmds[$i]} --compare $data/summary.json" \
          > "$data/peer.txt" 2> "$data/peer-err.txt" || code=$?
        echo "${names[$i]} $(awk -F': ' '/Maximum resident set size/ {print $2}' "$data/time.txt")" >> "$out/mem-$n.txt"
        if [ "$code" -ne 0 ]; then
          disagree=1
          cat "$data/peer-err.txt" >&2
        fi
        tail -n 1 "$data/peer.txt" | tee "$out/agree-$n-${names[$i]}.txt"
        ;;
      *) peak "${names[$i]}" "${cmds[$i]}" "$out/mem-$n.txt" ;;
    esac
  done
  stat -c %s "$file" > "$out/size-$n.txt"
  rm -f "$data/out.json" "$file" "$data/old-$n.csv" "$data/new-$n.csv"
done

# The default table at the size its target names.
if [ "$table_rows" -gt 0 ]; then
  file="$data/table-$table_rows.csv"
  "$gen" "$table_rows" > "$file"
  echo "== the default table at $table_rows communes"
  hyperfine -i --warmup 1 --runs "${BENCH_RUNS:-3}" --export-json "$out/fixed-table-time.json" \
    --command-name ntm-summary "$ntm check $file --level all $summary" \
    --command-name ntm-table "$ntm check $file"
  peak ntm-summary "$ntm check $file --level all $summary" "$out/fixed-table-mem.txt"
  peak ntm-table "$ntm check $file" "$out/fixed-table-mem.txt"
  echo "$table_rows" > "$out/fixed-table-rows.txt"
  rm -f "$file"
fi

# The same communes from .xlsx and from CSV: time, memory, and the same summary from both.
if [ "$xlsx_rows" -gt 0 ]; then
  csv="$data/xlsx-$xlsx_rows.csv"
  xlsx="$data/xlsx-$xlsx_rows.xlsx"
  "$gen" "$xlsx_rows" > "$csv"
  ./target/release/examples/csv_to_xlsx "$csv" "$xlsx"
  echo "== $xlsx_rows communes from .xlsx ($(du -h "$xlsx" | cut -f1)) and from CSV ($(du -h "$csv" | cut -f1))"
  hyperfine -i --warmup 1 --runs "${BENCH_RUNS:-5}" --export-json "$out/fixed-xlsx-time.json" \
    --command-name ntm-csv "$ntm check $csv --level all $summary" \
    --command-name ntm-xlsx "$ntm check $xlsx --level all $summary"
  peak ntm-csv "$ntm check $csv --level all $summary" "$out/fixed-xlsx-mem.txt"
  peak ntm-xlsx "$ntm check $xlsx --level all $summary" "$out/fixed-xlsx-mem.txt"
  echo "$xlsx_rows $(stat -c %s "$csv") $(stat -c %s "$xlsx")" > "$out/fixed-xlsx-rows.txt"
  ntm_summary "$csv" "$data/csv.json"
  ntm_summary "$xlsx" "$data/xlsx.json"
  if ! "$py" -c 'import sys; sys.path.insert(0, "bench"); import rules
a, b = rules.from_ntm(sys.argv[1]), rules.from_ntm(sys.argv[2])
n = sum(s["units"] for s in a[0].values())
print(f"agree: ntm gives the same summary for {n} communes from .xlsx and from CSV" if a == b and not a[1]
      else "DISAGREE: ntm summaries differ between .xlsx and CSV")
sys.exit(a != b or a[1] > 0)' "$data/csv.json" "$data/xlsx.json" | tee "$out/fixed-xlsx-agree.txt"; then
    disagree=1
  fi
  rm -f "$csv" "$xlsx"
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
python3 bench/report.py "$out" | tee "$out/report.md"
if [ "$disagree" -ne 0 ]; then
  echo "bench/run.sh: a peer disagreed with ntm (above)" >&2
  exit 1
fi
