// The workload (DOMAIN §3.9, R56, R64): the calls' set-up, Poisson streams and traces, each
// call's own draws (common random numbers) and its arrival on a node. Part of Cluster::Impl;
// what happens to a call once it waits in its node's queue is in calls.cpp.
#include <algorithm>

#include "model/cluster_impl.hpp"

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
  Urs::Config uc;
  for (int n = 0; n < N; ++n)
    uc.node_dc.push_back(nodes[n].dc);
  uc.groups = int(G);
  uc.dn_groups.resize(size_t(D));
  for (int d = 0; d < D; ++d) {
    for (const auto& g : spec.agents[d].groups)
      uc.dn_groups[size_t(d)].push_back(group_index_of(g));
  }
  uc.mode = P.routing_mode;
  uc.selection = P.target_selection;
  urs = Urs(uc);
  for (int n = 0; n < N; ++n)
    routing_rng.push_back(&rng("routing", uint64_t(n)));  // std::map: the address is stable
  queues.assign(size_t(N) * G, QueueSet(QueueSet::allocator_type(&node_pool)));
  // routing.csv's stale counts are kept from the first observer that wants them
  // (enable_stale_counts); until then no view change pays for them.
  stale_counts_on = false;
  avail_key.assign(size_t(D), N);  // no claims yet: no node can offer any DN
  avail_counts.clear();
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

void Cluster::Impl::stream_arrives(int s) {
  const ArrivalStream& st = spec.workload.streams[size_t(s)];
  uint64_t k = stream_count[size_t(s)]++;
  uint64_t key = (uint64_t(s) << 40) | k;
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
  int g =
      int(std::lower_bound(group_names.begin(), group_names.end(), st.group) - group_names.begin());
  call_arrives(st.dc, st.node, g, patience, handle, acw);
  schedule_stream(s, sched.now());
}

void Cluster::Impl::trace_arrives(int i) {
  const TraceCall& tc = spec.workload.trace[size_t(i)];
  int g =
      int(std::lower_bound(group_names.begin(), group_names.end(), tc.group) - group_names.begin());
  call_arrives(tc.dc, tc.node, g, tc.patience, tc.handle, tc.acw);
}

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
  const uint32_t gen = c.gen;
  std::vector<int> skip = std::move(c.skip);  // its buffer is kept: no free, no allocation
  c = Call{};
  c.gen = gen;
  c.skip = std::move(skip);
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

}  // namespace scsim::model
