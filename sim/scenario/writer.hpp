// Writes a Scenario back as a scenario file that load_scenario() reads to the same Scenario
// (same name, seed, duration, cluster spec, parameters and timeline), so a session edited in the
// GUI can be saved and replayed by `scsim run` to the same fingerprint and the same CSV bytes.
//
// The file spells everything out: `settings: defaults` followed by every parameter of DOMAIN
// §4 with its current value, the topology as explicit DCs, nodes, GWS nodes and link delays,
// the population inline (no roster file), the `workload` copied from the scenario's own file
// (re-emitted by yaml-cpp; a trace path in it stays relative, so save next to the original
// when the workload replays a trace), and the timeline with its repeats expanded, one
// action per entry, times in whole microseconds ("100000000us"), in the Scenario's order (the
// loader keeps file order at equal times, so the scheduling order is kept too).
//
// load_actions() reads a file of extra timeline actions (a YAML map with only `timeline:`, in
// the scenario syntax) against a loaded scenario's names; errors name the actions file.
#pragma once

#include <string>
#include <vector>

#include "model/spec.hpp"
#include "scenario/scenario.hpp"

namespace scsim::scenario {

// The scenario as YAML text. `comment` (may be empty) becomes '#' lines at the top.
std::string scenario_to_yaml(const Scenario& sc, const std::string& comment = "");

// One timeline entry ("{at: ..., cut: {...}}") in the scenario syntax, names from `spec`.
std::string action_to_yaml(const model::ClusterSpec& spec, const model::Action& a);

// Writes scenario_to_yaml(sc, comment) to `path`; returns an empty string or an error message.
std::string save_scenario(const std::string& path, const Scenario& sc,
                          const std::string& comment = "");

struct ActionsResult {
  std::vector<model::Action> actions;  // in file order (which must be time order)
  std::vector<LoadError> errors;
};
ActionsResult load_actions(const Scenario& base, const std::string& path);

}  // namespace scsim::scenario
