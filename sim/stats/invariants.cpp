#include "stats/invariants.hpp"

#include <algorithm>
#include <set>

namespace scsim::stats {

using model::LinkEndState;

InvariantChecker::InvariantChecker(model::Cluster& cluster)
    : cluster_(cluster),
      nodes_(cluster.node_count()),
      dns_(cluster.dn_count()),
      dirty_(static_cast<size_t>(cluster.dn_count()), 0),
      alive_(static_cast<size_t>(cluster.node_count()), 0) {
  for (int n = 0; n < nodes_; ++n)
    alive_[static_cast<size_t>(n)] = cluster.node_alive(n) ? 1 : 0;
}

void InvariantChecker::mark(int dn) {
  if (dn < 0 || dn >= dns_) return;
  if (!dirty_[static_cast<size_t>(dn)]) {
    dirty_[static_cast<size_t>(dn)] = 1;
    dirty_list_.push_back(dn);
  }
}

void InvariantChecker::on_dn_view(const model::DnViewChange& c) {
  if (c.level != model::ViewLevel::stat) mark(c.dn);  // claims show in view_N and the truth
}
void InvariantChecker::on_ownership(const model::OwnershipChange& c) {
  mark(c.dn);
}
void InvariantChecker::on_link(const model::LinkChange&) {
  all_dirty_ = true;
}

void InvariantChecker::fail(std::string msg) {
  if (violated()) return;
  message_ = std::move(msg);
  // Stop the run after this event.
  cluster_.scheduler().set_event_limit(cluster_.scheduler().executed());
}

void InvariantChecker::on_event(const FiredEvent& f) {
  if (violated()) return;
  if (have_last_ && f.time < last_time_) {
    fail("time went backwards: event seq " + std::to_string(f.seq) + " at " + format_time(f.time) +
         " ran after an event at " + format_time(last_time_));
    return;
  }
  have_last_ = true;
  last_time_ = f.time;
  auto next = cluster_.scheduler().next_time();
  if (!next || *next > f.time) end_instant(f.time);
}

void InvariantChecker::end_instant(Time t) {
  if (violated()) return;
  for (int n = 0; n < nodes_; ++n) {
    char a = cluster_.node_alive(n) ? 1 : 0;
    if (a != alive_[static_cast<size_t>(n)]) {
      alive_[static_cast<size_t>(n)] = a;
      all_dirty_ = true;
    }
  }
  std::vector<int> todo;
  if (all_dirty_) {
    todo.resize(static_cast<size_t>(dns_));
    for (int d = 0; d < dns_; ++d)
      todo[static_cast<size_t>(d)] = d;
    std::fill(dirty_.begin(), dirty_.end(), 0);
    all_dirty_ = false;
  } else {
    todo.swap(dirty_list_);
    for (int d : todo)
      dirty_[static_cast<size_t>(d)] = 0;
  }
  dirty_list_.clear();
  for (int dn : todo) {
    ++checks_;
    std::set<std::pair<int, int>> now_pairs;
    std::vector<int> live;
    for (int n : cluster_.claimants(dn))
      if (n >= 0 && n < nodes_ && alive_[static_cast<size_t>(n)]) live.push_back(n);
    for (size_t i = 0; i < live.size(); ++i) {
      for (size_t j = i + 1; j < live.size(); ++j) {
        int a = std::min(live[i], live[j]), b = std::max(live[i], live[j]);
        if (cluster_.link_end(a, b) == LinkEndState::up &&
            cluster_.link_end(b, a) == LinkEndState::up && !cluster_.pair_cut(a, b)) {
          now_pairs.insert({a, b});
        }
      }
    }
    // Forget double claims of this DN that ended; start those that began.
    for (auto it = double_claims_.lower_bound({dn, -1, -1});
         it != double_claims_.end() && std::get<0>(it->first) == dn;) {
      auto key = std::make_pair(std::get<1>(it->first), std::get<2>(it->first));
      if (now_pairs.count(key) == 0) {
        it = double_claims_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [a, b] : now_pairs)
      double_claims_.emplace(std::make_tuple(dn, a, b), t);
  }
  for (const auto& [key, since] : double_claims_) {
    auto [dn, a, b] = key;
    Time allowed = cluster_.one_way_delay(a, b);
    if (t - since > allowed) {
      const auto& spec = cluster_.spec();
      fail("R10 violated at " + format_time(t) + ": DN " + spec.agents[static_cast<size_t>(dn)].dn +
           " is claimed by both " + spec.nodes[static_cast<size_t>(a)].name + " and " +
           spec.nodes[static_cast<size_t>(b)].name + " since " + format_time(since) +
           " while their TC link is up (allowed: one TC delay, " + format_time(allowed) + " s)");
      return;
    }
  }
}

}  // namespace scsim::stats
