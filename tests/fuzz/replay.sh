#!/bin/sh
# ctest fuzz_corpus_replay: replays the committed corpus and the seeds (shipped scenarios, bad
# inputs) through both fuzz harnesses. Usage: replay.sh <replay-scenario> <replay-csv> <source>
set -eu
scen="$1"
csv="$2"
src="$3"
"$scen" "$src/tests/fuzz/corpus/scenario" "$src/scenarios" "$src/tests/scenario/bad"
"$csv" "$src/tests/fuzz/corpus/csv" "$src/scenarios" "$src/tests/scenario/bad"
echo "fuzz_corpus_replay: both harnesses passed"
