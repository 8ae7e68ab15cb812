// The call lifecycle (DOMAIN §3.8-3.9, R50-R64): a call waits in its node's queue, URS_N
// (urs.hpp) picks a target from SS_N, the offer travels to the DN's owner, rings, is answered
// or fails and is requeued; patience and router timeouts end it. Part of Cluster::Impl. The
// workload is in arrivals.cpp, the agent after the call and calls under cuts and crashes in
// call_end.cpp, the ownership and view rules in the files of DOMAIN §3.1-3.7.
//
// Routing never scans the DNs: URS_N keeps its indexes in step with every SS_N update
// (index_dn), and per node and group a set holds the waiting calls by queue place (R57).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"
#include "model/node_rules.hpp"

namespace scsim::model {

// ------------------------------------------------------------------------------------------
// SS_N updates and URS_N's indexes

void Cluster::Impl::index_dn(int n, int d) {
  StatCell& cell = nodes[n].stat[d];
  const IndexedDn old = cell.idx;
  for (int g : urs.index(n, d, cell))
    staffed_changed(n, g);
  // routing.csv's stale counts (stale_counts.cpp) follow the DN's eligible set.
  if (old.eligible != cell.idx.eligible || (old.eligible && old.owner != cell.idx.owner)) {
    recount_avail(n, d, old, cell.idx);
  }
}

void Cluster::Impl::staffed_changed(int n, int g) {
  // R63: the router clock runs only while no staffed DN of the group is admitted; group g's
  // count of them just went from zero to non-zero or back.
  const bool none = urs.staffed(n, g) == 0;
  for (const auto& [pos, slot] : queues[ng(n, g)]) {
    ++calls[slot].router_step;
    if (none) arm_router_timer(slot);
  }
}

void Cluster::Impl::arm_router_timer(uint32_t slot) {
  Call& c = calls[slot];
  if (P.router_timeout <= Time::zero()) return;
  if (urs.staffed(c.rec.node, c.rec.group) > 0) return;
  ++c.router_step;
  sched.schedule_after(
      P.router_timeout, kTimer,
      Event{uint32_t(Ev::router_timeout), slot, (uint64_t(c.gen) << 32) | c.router_step});
}

void Cluster::Impl::on_stat_update(int n, int d) {
  // R52: the reservation mark lasts until SS_N next receives an update for the DN.
  StatCell& cell = nodes[n].stat[d];
  cell.reserved = false;
  // R59/R60: calls skip a failed DN until SS_N receives a new update for it.
  for (int32_t l = cell.skip_head; l >= 0;) {
    SkipLink& k = skip_links[size_t(l)];
    Call& c = calls[k.slot];
    if (c.gen == k.gen) c.skip.erase(std::remove(c.skip.begin(), c.skip.end(), d), c.skip.end());
    const int32_t next = k.next;
    k.next = free_skip_link;
    free_skip_link = l;
    l = next;
  }
  cell.skip_head = -1;
  index_dn(n, d);
  schedule_route(n);
}

void Cluster::Impl::on_view_update(int n, int d, const DnView& before, const DnView& after) {
  if (!before.in_service || after.in_service) return;
  // view_N now shows the DN OOS: offers out of reach fail (R60); ringing ones are withdrawn
  // (R61) or, at a silent phone, fail as no_answer (R60).
  std::vector<uint32_t> affected;
  for (int32_t s = nodes[n].stat[d].offer_head; s >= 0; s = calls[uint32_t(s)].offer_next)
    affected.push_back(uint32_t(s));
  for (uint32_t slot : affected) {
    Call& c = calls[slot];
    if (!c.live) continue;
    Time now = sched.now();
    if (c.phase == Call::Phase::offering && c.out_of_reach) {
      fail_offer(slot, FailCause::stale_view, now, false);
    } else if (c.phase == Call::Phase::ringing) {
      bool silent = dn_kind[d] == DnKind::sip && !phones[d].on;
      if (silent) {
        fail_offer(slot, FailCause::no_answer, now, false);
      } else if (c.out_of_reach) {
        fail_offer(slot, FailCause::stale_view, now, false);
      } else if (P.ringing_oos_policy == RingingOosPolicy::requeue) {
        fail_offer(slot, FailCause::race, now, false);
      }
    }
  }
}

void Cluster::Impl::schedule_route(int n) {
  // A pass only matters when calls wait (arrivals and requeues enqueue first).
  if (route_pending[n] || !nodes[n].alive || queued_count[n] == 0) return;
  route_pending[n] = 1;
  sched.schedule_at(sched.now(), kRouting, Event{uint32_t(Ev::route), uint32_t(n), 0});
  // The pass runs later in this instant, mostly right after the event that scheduled it, so
  // run_event's look at the next event came too early to see it (choice 98).
  if (prefetch_next) prefetch_route(n);
}

// ------------------------------------------------------------------------------------------
// Routing (URS_N over SS_N)

bool Cluster::Impl::available_to(int n, int d) const {
  // "Available to N" (end of DOMAIN §3): live truth owner reachable for offers, InSrv, Ready.
  int o = compute_truth_owner(d);
  if (o < 0 || !nodes[o].alive) return false;
  if (o != n && P.partition_scope == PartitionScope::network && broken(n, o)) return false;
  const DnView& v = nodes[o].view[d];
  return v.in_service && v.agent == AgentState::ready;
}

void Cluster::Impl::route_pass(int n) {
  route_pending[n] = 0;
  if (!nodes[n].alive) return;
  const int G = int(group_names.size());
  // R57: waiting calls pick in arrival order (queue place), each by R55.
  while (true) {
    uint32_t best_slot = 0;
    uint64_t best_pos = ~uint64_t(0);
    int best_dn = -1;
    for (int g = 0; g < G; ++g) {
      const auto& q = queues[ng(n, g)];
      if (q.empty()) continue;
      if (!urs.any_eligible(n, g)) continue;
      for (const auto& [pos, slot] : q) {
        if (pos >= best_pos) break;
        int d = urs.select(n, g, calls[slot].skip, *routing_rng[size_t(n)]);
        if (d >= 0) {
          best_pos = pos;
          best_slot = slot;
          best_dn = d;
          break;
        }
      }
    }
    if (best_dn < 0) break;
    make_offer(best_slot, best_dn);
  }
}

void Cluster::Impl::enqueue(uint32_t slot) {
  Call& c = calls[slot];
  c.phase = Call::Phase::queued;
  queues[ng(c.rec.node, c.rec.group)].insert({c.pos, slot});
  ++queued_count[c.rec.node];
  arm_router_timer(slot);  // R63: a requeue starts the clock afresh
  schedule_route(c.rec.node);
  if (!observers.empty()) {
    RoutingDecision r;
    r.at = sched.now();
    r.call = c.rec.id;
    r.node = c.rec.node;
    r.group = c.rec.group;
    r.result = DecisionResult::queued;
    for (Observer* o : observers)
      o->on_decision(r);
  }
}

void Cluster::Impl::dequeue(uint32_t slot) {
  Call& c = calls[slot];
  queued_count[c.rec.node] -= int(queues[ng(c.rec.node, c.rec.group)].erase({c.pos, slot}));
  ++c.router_step;
}

void Cluster::Impl::make_offer(uint32_t slot, int d) {
  Call& c = calls[slot];
  const int n = c.rec.node;
  const int g = c.rec.group;
  Time now = sched.now();
  dequeue(slot);
  if (!observers.empty()) {
    RoutingDecision r;
    r.at = now;
    r.call = c.rec.id;
    r.node = n;
    r.group = g;
    const Urs::Counts k = urs.counts(n, g);
    r.eligible = k.eligible;
    r.excluded_oos = k.excluded_oos;
    r.excluded_busy = k.excluded_busy;
    if (detailed_decisions) {
      r.stale = stale_count(n, g);
      if (verify_stale) {
        ++stale_checked;
        if (r.stale != stale_count_brute(n, g)) ++stale_mismatches;
      }
    }
    r.chosen_dn = d;
    r.chosen_owner = nodes[n].stat[d].view.owner;
    r.result = DecisionResult::offer;
    for (Observer* o : observers)
      o->on_decision(r);
  }
  c.phase = Call::Phase::offering;
  c.dn = d;
  ++c.step;
  c.offer_sent = now;
  c.out_of_reach = false;
  c.avail_at_decision = available_to(n, d);
  link_offer(slot);
  if (P.agent_reservation_enabled) {
    // R52: URS_N's pick is Reserved in SS_N at once.
    nodes[n].stat[d].reserved = true;
    nodes[n].stat[d].reserved_by = int32_t(slot);
    index_dn(n, d);
  }
  if (!nodes[n].view[d].in_service) {
    // R60: view_N already shows it OOS: the offer fails at once and the DN is skipped.
    fail_offer(slot, c.avail_at_decision ? FailCause::race : FailCause::stale_view, now, true);
    return;
  }
  // R58: the offer goes to the DN's truth owner at decision time.
  int o = compute_truth_owner(d);
  c.owner = o;
  if (o < 0 || !nodes[o].alive ||
      (o != n && P.partition_scope == PartitionScope::network && broken(n, o))) {
    offer_out_of_reach(slot);
    return;
  }
  Time delay = P.sip_delivery_delay + tc_delay(n, o);
  if (delay == Time::zero()) {
    offer_arrives(slot);  // no delivery delay: it reaches the owner in the same event
    return;
  }
  sched.schedule_at(now + delay, kDelivery, call_event(Ev::offer_arrive, slot));
}

void Cluster::Impl::offer_out_of_reach(uint32_t slot) {
  Call& c = calls[slot];
  // R60: fails at the earlier of sip_invite_timeout after sending and view_N showing it OOS.
  c.out_of_reach = true;
  ++c.step;
  if (!nodes[c.rec.node].view[c.dn].in_service) {
    fail_offer(slot, FailCause::stale_view, sched.now(), false);
    return;
  }
  Time at = std::max(sched.now(), c.offer_sent + P.sip_invite_timeout);
  sched.schedule_at(at, kTimer, call_event(Ev::offer_timeout, slot));
}

void Cluster::Impl::offer_arrives(uint32_t slot) {
  Call& c = calls[slot];
  const int n = c.rec.node;
  const int d = c.dn;
  const int o = c.owner;
  Time now = sched.now();
  Time round_trip = (P.sip_delivery_delay + tc_delay(n, o)) * 2;
  bool owner_ok = nodes[o].alive && compute_truth_owner(d) == o;
  const DnView& v = nodes[o].view[d];
  if (owner_ok && v.in_service && v.agent == AgentState::ready && busy_call[d] < 0) {
    // R58: the owner reserves the agent and it rings at once.
    c.phase = Call::Phase::ringing;
    busy_call[d] = int(slot);
    owner_set_agent(o, d, AgentState::ringing);
    bool silent = dn_kind[d] == DnKind::sip && !phones[d].on;
    if (silent) {
      // R60: a silent phone rings until sip_invite_timeout after sending.
      sched.schedule_at(std::max(now, c.offer_sent + P.sip_invite_timeout), kTimer,
                        call_event(Ev::offer_timeout, slot));
    } else if (P.agent_answer_delay == Time::zero()) {
      answer_call(slot);  // rings for no time: answered in the same event
    } else {
      sched.schedule_after(P.agent_answer_delay, kTimer, call_event(Ev::answer, slot));
    }
    return;
  }
  // R59: rejected; the call is back in its queue one round trip after sending.
  FailCause cause = FailCause::race;
  if (!c.avail_at_decision) {
    cause = FailCause::stale_view;
  } else if (P.agent_reservation_enabled && owner_ok && busy_call[d] >= 0 &&
             busy_call[d] != int(slot)) {
    cause = FailCause::collision;
  }
  fail_offer(slot, cause, std::max(now, c.offer_sent + round_trip), false);
}

void Cluster::Impl::answer_call(uint32_t t) {
  Time now = sched.now();
  Call& c = calls[t];
  if (c.phase != Call::Phase::ringing) return;
  const int d = c.dn;
  const int o = c.owner;
  c.phase = Call::Phase::talking;
  // R52: an answered offer did not fail: SS_N keeps its Reserved mark until its next update
  // for the DN (with zero delays that update is still on its way at this instant).
  clear_offer_marks(t, /*offer_failed=*/false);
  owner_set_agent(o, d, AgentState::talking);
  c.rec.answered = now;
  c.rec.wait = now - c.rec.arrival;
  c.rec.dn = d;
  int truth = compute_truth_owner(d);
  c.rec.dn_owner = truth;
  c.rec.outcome = truth == c.rec.node ? CallOutcome::answered_local : CallOutcome::answered_remote;
  c.rec.same_dc = truth >= 0 && nodes[truth].dc == nodes[c.rec.node].dc;
  ++c.step;
  sched.schedule_after(c.handle, kTimer, call_event(Ev::call_end, t));
}

void Cluster::Impl::link_offer(uint32_t slot) {
  Call& c = calls[slot];
  StatCell& cell = nodes[c.rec.node].stat[c.dn];
  c.in_offer_list = true;
  c.offer_prev = cell.offer_tail;
  c.offer_next = -1;
  if (cell.offer_tail >= 0) {
    calls[uint32_t(cell.offer_tail)].offer_next = int32_t(slot);
  } else {
    cell.offer_head = int32_t(slot);
  }
  cell.offer_tail = int32_t(slot);
}

void Cluster::Impl::unlink_offer(uint32_t slot) {
  Call& c = calls[slot];
  if (!c.in_offer_list) return;
  StatCell& cell = nodes[c.rec.node].stat[c.dn];
  if (c.offer_prev >= 0) {
    calls[uint32_t(c.offer_prev)].offer_next = c.offer_next;
  } else {
    cell.offer_head = c.offer_next;
  }
  if (c.offer_next >= 0) {
    calls[uint32_t(c.offer_next)].offer_prev = c.offer_prev;
  } else {
    cell.offer_tail = c.offer_prev;
  }
  c.in_offer_list = false;
  c.offer_prev = c.offer_next = -1;
}

void Cluster::Impl::clear_offer_marks(uint32_t slot, bool offer_failed) {
  Call& c = calls[slot];
  if (c.dn < 0) return;
  unlink_offer(slot);
  bool& reserved = nodes[c.rec.node].stat[c.dn].reserved;
  if (offer_failed && reserved) {
    reserved = false;  // R52: or the offer fails
    index_dn(c.rec.node, c.dn);
  }
}

void Cluster::Impl::rejection_known(uint32_t slot) {
  Call& c = calls[slot];
  const int d = c.rejected_dn;
  if (d < 0) return;
  const int n = c.rec.node;
  c.rejected_dn = -1;
  StatCell& cell = nodes[n].stat[d];
  if (cell.reserved && cell.reserved_by == int32_t(slot)) {
    cell.reserved = false;  // R52: or the offer fails (as known at the call's node)
    index_dn(n, d);
  }
  if (c.rejected_skip && c.live) add_skip(n, d, slot);
}

void Cluster::Impl::add_skip(int n, int d, uint32_t slot) {
  Call& c = calls[slot];
  c.skip.push_back(d);
  int32_t l = free_skip_link;
  if (l >= 0) {
    free_skip_link = skip_links[size_t(l)].next;
  } else {
    l = int32_t(skip_links.size());
    skip_links.emplace_back();
  }
  int32_t& head = nodes[n].stat[d].skip_head;
  skip_links[size_t(l)] = SkipLink{slot, c.gen, head};
  head = l;
}

void Cluster::Impl::fail_offer(uint32_t slot, FailCause cause, Time requeue_at, bool force_skip) {
  Call& c = calls[slot];
  const int d = c.dn;
  const int n = c.rec.node;
  ++c.rec.failed[int(cause)];
  if (cause == FailCause::stale_view) c.rec.misrouted = true;
  if (c.phase == Call::Phase::ringing && busy_call[d] == int(slot)) {
    // R60: the agent is Ready again at the owner at that instant.
    busy_call[d] = -1;
    if (c.owner >= 0 && nodes[c.owner].alive) free_agent(c.owner, d);
  }
  if (requeue_at > sched.now()) {
    // R52, R59: the call's node learns of the rejection only at requeue_at: until then its
    // Reserved mark holds (unless SS_N gets an update first) and the call does not skip yet.
    unlink_offer(slot);
    c.rejected_dn = d;
    c.rejected_skip = force_skip || P.avoid_failed_target;
  } else {
    clear_offer_marks(slot);
    if (force_skip || P.avoid_failed_target) add_skip(n, d, slot);
  }
  c.phase = Call::Phase::queued;
  c.dn = -1;
  c.owner = -1;
  ++c.step;
  schedule_route(n);
  if (requeue_at > sched.now()) {
    // Waiting for the rejection to come back: neither queued nor offering.
    c.phase = Call::Phase::offering;
    c.out_of_reach = false;
    sched.schedule_at(requeue_at, kDelivery, call_event(Ev::offer_fail, slot));
    return;
  }
  requeue(slot);
}

void Cluster::Impl::requeue(uint32_t slot) {
  // R59: back in its queue at its old place, unless R62's limit of failed offers is reached.
  const Call& c = calls[slot];
  int failed = 0;
  for (int k = 0; k < kFailCauses; ++k)
    failed += c.rec.failed[k];
  if (P.redirection_limit > 0 && failed >= P.redirection_limit) {
    end_call(slot, CallOutcome::routing_failure, RoutingFailureCause::redirection_limit);  // R62
    return;
  }
  enqueue(slot);
}

void Cluster::Impl::end_call(uint32_t slot, CallOutcome outcome, RoutingFailureCause why) {
  Call& c = calls[slot];
  Time now = sched.now();
  if (c.phase == Call::Phase::queued) dequeue(slot);
  clear_offer_marks(slot);
  c.rejected_skip = false;
  rejection_known(slot);
  c.rec.outcome = outcome;
  c.rec.failure = why;
  c.rec.ended = now;
  if (c.rec.answered == Time::max()) c.rec.wait = now - c.rec.arrival;
  if (why != RoutingFailureCause::none && !observers.empty()) {
    RoutingDecision r;
    r.at = now;
    r.call = c.rec.id;
    r.node = c.rec.node;
    r.group = c.rec.group;
    r.result = decision_result(why);
    for (Observer* o : observers)
      o->on_decision(r);
  }
  for (Observer* o : observers)
    o->on_call(c.rec);
  c.live = false;
  ++c.gen;
  c.skip.clear();
  free_calls.push_back(slot);
  --active_calls;
}

// ------------------------------------------------------------------------------------------
// Timers of a waiting call

void Cluster::Impl::patience_ends(uint32_t t) {
  Call& c = calls[t];
  if (c.phase == Call::Phase::talking) return;
  // R64: unanswered by arrival + patience: abandoned; a ringing offer is cancelled.
  if (c.phase == Call::Phase::ringing && c.dn >= 0 && busy_call[c.dn] == int(t)) {
    busy_call[c.dn] = -1;
    if (c.owner >= 0 && nodes[c.owner].alive) free_agent(c.owner, c.dn);
  }
  end_call(t, CallOutcome::abandoned, RoutingFailureCause::none);
}

void Cluster::Impl::router_timeout(uint32_t t, uint32_t router_step) {
  const Call& c = calls[t];
  if (router_step != c.router_step || c.phase != Call::Phase::queued) return;
  if (urs.staffed(c.rec.node, c.rec.group) > 0) return;
  end_call(t, CallOutcome::routing_failure, RoutingFailureCause::no_target);  // R63
}

// ------------------------------------------------------------------------------------------
// Call events: decode, generation check, one handler per kind

void Cluster::Impl::dispatch_call(Ev kind, uint32_t t, uint64_t arg) {
  switch (kind) {
    case Ev::stream_arrival:
      stream_arrives(int(t));
      break;
    case Ev::trace_arrival:
      trace_arrives(int(t));
      break;
    case Ev::route:
      route_pass(int(t));
      break;
    case Ev::offer_arrive:
      if (call_event_live(t, arg)) offer_arrives(t);
      break;
    case Ev::offer_fail:
      if (!call_event_live(t, arg)) break;
      rejection_known(t);
      requeue(t);
      break;
    case Ev::offer_timeout: {
      if (!call_event_live(t, arg)) break;
      const Call& c = calls[t];
      bool silent = c.phase == Call::Phase::ringing && !c.out_of_reach;
      fail_offer(t, silent ? FailCause::no_answer : FailCause::stale_view, sched.now(), false);
      break;
    }
    case Ev::answer:
      if (call_event_live(t, arg)) answer_call(t);
      break;
    case Ev::call_end:
      if (call_event_live(t, arg)) talk_ends(t);
      break;
    case Ev::held_end: {
      const auto [o, from] = split_pair(t, N);
      held_end_arrives(o, from);
      break;
    }
    case Ev::adopted_end: {
      const auto [o, d] = split_pair(t, D);
      if (!nodes[o].alive) break;
      NodeCtx x(*this, o);
      node::call_end_reached(x, d, Time::from_micros(int64_t(arg)));
      break;
    }
    case Ev::acw_end:
      if (uint32_t(arg) == acw_gen[t]) free_agent(int(arg >> 32), int(t));
      break;
    case Ev::patience:
      if (call_slot_live(t, arg)) patience_ends(t);
      break;
    case Ev::router_timeout:
      if (call_slot_live(t, arg)) router_timeout(t, uint32_t(arg));
      break;
    default:
      break;
  }
}

}  // namespace scsim::model
