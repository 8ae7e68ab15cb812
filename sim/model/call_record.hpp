// What is observed when a call is routed and when it ends (DOMAIN §6.1): the call's outcome and
// failure causes, its record, and one routing decision of URS_N. Plain data shared by the
// model, the statistics and the GUI; names in names.cpp.
#pragma once

#include <cstdint>

#include "core/time.hpp"

namespace scsim::model {

enum class CallOutcome {
  answered_local,
  answered_remote,
  abandoned,
  routing_failure,
  lost_node_failure,
  in_progress,  // not ended by the run's end
};
const char* to_string(CallOutcome o);

enum class FailCause { stale_view = 0, race = 1, collision = 2, no_answer = 3 };
inline constexpr int kFailCauses = 4;
const char* to_string(FailCause c);

enum class RoutingFailureCause { none, no_target, redirection_limit };
const char* to_string(RoutingFailureCause c);

// What one routing decision of URS_N did (routing.csv's `result`).
enum class DecisionResult : uint8_t {
  offer,              // offered to the chosen DN (R52)
  queued,             // no DN eligible: the call waits in the node's queue (R51)
  no_target,          // routing failure: no target (R63)
  redirection_limit,  // routing failure: the redirection limit (R62)
};
const char* to_string(DecisionResult r);
// The decision that ends a call by routing failure cause `c` (not none).
inline DecisionResult decision_result(RoutingFailureCause c) {
  return c == RoutingFailureCause::no_target ? DecisionResult::no_target
                                             : DecisionResult::redirection_limit;
}

// Everything §6 needs about one call, emitted once when it ends (or at the run's end).
struct CallRecord {
  uint64_t id = 0;  // 1-based, in arrival order
  Time arrival;
  int dc = 0;
  int node = -1;  // node it arrived on (-1 if the proxy had none: lost_node_failure)
  int group = 0;
  CallOutcome outcome = CallOutcome::in_progress;
  RoutingFailureCause failure = RoutingFailureCause::none;
  Time answered = Time::max();  // Time::max(): not answered
  Time ended = Time::max();
  Time wait;             // answer (or end) - arrival
  int dn = -1;           // answering DN
  int dn_owner = -1;     // its truth owner at answer
  bool same_dc = false;  // answering owner in the call's node's DC
  int failed[kFailCauses] = {0, 0, 0, 0};
  bool misrouted = false;  // had a stale_view failure
  bool dropped_after_answer = false;
  Time patience = Time::max();
  Time handle;
  Time acw;  // the after-call work drawn for it (aht_s)
};

// One routing decision of URS_N (routing.csv).
struct RoutingDecision {
  Time at;
  uint64_t call = 0;
  int node = -1;
  int group = 0;
  int eligible = 0;       // eligible DNs of the group admitted by routing_mode, in SS_N
  int excluded_oos = 0;   // DNs of the group OOS in SS_N
  int excluded_busy = 0;  // InSrv and logged in but not Ready, busy or reserved in SS_N
  int stale = 0;          // eligible in SS_N, not available to N in the truth
  int chosen_dn = -1;
  int chosen_owner = -1;
  DecisionResult result = DecisionResult::offer;
};

}  // namespace scsim::model
