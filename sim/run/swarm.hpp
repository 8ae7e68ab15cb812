// One checked run of a scenario, as `scsim swarm` and `scsim shrink` need it: the invariant
// checker (stats/invariants.hpp) at every instant, every call reported once, then, if the run
// reached its end, the liveness check (stats/liveness.hpp) on the final state. Bounded by an
// event limit, so that no scenario hangs. A pure function of the scenario (and its seed).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "scenario/scenario.hpp"

namespace scsim::run {

struct CheckOptions {
  uint64_t max_events = 5'000'000;
  bool invariants = true;  // the invariant checker (which stops the run at a violation)
  bool liveness = true;    // check convergence at the end
  bool outcomes = false;   // collect every call's outcome (for shrink's outcome: property)
};

struct CheckResult {
  // "" (passed), "invariant", "liveness", "event_limit" or "error" (the scenario was rejected
  // by the model).
  std::string failure;
  // A short class for grouping failures: "R10", "R26", "R29", "routing", "calls", "time",
  // "liveness:owner", "liveness:service", "liveness:agent", "event_limit", "error".
  std::string failure_class;
  std::string message;  // the checker's message, or every disagreement, one per line
  uint64_t events = 0;
  uint64_t fingerprint = 0;
  Time end;
  std::map<uint64_t, std::string> outcomes;  // call id -> outcome (with CheckOptions::outcomes)
  bool passed() const { return failure.empty(); }
};

CheckResult check_scenario(const scenario::Scenario& sc, const CheckOptions& opt = {});

}  // namespace scsim::run
