// The shared set-up and bookkeeping of one run, used by the `scsim` command, the GUI and the
// tests, so that the same (scenario, seed, timeline) gives the same events, fingerprint and
// CSV bytes wherever it runs.
//
// build_cluster() creates the cluster from the scenario's spec, schedules the timeline in the
// order given (the scheduler's insertion sequence is part of the run fingerprint, so every
// front end must schedule the same list in the same order) and sets the run's limits.
// merge_timeline() is the one rule for adding actions (the GUI's edits) to a scenario's
// timeline: by time, the scenario's own actions first at equal times, the added ones in the
// order they were made; a scenario file written with that timeline replays identically.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/scheduler.hpp"
#include "model/cluster.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"
#include "stats/recorder.hpp"

namespace scsim::stats {

std::vector<model::Action> merge_timeline(const std::vector<model::Action>& timeline,
                                          const std::vector<model::Action>& added);

std::unique_ptr<model::Cluster> build_cluster(const scenario::Scenario& sc, uint64_t seed,
                                              const std::vector<model::Action>& timeline, Time end,
                                              uint64_t max_events);

// What run.csv records about how the run was asked for.
struct RunInfo {
  std::optional<Time> until;
  uint64_t max_events = 0;
  bool trace = false;
  bool check_invariants = false;
  std::string version = "unknown";
  std::string git_commit = "unknown";
};

// Writes run.csv (scenario, file hash, seed, parameters, version, events, fingerprint) in dir.
void write_run_csv(const std::filesystem::path& dir, const scenario::Scenario& sc, uint64_t seed,
                   const model::Cluster& cluster, StopReason reason, Time end, const RunInfo& info);

// The observers that write a results directory (recorder.hpp's files and call_stats.hpp's),
// attached to the cluster in one order and finished in one order, for every front end.
class RunRecorders {
 public:
  RunRecorders(model::Cluster& cluster, const scenario::Scenario& sc,
               const std::filesystem::path& dir, RunLabel label, bool trace);
  // Closes everything at `end` (the run's end time); run.csv is written separately.
  void finish(Time end);
  Recorder& recorder() { return recorder_; }

 private:
  model::Cluster& cluster_;
  Recorder recorder_;
  CallStats call_stats_;
};

// "%016llx": how fingerprints and hashes are printed.
std::string hex64(uint64_t v);

}  // namespace scsim::stats
