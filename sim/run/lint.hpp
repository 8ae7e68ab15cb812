// Warnings for silent nonsense (issue 17 §4): a scenario that validates and runs, but whose
// answer cannot mean what its author thinks. `scsim validate` and `scsim run` print them on
// stderr as "FILE:LINE:COL: warning: ..." (the place of the agent, timeline entry or workload
// stream concerned; the scenario file alone where there is none); run.csv counts them;
// `--strict` turns them into exit 2.
//
// Before a run (lint_scenario), from the scenario alone:
//   - an agent logs in while its DN can never be in service (a SIP agent with no phone_on,
//     phone_move or tregister; a PSTN agent with no wwe_login or tregister);
//   - calls are offered to a group none of whose agents is ever Ready (logged in Ready or made
//     Ready, with a DN that can be in service);
//   - an action that can have no effect, replaying the timeline literally: a crash of a node
//     already down, a restart of a live node, a heal of links none of which is cut, a logout of
//     an agent not logged in, a GWS failure of a failed GWS node or a restart of a live one;
//   - --until beyond the scenario's end (it extends the run).
// After a run (lint_results), from the call statistics: no call answered of those offered, or
// more than half of a group's calls failed (routing failures and calls lost with their node).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"

namespace scsim::run {

struct Warning {
  std::string where;  // "file:line:col" of what it is about; empty: the scenario as a whole
  std::string text;
  // "WHERE: warning: TEXT", WHERE = `where` or else `file`.
  std::string to_string(const std::string& file) const;
};

std::vector<Warning> lint_scenario(const scenario::Scenario& sc,
                                   std::optional<Time> until = std::nullopt);
std::vector<Warning> lint_results(const scenario::Scenario& sc, const stats::CallStats& cs,
                                  const std::vector<std::string>& group_names);

}  // namespace scsim::run
