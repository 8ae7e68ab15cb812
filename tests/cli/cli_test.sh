#!/usr/bin/env bash
# End-to-end checks of the `scsim` command (issue 5):
#   exit codes 0 / 1 / 2; `validate` messages; bad input creates no results directory; an
#   interrupted run leaves the previous results intact; two runs with the same seed give
#   byte-identical result files (every shipped scenario, with --trace).
# Usage: cli_test.sh SCSIM_BINARY REPO_ROOT
# Runs in a scratch directory (removed at the end); prints every failed check; exit 1 if any.
set -u
scsim="$(realpath "$1")"
root="$(realpath "$2")"
scen="$root/scenarios"
work="$(mktemp -d "${TMPDIR:-/tmp}/scsim-cli-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

fails=0
pass=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { pass=$((pass + 1)); }
# expect_rc WANT DESCRIPTION -- COMMAND...: runs COMMAND, output in $work/out, $work/err
expect_rc() {
  local want="$1" what="$2"
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$what: exit code $rc, expected $want ($*)"
    sed 's/^/    stderr: /' "$work/err" | head -5
  else
    ok
  fi
}
expect_in() {  # expect_in FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok; else
    fail "$3: \"$2\" not in $(basename "$1")"
    sed 's/^/    /' "$1" | head -5
  fi
}
no_results() {  # no_results DESCRIPTION
  if [ -e "$work/results" ] || [ -e "$work/outdir" ]; then
    fail "$1: a results directory was created"
    rm -rf "$work/results" "$work/outdir"
  else ok; fi
}

sc01="$scen/sc01-registration.yaml"
sc05="$scen/sc05-heal-resync.yaml"
[ -f "$sc01" ] || { echo "missing $sc01"; exit 2; }

# --- help and version ---------------------------------------------------------------------
expect_rc 0 "--help" -- "$scsim" --help
expect_in "$work/out" "Exit codes" "--help"
expect_rc 0 "run --help" -- "$scsim" run --help
expect_in "$work/out" "--max-events" "run --help"
expect_in "$work/out" "Examples" "run --help"
expect_rc 0 "validate --help" -- "$scsim" validate --help
expect_in "$work/out" "Examples" "validate --help"
expect_rc 0 "--version" -- "$scsim" --version
expect_in "$work/out" "scsim " "--version"
expect_in "$work/out" "git " "--version"

# --- usage errors: exit 2, no results -----------------------------------------------------
expect_rc 2 "no arguments" -- "$scsim"
expect_rc 2 "unknown command" -- "$scsim" frobnicate "$sc01"
expect_rc 2 "unknown option" -- "$scsim" run "$sc01" --no-such-option
expect_in "$work/err" "no-such-option" "unknown option"
expect_rc 2 "run without FILE" -- "$scsim" run
expect_rc 2 "--set without =" -- "$scsim" run "$sc01" --set addp_timeout_s
expect_in "$work/err" "name=value" "--set without ="
expect_rc 2 "--set unknown parameter" -- "$scsim" run "$sc01" --set addp_timeot_s=3
expect_in "$work/err" "addp_timeot_s" "--set unknown parameter"
expect_rc 2 "--set out of range" -- "$scsim" run "$sc01" --set addp_timeout_s=-5
expect_rc 2 "--seed not a number" -- "$scsim" run "$sc01" --seed -1
expect_rc 2 "--until not a time" -- "$scsim" run "$sc01" --until soon
expect_rc 2 "missing file" -- "$scsim" run "$work/nope.yaml"
expect_in "$work/err" "nope.yaml" "missing file"
printf 'name: [unclosed\n' >"$work/bad.yaml"
expect_rc 2 "YAML syntax error" -- "$scsim" run "$work/bad.yaml"
expect_in "$work/err" "bad.yaml:" "YAML syntax error"
expect_rc 2 "one bad file among good ones" -- "$scsim" run "$sc01" "$work/bad.yaml" --out outdir
no_results "bad input"

