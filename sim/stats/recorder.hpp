// The run recorder: an Observer of the Cluster that turns its observations into the tidy CSV
// files of a results directory (DOMAIN §6.3, issue 5):
//   dn_views.csv   per DN x view (the truth, view_N, SS_N): intervals [from, to) of constant
//                  (owner, service, agent state); open intervals are closed at the end time
//   ownership.csv  every change of a DN's truth owner, with its cause
//   conflicts.csv  every split-brain conflict (R67, R68) with its coexistence time
//   links.csv      per TC link end (kind tc) and per GWS-node connection end (kind gws:
//                  node or peer a GWS node's name): state intervals
//   staleness.csv  per SS_M, DN and level (service, eligibility): windows where SS_M disagrees
//                  with the truth as seen from M (DOMAIN end of §3), false-up or false-down,
//                  remote or local, dropping those under staleness_min_window
//   events.csv     only when tracing: every executed event (time, seq, priority, kind, target,
//                  arg, and the event readable: Cluster::describe_event)
//   view_series.csv  per time bin (stats_interval) and view level (truth, view_N, SS_N): the
//                  mean and end-of-bin number of DNs in service and eligible (small: levels x
//                  bins rows), for drawing availability without dn_views.csv
// Which of these files are written is RecorderOptions::recording's choice (stats/recording.hpp):
// the intervals and windows are followed whatever is written, so summary.csv is the same.
//   summary.csv    per view level and node: seconds InSrv, OOS, eligible summed over DNs;
//                  ownership changes per cause; conflicts; per link end: seconds per state and
//                  declaration/resync counts; staleness count, total and longest
// Every file has a header row and starts with the `seed` and `scenario` columns; times are
// seconds with six decimals (format_time).
//
// Invariants kept here: rows are streamed as intervals close, so memory is bounded by the
// model's size (levels x DNs, link ends), never by the run's length. Changes within one instant
// are merged: an interval that lasts no time is no row, and two adjacent intervals with the same
// state are one row (DOMAIN "same instant": comparisons use the state at the end of each
// instant). Output depends only on the observations, never on the wall clock: equal runs give
// equal bytes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "model/cluster.hpp"
#include "stats/csv.hpp"
#include "stats/recording.hpp"
#include "stats/staleness.hpp"

namespace scsim::stats {

struct RunLabel {
  uint64_t seed = 0;
  std::string scenario;
};

struct RecorderOptions {
  bool trace = false;     // write events.csv (as recording's `events`)
  bool staleness = true;  // follow staleness windows (summary rows; staleness.csv if recorded)
  Recording recording = Recording::every();  // which files are written, compressed or not
};

class Recorder : public model::Observer {
 public:
  // Opens the files in `dir` (which must exist) and snapshots the cluster's current state as
  // the start of every interval. Register it with cluster.add_observer(&recorder) before running.
  Recorder(const model::Cluster& cluster, const std::filesystem::path& dir, RunLabel label,
           RecorderOptions options = {});
  ~Recorder() override;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void on_dn_view(const model::DnViewChange& c) override;
  // The next event may change the DN at this level: its slot (and its staleness pair) start
  // loading (MODEL.md choice 98).
  void prefetch_dn(model::ViewLevel level, int node, int dn) const override;
  bool wants_prefetch() const override { return true; }
  void on_ownership(const model::OwnershipChange& c) override;
  void on_link(const model::LinkChange& c) override;
  void on_node(const model::NodeChange& c) override;
  void on_conflict(const model::Conflict& c) override;
  // GWS-node connection ends (issue 21 §6): lanes of links.csv named by the GWS and the node.
  void on_gws_link(const model::GwsLinkChange& c) override;
  bool wants_gws_links() const override;
  void on_event(const FiredEvent& f) override;
  // Staleness windows are evaluated at the end of each instant.
  void on_instant_end(Time t) override;
  bool wants_instant_ends() const override { return staleness_ != nullptr; }

  // Closes every open interval and window at `end`, writes summary.csv and closes the files.
  // Throws std::runtime_error if a file could not be written.
  void finish(Time end);

  // Counters for the command line's one-line summary.
  uint64_t ownership_changes() const { return ownership_changes_; }
  uint64_t conflicts() const { return conflict_count_; }
  uint64_t staleness_windows() const;

  // Flushes the streams (used by the interrupted-run test hook before it kills the process).
  void flush();

 private:
  struct Interval;
  struct IntervalSet;
  struct StateSet;
  struct ViewSeries;
  template <class Set>
  void view_change(Set& set, int key, int li, const model::DnViewChange& c);
  template <class Set>
  void finish_views(Set& set, int64_t t);

  const std::string& node_name(int node) const;  // "" for -1
  void write_dn_view_row(int key, const Interval& iv);
  void write_link_row(int key, const Interval& iv);
  void write_gws_link_row(int key, const Interval& iv);
  void write_summary(Time end);

  const model::Cluster& cluster_;
  RunLabel label_;
  RecorderOptions options_;
  int nodes_ = 0;
  int dns_ = 0;
  int levels_ = 1;  // the truth, then view_N and SS_N of every node
  // A DN's levels side by side (a change at one level is mostly followed by the others).
  int view_key(int level, int dn) const { return dn * levels_ + level; }
  int prefetched_dn_ = -1;  // the DN whose slots on_dn_view last prefetched

  CsvWriter dn_views_, ownership_, conflicts_, links_, summary_;
  std::unique_ptr<CsvWriter> events_;

  // key: view_key(level index, dn); with dn_views.csv the intervals (views_), without it only
  // the current states (view_states_: 16 bytes a slot, half the memory to touch).
  std::unique_ptr<IntervalSet> views_;
  std::unique_ptr<StateSet> view_states_;
  std::unique_ptr<IntervalSet> link_ends_;  // key: node * nodes + peer
  // The model's state of each link end, and node liveness: a link end whose node or peer is
  // down is recorded as peer_down (DOMAIN §6.3 "Links"; issue 17), whatever the model holds.
  std::vector<model::LinkEndState> link_model_;
  std::vector<char> alive_;
  void set_link_shown(int key, Time at);
  // GWS-node connection ends: key (gws * nodes + node) * 2 + (0: GWS end, 1: node end); a lane
  // is written from its first report on (gws_seen_).
  std::unique_ptr<IntervalSet> gws_ends_;
  std::vector<char> gws_seen_;
  std::unique_ptr<StalenessTracker> staleness_;
  std::unique_ptr<ViewSeries> series_;

  // Summary accumulators.
  std::vector<std::array<int64_t, 3>> view_time_us_;   // per level index: InSrv, OOS, eligible
  std::vector<std::array<int64_t, 5>> link_time_us_;   // per link end: per LinkEndState
  std::vector<std::array<uint64_t, 5>> link_entries_;  // per link end: entries into a state
  std::array<uint64_t, 8> ownership_by_cause_{};
  uint64_t ownership_changes_ = 0;
  uint64_t conflict_count_ = 0;
  int64_t conflict_total_us_ = 0;
  int64_t conflict_max_us_ = 0;
  bool finished_ = false;
};

}  // namespace scsim::stats
