#!/usr/bin/env bash
# Benchmark: communes per second for `ntm check --level all --format json` on synthetic files.
# Usage: bench/run.sh [ROWS...]   (default 100000). Needs only the Rust toolchain and coreutils.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then rows=("$@"); else rows=(100000); fi
cargo build --release --quiet --bin ntm --example gen_communes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
for n in "${rows[@]}"; do
  data="$work/communes-$n.csv"
  ./target/release/examples/gen_communes "$n" > "$data"
  best=""
  for _ in 1 2 3; do
    start=$(date +%s%N)
    # Exit 1 or 2 is expected: some synthetic communes do not qualify or miss data.
    ./target/release/ntm check "$data" --level all --format json > "$work/out.json" 2>/dev/null || [ $? -le 2 ]
    t=$(( $(date +%s%N) - start ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  awk -v n="$n" -v ns="$best" -v csv="$(du -h "$data" | cut -f1)" -v out="$(du -h "$work/out.json" | cut -f1)" \
    'BEGIN { printf "%8d communes (%s CSV -> %s JSON): best of 3 %.2f s, %.0f communes/s\n", n, csv, out, ns / 1e9, n / (ns / 1e9) }'
done
