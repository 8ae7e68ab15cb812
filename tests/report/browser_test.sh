#!/usr/bin/env bash
# scsim report in a real browser (issue 14): the reports of sc04, two-dc-day, a compare of
# global-vs-local and a campaign (tests/sweep/campaign-small.yaml) are opened in headless
# Chromium. Each must draw every chart it lays out (the
# page sets data-charts-ready after Chart.js drew them, and data-charts-expected), at least a
# minimum number of them, raise no JavaScript error (the page records window.onerror in
# data-js-errors), and its screenshot must not be blank.
# Usage: browser_test.sh SCSIM SOURCE_DIR WORK_DIR. Exit 77 (skipped) if chromium is absent.
set -u
scsim="$1"; src="$2"; work="$3"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/deps.sh installs it)"
  exit 77
fi
rm -rf "$work"; mkdir -p "$work"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
chrome() { timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --no-first-run --user-data-dir="$work/profile" --virtual-time-budget=3000 "$@" 2>/dev/null; }

"$scsim" run "$src/scenarios/sc04-partition.yaml" --out "$work/sc04" --report --quiet || bad "sc04 run"
"$scsim" run "$src/scenarios/two-dc-day.yaml" --out "$work/day" --report --quiet || bad "two-dc-day run"
"$scsim" compare "$src/scenarios/global-vs-local.yaml" --replications 2 --until 02:00:00 \
  --out "$work/cmp" --report --quiet || bad "compare"
"$scsim" sweep "$src/tests/sweep/campaign-small.yaml" --jobs 2 --out "$work/camp" --report \
  --quiet || bad "sweep"
[ -s "$work/camp/report.html" ] || bad "sweep --report wrote no report.html"
"$scsim" report "$work/camp/campaign.sqlite" -o "$work/campaign.html" --quiet ||
  bad "campaign report"

# name, report, minimum charts
check() {
  local name="$1" html="$2" min="$3"
  [ -s "$html" ] || { bad "$name: $html not written"; return; }
  local size; size=$(stat -c %s "$html")
  [ "$size" -lt 2500000 ] || bad "$name: report is $size bytes (over ~2 MB)"
  grep -q 'https\?://cdn' "$html" && bad "$name: the page loads something from a CDN"
  local dom; dom=$(chrome --dump-dom "file://$html")
  local ready expected errors
  ready=$(grep -o 'data-charts-ready="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
  expected=$(grep -o 'data-charts-expected="[0-9]*"' <<<"$dom" | grep -o '[0-9]*')
  errors=$(grep -o 'data-js-errors="[^"]*"' <<<"$dom")
  [ -n "$ready" ] || { bad "$name: the page did not finish (no data-charts-ready)"; return; }
  [ "$ready" = "$expected" ] || bad "$name: $ready of $expected charts drawn"
  [ "$ready" -ge "$min" ] || bad "$name: $ready charts drawn, expected at least $min"
  [ -z "$errors" ] || bad "$name: JavaScript error: $errors"
  grep -q 'class="none">[^<]*not recorded' <<<"$dom" && [ "$name" != sc04 ] && bad "$name: a section says not recorded"
  chrome --window-size=1280,2400 --screenshot="$work/$name.png" "file://$html" >/dev/null
  [ -s "$work/$name.png" ] || { bad "$name: no screenshot"; return; }
  # A blank page compresses to a few KB; charts and tables give far more.
  local png; png=$(stat -c %s "$work/$name.png")
  [ "$png" -gt 40000 ] || bad "$name: screenshot looks blank ($png bytes)"
  echo "$name: $ready/$expected charts, report $size bytes, screenshot $png bytes"
}
check sc04 "$work/sc04/report.html" 8
check two-dc-day "$work/day/report.html" 13
check compare "$work/cmp/report.html" 6
# 2 varied knobs x 4 KPIs x (modes, paired difference)
check campaign "$work/campaign.html" 16
grep -q 'campaignReport' "$work/campaign.html" && chrome --dump-dom "file://$work/campaign.html" |
  grep -q '<title>scsim campaign report' || bad "campaign: not a campaign page"
[ "$fail" -eq 0 ] && echo "browser test passed"
exit "$fail"
