#!/usr/bin/env bash
# Headless GUI checks (run by ctest under xvfb-run). Usage:
#   headless_test.sh MODE SCSIM_VIZ PNG_PROBE SCSIM SOURCE_DIR WORK_DIR
# MODE: pixels     sc04: the N1-N2 link midpoint is "declared lost" red inside the declared
#                  partition (150 s) and "up" green before the cut (50 s)
#       blank      the screenshot of two-dc-day at 12:05 is not blank (scsim-viz exits 3 if so)
#       calls      two-dc-day at 12:10 (inside its partition): the calls panel has routing
#                  decisions, the KPI bins have calls and a period other than connected exists
#       roundtrip  --actions file -> saved YAML -> `scsim run`: same fingerprint, same CSV bytes
#       bench      --bench-frames on two-dc-day x50 (20 000 DNs) prints a frame time
#       sequence   --sequence-svg of two-dc-day around the 12:00 WAN cut: arrows, lost messages
#                  ending in a cross (R28) and an ADDP declaration mark
set -euo pipefail
mode=$1 viz=$2 probe=$3 scsim=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
sc04="$src/scenarios/sc04-partition.yaml"
# Colours of viz/palette.hpp link_color().
declared_lost="213 94 0"
up="0 158 115"

link_check() {  # time expected_state expected_rgb
  local t=$1 state=$2 rgb=$3 out line x y
  out=$("$viz" "$sc04" --at "$t" --screenshot "$work/sc04-$t.png" --print-links)
  echo "$out"
  line=$(echo "$out" | grep '^link N1 N2 ')
  [ -n "$line" ] || { echo "FAIL: no N1-N2 link printed"; exit 1; }
  read -r _ _ _ _ x y _ got _ <<<"$line"
  [ "$got" = "$state" ] || { echo "FAIL: N1-N2 at $t s is $got, want $state"; exit 1; }
  # shellcheck disable=SC2086
  "$probe" "$work/sc04-$t.png" "$x" "$y" $rgb || { echo "FAIL: pixel at the N1-N2 midpoint"; exit 1; }
}

case "$mode" in
  pixels)
    link_check 150 declared_lost "$declared_lost"
    link_check 50 up "$up"
    ;;
  blank)
    "$viz" "$src/scenarios/two-dc-day.yaml" --at 12:05:00 --screenshot "$work/day.png" --size 1280x800
    [ -s "$work/day.png" ] || { echo "FAIL: no PNG"; exit 1; }
    ;;
  calls)
    day="$src/scenarios/two-dc-day.yaml"
    out=$("$viz" "$day" --at 12:10:00 --tab calls --tab next --screenshot "$work/calls.png")
    echo "$out"
    line=$(echo "$out" | grep '^calls: ')
    decisions=$(echo "$line" | sed -n 's/^calls: \([0-9]*\) decisions collected (\([0-9]*\) kept).*/\1/p')
    kept=$(echo "$line" | sed -n 's/.* decisions collected (\([0-9]*\) kept).*/\1/p')
    bins=$(echo "$line" | sed -n 's/.* \([0-9]*\) KPI bins with calls.*/\1/p')
    spans=$(echo "$line" | sed -n 's/.* \([0-9]*\) period span(s)$/\1/p')
    echo "decisions $decisions kept $kept bins $bins spans $spans"
    [ "${decisions:-0}" -gt 0 ] && [ "${kept:-0}" -gt 0 ] || { echo "FAIL: no routing decisions"; exit 1; }
    [ "${bins:-0}" -gt 0 ] || { echo "FAIL: no KPI bin has calls"; exit 1; }
    [ "${spans:-0}" -gt 1 ] || { echo "FAIL: no period other than connected"; exit 1; }
    "$viz" "$day" --at 12:10:00 --tab kpis --screenshot "$work/kpis.png" >/dev/null
    ;;
  roundtrip)
    acts="$src/viz/tests/cut-heal-actions.yaml"
    gui=$("$viz" "$sc04" --actions "$acts" --at 180 --screenshot "$work/end.png" \
          --save-scenario "$work/saved.yaml" --write-results "$work/gui-results")
    echo "$gui"
    gui_fp=$(echo "$gui" | sed -n 's/.*, fingerprint \([0-9a-f]*\), .*/\1/p' | tail -1)
    res_fp=$(echo "$gui" | sed -n 's/^results .* fingerprint \([0-9a-f]*\)$/\1/p')
    cli=$("$scsim" run "$work/saved.yaml" --out "$work/cli-results")
    echo "$cli"
    cli_fp=$(echo "$cli" | sed -n 's/.*, fingerprint \([0-9a-f]*\), .*/\1/p')
    plain=$("$scsim" run "$sc04" --out "$work/plain-results" | sed -n 's/.*, fingerprint \([0-9a-f]*\), .*/\1/p')
    echo "GUI session $gui_fp, GUI results $res_fp, scsim run saved.yaml $cli_fp, sc04 unedited $plain"
    [ -n "$gui_fp" ] && [ "$gui_fp" = "$cli_fp" ] && [ "$res_fp" = "$cli_fp" ] ||
      { echo "FAIL: fingerprints differ"; exit 1; }
    [ "$plain" != "$cli_fp" ] || { echo "FAIL: the actions changed nothing"; exit 1; }
    for f in "$work"/cli-results/*.csv; do
      b=$(basename "$f")
      [ "$b" = run.csv ] && continue  # names the file and the program version
      cmp "$f" "$work/gui-results/$b" || { echo "FAIL: $b differs"; exit 1; }
    done
    echo "same fingerprint and same CSV bytes"
    ;;
  bench)
    "$viz" "$src/scenarios/two-dc-day.yaml" --replicate 50 --at 12:05:00 --bench-frames 20 \
      --screenshot "$work/day20k.png" | tee "$work/bench.txt"
    grep -q '^bench: 20 frames, 20000 DNs' "$work/bench.txt"
    ;;
  sequence)
    "$viz" "$src/scenarios/two-dc-day.yaml" --sequence-svg "$work/cut.svg" --from 11:59:59 \
      --to 12:00:22
    arrows=$(grep -c '<g><title>' "$work/cut.svg" || true)
    crosses=$(grep -c '<path d="M' "$work/cut.svg" || true)
    echo "arrows $arrows, lost crosses $crosses"
    [ "$arrows" -gt 0 ] || { echo "FAIL: no message arrow"; exit 1; }
    [ "$crosses" -gt 0 ] || { echo "FAIL: no lost message across the cut"; exit 1; }
    grep -q 'ADDP: N[0-9] declared lost N[0-9]' "$work/cut.svg" || { echo "FAIL: no ADDP mark"; exit 1; }
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
echo "ok: $mode"
