#!/usr/bin/env bash
# Tidy: sim/ must be deterministic and GUI-free; layers must point one way.
# Fails (exit 1) listing every offending line.
set -u
root="$1"
cd "$root" || exit 2
fail=0
report() { echo "tidy: $1"; echo "$2" | sed 's/^/  /'; fail=1; }

hits=$(grep -rnE 'std::random_device|[^a-z_]rand\(|srand\(|<random>|std::(uniform|normal|exponential|lognormal|gamma|poisson|bernoulli|discrete)[a-z_]*_distribution|mt19937' sim/ || true)
[ -n "$hits" ] && report "non-deterministic or library-dependent randomness in sim/ (use core/random.hpp)" "$hits"

hits=$(grep -rnE 'system_clock|steady_clock|high_resolution_clock|[^a-z_.]time\(|gettimeofday|clock_gettime|localtime|gmtime' sim/ --exclude-dir=cli || true)
[ -n "$hits" ] && report "wall clock in sim/ (simulated time only; only cli/ may time its progress line)" "$hits"

hits=$(grep -rnE '#include *[<"](imgui|backends/imgui|GLFW|GL/)' sim/ || true)
[ -n "$hits" ] && report "ImGui/GL in sim/ (the GUI lives in viz/)" "$hits"

hits=$(grep -rnE '#include *"(\.\./)*(viz|cli)/' sim/ --include='*.hpp' --include='*.cpp' | grep -v '^sim/cli/' || true)
[ -n "$hits" ] && report "the library includes cli/ or viz/" "$hits"

hits=$(grep -rnE '#include *"(model|scenario|stats|run|report|cli)/' sim/core/ || true)
[ -n "$hits" ] && report "core/ must know nothing of the layers above it" "$hits"

hits=$(grep -rnE '#include *"(scenario|stats|run|report|cli)/' sim/model/ 2>/dev/null || true)
[ -n "$hits" ] && report "model/ must not include scenario/, stats/, run/ (the facade), report/ or cli/" "$hits"

hits=$(grep -rnE '#include *"(scenario|run|cli)/' sim/stats/ 2>/dev/null || true)
[ -n "$hits" ] && report "stats/ must not include scenario/, run/ or cli/ (the run facade is above it)" "$hits"

# Observers are const readers (issue 11 §4): stats/ holds the cluster as const model::Cluster&
# and stops a run only through Observer::stop_requested, never by writing the scheduler.
hits=$(grep -rnE '(model::)?Cluster *&|scheduler\(\)\.(request_stop|set_event_limit|set_time_limit)' sim/stats/ \
         | grep -vE 'const (model::)?Cluster *&' || true)
[ -n "$hits" ] && report "stats/ observers must read the cluster through const model::Cluster& and stop a run only by Observer::stop_requested" "$hits"

hits=$(grep -rnE '#include *"(stats|run|cli)/' sim/scenario/ 2>/dev/null || true)
[ -n "$hits" ] && report "scenario/ must not include stats/, run/ or cli/" "$hits"

hits=$(grep -rnE '#include *"cli/' sim/run/ 2>/dev/null || true)
[ -n "$hits" ] && report "run/ must not include cli/" "$hits"

hits=$(grep -rnE '#include *"(model|stats|scenario|run|cli)/' sim/report/ 2>/dev/null || true)
[ -n "$hits" ] && report "report/ reads result files only: it must not include model/, stats/, scenario/, run/ or cli/" "$hits"

hits=$(grep -rnE '#include *"report/' sim/ --include='*.hpp' --include='*.cpp' | grep -vE '^sim/(cli|report)/' || true)
[ -n "$hits" ] && report "only cli/ may include report/ (the report is above the simulation)" "$hits"

# The causality guard (issue 21 §1, docs/MODEL.md "Causality in the types"): a node's rules see
# only their NodeCtx, and URS_N (urs.*, issue 11 §2) only the node's own SS_N entries, so the
# files holding them (and the headers they use) never include cluster_impl.hpp, where the truth
# and every node's state live.
node_side="sim/model/node_ownership.cpp sim/model/node_views.cpp sim/model/node_rules.hpp
           sim/model/node_ctx.hpp sim/model/node_state.hpp sim/model/urs.hpp sim/model/urs.cpp"
missing=""
for f in $node_side; do [ -f "$f" ] || missing="$missing $f"; done
[ -n "$missing" ] && report "node-side files named by this check are missing (update the list)" "$missing"
# shellcheck disable=SC2086
hits=$(grep -nE '#include *"model/cluster_impl.hpp"' $node_side 2>/dev/null || true)
[ -n "$hits" ] && report "node-side code must not include cluster_impl.hpp (rules see one node through NodeCtx, URS_N its SS_N entries)" "$hits"
# URS_N decides from SS_N alone: not even a NodeCtx (the node's view, claims, links, sends).
hits=$(grep -nE '#include *"model/node_[a-z_]*\.hpp"' sim/model/urs.hpp sim/model/urs.cpp 2>/dev/null || true)
[ -n "$hits" ] && report "urs.* must not include the node-side rules or NodeCtx (URS_N reads only SS_N)" "$hits"

if [ "$fail" -eq 0 ]; then echo "tidy: sim/ is clean"; fi
exit "$fail"
