#include "cli/wallclock.hpp"

#include <chrono>

namespace scsim::cli {

double wall_seconds() {
  using Clock = std::chrono::steady_clock;
  static const Clock::time_point start = Clock::now();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace scsim::cli