# --- validate -------------------------------------------------------------------------------
expect_rc 0 "validate good" -- "$scsim" validate "$sc01"
expect_in "$work/out" "$sc01: ok" "validate good"
expect_rc 2 "validate bad" -- "$scsim" validate "$sc01" "$work/bad.yaml"
expect_in "$work/out" "$sc01: ok" "validate mixed"
expect_in "$work/err" "bad.yaml" "validate bad"
no_results "validate"
# --- validate --explain and params (issue 18 §4) ----------------------------------------------
expect_rc 0 "validate --explain" -- "$scsim" validate --explain --first 2 "$scen/two-dc-day.yaml"
expect_in "$work/out" "shifts[0] (day)" "validate --explain"
expect_in "$work/out" "A001..A400: 400 selected -> 1400 actions" "validate --explain"
expect_in "$work/out" "    ... 298 more" "validate --explain"
expect_rc 2 "validate --explain --first x" -- "$scsim" validate --explain --first x "$sc01"
expect_rc 0 "params" -- "$scsim" params
expect_in "$work/out" "addp_timeout_s [s]" "params"
expect_rc 0 "params NAME --format csv" -- "$scsim" params register_expires_s --format csv
expect_in "$work/out" "register_expires_s,s,3600,120,60-7200,R13," "params csv"
expect_rc 0 "params --format markdown" -- "$scsim" params addp --format markdown
expect_in "$work/out" "| \`addp_detection_model\` |  | uniform | min | uniform, min, max | R31 |" "params md"
expect_rc 2 "params unknown" -- "$scsim" params adp_timeout
expect_in "$work/err" "did you mean \"addp_timeout_s\"" "params unknown"
expect_rc 2 "params --format bad" -- "$scsim" params --format html

# --- a successful run: exit 0, every file, summary on stdout ----------------------------------
expect_rc 0 "run sc01" -- "$scsim" run "$sc01"
expect_in "$work/out" "results: results/sc01-registration" "run sc01"
# The default recording (issue 20 §2): kpis, calls, ownership, links, summary and run.
for f in intervals periods episodes call_summary occupancy view_series calls ownership conflicts links \
  summary run; do
  if [ -f "results/sc01-registration/$f.csv" ]; then ok; else fail "run sc01: no $f.csv"; fi
done
for f in dn_views staleness routing events; do
  if [ -e "results/sc01-registration/$f.csv" ]; then fail "$f.csv recorded by default"; else ok; fi
done
expect_in results/sc01-registration/run.csv 'run,record,"kpis,calls,ownership,links"' "run.csv"
expect_in results/sc01-registration/run.csv "run,compress,false" "run.csv compress"
if ls -a results | grep -q '^\.'"sc01-registration"; then fail "temporary left behind"; else ok; fi
expect_rc 0 "run --quiet" -- "$scsim" run "$sc01" --quiet --out quiet
if [ -s "$work/out" ]; then fail "--quiet printed something"; else ok; fi
expect_rc 0 "run --trace" -- "$scsim" run "$sc01" --trace --out traced
if [ -s traced/events.csv ]; then ok; else fail "--trace wrote no events.csv"; fi
expect_rc 0 "--until" -- "$scsim" run "$sc01" --until 10 --out until
expect_in until/run.csv "end_time,10.000000" "--until"

