// Calls and their workload: what arrives (DOMAIN §3.9, R56-R65) and what is observed when a
// call is routed and when it ends (§6.1). Plain data shared by the model, the scenario loader
// and the statistics.
//
// Common random numbers (§6.4): every draw of a call (arrival gap, patience, handle time, ACW)
// comes from a stream keyed by (seed, stream name, call key), where the call key is
// (arrival stream index, call number in that stream). The same call therefore gets the same
// arrival, patience and handle time whatever the routing mode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/time.hpp"

namespace scsim::model {

// Poisson arrivals of one group in one DC (or on one node), at a constant rate or a
// piecewise-constant profile (rate per `profile_interval`, repeating the last value).
struct ArrivalStream {
  int dc = 0;     // arrives through this DC's SIP Proxy (R56)
  int node = -1;  // >= 0: arrives directly on this node (single-node studies)
  std::string group;
  double rate_per_s = 0;
  std::vector<double> profile_per_s;  // overrides rate_per_s when not empty
  Time profile_interval;
  Time start = Time::zero();
  Time end = Time::max();
  // Durations in seconds. Patience: kind exponential with mean, or `infinite_patience`.
  Distribution patience;
  bool infinite_patience = false;
  Distribution handle;
  Distribution acw;
};

// One call of a replayed trace (CSV: arrival, dc, group, handle time, patience).
struct TraceCall {
  Time arrival;
  int dc = 0;
  int node = -1;
  std::string group;
  Time handle;
  Time patience = Time::max();  // Time::max(): never abandons
  Time acw = Time::zero();
};

struct Workload {
  std::vector<ArrivalStream> streams;
  std::vector<TraceCall> trace;
  bool empty() const { return streams.empty() && trace.empty(); }
};

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
  const char* result = "";  // "offer", "wait", "no_target", "redirection_limit", ...
};

}  // namespace scsim::model
