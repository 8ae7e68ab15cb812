// Calls and routing (DOMAIN §3.8-3.9, R50-R65): arrivals, URS_N's decisions over SS_N, offers,
// failures, ringing, talk, ACW, patience and router timeouts. Part of Cluster::Impl; the
// ownership and view rules live in cluster.cpp.
//
// Routing never scans the DNs: per node, group and owner node an ordered set holds the DNs
// eligible in SS_N and not reserved, keyed by (Ready time, DN) (R55), kept up to date on every
// SS_N update (O(groups x log n) per change). Per node and group a set holds the waiting calls
// by queue place (R57).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"
#include "model/node_rules.hpp"

namespace scsim::model {

namespace {
Time draw_duration(const Distribution& d, Rng& r) {
  return seconds(std::max(0.0, d.draw(r)));
}
}  // namespace

Time draw_law(DurationLaw law, Time mean, Rng& r) {
  if (law == DurationLaw::fixed || mean <= Time::zero()) return mean;
  return seconds(draw_exponential(r, mean.to_seconds()));
}

// ------------------------------------------------------------------------------------------
// Set-up

void Cluster::Impl::init_calls() {
  std::set<std::string> names;
  for (const auto& a : spec.agents)
    names.insert(a.groups.begin(), a.groups.end());
  for (const auto& s : spec.workload.streams)
    names.insert(s.group);
  for (const auto& t : spec.workload.trace)
    names.insert(t.group);
  group_names.assign(names.begin(), names.end());
  const size_t G = group_names.size();
  auto gi = [&](const std::string& g) {
    return int(std::lower_bound(group_names.begin(), group_names.end(), g) - group_names.begin());
  };
  group_size.assign(G, 0);
  group_at.assign(size_t(D) + 1, 0);
  for (int d = 0; d < D; ++d) {
    std::vector<int> gs;
    for (const auto& g : spec.agents[d].groups)
      gs.push_back(gi(g));
    std::sort(gs.begin(), gs.end());
    gs.erase(std::unique(gs.begin(), gs.end()), gs.end());
    for (int g : gs) {
      ++group_size[g];
      group_list.push_back(g);
    }
    group_at[size_t(d) + 1] = int(group_list.size());
  }
  queues.assign(size_t(N) * G, QueueSet(QueueSet::allocator_type(&node_pool)));
  eligible_idx.assign(size_t(N) * G * N, EligibleSet(EligibleSet::allocator_type(&node_pool)));
  eligible_pos.resize(size_t(N) * group_list.size());
  staffed.assign(size_t(N) * G * N, 0);
  stale_counts_on = true;          // N <= kNodesMax (spec.hpp)
  avail_key.assign(size_t(D), N);  // no claims yet: no node can offer any DN
  avail_counts.assign(stale_counts_on ? size_t(N) * G * N * size_t(N + 2) : 0, 0);
  insrv.assign(size_t(N) * G, 0);
  route_pending.assign(N, 0);
  queued_count.assign(N, 0);
  acw_gen.assign(D, 0);
  busy_call.assign(D, -1);
  held_requests.assign(D, HeldRequest{});
  stream_count.assign(spec.workload.streams.size(), 0);
  patience_rngs = RngFamily(seed, "patience");
  handle_rngs = RngFamily(seed, "handle");
  acw_rngs = RngFamily(seed, "acw");
  for (size_t s = 0; s < spec.workload.streams.size(); ++s)
    stream_rng.push_back(&rng("arrivals", uint64_t(s)));  // std::map: the address is stable
  for (size_t s = 0; s < spec.workload.streams.size(); ++s) {
    schedule_stream(int(s), std::max(Time::zero(), spec.workload.streams[s].start));
  }
  for (size_t i = 0; i < spec.workload.trace.size(); ++i) {
    sched.schedule_at(spec.workload.trace[i].arrival, kAction,
                      Event{uint32_t(Ev::trace_arrival), uint32_t(i), 0});
  }
}

void Cluster::Impl::schedule_stream(int s, Time from) {
  // Poisson arrivals, piecewise-constant rate: by memorylessness a gap that crosses a rate
  // boundary restarts from the boundary with the new rate.
  const ArrivalStream& st = spec.workload.streams[size_t(s)];
  Rng& r = *stream_rng[size_t(s)];
  Time t = from;
  while (t < st.end) {
    double rate = st.rate_per_s;
    Time boundary = Time::max();
    if (!st.profile_per_s.empty() && st.profile_interval > Time::zero()) {
      int64_t k = (t - st.start).micros() / st.profile_interval.micros();
      rate = st.profile_per_s[size_t(std::min<int64_t>(k, int64_t(st.profile_per_s.size()) - 1))];
      if (k + 1 < int64_t(st.profile_per_s.size())) {
        boundary = st.start + st.profile_interval * (k + 1);
      }
    }
    if (!(rate > 0)) {
      if (boundary == Time::max()) return;
      t = boundary;
      continue;
    }
    Time gap = seconds(draw_exponential(r, 1.0 / rate));
    if (boundary != Time::max() && t + gap >= boundary) {
      t = boundary;
      continue;
    }
    Time at = t + gap;
    if (at >= st.end) return;
    sched.schedule_at(at, kAction, Event{uint32_t(Ev::stream_arrival), uint32_t(s), 0});
    return;
  }
}

// ------------------------------------------------------------------------------------------
// Arrivals

void Cluster::Impl::call_arrives(int dc, int node, int group, Time patience, Time handle,
                                 Time acw) {
  Time now = sched.now();
  CallRecord rec;
  rec.id = next_call_id++;
  rec.arrival = now;
  rec.dc = dc;
  rec.group = group;
  rec.patience = patience;
  rec.handle = handle;
  rec.acw = acw;
  if (node < 0) {
    // R56: the DC's proxy gives the call to a node it believes alive.
    Proxy& px = proxies[size_t(dc)];
    std::vector<int> alive;
    for (size_t i = 0; i < px.nodes.size(); ++i) {
      if (px.believed_alive[i]) alive.push_back(px.nodes[i]);
    }
    if (!alive.empty()) {
      if (P.call_node_selection == CallNodeSelection::random) {
        node = alive[rng("call-node", uint64_t(dc)).below(alive.size())];
      } else {
        node = alive[px.rr_call++ % alive.size()];
      }
    }
  } else {
    rec.dc = nodes[node].dc;
  }
  rec.node = node;
  if (node < 0 || !nodes[node].alive) {
    // R42: no live node, or a dead one the proxy has not noticed: lost at arrival.
    rec.outcome = CallOutcome::lost_node_failure;
    rec.ended = now;
    rec.wait = Time::zero();
    for (Observer* o : observers)
      o->on_call(rec);
    return;
  }
  uint32_t slot;
  if (!free_calls.empty()) {
    slot = free_calls.back();
    free_calls.pop_back();
  } else {
    slot = uint32_t(calls.size());
    calls.emplace_back();
  }
  Call& c = calls[slot];
  uint32_t gen = c.gen;
  c = Call{};
  c.gen = gen;
  c.live = true;
  c.pos = next_pos++;
  c.handle = handle;
  c.acw = acw;
  c.rec = rec;
  if (++active_calls > call_limit) sched.request_stop(StopReason::call_limit);
  if (patience != Time::max()) {
    c.patience_at = now + patience;
    sched.schedule_at(c.patience_at, kTimer,
                      Event{uint32_t(Ev::patience), slot, uint64_t(c.gen) << 32});
  }
  enqueue(slot);
}

// ------------------------------------------------------------------------------------------
// Indexes over SS_N

bool Cluster::Impl::admitted(int n, int owner) const {
  switch (P.routing_mode) {
    case RoutingMode::auto_:
      return true;  // R53: the eligible set spans the cluster
    case RoutingMode::local_node:
      return owner == n;  // R54
    case RoutingMode::local_dc:
      return nodes[owner].dc == nodes[n].dc;
  }
  return true;
}

int Cluster::Impl::admitted_staffed(int n, int g) const {
  int total = 0;
  for (int o = 0; o < N; ++o) {
    if (admitted(n, o)) total += staffed[ngo(n, g, o)];
  }
  return total;
}

void Cluster::Impl::index_dn(int n, int d) {
  StatCell& cell = nodes[n].stat[d];
  const DnView& v = cell.view;
  IndexedDn nw;
  nw.owner = v.owner;
  nw.ready_us = v.ready_since.micros();
  nw.insrv = v.owner >= 0 && v.in_service;
  nw.staffed = nw.insrv && v.agent != AgentState::logged_out;
  nw.eligible = v.eligible() && !cell.reserved;
  IndexedDn& old = cell.idx;
  if (old.owner == nw.owner && old.ready_us == nw.ready_us && old.insrv == nw.insrv &&
      old.staffed == nw.staffed && old.eligible == nw.eligible) {
    return;
  }
  for (int k = group_at[d]; k < group_at[size_t(d) + 1]; ++k) {
    const int g = group_list[size_t(k)];
    EligibleSet::iterator& pos = eligible_pos[size_t(n) * group_list.size() + size_t(k)];
    if (old.eligible) {
      eligible_idx[ngo(n, g, old.owner)].erase(pos);
      if (stale_counts_on) --avail_counts[ngo(n, g, old.owner) * size_t(N + 2) + avail_key[d]];
    }
    if (nw.eligible) {
      // Ready times mostly arrive in order: hinted at the end, the insert is O(1) then.
      EligibleSet& set = eligible_idx[ngo(n, g, nw.owner)];
      pos = set.insert(set.end(), {nw.ready_us, d});
      if (stale_counts_on) ++avail_counts[ngo(n, g, nw.owner) * size_t(N + 2) + avail_key[d]];
    }
    insrv[ng(n, g)] += int(nw.insrv) - int(old.insrv);
    if (old.staffed != nw.staffed || old.owner != nw.owner) {
      int before = admitted_staffed(n, g);
      if (old.staffed) --staffed[ngo(n, g, old.owner)];
      if (nw.staffed) ++staffed[ngo(n, g, nw.owner)];
      staffed_changed(n, g, before, admitted_staffed(n, g));
    }
  }
  old = nw;
}

void Cluster::Impl::staffed_changed(int n, int g, int before, int after) {
  // R63: the router clock runs only while no staffed DN of the group is admitted.
  if ((before == 0) == (after == 0)) return;
  for (const auto& [pos, slot] : queues[ng(n, g)]) {
    ++calls[slot].router_step;
    if (after == 0) arm_router_timer(slot);
  }
}

void Cluster::Impl::arm_router_timer(uint32_t slot) {
  Call& c = calls[slot];
  if (P.router_timeout <= Time::zero()) return;
  if (admitted_staffed(c.rec.node, c.rec.group) > 0) return;
  ++c.router_step;
  sched.schedule_after(
      P.router_timeout, kTimer,
      Event{uint32_t(Ev::router_timeout), slot, (uint64_t(c.gen) << 32) | c.router_step});
}

void Cluster::Impl::on_stat_update(int n, int d) {
  // R52: the reservation mark lasts until SS_N next receives an update for the DN.
  nodes[n].stat[d].reserved = false;
  // R59/R60: calls skip a failed DN until SS_N receives a new update for it.
  uint64_t key = uint64_t(n) * D + d;
  auto range = skips_by_dn.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    auto& skip = calls[it->second].skip;
    skip.erase(std::remove(skip.begin(), skip.end(), d), skip.end());
  }
  skips_by_dn.erase(range.first, range.second);
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
      bool silent = spec.agents[d].kind == DnKind::sip && !phones[d].on;
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

int Cluster::Impl::avail_key_of(int d) const {
  // available_to (above) for every node at once, but for the link between node and owner.
  const uint64_t live = claim_table.claimants(d) & alive_mask;
  if (live == 0) return N;                     // no truth owner
  if ((live & (live - 1)) != 0) return N + 1;  // several live claims
  const int o = __builtin_ctzll(live);
  const DnView& v = nodes[o].view[d];
  return v.in_service && v.agent == AgentState::ready ? o : N;
}

void Cluster::Impl::refresh_avail(int d) {
  if (!stale_counts_on) return;
  const int was = avail_key[size_t(d)];
  const int now = avail_key_of(d);
  if (now == was) return;
  if (was == N + 1) multi_dns.erase(d);
  if (now == N + 1) multi_dns.insert(d);
  avail_key[size_t(d)] = now;
  for (int n = 0; n < N; ++n) {
    const IndexedDn& idx = nodes[n].stat[d].idx;
    if (!idx.eligible) continue;
    for (int k = group_at[d]; k < group_at[size_t(d) + 1]; ++k) {
      const size_t base = ngo(n, group_list[size_t(k)], idx.owner) * size_t(N + 2);
      --avail_counts[base + size_t(was)];
      ++avail_counts[base + size_t(now)];
    }
  }
}

void Cluster::Impl::refresh_avail_all() {
  for (int d = 0; d < int(avail_key.size()); ++d)
    refresh_avail(d);
}

int Cluster::Impl::stale_count(int n, int g) const {
  if (!stale_counts_on) return stale_count_brute(n, g);
  // Owners that n cannot offer to (available_to's link test).
  uint64_t cut_from = 0;
  if (P.partition_scope == PartitionScope::network) {
    for (int t = 0; t < N; ++t) {
      if (t != n && broken(n, t)) cut_from |= uint64_t(1) << t;
    }
  }
  int stale = 0;
  for (int o = 0; o < N; ++o) {
    if (!admitted(n, o)) continue;
    const int* c = &avail_counts[ngo(n, g, o) * size_t(N + 2)];
    stale += c[N];
    for (uint64_t m = cut_from; m != 0; m &= m - 1)
      stale += c[__builtin_ctzll(m)];
  }
  for (int d : multi_dns) {
    const IndexedDn& idx = nodes[n].stat[d].idx;
    if (!idx.eligible || !admitted(n, idx.owner)) continue;
    const auto first = group_list.begin() + group_at[d];
    const auto last = group_list.begin() + group_at[size_t(d) + 1];
    if (std::find(first, last, g) != last && !available_to(n, d)) ++stale;
  }
  return stale;
}

int Cluster::Impl::stale_count_brute(int n, int g) const {
  int stale = 0;
  for (int o = 0; o < N; ++o) {
    if (!admitted(n, o)) continue;
    for (const auto& e : eligible_idx[ngo(n, g, o)]) {
      if (!available_to(n, e.second)) ++stale;
    }
  }
  return stale;
}

int Cluster::Impl::select_dn(int n, int g, const Call& c) {
  auto skipped = [&](int d) { return std::find(c.skip.begin(), c.skip.end(), d) != c.skip.end(); };
  auto first_ok = [&](int o, std::pair<int64_t, int>& out) {
    for (const auto& e : eligible_idx[ngo(n, g, o)]) {
      if (!skipped(e.second)) {
        out = e;
        return true;
      }
    }
    return false;
  };
  std::pair<int64_t, int> best{0, -1};
  bool found = false;
  auto longest_ready = [&](bool skip_self) {
    for (int o = 0; o < N; ++o) {
      if (!admitted(n, o) || (skip_self && o == n)) continue;
      std::pair<int64_t, int> e;
      // R55: Ready longest first (owner's timestamp), ties to the lowest DN.
      if (first_ok(o, e) && (!found || e < best)) {
        best = e;
        found = true;
      }
    }
  };
  switch (P.target_selection) {
    case TargetSelection::longest_ready:
      longest_ready(false);
      break;
    case TargetSelection::prefer_local:
      if (admitted(n, n) && first_ok(n, best)) return best.second;
      longest_ready(true);
      break;
    case TargetSelection::random: {
      std::vector<int> all;
      for (int o = 0; o < N; ++o) {
        if (!admitted(n, o)) continue;
        for (const auto& e : eligible_idx[ngo(n, g, o)]) {
          if (!skipped(e.second)) all.push_back(e.second);
        }
      }
      if (all.empty()) return -1;
      std::sort(all.begin(), all.end());
      return all[rng("routing", uint64_t(n)).below(all.size())];
    }
  }
  return found ? best.second : -1;
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
      bool any = false;
      for (int o = 0; o < N && !any; ++o) {
        any = admitted(n, o) && !eligible_idx[ngo(n, g, o)].empty();
      }
      if (!any) continue;
      for (const auto& [pos, slot] : q) {
        if (pos >= best_pos) break;
        int d = select_dn(n, g, calls[slot]);
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
    for (int o = 0; o < N; ++o) {
      if (admitted(n, o)) r.eligible += int(eligible_idx[ngo(n, g, o)].size());
    }
    int all_eligible = 0;
    for (int o = 0; o < N; ++o)
      all_eligible += int(eligible_idx[ngo(n, g, o)].size());
    r.excluded_oos = group_size[g] - insrv[ng(n, g)];
    r.excluded_busy = insrv[ng(n, g)] - all_eligible;
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
    bool silent = spec.agents[d].kind == DnKind::sip && !phones[d].on;
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
  if (c.rejected_skip && c.live) {
    c.skip.push_back(d);
    skips_by_dn.insert({uint64_t(n) * D + d, slot});
  }
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
    if (force_skip || P.avoid_failed_target) {
      c.skip.push_back(d);
      skips_by_dn.insert({uint64_t(n) * D + d, slot});
    }
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
  int failed = 0;
  for (int k = 0; k < kFailCauses; ++k)
    failed += c.rec.failed[k];
  if (P.redirection_limit > 0 && failed >= P.redirection_limit) {
    end_call(slot, CallOutcome::routing_failure, RoutingFailureCause::redirection_limit);  // R62
    return;
  }
  enqueue(slot);
}

void Cluster::Impl::free_agent(int owner, int d) {
  busy_call[d] = -1;
  if (owner < 0 || !nodes[owner].alive) return;
  const DnView& v = nodes[owner].view[d];
  HeldRequest h = held_requests[d];
  held_requests[d] = HeldRequest{};
  AgentState next = AgentState::ready;
  if (h.held) {
    // R16: a request held while the agent was busy applies now, in place of Ready.
    switch (h.kind) {
      case ActionKind::agent_login:
      case ActionKind::wwe_login:
        next = h.ready ? AgentState::ready : AgentState::not_ready;
        break;
      case ActionKind::agent_logout:
      case ActionKind::wwe_logout:
        next = AgentState::logged_out;
        break;
      case ActionKind::agent_not_ready:
        next = AgentState::not_ready;
        break;
      default:
        break;
    }
  }
  if (P.logout_on_oos && !v.in_service) next = AgentState::logged_out;  // R17
  owner_set_agent(owner, d, next);
}

void Cluster::Impl::end_call(uint32_t slot, CallOutcome outcome, RoutingFailureCause why) {
  Call& c = calls[slot];
  Time now = sched.now();
  if (c.phase == Call::Phase::queued) dequeue(slot);
  clear_offer_marks(slot);
  c.rejected_skip = false;
  rejection_known(slot);
  for (int d : c.skip) {
    auto range = skips_by_dn.equal_range(uint64_t(c.rec.node) * D + d);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == slot) {
        skips_by_dn.erase(it);
        break;
      }
    }
  }
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

void Cluster::Impl::release_stuck(int owner, int from) {
  // R36/R38: the owner hears from `from` again (its snapshot): agents it kept busy are freed.
  for (auto* m : {&stuck, &free_on_declare}) {
    auto it = m->find({owner, from});
    if (it == m->end()) continue;
    std::vector<HeldAgent> held = std::move(it->second);
    m->erase(it);
    release_held(owner, std::move(held));
  }
}

void Cluster::Impl::release_held(int owner, std::vector<HeldAgent> held) {
  for (const HeldAgent& h : held) {
    if (busy_call[h.dn] < 0) after_call(owner, h.dn, h.acw);
  }
}

void Cluster::Impl::after_call(int o, int d, Time acw) {
  // R65: ACW, then Ready, set by the owner.
  if (o < 0 || !nodes[o].alive) return;
  if (acw > Time::zero()) {
    owner_set_agent(o, d, AgentState::acw);
    busy_call[d] = -2;  // held by ACW
    ++acw_gen[d];
    sched.schedule_after(
        acw, kTimer, Event{uint32_t(Ev::acw_end), uint32_t(d), (uint64_t(o) << 32) | acw_gen[d]});
  } else {
    free_agent(o, d);
  }
}

void Cluster::Impl::calls_on_cut(int a, int b) {
  if (P.partition_scope != PartitionScope::network) return;  // R30 tc_layer: offers get through
  Time now = sched.now();
  for (uint32_t slot = 0; slot < calls.size(); ++slot) {
    Call& c = calls[slot];
    if (!c.live || c.owner < 0) continue;
    bool across = (c.rec.node == a && c.owner == b) || (c.rec.node == b && c.owner == a);
    if (!across) continue;
    if ((c.phase == Call::Phase::offering || c.phase == Call::Phase::ringing) && !c.out_of_reach &&
        c.dn >= 0) {
      // R60: an offer under way when a cut starts counts as out of reach from then on.
      offer_out_of_reach(slot);
    } else if (c.phase == Call::Phase::talking && P.cross_partition_call_drop_prob > 0) {
      // R37: an answered call across the cut pair is dropped with this probability.
      if (rng("drop", c.rec.id).uniform01() < P.cross_partition_call_drop_prob) {
        c.rec.dropped_after_answer = true;
        int d = c.dn;
        int o = c.owner;
        int n = c.rec.node;
        Time acw = c.acw;
        CallOutcome out = c.rec.outcome;
        end_call(slot, out, RoutingFailureCause::none);
        busy_call[d] = -1;
        (void)now;
        if (P.stuck_busy_until_resync) {
          // R37, R36: the end is an update sent on the cut link: the owner misses it, and the
          // agent stays busy until it applies the call node's snapshot (or the held end).
          stuck[{o, n}].push_back(HeldAgent{d, acw});
        } else {
          after_call(o, d, acw);  // R36 false: freed at the real end
        }
      }
    }
  }
}

void Cluster::Impl::calls_on_crash(int n) {
  for (uint32_t slot = 0; slot < calls.size(); ++slot) {
    Call& c = calls[slot];
    if (!c.live) continue;
    if (c.rec.node == n) {
      // R38: a crash ends the node's calls.
      int d = c.dn;
      int o = c.owner;
      bool holds_agent = d >= 0 && busy_call[d] == int(slot);
      CallOutcome out = CallOutcome::lost_node_failure;
      if (c.phase == Call::Phase::talking) {
        c.rec.dropped_after_answer = true;
        out = c.rec.outcome;
      }
      if (holds_agent && o >= 0 && o != n && nodes[o].alive) {
        // The agent's owner frees it when it declares the crashed node lost, or, if it already
        // has, when it applies the restarted node's snapshot.
        busy_call[d] = -1;
        if (end(o, n).state == LinkEndState::declared_lost) {
          stuck[{o, n}].push_back(HeldAgent{d, c.acw});
        } else {
          free_on_declare[{o, n}].push_back(HeldAgent{d, c.acw});
        }
      } else if (holds_agent) {
        busy_call[d] = -1;
      }
      end_call(slot, out, RoutingFailureCause::none);
    } else if (c.owner == n && c.dn >= 0 &&
               (c.phase == Call::Phase::offering || c.phase == Call::Phase::ringing) &&
               !c.out_of_reach) {
      // R60: an offer ringing when its owner crashes is out of reach from then on.
      if (busy_call[c.dn] == int(slot)) busy_call[c.dn] = -1;
      c.phase = Call::Phase::offering;
      offer_out_of_reach(slot);
    }
  }
}

// ------------------------------------------------------------------------------------------
// Call events

void Cluster::Impl::dispatch_call(Ev kind, uint32_t t, uint64_t arg) {
  Time now = sched.now();
  switch (kind) {
    case Ev::stream_arrival: {
      const ArrivalStream& st = spec.workload.streams[t];
      uint64_t k = stream_count[t]++;
      uint64_t key = (uint64_t(t) << 40) | k;
      // Common random numbers: the call's own draws, keyed by (stream, call number).
      // A fixed duration draws nothing, so its stream is not even set up.
      auto draw = [&](const Distribution& dist, const RngFamily& family) {
        if (dist.kind == Distribution::Kind::fixed) return seconds(std::max(0.0, dist.mean));
        Rng r = family(key);
        return draw_duration(dist, r);
      };
      Time patience = st.infinite_patience ? Time::max() : draw(st.patience, patience_rngs);
      Time handle = draw(st.handle, handle_rngs);
      Time acw = draw(st.acw, acw_rngs);
      int g = int(std::lower_bound(group_names.begin(), group_names.end(), st.group) -
                  group_names.begin());
      call_arrives(st.dc, st.node, g, patience, handle, acw);
      schedule_stream(int(t), now);
      break;
    }
    case Ev::trace_arrival: {
      const TraceCall& tc = spec.workload.trace[t];
      int g = int(std::lower_bound(group_names.begin(), group_names.end(), tc.group) -
                  group_names.begin());
      call_arrives(tc.dc, tc.node, g, tc.patience, tc.handle, tc.acw);
      break;
    }
    case Ev::route:
      route_pass(int(t));
      break;
    case Ev::offer_arrive:
      if (call_event_live(t, arg)) offer_arrives(t);
      break;
    case Ev::offer_fail: {
      if (!call_event_live(t, arg)) break;
      rejection_known(t);
      Call& c = calls[t];
      int failed = 0;
      for (int k = 0; k < kFailCauses; ++k)
        failed += c.rec.failed[k];
      if (P.redirection_limit > 0 && failed >= P.redirection_limit) {
        end_call(t, CallOutcome::routing_failure, RoutingFailureCause::redirection_limit);
      } else {
        enqueue(t);
      }
      break;
    }
    case Ev::offer_timeout: {
      if (!call_event_live(t, arg)) break;
      Call& c = calls[t];
      bool silent = c.phase == Call::Phase::ringing && !c.out_of_reach;
      fail_offer(t, silent ? FailCause::no_answer : FailCause::stale_view, now, false);
      break;
    }
    case Ev::answer:
      if (call_event_live(t, arg)) answer_call(t);
      break;
    case Ev::call_end: {
      if (!call_event_live(t, arg)) break;
      Call& c = calls[t];
      const int d = c.dn;
      const int o = c.owner;
      const int n = c.rec.node;
      Time acw = c.acw;
      busy_call[d] = -1;
      end_call(t, c.rec.outcome, RoutingFailureCause::none);
      if (o < 0 || !nodes[o].alive) break;
      // Whether o holds the agent, as o knows it: its claim, or R9's keeper.
      const bool o_holds =
          claim(o, d).active || (nodes[o].view[d].owner < 0 && held_last[size_t(o) * D + d] != 0);
      if (!o_holds) {
        call_end_to_believed_owner(n, o, d, acw);
        break;
      }
      if (o != n && P.stuck_busy_until_resync && (broken(n, o) || !tc_usable(n, o))) {
        // R36: the owner misses the end; the agent stays busy until it applies n's snapshot.
        stuck[{o, n}].push_back(HeldAgent{d, acw});
        break;
      }
      after_call(o, d, acw);
      break;
    }
    case Ev::held_end: {
      // R28/R36: the cut ended before a declaration; the held call end arrives now.
      int o = int(t) / N, from = int(t) % N;
      auto it = stuck.find({o, from});
      if (it == stuck.end() || !tc_usable(from, o)) break;
      std::vector<HeldAgent> held = std::move(it->second);
      stuck.erase(it);
      release_held(o, std::move(held));
      break;
    }
    case Ev::adopted_end: {
      const int o = int(t) / D, d = int(t) % D;
      if (!nodes[o].alive) break;
      NodeCtx x(*this, o);
      node::call_end_reached(x, d, Time::from_micros(int64_t(arg)));
      break;
    }
    case Ev::acw_end: {
      int d = int(t);
      if (uint32_t(arg) != acw_gen[d]) break;
      free_agent(int(arg >> 32), d);
      break;
    }
    case Ev::patience: {
      if (t >= calls.size() || !calls[t].live || (arg >> 32) != calls[t].gen) break;
      Call& c = calls[t];
      if (c.phase == Call::Phase::talking) break;
      // R64: unanswered by arrival + patience: abandoned; a ringing offer is cancelled.
      if (c.phase == Call::Phase::ringing && c.dn >= 0 && busy_call[c.dn] == int(t)) {
        busy_call[c.dn] = -1;
        if (c.owner >= 0 && nodes[c.owner].alive) free_agent(c.owner, c.dn);
      }
      end_call(t, CallOutcome::abandoned, RoutingFailureCause::none);
      break;
    }
    case Ev::router_timeout: {
      if (t >= calls.size() || !calls[t].live || (arg >> 32) != calls[t].gen) break;
      Call& c = calls[t];
      if (uint32_t(arg) != c.router_step || c.phase != Call::Phase::queued) break;
      if (admitted_staffed(c.rec.node, c.rec.group) > 0) break;
      end_call(t, CallOutcome::routing_failure, RoutingFailureCause::no_target);  // R63
      break;
    }
    default:
      break;
  }
}

}  // namespace scsim::model
