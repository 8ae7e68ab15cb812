#!/usr/bin/env bash
# scsim swarm: the per-seed results (swarm.csv: result, class, events, fingerprint, message)
# are the same bytes whatever --jobs is, and a failing seed's scenario file is written by seed.
set -u
scsim="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$scsim" swarm --seeds 150 --first 2851 --jobs 1 --quiet --out "$work/j1" > "$work/j1.txt"
rc1=$?
"$scsim" swarm --seeds 150 --first 2851 --jobs 2 --quiet --out "$work/j2" > "$work/j2.txt"
rc2=$?
[ "$rc1" -eq "$rc2" ] || { echo "FAIL: exit codes differ ($rc1, $rc2)"; exit 1; }
cmp "$work/j1/swarm.csv" "$work/j2/swarm.csv" || { echo "FAIL: swarm.csv differs by --jobs"; exit 1; }
[ "$(wc -l < "$work/j1/swarm.csv")" -eq 151 ] || { echo "FAIL: swarm.csv has no row per seed"; exit 1; }
grep -v 'seeds/s\|^results:' "$work/j1.txt" > "$work/a"
grep -v 'seeds/s\|^results:' "$work/j2.txt" > "$work/b"
cmp "$work/a" "$work/b" || { echo "FAIL: output differs by --jobs"; exit 1; }
# The range holds a failing seed (2902, an open R10 class: tests/swarm/open/README.md); when a fix
# makes it pass, move --first to another failing seed so that this part still runs.
ls "$work"/j1/swarm-*.yaml > /dev/null 2>&1 || { echo "FAIL: no failing seed in the range"; exit 1; }
for f in "$work"/j1/swarm-*.yaml; do
  cmp "$f" "$work/j2/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs by --jobs"; exit 1; }
done
# A second run into the same directory replaces it (scsim wrote it); a user's folder is refused.
"$scsim" swarm --seeds 2 --quiet --out "$work/j1" > /dev/null || { echo "FAIL: rerun"; exit 1; }
mkdir "$work/mine" && echo notes > "$work/mine/notes.txt"
"$scsim" swarm --seeds 2 --quiet --out "$work/mine" > /dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: a user's folder gave exit $rc, expected 2"; exit 1; }
[ -f "$work/mine/notes.txt" ] || { echo "FAIL: the user's folder was touched"; exit 1; }
echo "swarm --jobs determinism: ok"
