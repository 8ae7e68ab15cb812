// `scsim shrink`: a smaller scenario with the same property (a failing invariant, a liveness
// failure, a fingerprint, a call's outcome), by delta debugging (ddmin.hpp) in passes:
//   1. the run's end: for properties decided early (an invariant), the duration is cut to
//      just after the first violation and later actions dropped;
//   2. timeline actions (ddmin); with `keep_from`, actions at or after it stay (the heal
//      phase, without which a liveness failure would be trivial);
//   3. agents (ddmin; their actions go with them, calls of a group nobody has left too);
//   4. DCs, then nodes (ddmin; only where the result is still a valid scenario: every DC
//      keeps a node, names are renumbered N1, N2, ...);
//   5. parameters: each one that differs from DOMAIN's default is set back to it when the
//      property survives;
//   6. time values: each remaining action is moved earlier to a round time (whole minute,
//      ten seconds, second) when the property survives.
// Every candidate is written by the scenario writer and read back by the loader before it is
// tested, so the result is a valid scenario file that replays exactly what was tested; a
// candidate the loader rejects is skipped. Deterministic: the same input and property give
// the same result.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "scenario/scenario.hpp"

namespace scsim::scenario {

struct ShrinkOptions {
  std::optional<Time> keep_from;  // keep every action at or after this time
  std::optional<Time> cut_end;    // try ending the run here (the property's decision time)
  // Where candidates are written to be read back (a temporary file, removed at the end).
  std::string scratch;
};

struct ShrinkReport {
  size_t tests = 0;  // property evaluations
  size_t actions_before = 0, actions_after = 0;
  size_t agents_before = 0, agents_after = 0;
  size_t nodes_before = 0, nodes_after = 0;
  size_t dcs_before = 0, dcs_after = 0;
  size_t times_moved = 0;
  size_t params_reset = 0;
  Time duration_before, duration_after;
  std::vector<std::string> removed;  // what was removed, one line per pass
};

// `holds(candidate)` says whether the property holds (false for a run that fails otherwise).
// Returns the smallest scenario found (the input if nothing smaller has the property).
Scenario shrink_scenario(const Scenario& sc, const std::function<bool(const Scenario&)>& holds,
                         const ShrinkOptions& opt, ShrinkReport& report);

}  // namespace scsim::scenario
