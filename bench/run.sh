#!/usr/bin/env bash
# Benchmarks, side by side in one run on the same synthetic commune files (examples/gen_communes.rs):
#   ntm-summary   ntm check FILE --level all --summary          (the batch summary only)
#   ntm-json      ntm check FILE --level all --format json > F  (every commune, to a file)
#   csv-baseline  bench/baseline: the csv crate reading FILE and touching every field (the floor)
#   pandas        bench/pandas_check.py FILE: the same rules as an analyst writes them in pandas
# Wall time (hyperfine), communes per second, peak memory (/usr/bin/time -v) and the ratios
# ntm/baseline and pandas/ntm, as a Markdown table (bench/report.py); and a check that pandas and ntm
# agree on the counts (levels, criteria passed, groups, per year).
#
# Usage: bench/run.sh [ROWS...]          (default: 1000 10000 100000 1000000)
# Needs: hyperfine and /usr/bin/time (Debian: apt-get install hyperfine time), python3 with pandas
#        (pip install pandas), the Rust toolchain.
# Environment: BENCH_RUNS (runs per command; default 10 up to 10k rows, 3 up to 100k, 2 above),
#        BENCH_JSON_MAX (largest file timed with --format json, default 100000: the JSON is ~15 KB
#        per commune), BENCH_PANDAS_MAX (largest file timed with pandas, default 1000000),
#        BENCH_OUT (a folder to keep the results in; default a temporary one, removed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then rows=("$@"); else rows=(1000 10000 100000 1000000); fi
json_max=${BENCH_JSON_MAX:-100000}
pandas_max=${BENCH_PANDAS_MAX:-1000000}

missing=()
command -v hyperfine > /dev/null || missing+=("hyperfine (apt-get install hyperfine)")
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (apt-get install time)")
python3 -c 'import pandas' 2> /dev/null || missing+=("pandas (pip install pandas)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'bench/run.sh: missing: %s\n' "${missing[@]}" >&2
  exit 69
fi

cargo build --release --quiet --bin ntm --example gen_communes
cargo build --release --quiet --manifest-path bench/baseline/Cargo.toml --target-dir target/bench-baseline
ntm=./target/release/ntm
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

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  if git rev-parse -q HEAD > /dev/null 2>&1; then
    commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml || echo ' (with uncommitted changes in src/ or Cargo.toml)')"
  else
    commit="? (not a git checkout)"
  fi
  echo "ntm: $commit, summary path: check --level all $summary"
  echo "tools: $(rustc --version | cut -d' ' -f1-2), $(hyperfine --version), python $(python3 -c 'import platform, pandas, numpy; print(platform.python_version(), "pandas", pandas.__version__, "numpy", numpy.__version__)')"
} | tee "$out/machine.txt"

for n in "${rows[@]}"; do
  file="$data/communes-$n.csv"
  ./target/release/examples/gen_communes "$n" > "$file"
  runs=${BENCH_RUNS:-$([ "$n" -le 10000 ] && echo 10 || ([ "$n" -le 100000 ] && echo 3 || echo 2))}
  names=(ntm-summary csv-baseline)
  cmds=("$ntm check $file --level all $summary" "$baseline $file")
  if [ "$n" -le "$json_max" ]; then
    names+=(ntm-json)
    cmds+=("$ntm check $file --level all --format json > $data/out.json")
  fi
  if [ "$n" -le "$pandas_max" ]; then
    names+=(pandas)
    cmds+=("python3 bench/pandas_check.py $file")
  fi

  echo "== $n communes ($(du -h "$file" | cut -f1) CSV), $runs runs each"
  # hyperfine -i below ignores every exit code: the baseline must read the file cleanly first.
  "$baseline" "$file"
  # Exit codes 1 and 2 are expected (some communes do not qualify or miss data): -i.
  args=()
  for i in "${!names[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
  hyperfine -i --warmup 1 --runs "$runs" --export-json "$out/time-$n.json" "${args[@]}"

  if [ -f "$data/out.json" ]; then stat -c %s "$data/out.json" > "$out/json-size-$n.txt"; fi
  # Peak memory, one run each.
  for i in "${!names[@]}"; do
    /usr/bin/time -v -o "$data/time.txt" sh -c "${cmds[$i]} > /dev/null" 2> /dev/null || true
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$data/time.txt")
    echo "${names[$i]} $kb" >> "$out/mem-$n.txt"
  done
  stat -c %s "$file" > "$out/size-$n.txt"
  rm -f "$data/out.json"

  # Same verdicts: pandas's counts against ntm's summary.
  if [ "$summary" = "--summary" ] && [ "$n" -le "$pandas_max" ]; then
    code=0
    "$ntm" check "$file" --level all --summary --format json > "$data/summary.json" 2> /dev/null || code=$?
    if [ "$code" -gt 2 ]; then
      echo "ntm check exited $code on the generated file" | tee "$out/agree-$n.txt" >&2
      exit 1
    fi
    python3 bench/pandas_check.py "$file" --compare "$data/summary.json" | tail -n 1 | tee "$out/agree-$n.txt"
  fi
  rm -f "$file"
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
python3 bench/report.py "$out" | tee "$out/report.md"
