// The campaign database (issue 13, SQLite C API).
//
// While a campaign runs, results go to a work database next to the results directory
// (`<parent>/.<name>.sweep.sqlite`, WAL, one transaction per run, so a kill -9 loses at most the
// runs in flight and --resume continues from what is there). finalize() writes the results
// directory's files from it: campaign.sqlite with every table's rows in run-id order (so its
// content does not depend on the order runs finished in), then summary.csv and paired.csv from
// that file. Tables (README "Campaigns"):
//   campaign   one row: name, files, hashes, seed, replications, modes, grid size, version, commit
//   knobs      position, name, column, kind of each varied knob
//   runs       run_id, point, one column per knob, mode, replication, seed, events, calls,
//              fingerprint, status (ok / failed), stop_reason, error
//   kpis       run_id x period (all + §6.4 periods) x dc x node x grp (all + groups for period
//              all): the rows of the run's periods.csv (per DC each node, `none` and the DC's
//              total `all`; then dc `all`), one column per KPI (stats::kpi_fields), NULL where
//              undefined (agent time on node and none rows, as in the CSV files)
//   episodes   run_id x episode x window (before, during, after), node all: times, kinds,
//              faults, calls ended by the fault, KPIs
//   intervals  run_id x interval x dc x node (only with --store intervals)
//   calls      run_id x seq (the row in the run's calls.csv): calls.csv's columns (only with
//              --store calls)
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "run/campaign.hpp"

namespace scsim::run {

struct Provenance {
  std::string version = "unknown";
  std::string git_commit = "unknown";
};

// The work database belongs to another campaign file (its hash differs), or is not scsim's.
class CampaignDbRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CampaignDb {
 public:
  // Opens the work database `file`, creating it with its tables when absent. An existing one
  // must be this campaign's (same file hash), else CampaignDbRefused.
  CampaignDb(const std::filesystem::path& file, const scenario::Campaign& c, const Plan& plan,
             const Provenance& prov);
  ~CampaignDb();
  CampaignDb(const CampaignDb&) = delete;
  CampaignDb& operator=(const CampaignDb&) = delete;

  // True when `file` is a campaign work database (so scsim may remove it).
  static bool is_work_db(const std::filesystem::path& file);

  // Run ids already recorded, with the seed the plan gives them (the runs --resume skips).
  std::vector<uint64_t> recorded() const;
  // Records one run in its own transaction.
  void insert(const RunResult& r);
  // Runs recorded as failed.
  uint64_t failed() const;

  // Writes dir/campaign.sqlite, dir/summary.csv and dir/paired.csv. `dir` must exist.
  void finalize(const std::filesystem::path& dir) const;

 private:
  void exec(const std::string& sql) const;
  void insert_calls(const RunResult& r);
  bool has_calls() const;
  void write_summaries(const std::filesystem::path& db_file,
                       const std::filesystem::path& dir) const;
  const scenario::Campaign& c_;
  const Plan& plan_;
  sqlite3* db_ = nullptr;
};

}  // namespace scsim::run
