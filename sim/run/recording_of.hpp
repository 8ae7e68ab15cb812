// The recording a scenario asks for in its `results:` section (issue 20 §2), checked against
// the tables stats/recording.hpp knows. `scsim run --record` and `--compress` apply after it.
#pragma once

#include <vector>

#include "scenario/scenario.hpp"
#include "stats/recording.hpp"

namespace scsim::run {

// Sets *out from sc.results (the default recording where it says nothing). Returns an error per
// unknown table name, with its file, line and key (results.record), as the loader reports.
std::vector<scenario::LoadError> recording_of(const scenario::Scenario& sc, stats::Recording* out);

}  // namespace scsim::run
