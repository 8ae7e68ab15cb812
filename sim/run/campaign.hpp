// Campaigns (issue 13): the runs of a campaign file (scenario/campaign_file.hpp) — grid point x
// replication x routing mode — executed through the run facade, on threads here and on MPI
// ranks in cli/sweep_mpi.cpp, their results gathered into one SQLite file (campaign_db.hpp).
//
// Determinism: a run's seed is a hash of (campaign seed, the grid point's knob values,
// replication), never of the thread, rank or order; every mode of one (point, replication) has
// the same seed, so the calls are the same in every mode (common random numbers, DOMAIN §6.4).
// A run's result is a pure function of (campaign, run id); the database is written in run-id
// order at the end, so its content does not depend on J, K or scheduling.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scenario/campaign_file.hpp"

namespace scsim::run {

// run_id = (point * replications + replication) * modes + mode.
struct PlannedRun {
  uint64_t run_id = 0;
  size_t point = 0;
  int mode = 0;
  int replication = 0;
  uint64_t seed = 0;
};

struct Plan {
  std::vector<std::vector<int>> grid;  // scenario::campaign_grid
  std::vector<PlannedRun> runs;        // in run-id order
};
Plan plan_campaign(const scenario::Campaign& c);

// The seed of (point, replication): a hash of the campaign seed and the point's knob values.
uint64_t run_seed(const scenario::Campaign& c, const std::vector<int>& point, int replication);

// The names of the KPIs (stats::kpi_fields order): the KPI columns of the database.
std::vector<std::string> kpi_names();

// Calls (only with Store::calls): calls.csv's header (without its seed and scenario columns)
// and its rows, as written.
struct CallRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};
// What the database keeps besides runs, kpis and episodes (`--store intervals,calls`).
struct Store {
  bool intervals = false;  // per stats interval x row KPIs
  bool calls = false;      // every call (calls.csv's columns)
  // Reads a run's calls.csv back from its scratch directory (the CLI gives the report's table
  // reader: run/ is below report/).
  std::function<CallRows(const std::filesystem::path& dir)> read_calls;
};

// The rows of the run's KPI tables (periods.csv, intervals.csv): per DC each node of arrival,
// `none` (calls that found no live node) and the DC's total (node `all`); then dc `all`.
struct KpiRow {
  std::string period;  // "all" (the run, warm-up excluded) or a §6.4 period
  std::string dc;      // "all" or a DC name
  std::string node;    // "all" (the DC's or the run's total), "none" or a node name
  std::string group;   // "all" or a group name
  std::vector<double> values;
};
struct EpisodeRow {
  int64_t episode = 0;
  std::string window;  // before, during, after
  double start_s = 0, end_s = 0;
  int64_t open_at_end = 0, kinds = 0, faults = 0, ended_by_fault = 0;
  std::vector<double> values;
};
struct IntervalRow {
  int64_t interval = 0;
  std::string dc, node;
  std::vector<double> values;
};

struct RunResult {
  uint64_t run_id = 0, seed = 0, events = 0, calls = 0, fingerprint = 0;
  bool ok = false;
  std::string stop_reason, error;
  std::vector<KpiRow> kpis;
  std::vector<EpisodeRow> episodes;
  std::vector<IntervalRow> intervals;  // only with Store::intervals
  CallRows calls_rows;                 // only with Store::calls
};

// Runs one planned run (never throws: a failure is a result with ok = false and its reason).
// `scratch`: a directory for the call statistics' files, removed afterwards.
RunResult execute_run(const scenario::Campaign& c, const Plan& plan, const PlannedRun& r,
                      const std::filesystem::path& scratch, const Store& store);

// Byte encoding of a result (MPI messages); decode(encode(r)) == r.
std::string encode_result(const RunResult& r);
RunResult decode_result(const std::string& bytes);

// Runs `todo` (indices into plan.runs) on `jobs` threads; `sink` gets every result, one at a
// time (under a lock), in completion order. Returns when all are done.
void run_on_threads(const scenario::Campaign& c, const Plan& plan, const std::vector<size_t>& todo,
                    int jobs, const std::filesystem::path& scratch, const Store& store,
                    const std::function<void(const RunResult&)>& sink);

}  // namespace scsim::run
