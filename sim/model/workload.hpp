// What arrives (DOMAIN §3.9, R56-R65): Poisson arrival streams and replayed trace calls. Plain
// data shared by the model and the scenario loader.
//
// Common random numbers (§6.4): every draw of a call (arrival gap, patience, handle time, ACW)
// comes from a stream keyed by (seed, stream name, call key), where the call key is
// (arrival stream index, call number in that stream). The same call therefore gets the same
// arrival, patience and handle time whatever the routing mode.
#pragma once

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

}  // namespace scsim::model
