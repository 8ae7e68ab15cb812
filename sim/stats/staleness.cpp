#include "stats/staleness.hpp"

#include "core/prefetch.hpp"

#include <algorithm>

namespace scsim::stats {

using model::AgentState;
using model::DnView;

namespace {

constexpr int64_t window_start(int64_t w) {
  return w >> 2;
}
constexpr bool window_false_up(int64_t w) {
  return (w & 2) != 0;
}
constexpr bool window_remote(int64_t w) {
  return (w & 1) != 0;
}

}  // namespace

StalenessTracker::StalenessTracker(const model::Cluster& c, const std::filesystem::path& dir,
                                   std::vector<std::string> prefix, CsvMode mode, int64_t now)
    : cluster_(c),
      nodes_(c.node_count()),
      dns_(c.dn_count()),
      all_nodes_(nodes_ >= 64 ? ~uint64_t(0) : (uint64_t(1) << nodes_) - 1),
      min_window_us_(c.params().staleness_min_window.micros()),
      out_(dir / "staleness.csv", std::move(prefix), mode),
      pairs_(static_cast<size_t>(nodes_) * static_cast<size_t>(dns_)),
      dirty_dns_((static_cast<size_t>(dns_) + 63) / 64, 0),
      dirty_(static_cast<size_t>(dns_), 0),
      alive_(static_cast<size_t>(nodes_), 0),
      reach_(static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_), 0),
      instant_(now),  // the initial state is evaluated at the first instant's end
      totals_(static_cast<size_t>(nodes_)) {
  out_.header(
      {"node", "dn", "agent", "level", "kind", "scope", "from", "to", "duration", "open_at_end"});
}

void StalenessTracker::prefetch_dn(int dn) const {
  prefetch_write(&dirty_dns_[static_cast<size_t>(dn) >> 6]);
  prefetch_write(&dirty_[static_cast<size_t>(dn)]);
  // The DN's windows at every node (side by side: one line on T4), which the instant's end
  // evaluates.
  prefetch_write(&pairs_[static_cast<size_t>(dn) * static_cast<size_t>(nodes_)]);
}

void StalenessTracker::mark_dn(int dn) {
  // The truth changed: every node's Stat Server cell of the DN is read at the instant's end,
  // most of them untouched since the DN's last change; fetched now.
  if (!marked(dn) || dirty_[static_cast<size_t>(dn)] != all_nodes_) {
    for (int n = 0; n < nodes_; ++n)
      scsim::prefetch(&cluster_.stat(n, dn));
  }
  mark_nodes(dn, all_nodes_);
}

void StalenessTracker::touch(int64_t t) {
  if (instant_ >= 0 && t > instant_) end_instant();
  instant_ = t;
  open_ = true;
}

void StalenessTracker::end_instant() {
  if (instant_ < 0 || !open_) return;
  open_ = false;
  // Liveness and reachability change with crashes, restarts and cuts: re-evaluate all then.
  const uint64_t cc = cluster_.cut_changes();
  for (int n = 0; n < nodes_ && (reread_ || cc != cuts_seen_); ++n) {
    char a = cluster_.node_alive(n) ? 1 : 0;
    if (a != alive_[static_cast<size_t>(n)]) {
      alive_[static_cast<size_t>(n)] = a;
      all_dirty_ = true;
    }
    for (int p = 0; p < nodes_; ++p) {
      if (p == n) continue;
      char r = cluster_.reachable_for_offers(n, p) ? 1 : 0;
      size_t k = static_cast<size_t>(n) * static_cast<size_t>(nodes_) + static_cast<size_t>(p);
      if (r != reach_[k]) {
        reach_[k] = r;
        all_dirty_ = true;
      }
    }
  }
  reread_ = false;
  cuts_seen_ = cc;
  if (all_dirty_) {
    for (int dn = 0; dn < dns_; ++dn)
      evaluate_dn(dn, all_nodes_, instant_);
    all_dirty_ = false;
    std::fill(dirty_dns_.begin(), dirty_dns_.end(), 0);
  } else {
    std::sort(dirty_list_.begin(), dirty_list_.end());
    for (int dn : dirty_list_) {
      evaluate_dn(dn, dirty_[static_cast<size_t>(dn)], instant_);
      dirty_dns_[static_cast<size_t>(dn) >> 6] &= ~(uint64_t(1) << (dn & 63));
    }
  }
  dirty_list_.clear();
  write_rows(instant_, false);
}

