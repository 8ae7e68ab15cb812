// The one run facade (issue 11 §3): every front end (`scsim run`, `scsim compare`, the GUI,
// the benches, the tests) builds, observes, runs and ends a run through it, so the same
// (scenario, seed, timeline) gives the same events, fingerprint and CSV bytes wherever it runs.
//
// Simulation builds the cluster from the scenario's spec, schedules the timeline in the order
// given (the scheduler's insertion sequence is part of the fingerprint, so every front end must
// schedule the same list in the same order) and sets the run's limits. Observers are attached
// in one order: the result writers (record_to), the invariant checker (check_invariants), then
// the caller's (observe). finish() is the only place that orders the end of a run.
//
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
#include "stats/invariants.hpp"
#include "stats/recorder.hpp"

namespace scsim::run {

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

// The cluster of a run, with its timeline scheduled and its limits set (Simulation uses it;
// so do the benches that time the bare model).
std::unique_ptr<model::Cluster> build_cluster(const scenario::Scenario& sc, uint64_t seed,
                                              const std::vector<model::Action>& timeline, Time end,
                                              const RunLimits& limits);

// What run.csv records about how the run was asked for.
struct RunInfo {
  std::optional<Time> until;
  bool trace = false;
  bool check_invariants = false;
  size_t warnings = 0;  // run/lint.hpp's, before and after the run
  std::string version = "unknown";
  std::string git_commit = "unknown";
};

class Simulation {
 public:
  // `timeline`: the actions to schedule (default: the scenario's own); `end`: the run's end
  // (default: the scenario's duration).
  Simulation(const scenario::Scenario& sc, uint64_t seed, std::optional<Time> end = std::nullopt,
             const RunLimits& limits = RunLimits{},
             const std::vector<model::Action>* timeline = nullptr);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Attaches the writers of a results directory: the Recorder (dn_views, ownership, links,
  // staleness, summary; events.csv with `trace`) and CallStats (calls, routing, intervals,
  // periods, episodes, call_summary). `calls_only`: CallStats alone (scsim compare).
  // `recording` (stats/recording.hpp): which of their files are written and whether
  // compressed; `trace` adds events.csv. Events and fingerprint are the same whatever it is.
  void record_to(const std::filesystem::path& dir, bool trace = false, bool calls_only = false,
                 const stats::Recording& recording = {});
  // What record_to was asked to write (run.csv's `record` and `compress` rows).
  const stats::Recording& recording() const { return recording_; }
  // Attaches the invariant checker of --check-invariants; a violation stops the run.
  void check_invariants();
  // Attaches a caller's observer, after the ones above.
  void observe(model::Observer* o);

  StopReason run_until(Time t);
  StopReason run() { return run_until(end_); }
  bool step();

  // Ends the run in its one order: the invariant checker's last check (a double claim still
  // pending), then, when the run was not stopped early and no invariant broke, the recorder's
  // open intervals, the calls still in progress (outcome in_progress) and the call statistics.
  // Returns true when the run is complete and its results may be written. Once only.
  bool finish();
  // Writes run.csv (scenario, file hash, seed, parameters, limits, version, events,
  // fingerprint, stop reason) into dir.
  void write_run_csv(const std::filesystem::path& dir, const RunInfo& info) const;

  model::Cluster& cluster() { return *cluster_; }
  const model::Cluster& cluster() const { return *cluster_; }
  const scenario::Scenario& scenario() const { return sc_; }
  uint64_t seed() const { return seed_; }
  Time end() const { return end_; }
  const RunLimits& limits() const { return limits_; }
  StopReason stop_reason() const { return reason_; }
  // Stopped by the end time or an empty queue (not by a limit), and no invariant broke.
  bool completed() const;
  const stats::InvariantChecker* checker() const { return checker_.get(); }
  const stats::Recorder* recorder() const { return recorder_.get(); }
  stats::Recorder* recorder() { return recorder_.get(); }
  const stats::CallStats* call_stats() const { return call_stats_.get(); }

 private:
  scenario::Scenario sc_;
  std::vector<model::Action> timeline_;  // the actions scheduled
  uint64_t seed_;
  Time end_;
  RunLimits limits_;
  std::unique_ptr<model::Cluster> cluster_;
  std::unique_ptr<stats::Recorder> recorder_;
  std::unique_ptr<stats::CallStats> call_stats_;
  std::unique_ptr<stats::InvariantChecker> checker_;
  stats::Recording recording_;
  StopReason reason_ = StopReason::none;
  bool finished_ = false;
};

}  // namespace scsim::run
