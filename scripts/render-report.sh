#!/usr/bin/env bash
# Render the HTML report, print it to PDF in headless Chromium as a browser would, and cut the PDF
# into PNG pages for a person to look at.
#
#   scripts/render-report.sh                         # samples/communes.csv --year 2024
#   scripts/render-report.sh samples/communes.csv --lang en
#   OUT=/tmp/preview scripts/render-report.sh ...    # where the files go (default target/report-preview)
#
# Needs Debian's chromium and poppler-utils (apt-get install chromium poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-target/report-preview}"
if [ $# -eq 0 ]; then
  set -- samples/communes.csv --year 2024
fi
for tool in chromium pdfinfo pdftoppm; do
  if ! command -v "$tool" >/dev/null; then
    echo "render-report: $tool not found: apt-get install chromium poppler-utils" >&2
    exit 1
  fi
done

cargo build --release --quiet
mkdir -p "$out"
rm -rf "$out"/page-*.png "$out/report.pdf" "$out/chromium-profile"
html="$out/report.html"
# Exit 1 or 2 only say that some communes do not qualify (or lack data): the report is complete.
rc=0
./target/release/ntm check "$@" --format html -o "$html" --force || rc=$?
if [ "$rc" -gt 2 ]; then
  echo "render-report: ntm check failed (exit $rc)" >&2
  exit "$rc"
fi

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$out/chromium-profile" --no-pdf-header-footer \
  --print-to-pdf="$out/report.pdf" "file://$(realpath "$html")" 2>/dev/null
rm -rf "$out/chromium-profile"

pages=$(pdfinfo "$out/report.pdf" | awk '/^Pages:/ {print $2}')
communes=$(grep -o '<section class="commune">' "$html" | wc -l)
echo "$html"
echo "$out/report.pdf: $pages pages (1 summary + $communes communes expected)"
pdftoppm -png -r 80 "$out/report.pdf" "$out/page"
ls "$out"/page-*.png
