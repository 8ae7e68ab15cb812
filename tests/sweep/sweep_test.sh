#!/usr/bin/env bash
# scsim sweep end to end (issue 13): validation errors with file:line:col, --dry-run, the same
# database rows and summary.csv / paired.csv bytes with --jobs 1 and --jobs 2 (and mpirun -n 2
# when built with MPI), kill -9 then --resume gives the same content, failed runs are recorded
# and make the exit code 1, and a folder scsim did not write is never replaced.
# Usage: sweep_test.sh SCSIM_BINARY REPO_ROOT
set -u
scsim="$(realpath "$1")"
root="$(realpath "$2")"
small="$root/tests/sweep/campaign-small.yaml"
work="$(mktemp -d "${TMPDIR:-/tmp}/scsim-sweep.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
dump() {  # the database's rows, table by table, in key order
  sqlite3 "$1/campaign.sqlite" \
    "SELECT * FROM campaign; SELECT * FROM knobs; SELECT * FROM runs ORDER BY run_id;
     SELECT * FROM kpis ORDER BY run_id, period, dc, node, grp;
     SELECT * FROM episodes ORDER BY run_id, episode, win;
     SELECT * FROM intervals ORDER BY run_id, interval, dc, node;
     SELECT * FROM calls ORDER BY run_id, seq;"
}
same() {  # two results directories with the same rows and CSV bytes
  [ "$(dump "$1")" = "$(dump "$2")" ] && cmp -s "$1/summary.csv" "$2/summary.csv" &&
    cmp -s "$1/paired.csv" "$2/paired.csv"
}