# --- results recorded by choice (issue 20 §2): each switch gives its files and only those ---
fp_of() { grep -E '^[^,]*,[^,]*,run,fingerprint,' "$1/run.csv" | cut -d, -f5; }
files_of_table() {
  case "$1" in
    kpis) echo "intervals periods episodes call_summary occupancy view_series" ;;
    calls) echo calls ;;
    routing) echo routing ;;
    views) echo dn_views ;;
    staleness) echo staleness ;;
    ownership) echo "ownership conflicts" ;;
    links) echo links ;;
    events) echo events ;;
  esac
}
tables="kpis calls routing views staleness ownership links events"
for t in $tables; do
  expect_rc 0 "--record $t" -- "$scsim" run "$sc05" --quiet --record "$t" --out "rec-$t"
  want="$(files_of_table "$t") summary run"
  got="$(cd "rec-$t" && ls | sed 's/\.csv$//' | sort | tr '\n' ' ')"
  if [ "$got" = "$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')" ]; then ok; else
    fail "--record $t wrote: $got; expected: $want"
  fi
  first_fp="${first_fp:-$(fp_of "rec-$t")}"
  if [ -n "$first_fp" ] && [ "$(fp_of "rec-$t")" = "$first_fp" ]; then ok; else
    fail "--record $t changed the fingerprint"; fi
done
expect_rc 0 "--record all" -- "$scsim" run "$sc05" --quiet --record all --out rec-all
expect_rc 0 "--record all --compress" -- "$scsim" run "$sc05" --quiet --record all --compress \
  --out rec-gz
