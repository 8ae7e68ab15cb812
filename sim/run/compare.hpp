// The experiment runner of `scsim compare` (DOMAIN §6.4 item 2): a scenario run once per
// routing_mode and replication, with common random numbers (replication r runs every mode
// with the same seed, so the model's named streams give each call the same arrival, patience
// and handle time in every mode and the differences are paired), and the result files:
//   means.csv        scope x dc x node x KPI x mode: mean, sd, 95 % CI half width and n
//   differences.csv  scope x dc x node x KPI x (first mode, other mode): the paired difference
//   (first -
//                    other) with its 95 % Student-t confidence interval
//   kpis.csv         every replication x mode x scope x dc x node x KPI (the raw values)
//   runs.csv         every replication x mode: seed, events, fingerprint, calls
//   choices.csv      DOMAIN §7's model choices (Q1-Q17) in force, `differs` from the default
//   call_diff.csv    per replication, the calls (matched by id) whose outcome, wait (beyond the
//                    tolerance) or answering node differ between the first mode and another
// Scopes: `all` (the run's KPIs, warm-up excluded) and the §6.4 periods at arrival; rows (`dc`,
// `node`) = (all, all), then per DC each node of arrival, `none` (calls that found no live node)
// and the DC's total (node `all`): counts add up from nodes to DCs to all (DOMAIN §6.4 item 3;
// calls by DC and node of arrival, agent time by the agent's home DC on DC and all rows only).
//
// Determinism: replications run on worker threads; each result goes to its own slot and
// everything is written after all have finished, in replication order, so the files do not
// depend on thread timing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/scheduler.hpp"
#include "model/calls.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"

namespace scsim::run {

struct CompareOptions {
  std::vector<std::string> modes;  // routing_mode values; differences are first - other
  int replications = 5;
  uint64_t seed = 0;  // base seed: replication 0 uses it, the others a hash of it
  Time end;
  uint64_t max_events = 200'000'000;
  Time tolerance = seconds(1);  // wait difference call_diff.csv reports
  int jobs = 2;
};

// A compact call outcome, kept per replication and mode for call_diff.csv.
struct CallBrief {
  uint64_t id = 0;
  Time arrival;
  int dc = 0, node = -1, group = 0;
  model::CallOutcome outcome = model::CallOutcome::in_progress;
  Time wait;
  int dn = -1, owner = -1;
};

inline constexpr int kScopes = 1 + stats::kPeriods;
const char* scope_name(int scope);  // "all", then the periods

struct ModeRun {
  uint64_t events = 0, fingerprint = 0, calls = 0;
  StopReason reason = StopReason::empty;
  // [scope][row], rows as CallStats::row_slots(true): row 0 = all, then per DC each node of
  // arrival, the DC's `none` row and its total (node "all"); `rows` names them (dc, node).
  std::vector<std::vector<stats::Kpis>> kpis;
  std::vector<std::pair<std::string, std::string>> rows;
  std::vector<CallBrief> calls_brief;
};

struct Replication {
  uint64_t seed = 0;
  std::vector<ModeRun> modes;  // in CompareOptions::modes order
  std::string error;           // set if the replication threw
};

// The seed of replication r.
uint64_t replication_seed(uint64_t base, size_t r);

// Runs every replication (o.jobs threads) into `scratch` (per-run CallStats files, removed
// after each run); `progress(done)` is called after each replication (from worker threads).
std::vector<Replication> run_replications(const scenario::Scenario& sc, const CompareOptions& o,
                                          const std::filesystem::path& scratch,
                                          const std::function<void(int)>& progress = {});

// Writes the result files above into dir.
void write_compare_results(const std::filesystem::path& dir, const scenario::Scenario& sc,
                           const CompareOptions& o, const std::vector<Replication>& reps);

// One KPI of one (replication, mode) by name, NaN if undefined.
double kpi_value(const ModeRun& m, int scope, int row, const std::string& name);
// The row of (dc, node) in m.kpis[scope] (node "all" for the DC's total); -1 if none.
int kpi_row(const ModeRun& m, const std::string& dc, const std::string& node);

}  // namespace scsim::run