# Shipped campaigns validate (dry run).
for c in "$root"/scenarios/campaigns/*.yaml; do
  check "dry run $(basename "$c")" "'$scsim' sweep '$c' --dry-run >'$work/dry.out' 2>&1 && grep -q 'runs' '$work/dry.out'"
done

# Bad campaign: file:line:col and exit 2, nothing written.
cat >"$work/bad.yaml" <<'YAML'
scenario: ../nope.yaml
vary:
  addp_timeout_s: {from: 5, to: 1, step: 1}
  no_such_param: [1]
YAML
"$scsim" sweep "$work/bad.yaml" --out "$work/bad-out" >"$work/bad.out" 2>&1
rc=$?
check "bad campaign exits 2" "[ $rc -eq 2 ]"
check "bad campaign names file:line:col" "grep -q 'bad.yaml:3:' '$work/bad.out' && grep -q 'bad.yaml:4:3: vary.no_such_param' '$work/bad.out'"
check "bad campaign writes nothing" "[ ! -e '$work/bad-out' ]"

# Determinism across --jobs: J=1 and J=2 give the same rows and CSV bytes.
"$scsim" sweep "$small" --jobs 1 --out "$work/j1" --quiet --store intervals,calls
check "jobs 1 exit 0" "[ $? -eq 0 ]"
"$scsim" sweep "$small" --jobs 2 --out "$work/j2" --quiet --store intervals,calls
check "jobs 2 exit 0" "[ $? -eq 0 ]"
check "16 runs recorded, all ok" "[ \"\$(sqlite3 '$work/j1/campaign.sqlite' \"SELECT count(*) FROM runs WHERE status = 'ok'\")\" = 16 ]"
check "jobs 1 and jobs 2: same rows and CSVs" "same '$work/j1' '$work/j2'"
check "jobs 1 and jobs 2: same database file" "cmp -s '$work/j1/campaign.sqlite' '$work/j2/campaign.sqlite'"
# The kpis rows are the run's periods.csv rows: per DC each node, none and the DC; then all.
q1() { sqlite3 "$work/j1/campaign.sqlite" "$1"; }
check "kpis: rows per DC, node and none" "[ \"\$(q1 \"SELECT group_concat(dc || '/' || node, ' ') FROM (SELECT DISTINCT dc, node FROM kpis WHERE run_id = 0 AND period = 'partitioned' ORDER BY dc, node)\")\" = 'DC1/N1 DC1/all DC1/none DC2/N2 DC2/all DC2/none all/all' ]"
check "kpis: a DC row adds up its node and none rows" "[ \"\$(q1 \"SELECT count(*) FROM kpis d WHERE node = 'all' AND dc <> 'all' AND offered <> (SELECT sum(offered) FROM kpis n WHERE n.run_id = d.run_id AND n.period = d.period AND n.grp = d.grp AND n.dc = d.dc AND n.node <> 'all')\")\" = 0 ]"
check "summary.csv and paired.csv have DC rows" "grep -q ',DC1,all,' '$work/j1/summary.csv' && grep -q ',DC2,N2,' '$work/j1/paired.csv'"
# --store calls: one row per call of every run (runs.calls counts the arrivals).
check "calls: one row per arrived call" "[ \"\$(q1 'SELECT count(*) FROM calls')\" = \"\$(q1 'SELECT sum(calls) FROM runs')\" ] && [ \"\$(q1 'SELECT count(*) FROM calls')\" -gt 100 ]"
# CRN (DOMAIN §6.4): both modes of a (point, replication) get the same seed and the same calls.
check "CRN: modes share seeds and arriving calls" "[ \"\$(sqlite3 '$work/j1/campaign.sqlite' \"SELECT count(*) FROM (SELECT point, replication FROM runs GROUP BY point, replication HAVING count(DISTINCT seed) = 1 AND count(DISTINCT calls) = 1 AND count(*) = 2)\")\" = 8 ]"

# kill -9 after 5 recorded runs, then --resume: the same content as uninterrupted.
"$scsim" sweep "$small" --jobs 2 --out "$work/k" --quiet --store intervals,calls --test-kill-after 5 2>/dev/null
check "killed sweep left no results directory" "[ ! -e '$work/k/campaign.sqlite' ]"
"$scsim" sweep "$small" --jobs 2 --out "$work/k" --quiet --store intervals,calls --resume
check "resume exit 0" "[ $? -eq 0 ]"
check "killed then resumed: same rows and CSVs as uninterrupted" "same '$work/j1' '$work/k'"
check "no work database left" "[ ! -e '$work/.k.sweep.sqlite' ]"

# MPI, when built with it and mpirun is present.
if "$scsim" sweep --help | grep -q -- '--mpi' && command -v mpirun >/dev/null &&
   "$scsim" sweep "$small" --mpi --dry-run >/dev/null 2>&1; then
  mpirun --allow-run-as-root --oversubscribe -n 2 "$scsim" sweep "$small" --mpi --out "$work/m2" \
    --quiet --store intervals,calls >"$work/mpi.out" 2>&1
  if grep -q 'built without MPI' "$work/mpi.out"; then
    echo "skip: scsim built without MPI"
  else
    check "mpirun -n 2: same rows and CSVs as --jobs 1" "same '$work/j1' '$work/m2'"
  fi
fi

# Failed runs are recorded with their reason; exit 1.
sed 's/^kpis:.*/max_events: 2000/' "$small" >"$work/limit.yaml"
sed -i "s#\.\./\.\./scenarios/#$root/scenarios/#" "$work/limit.yaml"
"$scsim" sweep "$work/limit.yaml" --jobs 2 --out "$work/f" --quiet
rc=$?
check "failed runs: exit 1" "[ $rc -eq 1 ]"
check "calls table only when asked (--store calls)" "[ \"\$(sqlite3 '$work/f/campaign.sqlite' \"SELECT count(*) FROM sqlite_master WHERE name = 'calls'\")\" = 0 ]"
check "failed runs recorded with the limit" "[ \"\$(sqlite3 '$work/f/campaign.sqlite' \"SELECT count(*) FROM runs WHERE status = 'failed' AND stop_reason LIKE 'event%limit%'\")\" = 16 ]"

# Never replace a folder scsim did not write.
mkdir -p "$work/mine" && echo keep >"$work/mine/notes.txt"
"$scsim" sweep "$small" --jobs 2 --out "$work/mine" --quiet 2>"$work/mine.err"
rc=$?
check "user folder refused with exit 2" "[ $rc -eq 2 ] && [ \"\$(cat '$work/mine/notes.txt')\" = keep ]"

[ $fail -eq 0 ] && echo "sweep: all checks passed"
exit $fail
