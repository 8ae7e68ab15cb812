#!/usr/bin/env bash
# Golden fingerprints (issues 11 and 12): every shipped scenario, run with its own seed, must
# give the (events, fingerprint) pinned in tests/golden/fingerprints.csv. The fingerprint
# hashes the time, sequence, kind and target of every event, so any change of behaviour, and
# any compiler or optimisation level that changes a result, shows here. A deliberate change of
# behaviour regenerates the file with --update and names the moved scenarios in its commit.
# A scenario too big to run in full here (scenarios/big-site.yaml) carries a comment line
# `# tests-until: T`: it is run with --until T and pinned as NAME@T.
# Usage: check_fingerprints.sh SCSIM_BINARY REPO_ROOT [--update]
set -u
scsim="$(realpath "$1")"
root="$(realpath "$2")"
update="${3:-}"
golden="$root/tests/golden/fingerprints.csv"
work="$(mktemp -d "${TMPDIR:-/tmp}/scsim-golden.XXXXXX")"
trap 'rm -rf "$work"' EXIT

value() { grep -E "^[^,]*,[^,]*,run,$2," "$1/run.csv" | cut -d, -f5; }
{
  echo "scenario,seed,events,fingerprint"
  for f in "$root"/scenarios/*.yaml; do
    n="$(basename "$f" .yaml)"
    case "$n" in campaign-*) continue ;; esac  # campaign files (scsim sweep), not scenarios
    until="$(sed -n 's/^# tests-until: *//p' "$f" | head -1)"
    args=()
    if [ -n "$until" ]; then args=(--until "$until"); fi
    if ! "$scsim" run "$f" --quiet "${args[@]}" --out "$work/$n" >"$work/$n.log" 2>&1; then
      echo "golden: $n: scsim run failed:" >&2
      sed 's/^/    /' "$work/$n.log" >&2
      exit 2
    fi
    label="$n"
    if [ -n "$until" ]; then label="$n@$until"; fi
    echo "$label,$(value "$work/$n" seed),$(value "$work/$n" events),$(value "$work/$n" fingerprint)"
  done
} >"$work/now.csv" || exit 2

if [ "$update" = "--update" ]; then
  cp "$work/now.csv" "$golden"
  echo "golden: wrote $golden ($(($(wc -l <"$golden") - 1)) scenarios)"
  exit 0
fi
if [ ! -f "$golden" ]; then
  echo "golden: $golden is missing; create it with: $0 $1 $2 --update"
  exit 1
fi
if diff -u "$golden" "$work/now.csv" >"$work/diff"; then
  echo "golden: $(($(wc -l <"$golden") - 1)) scenarios, every fingerprint as pinned"
  echo "1 passed, 0 failed"
  exit 0
fi
echo "golden: fingerprints differ from $golden (- pinned, + now):"
cat "$work/diff"
echo "golden: if the change of behaviour is deliberate, run: $0 $1 $2 --update"
echo "0 passed, 1 failed"
exit 1
