// Staleness windows of DOMAIN §6.3 (staleness.csv and summary.csv's staleness rows), followed
// for the Recorder: for every live SS_M, DN and level (service, eligibility), the windows where
// SS_M disagrees with the truth as seen from M (owner alive, reachable from M for offers,
// InSrv; eligible: also Ready), false-up or false-down, remote or local, dropping those under
// staleness_min_window.
//
// Evaluated at the end of each instant (DOMAIN "same instant"), only for the (SS_M, DN) pairs
// whose Stat Server or truth changed in it; every pair after a link change, a node crash or
// restart, or a cut or heal (Cluster::cut_changes). Rows are streamed as windows close, in
// (node, DN) order within an instant, so equal runs give equal bytes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/cluster.hpp"
#include "stats/csv.hpp"

namespace scsim::stats {

class StalenessTracker {
 public:
  struct Totals {
    uint64_t count = 0;
    int64_t total_us = 0;
    int64_t longest_us = 0;
    uint64_t open_at_end = 0;
  };

  // Writes staleness.csv in `dir` (with `prefix` as its first columns, in `mode`); the cluster's
  // current state is evaluated at the end of the instant `now`.
  StalenessTracker(const model::Cluster& cluster, const std::filesystem::path& dir,
                   std::vector<std::string> prefix, CsvMode mode, int64_t now);

  // Called before any observation at time t: evaluates the previous instant if t is later.
  void touch(int64_t t);
  // What changed in the current instant: SS_node(dn); the truth of dn; everything.
  void mark(int node, int dn);
  void mark_dn(int dn);
  void mark_all() { all_dirty_ = true; }
  // A node crashed or restarted: liveness and reachability are re-read at the instant's end.
  void liveness_changed() { reread_ = true; }
  // Evaluates the marked pairs against the state at the end of the current instant.
  void end_instant();
  // Evaluates the last instant and closes every open window at `end` (open_at_end).
  void finish(int64_t end);

  uint64_t window_count() const;
  const Totals& totals(int node, int level, bool false_up, bool remote) const {
    return totals_[static_cast<size_t>(node)][static_cast<size_t>(level)][false_up][remote];
  }
  void flush() { out_.flush(); }
  void close() { out_.close(); }

 private:
  struct Window {
    int64_t start = -1;  // -1: none open
    bool false_up = false;
    bool remote = false;
  };
  void evaluate(int m, int dn, int64_t t);
  void close(int m, int dn, int level, Window& w, int64_t t, bool at_end);
  Window& window(int m, int dn, int level) {
    return windows_[(static_cast<size_t>(m) * static_cast<size_t>(dns_) + static_cast<size_t>(dn)) *
                        2 +
                    static_cast<size_t>(level)];
  }

  const model::Cluster& cluster_;
  int nodes_, dns_;
  int64_t min_window_us_;
  CsvWriter out_;
  std::vector<Window> windows_;  // (node * dns + dn) * 2 + level
  std::vector<char> dirty_;      // node * dns + dn
  std::vector<int> dirty_list_;
  bool all_dirty_ = true;
  std::vector<char> alive_;  // per node, as of the last evaluation
  std::vector<char> reach_;  // node * nodes + peer, as of the last evaluation
  // Liveness and reachability are re-read only after a crash or restart (liveness_changed) or
  // when cluster.cut_changes() moved (not at every instant: O(nodes^2)).
  bool reread_ = true;
  uint64_t cuts_seen_ = ~uint64_t(0);
  int64_t instant_ = -1;  // time of the instant being accumulated
  bool open_ = true;      // something may have changed since the last evaluation
  // totals_[node][level][false_up][remote]
  std::vector<std::array<std::array<std::array<Totals, 2>, 2>, 2>> totals_;
};

}  // namespace scsim::stats
