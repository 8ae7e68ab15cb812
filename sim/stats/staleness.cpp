#include "stats/staleness.hpp"

#include <algorithm>

namespace scsim::stats {

using model::AgentState;
using model::DnView;

StalenessTracker::StalenessTracker(const model::Cluster& c, const std::filesystem::path& dir,
                                   std::vector<std::string> prefix, CsvMode mode, int64_t now)
    : cluster_(c),
      nodes_(c.node_count()),
      dns_(c.dn_count()),
      min_window_us_(c.params().staleness_min_window.micros()),
      out_(dir / "staleness.csv", std::move(prefix), mode),
      windows_(static_cast<size_t>(nodes_) * static_cast<size_t>(dns_) * 2),
      dirty_(static_cast<size_t>(nodes_) * static_cast<size_t>(dns_), 0),
      alive_(static_cast<size_t>(nodes_), 0),
      reach_(static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_), 0),
      instant_(now),  // the initial state is evaluated at the first instant's end
      totals_(static_cast<size_t>(nodes_)) {
  out_.header(
      {"node", "dn", "agent", "level", "kind", "scope", "from", "to", "duration", "open_at_end"});
}

void StalenessTracker::mark(int node, int dn) {
  size_t i = static_cast<size_t>(node) * static_cast<size_t>(dns_) + static_cast<size_t>(dn);
  if (!dirty_[i]) {
    dirty_[i] = 1;
    dirty_list_.push_back(static_cast<int>(i));
  }
}

void StalenessTracker::mark_dn(int dn) {
  for (int n = 0; n < nodes_; ++n)
    mark(n, dn);
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
    for (int i = 0; i < nodes_ * dns_; ++i)
      evaluate(i / dns_, i % dns_, instant_);
    all_dirty_ = false;
    std::fill(dirty_.begin(), dirty_.end(), 0);
  } else {
    std::sort(dirty_list_.begin(), dirty_list_.end());  // deterministic row order
    for (int i : dirty_list_) {
      evaluate(i / dns_, i % dns_, instant_);
      dirty_[static_cast<size_t>(i)] = 0;
    }
  }
  dirty_list_.clear();
}

void StalenessTracker::evaluate(int m, int dn, int64_t t) {
  bool live = alive_[static_cast<size_t>(m)] != 0;
  bool ss[2] = {false, false}, tr[2] = {false, false};
  int owner = cluster_.truth_owner(dn);
  if (live) {
    const DnView& s = cluster_.stat(m, dn);
    ss[0] = s.in_service;
    ss[1] = s.eligible();
    if (owner >= 0 && alive_[static_cast<size_t>(owner)] &&
        (owner == m || reach_[static_cast<size_t>(m) * static_cast<size_t>(nodes_) +
                              static_cast<size_t>(owner)])) {
      DnView tv = cluster_.truth(dn);
      tr[0] = tv.in_service;
      tr[1] = tv.in_service && tv.agent == AgentState::ready;
    }
  }
  for (int level = 0; level < 2; ++level) {
    Window& w = window(m, dn, level);
    bool disagree = live && ss[level] != tr[level];
    bool up = ss[level];
    if (w.start >= 0 && (!disagree || w.false_up != up)) {
      close(m, dn, level, w, t, false);
    }
    if (disagree && w.start < 0) {
      w.start = t;
      w.false_up = up;
      w.remote = owner != m;
    }
  }
}

void StalenessTracker::close(int m, int dn, int level, Window& w, int64_t t, bool at_end) {
  int64_t dur = t - w.start;
  if (dur > 0 && dur >= min_window_us_) {
    Totals& tot = totals_[static_cast<size_t>(m)][static_cast<size_t>(level)][w.false_up][w.remote];
    ++tot.count;
    tot.total_us += dur;
    tot.longest_us = std::max(tot.longest_us, dur);
    if (at_end) ++tot.open_at_end;
    const auto& spec = cluster_.spec();
    const auto& agent = spec.agents[static_cast<size_t>(dn)];
    out_.field(spec.nodes[static_cast<size_t>(m)].name)
        .field(agent.dn)
        .field(agent.name)
        .field(level == 0 ? "service" : "eligibility")
        .field(w.false_up ? "false_up" : "false_down")
        .field(w.remote ? "remote" : "local")
        .field(Time::from_micros(w.start))
        .field(Time::from_micros(t))
        .field(Time::from_micros(dur))
        .field(at_end);
    out_.end_row();
  }
  w.start = -1;
}

void StalenessTracker::finish(int64_t end) {
  touch(end);
  end_instant();
  for (int m = 0; m < nodes_; ++m) {
    for (int dn = 0; dn < dns_; ++dn) {
      for (int level = 0; level < 2; ++level) {
        Window& w = window(m, dn, level);
        if (w.start >= 0) close(m, dn, level, w, end, true);
      }
    }
  }
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