// Evaluates the pairs (SS_m, dn) of the nodes m in `nodes` against the truth as seen from m.
void StalenessTracker::evaluate_dn(int dn, uint64_t nodes, int64_t t) {
  // The truth: its owner (once per DN), and the owner's view of the DN (what Cluster::truth
  // reports) when some evaluated node sees the owner.
  const int owner = cluster_.truth_owner(dn);
  const bool owner_alive = owner >= 0 && alive_[static_cast<size_t>(owner)];
  bool truth_read = false;
  bool tr_in_service = false, tr_ready = false;
  Pair* pairs = &pair(0, dn);
  for (uint64_t left = nodes; left != 0; left &= left - 1) {
    const int m = __builtin_ctzll(left);
    const bool live = alive_[static_cast<size_t>(m)] != 0;
    bool ss[2] = {false, false}, tr[2] = {false, false};
    if (live) {
      const DnView& s = cluster_.stat(m, dn);
      ss[0] = s.in_service;
      ss[1] = s.eligible();
      if (owner_alive &&
          (owner == m || reach_[static_cast<size_t>(m) * static_cast<size_t>(nodes_) +
                                static_cast<size_t>(owner)])) {
        if (!truth_read) {
          const DnView& tv = cluster_.view(owner, dn);
          tr_in_service = tv.in_service;
          tr_ready = tv.in_service && tv.agent == AgentState::ready;
          truth_read = true;
        }
        tr[0] = tr_in_service;
        tr[1] = tr_ready;
      }
    }
    Pair& p = pairs[m];
    for (int level = 0; level < 2; ++level) {
      int64_t& w = p.w[level];
      const bool disagree = live && ss[level] != tr[level];
      const bool up = ss[level];
      if (w != kNone && (!disagree || window_false_up(w) != up)) close(m, dn, level, w, t, false);
      if (disagree && w == kNone) {
        w = static_cast<int64_t>(static_cast<uint64_t>(t) << 2) | (up ? 2 : 0) |
            (owner != m ? 1 : 0);
      }
    }
  }
}

void StalenessTracker::close(int m, int dn, int level, int64_t& w, int64_t t, bool at_end) {
  const int64_t dur = t - window_start(w);
  if (dur > 0 && dur >= min_window_us_) {
    Totals& tot = totals_[static_cast<size_t>(m)][static_cast<size_t>(level)][window_false_up(w)]
                         [window_remote(w)];
    ++tot.count;
    tot.total_us += dur;
    tot.longest_us = std::max(tot.longest_us, dur);
    if (at_end) ++tot.open_at_end;
    if (out_.on()) rows_.push_back(Row{m, dn, level, w});
  }
  w = kNone;
}

// Writes the windows closed at t, in (node, DN, level) order.
void StalenessTracker::write_rows(int64_t t, bool at_end) {
  if (rows_.empty()) return;
  std::sort(rows_.begin(), rows_.end());
  const auto& spec = cluster_.spec();
  for (const Row& r : rows_) {
    const auto& agent = spec.agents[static_cast<size_t>(r.dn)];
    const int64_t start = window_start(r.window);
    out_.field(spec.nodes[static_cast<size_t>(r.m)].name)
        .field(agent.dn)
        .field(agent.name)
        .field(r.level == 0 ? "service" : "eligibility")
        .field(window_false_up(r.window) ? "false_up" : "false_down")
        .field(window_remote(r.window) ? "remote" : "local")
        .field(Time::from_micros(start))
        .field(Time::from_micros(t))
        .field(Time::from_micros(t - start))
        .field(at_end);
    out_.end_row();
  }
  rows_.clear();
}

void StalenessTracker::finish(int64_t end) {
  touch(end);
  end_instant();
  for (int m = 0; m < nodes_; ++m) {
    for (int dn = 0; dn < dns_; ++dn) {
      for (int level = 0; level < 2; ++level) {
        int64_t& w = pair(m, dn).w[level];
        if (w != kNone) close(m, dn, level, w, end, true);
      }
    }
  }
  write_rows(end, true);
}

uint64_t StalenessTracker::window_count() const {
  uint64_t n = 0;
  for (const auto& per_node : totals_)
    for (const auto& per_level : per_node)
      for (const auto& per_kind : per_level)
        for (const auto& t : per_kind)
          n += t.count;
  return n;
}

}  // namespace scsim::stats
