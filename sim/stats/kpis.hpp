// The counts and KPIs of DOMAIN §6.1-6.2 over a set of calls and agent time: CallAggregate
// (counts of one cell: an interval, a period, a row of a run), OccupancyAggregate (agent time),
// compute_kpis (the ratios, NaN where 0 / 0) and the column table every KPI file prints
// (kpi_fields, format_kpi). Used by CallStats and by `scsim compare`.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "model/call_record.hpp"

namespace scsim::stats {

// Counts over calls (§6.1, §6.2). Calls in progress at the end are counted only in
// `in_progress`; everything else counts ended calls that arrived after warm-up.
struct CallAggregate {
  uint64_t offered = 0;
  uint64_t answered = 0;
  uint64_t answered_local = 0;
  uint64_t answered_remote = 0;
  uint64_t remote_same_dc = 0;
  uint64_t remote_other_dc = 0;
  uint64_t answered_within_t = 0;  // wait <= service_level_threshold_s
  uint64_t abandoned = 0;
  uint64_t short_abandons = 0;  // abandoned with wait < short_abandon_threshold_s
  uint64_t routing_failures = 0;
  uint64_t rf_no_target = 0;
  uint64_t rf_redirection_limit = 0;
  uint64_t lost_node_failures = 0;
  uint64_t misrouted = 0;  // calls with a stale_view failed offer
  uint64_t dropped_after_answer = 0;
  uint64_t failed_offers[model::kFailCauses] = {0, 0, 0, 0};
  uint64_t in_progress = 0;
  // Answered calls dropped (R37, R38) and calls lost with their node, counted by the time the
  // fault ended them (not by arrival): filled by CallStats, not by add().
  uint64_t ended_by_fault = 0;
  int64_t answered_wait_us = 0;  // sum of waits of answered calls
  int64_t answered_work_us = 0;  // sum of handle time + ACW of answered calls (aht_s)

  // Adds one call (already known to be counted, or in progress).
  void add(const model::CallRecord& c, Time sl_threshold, Time short_abandon_threshold);
  void merge(const CallAggregate& o);
};

// Time-weighted truth agent states (§6.2 occupancy), microseconds summed over DNs.
struct OccupancyAggregate {
  int64_t busy_us = 0;
  int64_t available_us = 0;
  int64_t ready_oos_us = 0;
  // Agent time held busy by R36 (stuck_busy_until_resync) after the real end of the call: from
  // the call's end to the owner's release of the agent (part of busy_us).
  int64_t held_r36_us = 0;
  void merge(const OccupancyAggregate& o) {
    busy_us += o.busy_us;
    available_us += o.available_us;
    ready_oos_us += o.ready_oos_us;
    held_r36_us += o.held_r36_us;
  }
};

// The KPIs of §6.2 (NaN where a ratio is 0 / 0), usable by `scsim compare`.
struct Kpis {
  double arrivals =
      0;  // offered + in progress at the end: equal in every mode (common random numbers)
  double offered = 0, answered = 0, answered_local = 0, answered_remote = 0;
  double abandoned = 0, short_abandons = 0, routing_failures = 0, lost_node_failures = 0;
  double misrouted = 0, dropped_after_answer = 0, in_progress = 0, ended_by_fault = 0;
  double rf_no_target = 0, rf_redirection_limit = 0;
  double answered_remote_same_dc = 0, answered_remote_other_dc = 0;
  double sl = NAN;                    // answered within T / (offered - short abandons)
  double asa = NAN;                   // mean wait of answered calls, seconds
  double aht = NAN;                   // mean handle time + ACW of answered calls, seconds
  double abandonment_rate = NAN;      // abandoned / offered
  double short_abandon_rate = NAN;    // short abandons / offered
  double routing_failure_rate = NAN;  // routing_failure / offered
  double rf_no_target_rate = NAN;
  double rf_redirection_limit_rate = NAN;
  double lost_node_rate = NAN;        // lost_node_failure / offered
  double remote_share = NAN;          // answered_remote / answered
  double misroute_rate = NAN;         // misrouted / offered
  double remote_same_dc_share = NAN;  // of answered_remote
  double failed_offers[model::kFailCauses] = {0, 0, 0, 0};
  double occupancy = NAN;  // busy / (busy + available)
  double busy_s = 0, available_s = 0, ready_oos_s = 0;
  double held_by_r36_s = 0;  // agent-seconds held busy by R36 after their call ended
};

Kpis compute_kpis(const CallAggregate& calls, const OccupancyAggregate& occ = {});
// Every KPI with its column name, in a fixed order (the columns of intervals.csv etc.).
struct KpiField {
  const char* name;
  double value;
  bool count;               // printed as an integer
  bool agent_time = false;  // a property of agents (by their DC), not of calls: empty on node rows
};
std::vector<KpiField> kpi_fields(const Kpis& k);
// Counts as integers, other values with six decimals, "" for NaN.
std::string format_kpi(const KpiField& f);

}  // namespace scsim::stats
