// The only wall clock in scsim's command line: seconds since an arbitrary start, for the
// progress line on stderr. Nothing that is written to results may depend on it.
#pragma once

namespace scsim::cli {

double wall_seconds();

}  // namespace scsim::cli
