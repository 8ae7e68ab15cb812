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

// The limits every run has (issue 12 §2), so that nothing can hang or exhaust memory. A run
// stopped by one of them fails (exit 1) with the limit named, and writes no results.
struct RunLimits {
  static constexpr uint64_t kMinEvents = 50'000'000;
  static constexpr uint64_t kMaxDefaultEvents = 2'000'000'000;
  uint64_t max_events = kMinEvents;   // events executed (scsim run: scaled to the scenario)
  uint64_t max_calls = 1'000'000;     // calls in the system at once
  uint64_t max_pending = 10'000'000;  // events waiting in the queue (32 bytes each)
  uint64_t max_rss_mb = 0;            // resident memory, checked by the front end; 0: none
};

// What a scenario is expected to cost, from its workload and population, before it runs
// (`scsim run --dry-run`, the warnings and the default event limit).
struct RunEstimate {
  double arrivals = 0;        // expected calls arriving before the end
  double peak_calls = 0;      // a rough bound on calls in the system at once
  double offered_per_s = 0;   // mean arrival rate over the run
  double capacity_per_s = 0;  // agents / mean (handle + ACW): calls per second they can serve
  double events = 0;          // expected events
  // 4 x events, at least RunLimits::kMinEvents and at most kMaxDefaultEvents: a valid large
  // scenario is never stopped by a default meant for runaway ones, and a runaway one still stops
  // within about half an hour.
  uint64_t default_max_events() const;
};
RunEstimate estimate_run(const scenario::Scenario& sc, Time end);

std::unique_ptr<model::Cluster> build_cluster(const scenario::Scenario& sc, uint64_t seed,
                                              const std::vector<model::Action>& timeline, Time end,
                                              const RunLimits& limits);
inline std::unique_ptr<model::Cluster> build_cluster(const scenario::Scenario& sc, uint64_t seed,
                                                     const std::vector<model::Action>& timeline,
                                                     Time end, uint64_t max_events) {
  RunLimits limits;
  limits.max_events = max_events;
  return build_cluster(sc, seed, timeline, end, limits);
}

// What run.csv records about how the run was asked for.
struct RunInfo {
  std::optional<Time> until;
  uint64_t max_events = 0;
  uint64_t max_calls = RunLimits{}.max_calls;
  uint64_t max_pending = RunLimits{}.max_pending;
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
