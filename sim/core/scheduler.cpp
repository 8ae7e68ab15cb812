#include "core/scheduler.hpp"

namespace scsim {

const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::none:
      return "none";
    case StopReason::empty:
      return "no more events";
    case StopReason::until_reached:
      return "end time reached";
    case StopReason::time_limit:
      return "simulated-time limit reached";
    case StopReason::event_limit:
      return "event-count limit reached";
    case StopReason::call_limit:
      return "limit of calls in the system reached";
    case StopReason::pending_limit:
      return "limit of pending events reached";
    case StopReason::memory_limit:
      return "memory limit reached";
    case StopReason::invariant:
      return "invariant violated";
  }
  return "unknown";
}

}  // namespace scsim
