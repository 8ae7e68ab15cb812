// A scenario scaled up for benchmarks (scsim-bench cluster and scale): K copies of the roster,
// each with its own agent names and DNs and its own copy of every per-agent timeline action,
// K times the offered load (arrival rates and profiles x K), so that occupancy stays the same.
// Optionally the day repeated over several days, and `calls_factor` times the calls in the
// same load (rates x f, handle, ACW and patience times / f).
//
// Copy 0 keeps the original names and DNs, copy k >= 1 appends "_k" to both: with K = 1 (and
// days = 1, calls_factor = 1) the result is the scenario itself, event for event.
#pragma once

#include "scenario/scenario.hpp"

namespace scsim::scenario {

struct ScaleSpec {
  int copies = 1;        // K: roster, per-agent actions and offered load x K
  int days = 1;          // the timeline and the intraday profiles repeated every 24 h
  int calls_factor = 1;  // f: rates x f, call durations / f (same load, f times the calls)
};

Scenario scale_scenario(const Scenario& sc, const ScaleSpec& s);

}  // namespace scsim::scenario
