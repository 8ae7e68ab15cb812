// `scsim validate --explain`: what a scenario's selectors, spreads, repeats and shifts expanded
// into, so a user sees which agents an action reached and when (issue 18 §4).
#pragma once

#include <cstddef>
#include <string>

#include "scenario/scenario.hpp"

namespace scsim::scenario {

// Three parts: actions per kind (count, first and last time); per timeline entry and shift, what
// it selected and how many actions it gave; the first `first` actions of each kind with their
// time and target. Times as hh:mm:ss.ffffff of simulated time.
std::string explain(const Scenario& sc, size_t first);

}  // namespace scsim::scenario
