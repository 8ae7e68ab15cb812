#include "stats/invariants.hpp"

#include <algorithm>
#include <set>
#include <string_view>

namespace scsim::stats {

using model::CallOutcome;
using model::LinkEndState;
using model::RoutingFailureCause;

namespace {

// What is wrong with one call record's fields for its outcome; empty if nothing.
std::string outcome_problem(const model::CallRecord& r) {
  const bool answered = r.answered != Time::max();
  const bool failure = r.failure != RoutingFailureCause::none;
  switch (r.outcome) {
    case CallOutcome::answered_local:
    case CallOutcome::answered_remote:
      if (!answered) return "is answered without an answer time";
      if (failure) return "is answered with a routing failure cause";
      break;
    case CallOutcome::routing_failure:
      if (!failure) return "is a routing_failure without a cause";
      if (answered) return "is a routing_failure with an answer time";
      break;
    case CallOutcome::abandoned:
    case CallOutcome::lost_node_failure:
      if (answered) return "has an answer time";
      if (failure) return "has a routing failure cause";
      break;
    case CallOutcome::in_progress:
      if (r.ended != Time::max()) return "is in_progress with an end time";
      return "";
  }
  if (r.dropped_after_answer && !answered) return "is dropped_after_answer but was not answered";
  if (r.ended == Time::max()) return "has no end time";
  if (r.ended < r.arrival) return "ends before it arrives";
  if (answered && (r.answered < r.arrival || r.answered > r.ended)) {
    return "is answered outside [arrival, end]";
  }
  return "";
}

// R29: one state of a DN as its owner holds it (the claim time left out, see the header).
uint64_t owner_state_key(int dn, int owner, const model::DnView& v) {
  uint64_t h = mix64(uint64_t(uint32_t(dn)) * 0x9e3779b97f4a7c15ull ^ uint64_t(uint32_t(owner)));
  h = mix64(h ^ (uint64_t(v.in_service) << 8 | uint64_t(v.agent)));
  return mix64(h ^ uint64_t(v.ready_since.micros()));
}

}  // namespace

InvariantChecker::InvariantChecker(const model::Cluster& cluster)
    : cluster_(cluster),
      nodes_(cluster.node_count()),
      dns_(cluster.dn_count()),
      dirty_(static_cast<size_t>(cluster.dn_count()), 0),
      alive_(static_cast<size_t>(cluster.node_count()), 0),
      last_applied_(
          static_cast<size_t>(cluster.node_count()) * static_cast<size_t>(cluster.node_count()),
          0) {
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

Time InvariantChecker::claim_began(int dn, int node) const {
  auto it = claim_began_.find({dn, node});
  return it == claim_began_.end() ? Time::zero() : it->second;
}

void InvariantChecker::on_dn_view(const model::DnViewChange& c) {
  if (c.level != model::ViewLevel::stat) mark(c.dn);  // claims show in view_N and the truth
  if (c.level == model::ViewLevel::view && c.after.owner == c.node && c.before.owner != c.node) {
    claim_began_[{c.dn, c.node}] = c.at;  // node c.node's view names itself: its claim began
  }
  if (c.level != model::ViewLevel::view || violated()) return;
  const model::DnView& v = c.after;
  if (v.owner < 0) return;
  const uint64_t key = owner_state_key(c.dn, v.owner, v);
  if (c.node == v.owner) {
    owner_states_.insert(key);
    return;
  }
  if (!v.in_service || owner_states_.count(key)) return;
  const auto& spec = cluster_.spec();
  auto node_name = [&](int n) {
    return n >= 0 && n < nodes_ ? spec.nodes[static_cast<size_t>(n)].name : std::to_string(n);
  };
  fail("R29 violated at " + format_time(c.at) + ": view_" + node_name(c.node) + " shows DN " +
       spec.agents[static_cast<size_t>(c.dn)].dn + " owned by " + node_name(v.owner) + ", InSrv, " +
       model::to_string(v.agent) + " (Ready since " + format_time(v.ready_since) + "), a state " +
       node_name(v.owner) + " has not had as owner (a remote view is never ahead of the owner)");
}

void InvariantChecker::on_tc_apply(const model::TcApply& a) {
  if (violated()) return;
  if (a.from < 0 || a.from >= nodes_ || a.to < 0 || a.to >= nodes_) return;
  uint64_t& last = last_applied_[static_cast<size_t>(a.from) * static_cast<size_t>(nodes_) +
                                 static_cast<size_t>(a.to)];
  if (a.seq <= last) {
    const auto& spec = cluster_.spec();
    fail("R26 violated at " + format_time(a.at) + ": " + spec.nodes[size_t(a.to)].name +
         " applied " + spec.nodes[size_t(a.from)].name + "'s message #" + std::to_string(a.seq) +
         " (" + a.kind + ") after #" + std::to_string(last) +
         " (a TC link applies updates in sending order)");
    return;
  }
  last = a.seq;
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
  request_stop(StopReason::invariant);  // the model stops the run after this event
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
}

void InvariantChecker::on_node(const model::NodeChange&) {
  liveness_changed_ = true;
}

void InvariantChecker::end_instant(Time t) {
  if (violated()) return;
  for (int n = 0; n < nodes_ && liveness_changed_; ++n) {
    char a = cluster_.node_alive(n) ? 1 : 0;
    if (a != alive_[static_cast<size_t>(n)]) {
      alive_[static_cast<size_t>(n)] = a;
      all_dirty_ = true;
    }
  }
  liveness_changed_ = false;
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
    std::set<std::pair<int, int>> now_pairs, held_pairs;
    std::vector<int> live;
    for (int n : cluster_.claimants(dn))
      if (n >= 0 && n < nodes_ && alive_[static_cast<size_t>(n)]) live.push_back(n);
    auto undeclared = [](LinkEndState e) {
      return e == LinkEndState::up || e == LinkEndState::cut_undeclared;
    };
    for (size_t i = 0; i < live.size(); ++i) {
      for (size_t j = i + 1; j < live.size(); ++j) {
        int a = std::min(live[i], live[j]), b = std::max(live[i], live[j]);
        const LinkEndState ab = cluster_.link_end(a, b), ba = cluster_.link_end(b, a);
        if (ab == LinkEndState::up && ba == LinkEndState::up && !cluster_.pair_cut(a, b)) {
          now_pairs.insert({a, b});
        } else if (undeclared(ab) && undeclared(ba)) {
          held_pairs.insert({a, b});  // a cut neither end has declared: R28 holds messages
        }
      }
    }
    // Forget double claims of this DN that ended; start those that began.
    for (auto it = double_claims_.lower_bound({dn, -1, -1});
         it != double_claims_.end() && std::get<0>(it->first) == dn;) {
      auto key = std::make_pair(std::get<1>(it->first), std::get<2>(it->first));
      if (now_pairs.count(key) == 0) {
        // Ended at t: it lasted t - since, whether or not an instant fell in between.
        if (r10_too_long(it->first, it->second, t)) return;
        it = double_claims_.erase(it);
      } else {
        // A claim that ended and began again at this instant (an R8 drop, then a registration
        // accepted there) opens a new double claim: its own announcement is in flight now.
        const Time began = std::max(claim_began(dn, key.first), claim_began(dn, key.second));
        if (began > it->second.since) {
          if (r10_too_long(it->first, it->second, t)) return;
          it->second.since = began;
        }
        ++it;
      }
    }
    for (auto it = held_over_cut_.lower_bound({dn, -1, -1});
         it != held_over_cut_.end() && std::get<0>(*it) == dn;) {
      auto key = std::make_pair(std::get<1>(*it), std::get<2>(*it));
      if (held_pairs.count(key) == 0 && now_pairs.count(key) == 0) {
        it = held_over_cut_.erase(it);  // the double claim ended, or the cut was declared
      } else {
        ++it;
      }
    }
    for (const auto& [a, b] : now_pairs) {
      const auto key = std::make_tuple(dn, a, b);
      // MODEL.md choice 38: a double claim the end of an undeclared cut carries over.
      const bool carried = held_over_cut_.erase(key) > 0;
      double_claims_.emplace(key, DoubleClaim{t, carried});
    }
    for (const auto& [a, b] : held_pairs)
      held_over_cut_.insert(std::make_tuple(dn, a, b));
  }
  for (const auto& [key, claim] : double_claims_) {
    if (r10_too_long(key, claim, t)) return;
  }
}

bool InvariantChecker::r10_too_long(const std::tuple<int, int, int>& key, const DoubleClaim& claim,
                                    Time t) {
  auto [dn, a, b] = key;
  const Time delay = cluster_.one_way_delay(a, b);
  const Time allowed = claim.carried ? delay + delay : delay;
  if (t - claim.since <= allowed) return false;
  const auto& spec = cluster_.spec();
  fail("R10 violated at " + format_time(t) + ": DN " + spec.agents[static_cast<size_t>(dn)].dn +
       " is claimed by both " + spec.nodes[static_cast<size_t>(a)].name + " and " +
       spec.nodes[static_cast<size_t>(b)].name + " since " + format_time(claim.since) +
       " while their TC link is up (allowed: " +
       (claim.carried ? "two TC delays after an undeclared cut, " : "one TC delay, ") +
       format_time(allowed) + " s)");
  return true;
}

void InvariantChecker::on_call(const model::CallRecord& r) {
  if (violated()) return;
  ++calls_reported_;
  const std::string when =
      r.ended == Time::max() ? format_time(cluster_.now()) : format_time(r.ended);
  std::string problem = outcome_problem(r);
  if (!problem.empty()) {
    fail("call outcome invariant violated at " + when + ": call " + std::to_string(r.id) + " (" +
         model::to_string(r.outcome) + ") " + problem +
         " (every call ends once, with one outcome)");
    return;
  }
  if (r.id == 0) {
    fail("call outcome invariant violated at " + when + ": a call record without an id");
    return;
  }
  if (call_outcome_.size() <= r.id) call_outcome_.resize(static_cast<size_t>(r.id) + 1, 0);
  uint8_t& seen = call_outcome_[static_cast<size_t>(r.id)];
  if (seen != 0) {
    auto first = static_cast<CallOutcome>(seen - 1);
    const char* what = first == CallOutcome::in_progress
                           ? " after its in_progress record at the run's end"
                           : " after it had ended as ";
    fail("call outcome invariant violated at " + when + ": call " + std::to_string(r.id) +
         " reported again as " + model::to_string(r.outcome) + what +
         (first == CallOutcome::in_progress ? "" : model::to_string(first)) +
         " (every call ends once, with one outcome)");
    return;
  }
  seen = static_cast<uint8_t>(1 + static_cast<int>(r.outcome));
}

void InvariantChecker::on_decision(const model::RoutingDecision& d) {
  if (violated() || d.result != model::DecisionResult::offer) return;
  ++decisions_checked_;
  const auto& spec = cluster_.spec();
  auto node_name = [&](int n) {
    return n >= 0 && n < nodes_ ? spec.nodes[static_cast<size_t>(n)].name : std::to_string(n);
  };
  const std::string head = "routing invariant violated at " + format_time(d.at) + ": URS of " +
                           node_name(d.node) + " offered call " + std::to_string(d.call);
  if (d.node < 0 || d.node >= nodes_ || d.chosen_dn < 0 || d.chosen_dn >= dns_) {
    fail(head + " to DN index " + std::to_string(d.chosen_dn) + ", which does not exist");
    return;
  }
  const model::DnView& v = cluster_.stat(d.node, d.chosen_dn);
  const auto& agent = spec.agents[static_cast<size_t>(d.chosen_dn)];
  const std::string ss = "SS_" + node_name(d.node);
  std::string why;
  if (v.owner < 0 || !v.in_service) {
    why = "OOS";
  } else if (v.agent != model::AgentState::ready) {
    why = std::string(model::is_busy(v.agent) ? "busy (" : "not Ready (") +
          model::to_string(v.agent) + ")";
  } else {
    const auto& groups = cluster_.groups();
    bool in_group = d.group >= 0 && static_cast<size_t>(d.group) < groups.size() &&
                    std::find(agent.groups.begin(), agent.groups.end(),
                              groups[static_cast<size_t>(d.group)]) != agent.groups.end();
    if (!in_group) why = "eligible but outside the call's group";
  }
  if (!why.empty()) {
    fail(head + " to DN " + agent.dn + ", which " + ss + " shows " + why +
         " (no decision may pick a DN its Stat Server shows OOS or busy)");
  }
}

void InvariantChecker::check_calls_reported(uint64_t arrived) {
  if (violated()) return;
  for (uint64_t id = 1; id <= arrived; ++id) {
    if (id >= call_outcome_.size() || call_outcome_[static_cast<size_t>(id)] == 0) {
      fail("call outcome invariant violated: call " + std::to_string(id) + " of " +
           std::to_string(arrived) + " arrived but was never reported (ended or in_progress)");
      return;
    }
  }
}

}  // namespace scsim::stats
