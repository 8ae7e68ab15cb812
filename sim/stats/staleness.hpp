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

#include "core/prefetch.hpp"
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
  void mark(int node, int dn) { mark_nodes(dn, uint64_t(1) << node); }
  // A change of the DN may come next: what mark reads and writes starts loading.
  void prefetch_dn(int dn) const;
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
  // A (SS_M, DN) pair's open windows, per level: kNone, or start << 2 | false_up << 1 | remote.
  // The pairs of one DN are side by side (dn * nodes + node: 16 bytes a pair, the DN's four
  // nodes of T4 in one cache line), so a DN's evaluation reads the truth once and touches
  // one line; mark() prefetches it, as the evaluation follows at the end of the instant.
  static constexpr int64_t kNone = INT64_MIN;
  struct Pair {
    int64_t w[2] = {kNone, kNone};
  };
  static_assert(sizeof(Pair) == 16);
  // A window that closed in the current instant, for staleness.csv: rows are written at the
  // instant's end in (node, DN, level) order (evaluations run DN by DN).
  struct Row {
    int m, dn, level;
    int64_t window;  // Pair::w's encoding
    bool operator<(const Row& o) const {
      return m != o.m ? m < o.m : (dn != o.dn ? dn < o.dn : level < o.level);
    }
  };
  // The first mark of a DN in an instant stores its node set without reading the old one (a
  // DN's word is cold by then); membership is the small bit set dirty_dns_.
  void mark_nodes(int dn, uint64_t nodes) {
    uint64_t& word = dirty_dns_[static_cast<size_t>(dn) >> 6];
    const uint64_t bit = uint64_t(1) << (dn & 63);
    if (word & bit) {
      dirty_[static_cast<size_t>(dn)] |= nodes;
      return;
    }
    word |= bit;
    dirty_[static_cast<size_t>(dn)] = nodes;
    dirty_list_.push_back(dn);
    scsim::prefetch_write(&pair(0, dn));
  }
  bool marked(int dn) const {
    return (dirty_dns_[static_cast<size_t>(dn) >> 6] >> (dn & 63) & 1) != 0;
  }
  void evaluate_dn(int dn, uint64_t nodes, int64_t t);
  void close(int m, int dn, int level, int64_t& w, int64_t t, bool at_end);
  void write_rows(int64_t t, bool at_end);
  Pair& pair(int m, int dn) {
    return pairs_[static_cast<size_t>(dn) * static_cast<size_t>(nodes_) + static_cast<size_t>(m)];
  }

  const model::Cluster& cluster_;
  int nodes_, dns_;
  uint64_t all_nodes_;  // a bit per node
  int64_t min_window_us_;
  CsvWriter out_;
  std::vector<Pair> pairs_;          // dn * nodes + node
  std::vector<uint64_t> dirty_dns_;  // a bit per DN: marked in the current instant
  std::vector<uint64_t> dirty_;      // per marked DN: bit n set if (SS_n, DN) is to be evaluated
  std::vector<int> dirty_list_;      // the marked DNs
  std::vector<Row> rows_;            // windows closed in the current evaluation
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