if [ -e rec-all/events.csv ]; then fail "--record all wrote events.csv"; else ok; fi
if [ -f rec-gz/run.csv ] && [ ! -e rec-gz/run.csv.gz ]; then ok; else fail "run.csv compressed"; fi
for f in rec-all/*.csv; do
  n="$(basename "$f")"
  [ "$n" = run.csv ] && continue
  if [ -f "rec-gz/$n.gz" ] && zcat "rec-gz/$n.gz" | cmp -s - "$f"; then ok; else
    fail "--compress: rec-gz/$n.gz does not gunzip to the bytes of rec-all/$n"
  fi
done
if [ "$(fp_of rec-gz)" = "$(fp_of rec-all)" ] && [ "$(fp_of rec-all)" = "$first_fp" ]; then ok; else
  fail "recording choices changed the fingerprint"; fi
expect_in rec-gz/run.csv "run,compress,true" "run.csv says compressed"
# view_series.csv agrees with summary.csv: the truth's DNs in service, integrated over the bins,
# are its insrv_s (to the 3 decimals of the means).
series_s="$(awk -F, '$6 == "truth" { s += $9 * ($5 - $4) } END { printf "%.0f", s }' \
  rec-all/view_series.csv)"
summary_s="$(awk -F, '$3 == "view_time" && $4 == "truth" && $9 == "insrv_s" { printf "%.0f", $10 }' \
  rec-all/summary.csv)"
if [ -n "$series_s" ] && [ "$series_s" = "$summary_s" ]; then ok; else
  fail "view_series.csv: truth in service ${series_s} s, summary.csv insrv_s ${summary_s} s"; fi
expect_rc 0 "--record default,routing" -- "$scsim" run "$sc05" --quiet --record default,routing \
  --out rec-dr
if [ -f rec-dr/routing.csv ] && [ -f rec-dr/calls.csv ]; then ok; else fail "default,routing"; fi
expect_rc 2 "--record with an unknown table" -- "$scsim" run "$sc05" --record kpis,bogus --out rec-bad
expect_in "$work/err" 'unknown table "bogus"' "--record bogus"
if [ -e rec-bad ]; then fail "--record bogus wrote results"; else ok; fi
# The scenario's results: section, and --record over it.
{ sed '/^results:/,$d' "$sc05"; echo "results: {record: [views, links], compress: true}"; } >rs.yaml
expect_rc 0 "results: section" -- "$scsim" run rs.yaml --quiet --out rs
if [ -f rs/dn_views.csv.gz ] && [ -f rs/links.csv.gz ] && [ ! -e rs/calls.csv.gz ]; then ok; else
  fail "results: {record: [views, links], compress: true} wrote $(ls rs | tr '\n' ' ')"; fi
expect_rc 0 "--record over results:" -- "$scsim" run rs.yaml --quiet --record calls --out rs2
if [ -f rs2/calls.csv.gz ] && [ ! -e rs2/dn_views.csv.gz ]; then ok; else
  fail "--record calls over the results: section wrote $(ls rs2 | tr '\n' ' ')"; fi
{ sed '/^results:/,$d' "$sc05"; echo "results:"; echo "  record: [kpis, viewz]"; } >rsbad.yaml
expect_rc 2 "results: with an unknown table" -- "$scsim" validate rsbad.yaml
expect_in "$work/err" 'rsbad.yaml:' "results: bad table names the file"
expect_in "$work/err" 'results.record' "results: bad table names the key"
expect_in "$work/err" 'unknown table "viewz"' "results: bad table"
expect_rc 2 "run with a bad results: section" -- "$scsim" run rsbad.yaml --out rsbad
if [ -e rsbad ]; then fail "a bad results: section wrote results"; else ok; fi

# --- a failed run: exit 1, previous results kept -------------------------------------------
cp -a results/sc01-registration "$work/before"
expect_rc 1 "event limit" -- "$scsim" run "$sc01" --max-events 5
expect_in "$work/err" "max-events" "event limit"
if diff -r "$work/before" results/sc01-registration >/dev/null; then ok; else
  fail "a failed run changed the previous results"; fi

# --- an interrupted run leaves the previous results intact ---------------------------------
expect_rc 0 "run sc05" -- "$scsim" run "$sc05"
rm -rf "$work/before" && cp -a results/sc05-heal-resync "$work/before"
expect_rc 3 "interrupted run (test hook)" -- "$scsim" run "$sc05" --abort-after-events 30 --seed 99
if diff -r "$work/before" results/sc05-heal-resync >/dev/null; then ok; else
  fail "an interrupted run changed the previous results"; fi
expect_rc 0 "run after an interrupted one" -- "$scsim" run "$sc05"
if ls -a results | grep -q '^\.sc05'; then fail "temporary of the interrupted run left"; else ok; fi
if diff -r "$work/before" results/sc05-heal-resync >/dev/null; then ok; else
  fail "rerun after interruption differs from the first run"; fi

# --- issue 12: --out never replaces what scsim did not write --------------------------------
mkdir -p userdir/sub && printf 'precious\n' >userdir/notes.txt && printf 'x\n' >userdir/sub/data.csv
cp -a userdir "$work/userdir.copy"
expect_rc 2 "--out at a user's folder" -- "$scsim" run "$sc01" --out userdir
expect_in "$work/err" "--out userdir: exists and is not a scsim results directory" "--out at a user's folder"
if diff -r "$work/userdir.copy" userdir >/dev/null; then ok; else fail "--out changed a user's folder"; fi
if ls -a . | grep -q '^\.userdir'; then fail "--out at a user's folder left a hidden file"; else ok; fi
printf 'mine\n' >plainfile
expect_rc 2 "--out at a plain file" -- "$scsim" run "$sc01" --out plainfile
expect_in plainfile "mine" "--out at a plain file kept its bytes"
mkdir -p scen && cp "$sc01" scen/
expect_rc 2 "--out at the scenario's own folder" -- "$scsim" run scen/sc01-registration.yaml --out scen
if [ -f scen/sc01-registration.yaml ]; then ok; else fail "--out removed the scenario's folder"; fi
expect_rc 2 "compare --out at a user's folder" -- "$scsim" compare "$sc05" --out userdir --replications 1
if diff -r "$work/userdir.copy" userdir >/dev/null; then ok; else fail "compare --out changed a user's folder"; fi
# A results directory of scsim's is replaced; once a user adds a file to it, it is not.
expect_rc 0 "results dir replaced" -- "$scsim" run "$sc01" --out res --quiet
expect_rc 0 "results dir replaced again" -- "$scsim" run "$sc01" --out res --quiet --seed 5
printf 'my analysis\n' >res/analysis.txt
expect_rc 2 "results dir with a user's file" -- "$scsim" run "$sc01" --out res
expect_in "$work/err" "analysis.txt" "results dir with a user's file"
expect_in res/analysis.txt "my analysis" "the user's file in a results dir"
rm -rf res

# --- issue 12: two runs into one target never mix; kill -9 never loses the previous result ----
mkfifo "$work/hold"
SCSIM_TEST_HOLD="$work/hold" "$scsim" run "$sc05" --out both --seed 11 --quiet >"$work/first.out" 2>&1 &
first=$!
exec 3>"$work/hold"  # returns once the first run holds the lock and waits on the pipe
expect_rc 2 "a second run into a locked target" -- "$scsim" run "$sc05" --out both --seed 12
expect_in "$work/err" "another scsim run (pid $first)" "a second run into a locked target"
echo go >&3
exec 3>&-
wait "$first"
if [ $? -eq 0 ]; then ok; else fail "the first of two concurrent runs failed"; cat "$work/first.out"; fi
if [ "$(cut -d, -f1 both/*.csv | grep -v '^seed$' | sort -u)" = "11" ]; then ok; else
  fail "two concurrent runs mixed their files (seeds: $(cut -d, -f1 both/*.csv | sort -u | tr '\n' ' '))"; fi

expect_rc 0 "previous result" -- "$scsim" run "$sc05" --out killed --seed 1 --quiet
rm -rf "$work/prev" && cp -a killed "$work/prev"
for point in partial stamped; do
  SCSIM_TEST_KILL_AT=$point "$scsim" run "$sc05" --out killed --seed 2 --quiet >/dev/null 2>&1
  rc=$?
  if [ "$rc" -eq 137 ]; then ok; else fail "kill -9 at $point: exit $rc, expected 137"; fi
  if diff -r "$work/prev" killed >/dev/null; then ok; else
    fail "kill -9 at $point changed the previous results"; fi
done
SCSIM_TEST_KILL_AT=exchanged "$scsim" run "$sc05" --out killed --seed 2 --quiet >/dev/null 2>&1
if [ "$(cut -d, -f1 killed/*.csv | grep -v '^seed$' | sort -u)" = "2" ]; then ok; else
  fail "kill -9 after the swap: the target is not the new result whole"; fi
expect_rc 0 "a run after killed ones" -- "$scsim" run "$sc05" --out killed --seed 1
expect_in "$work/err" "removed ./.killed.partial." "a run after killed ones reports what it removed"
if ls -a . | grep -q '^\.killed\.partial'; then fail "leftovers of killed runs not removed"; else ok; fi
if diff -r "$work/prev" killed >/dev/null; then ok; else fail "seed 1 again differs from seed 1"; fi

# --- issue 17: warnings for silent nonsense -------------------------------------------------
{ cat "$sc01"; printf '  - {at: 150, restart: N1}\n'; } >restart-live.yaml
expect_rc 0 "validate warns" -- "$scsim" validate restart-live.yaml
expect_in "$work/err" "restart-live.yaml:$(wc -l <restart-live.yaml):5: warning: restart at 150.000000 s: N1 is not down" "validate warns at the entry's file:line:col"
expect_rc 2 "validate --strict" -- "$scsim" validate restart-live.yaml --strict
expect_rc 2 "run --strict" -- "$scsim" run restart-live.yaml --strict --out strict
if [ -e strict ]; then fail "run --strict with warnings wrote results"; else ok; fi
expect_rc 0 "run with a warning" -- "$scsim" run restart-live.yaml --out warned --quiet
expect_in warned/run.csv "run,warnings,1" "run.csv counts the warnings"

# --- issue 12: every run is bounded in memory ------------------------------------------------
# 100 agents, 1e5 calls/s of 1 ms handle time, 10 hours: more calls arrive than are served.
{
  printf 'name: flood\ndescription: a runaway workload\nseed: 1\nduration: "10:00:00"\n'
  printf 'topology: T2\npopulation:\n  agents:\n'
  for i in $(seq 100 199); do printf '    - {name: A%s, dn: "%s", kind: sip, dc: DC1, groups: [g]}\n' "$i" "$i"; done
  printf 'workload:\n  defaults:\n    handle_time: {law: fixed, mean: 0.001}\n    patience: 120\n'
  printf '  streams:\n    - {dc: DC1, group: g, rate_per_hour: 360000000, start: 10}\ntimeline:\n'
  for i in $(seq 100 199); do printf '  - {at: 1, phone_on: A%s}\n' "$i"; done
  for i in $(seq 100 199); do printf '  - {at: 2, agent_login: {agent: A%s, ready: true}}\n' "$i"; done
} >flood.yaml
expect_rc 0 "--dry-run" -- "$scsim" run flood.yaml --dry-run --out flooded
expect_in "$work/out" "estimate: 3599000000 calls" "--dry-run prints the estimate"
expect_in "$work/out" "--max-calls 1000000" "--dry-run prints the limits"
if [ -e flooded ]; then fail "--dry-run wrote results"; else ok; fi
expect_rc 1 "a flood stops at the call limit" -- "$scsim" run flood.yaml --out flooded
expect_in "$work/err" "warning: flood.yaml: about 1.44e+11 events expected" "the estimate warns first"
expect_in "$work/err" "stopped by the limit of calls in the system (--max-calls 1000000" "a flood"
if [ -e flooded ]; then fail "a flood stopped by a limit wrote results"; else ok; fi
expect_rc 1 "--max-rss stops a run" -- "$scsim" run flood.yaml --out flooded --max-rss 64
expect_in "$work/err" "stopped by the memory limit (--max-rss 64 MB)" "--max-rss"
expect_rc 1 "--max-pending stops a run" -- "$scsim" run flood.yaml --out flooded --max-pending 5000
expect_in "$work/err" "stopped by the limit of pending events (--max-pending 5000)" "--max-pending"

# --- same seed, same bytes: every shipped scenario, twice -----------------------------------
# (a scenario with a `# tests-until: T` line, scenarios/big-site.yaml, up to T)
for f in "$scen"/*.yaml; do
  n="$(basename "$f" .yaml)"
  until="$(sed -n 's/^# tests-until: *//p' "$f" | head -1)"
  args=()
  if [ -n "$until" ]; then args=(--until "$until"); fi
  expect_rc 0 "run $n (1)" -- "$scsim" run "$f" "${args[@]}" --trace --quiet --check-invariants --out "twice1/$n"
  expect_rc 0 "run $n (2)" -- "$scsim" run "$f" "${args[@]}" --trace --quiet --check-invariants --out "twice2/$n"
  if diff -r "twice1/$n" "twice2/$n" >"$work/diff"; then ok; else
    fail "$n: two runs with the same seed differ"
    head -5 "$work/diff" | sed 's/^/    /'
  fi
  rm -rf "twice1/$n" "twice2/$n"
done

# --- another seed changes the run where the scenario draws random numbers ------------------
# two-dc-day draws ADDP detection times (uniform) and re-login delays (exponential); the SC
# files use DOMAIN's fixed reference settings and draw nothing.
expect_rc 0 "two-dc-day seed 1" -- "$scsim" run "$scen/two-dc-day.yaml" --quiet --seed 1 --out seed1
expect_rc 0 "two-dc-day seed 2" -- "$scsim" run "$scen/two-dc-day.yaml" --quiet --seed 2 --out seed2
if [ -n "$(fp_of seed1)" ] && [ "$(fp_of seed1)" != "$(fp_of seed2)" ]; then ok; else
  fail "two-dc-day: seeds 1 and 2 gave the same fingerprint ($(fp_of seed1))"; fi

echo "cli_test: $pass checks passed, $fails failed"
[ "$fails" -eq 0 ]
