// The cluster model's event handlers. See cluster.hpp for the module's contract and
// docs/MODEL.md for the map from DOMAIN's rules to the functions here.
#include "model/cluster.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "model/cluster_impl.hpp"

namespace scsim::model {

const char* to_string(AgentState s) {
  switch (s) {
    case AgentState::logged_out:
      return "LoggedOut";
    case AgentState::not_ready:
      return "NotReady";
    case AgentState::ready:
      return "Ready";
    case AgentState::reserved:
      return "Reserved";
    case AgentState::ringing:
      return "Ringing";
    case AgentState::talking:
      return "Talking";
    case AgentState::acw:
      return "ACW";
  }
  return "?";
}

const char* to_string(ViewLevel l) {
  switch (l) {
    case ViewLevel::truth:
      return "truth";
    case ViewLevel::view:
      return "view";
    case ViewLevel::stat:
      return "stat";
  }
  return "?";
}

const char* to_string(LinkEndState s) {
  switch (s) {
    case LinkEndState::up:
      return "up";
    case LinkEndState::cut_undeclared:
      return "cut_undeclared";
    case LinkEndState::declared_lost:
      return "declared_lost";
    case LinkEndState::resyncing:
      return "resyncing";
    case LinkEndState::peer_down:
      return "peer_down";
  }
  return "?";
}

const char* to_string(OwnershipCause c) {
  switch (c) {
    case OwnershipCause::registration:
      return "registration";
    case OwnershipCause::move:
      return "move";
    case OwnershipCause::crash_recovery:
      return "crash_recovery";
    case OwnershipCause::gws_failover:
      return "gws_failover";
    case OwnershipCause::release:
      return "release";
    case OwnershipCause::drop:
      return "drop";
    case OwnershipCause::split_brain:
      return "split_brain";
    case OwnershipCause::expiry:
      return "expiry";
  }
  return "?";
}

namespace {
const char* msg_kind_name(MsgKind k) {
  switch (k) {
    case MsgKind::update:
      return "update";
    case MsgKind::release:
      return "release";
    case MsgKind::drop:
      return "drop";
    case MsgKind::snapshot:
      return "snapshot";
    case MsgKind::claim_request:
      return "claim_request";
    case MsgKind::retained:
      return "retained";
  }
  return "?";
}
}  // namespace

const char* to_string(ActionKind k) {
  switch (k) {
    case ActionKind::phone_on:
      return "phone_on";
    case ActionKind::phone_off:
      return "phone_off";
    case ActionKind::phone_move:
      return "phone_move";
    case ActionKind::phone_unregister:
      return "phone_unregister";
    case ActionKind::agent_login:
      return "agent_login";
    case ActionKind::agent_logout:
      return "agent_logout";
    case ActionKind::agent_ready:
      return "agent_ready";
    case ActionKind::agent_not_ready:
      return "agent_not_ready";
    case ActionKind::wwe_login:
      return "wwe_login";
    case ActionKind::wwe_logout:
      return "wwe_logout";
    case ActionKind::wwe_disconnect:
      return "wwe_disconnect";
    case ActionKind::wwe_reconnect:
      return "wwe_reconnect";
    case ActionKind::tregister:
      return "tregister";
    case ActionKind::cut:
      return "cut";
    case ActionKind::heal:
      return "heal";
    case ActionKind::crash:
      return "crash";
    case ActionKind::restart:
      return "restart";
    case ActionKind::gws_fail:
      return "gws_fail";
    case ActionKind::gws_restart:
      return "gws_restart";
    case ActionKind::gws_cut:
      return "gws_cut";
    case ActionKind::gws_heal:
      return "gws_heal";
    case ActionKind::call:
      return "call";
  }
  return "?";
}

namespace {
Time ceil_multiple(Time t, Time step) {
  if (step <= Time::zero()) return t;
  int64_t s = step.micros();
  int64_t k = (t.micros() + s - 1) / s;
  return micros(k * s);
}
bool is_fault(ActionKind k) {
  switch (k) {
    case ActionKind::cut:
    case ActionKind::heal:
    case ActionKind::crash:
    case ActionKind::restart:
    case ActionKind::phone_on:
    case ActionKind::phone_off:
    case ActionKind::phone_move:
    case ActionKind::gws_fail:
    case ActionKind::gws_restart:
    case ActionKind::gws_cut:
    case ActionKind::gws_heal:
    case ActionKind::wwe_disconnect:
    case ActionKind::wwe_reconnect:
      return true;
    default:
      return false;
  }
}
}  // namespace

// ------------------------------------------------------------------------------------------
// Construction

Cluster::Impl::Impl(ClusterSpec s, uint64_t seed_in)
    : spec(std::move(s)), P(spec.params), seed(seed_in) {
  N = static_cast<int>(spec.nodes.size());
  D = static_cast<int>(spec.agents.size());
  G = static_cast<int>(spec.gws.size());
  if (N == 0) throw std::invalid_argument("a cluster needs at least one node");
  if (N > kNodesMax || D > kDnsMax || int64_t(N) * D > kNodeDnCellsMax) {
    throw std::invalid_argument("a cluster of " + std::to_string(N) + " nodes and " +
                                std::to_string(D) + " DNs is over the model's limits (" +
                                std::to_string(kNodesMax) + " nodes, " + std::to_string(kDnsMax) +
                                " DNs, nodes x DNs <= " + std::to_string(kNodeDnCellsMax) + ")");
  }
  if (spec.dcs.empty()) throw std::invalid_argument("a cluster needs at least one DC");
  nodes.resize(N);
  for (int n = 0; n < N; ++n) {
    nodes[n].dc = spec.nodes[n].dc;
    nodes[n].view.assign(D, DnView{});  // R1: no owner, OOS everywhere
    nodes[n].stat.assign(D, StatCell{});
  }
  claims.assign(size_t(N) * D, Claim{});
  claimants.assign(size_t(D), 0);
  alive_mask = N >= 64 ? ~uint64_t(0) : (uint64_t(1) << N) - 1;
  chans.resize(size_t(N) * N);
  ends.resize(size_t(N) * N);
  pairs.resize(size_t(N) * N);
  delay.resize(size_t(N) * N);
  for (int a = 0; a < N; ++a) {
    for (int b = 0; b < N; ++b) {
      delay[size_t(a) * N + b] = a == b                                 ? Time::zero()
                                 : spec.nodes[a].dc == spec.nodes[b].dc ? P.tc_one_way_delay_same_dc
                                                                        : P.tc_one_way_delay;
    }
  }
  for (const auto& ld : spec.link_delays) {
    delay[size_t(ld.a) * N + ld.b] = ld.one_way;
    delay[size_t(ld.b) * N + ld.a] = ld.one_way;
  }
  proxies.resize(spec.dcs.size());
  for (int n = 0; n < N; ++n) {
    proxies[nodes[n].dc].nodes.push_back(n);
    proxies[nodes[n].dc].believed_alive.push_back(true);
  }
  phones.resize(D);
  sessions.resize(D);
  for (int d = 0; d < D; ++d) {
    phones[d].dc = spec.agents[d].dc;
    sessions[d].gws = spec.agents[d].gws;
  }
  gws.resize(G);
  for (int g = 0; g < G; ++g) {
    int node = spec.gws[g].node;
    if (node < 0) {
      for (int n = 0; n < N; ++n) {
        if (nodes[n].dc == spec.gws[g].dc) {
          node = n;
          break;
        }
      }
    }
    gws[g].node = node;
    gws[g].prev_node = node;
  }
  last_agent.assign(D, AgentState::logged_out);
  last_ready_since.assign(D, Time::zero());
  truth_owner_cache.assign(D, -1);
  relogin_gen.assign(D, 0);
  probe_gen.assign(D, 0);
  last_owner.assign(D, -1);
  crashed_owner.assign(D, 0);
  init_calls();
}

Rng& Cluster::Impl::rng(const char* name, uint64_t id) {
  uint64_t key = hash_name(name) ^ mix64(id);
  auto it = rngs.find(key);
  if (it == rngs.end()) it = rngs.emplace(key, Rng(seed, name, id)).first;
  return it->second;
}

// ------------------------------------------------------------------------------------------
// Queries

bool Cluster::Impl::dir_cut(int from, int to) const {
  const Pair& p = pair(from, to);
  return from < to ? p.cut_ab : p.cut_ba;
}

bool Cluster::Impl::broken(int a, int b) const {
  const Pair& p = pair(a, b);
  return p.cut_ab || p.cut_ba || !nodes[a].alive || !nodes[b].alive;
}

bool Cluster::Impl::tc_usable(int from, int to) const {
  return end(from, to).state != LinkEndState::declared_lost &&
         end(to, from).state != LinkEndState::declared_lost;
}

bool Cluster::Impl::newer_claim(Time c1, int n1, Time c2, int n2) const {
  return c1 > c2 || (c1 == c2 && n1 < n2);  // R8: newer wins; ties to the lower node
}

bool Cluster::Impl::policy_wins(Time c1, int n1, Time c2, int n2) const {
  switch (P.split_brain_policy) {
    case SplitBrainPolicy::latest_registration:
      return newer_claim(c1, n1, c2, n2);
    case SplitBrainPolicy::earliest_registration:
      return c1 < c2 || (c1 == c2 && n1 < n2);
    case SplitBrainPolicy::lowest_node_id:
      return n1 < n2;
  }
  return false;
}

int Cluster::Impl::compute_truth_owner(int d) const {
  // Truth owner (DOMAIN §2): the only live claim; in a handover (claimants connected) the
  // newest (R8); in a split brain (claimants cut apart) the R67 winner. No allocation: this
  // runs on every DN change. The usual case, at most one live claim, is read off the
  // claimant bitmask without touching the claims.
  const uint64_t live = claimants[size_t(d)] & alive_mask;
  if ((live & (live - 1)) == 0) {
    const int only = live == 0 ? -1 : __builtin_ctzll(live);
    assert(only == truth_owner_from_claims(d) && "claimant bitmask out of step");
    return only;
  }
  return truth_owner_from_claims(d);
}

int Cluster::Impl::truth_owner_from_claims(int d) const {
  int first = -1, count = 0;
  for (int n = 0; n < N; ++n) {
    if (nodes[n].alive && claim(n, d).active) {
      if (first < 0) first = n;
      ++count;
    }
  }
  if (count <= 1) return first;
  bool connected = true;
  for (int a = first; a < N && connected; ++a) {
    if (!nodes[a].alive || !claim(a, d).active) continue;
    for (int b = a + 1; b < N; ++b) {
      if (nodes[b].alive && claim(b, d).active && broken(a, b)) {
        connected = false;
        break;
      }
    }
  }
  int best = first;
  for (int n = first + 1; n < N; ++n) {
    if (!nodes[n].alive || !claim(n, d).active) continue;
    const Claim& a = claim(n, d);
    const Claim& b = claim(best, d);
    bool wins = connected ? newer_claim(a.claim_time, n, b.claim_time, best)
                          : policy_wins(a.claim_time, n, b.claim_time, best);
    if (wins) best = n;
  }
  return best;
}

DnView Cluster::Impl::truth_view(int d) const {
  int o = compute_truth_owner(d);
  if (o >= 0) {
    DnView v = nodes[o].view[d];
    v.owner = o;
    v.claim_time = claim(o, d).claim_time;  // the last accepted registration (R14, R25)
    return v;
  }
  // No owner: the agent state the last owner retains (R9), or, after a crash, the state last
  // announced. Service and claim are empty.
  DnView v;
  int last = last_owner[d];
  if (last >= 0 && nodes[last].alive) {
    v.agent = nodes[last].view[d].agent;
    v.ready_since = nodes[last].view[d].ready_since;
  } else {
    v.agent = last_agent[d];
    v.ready_since = last_ready_since[d];
  }
  return v;
}

// ------------------------------------------------------------------------------------------
// Emission

template <class F>
void Cluster::Impl::with_truth(int d, OwnershipCause cause, F&& f) {
  DnView before = truth_view(d);
  f();
  DnView after = truth_view(d);
  truth_owner_cache[d] = after.owner;
  last_agent[d] = after.agent;
  last_ready_since[d] = after.ready_since;
  if (before == after) return;
  Time now = sched.now();
  for (Observer* o : observers)
    o->on_dn_view(DnViewChange{now, ViewLevel::truth, -1, d, before, after});
  if (before.owner != after.owner) {
    OwnershipCause c = cause;
    if (after.owner < 0 && (c != OwnershipCause::expiry)) c = OwnershipCause::release;
    for (Observer* o : observers)
      o->on_ownership(OwnershipChange{now, d, before.owner, after.owner, c});
  }
}

void Cluster::Impl::set_view(int n, int d, const DnView& v) {
  DnView& cur = nodes[n].view[d];
  if (cur == v) return;
  DnView before = cur;
  cur = v;
  refresh_avail(d);
  Time now = sched.now();
  for (Observer* o : view_observers)
    o->on_dn_view(DnViewChange{now, ViewLevel::view, n, d, before, v});
  // R20: SS_N gets every change of view_N through the TCport, local_stat_delay later.
  // One delivery event per node and due instant applies every change due then, in order.
  Time due = now + P.local_stat_delay;
  auto& q = nodes[n].ss_q;
  bool need_event = q.empty() || q.back().due != due;
  q.push_back(StatUpdate{due, d, v});
  if (need_event) {
    sched.schedule_at(due, kDelivery, Event{uint32_t(Ev::ss_deliver), uint32_t(n), nodes[n].epoch});
  }
  on_view_update(n, d, before, v);
}

void Cluster::Impl::deliver_stat(int n) {
  Node& node = nodes[n];
  Time now = sched.now();
  while (!node.ss_q.empty() && node.ss_q.front().due <= now) {
    StatUpdate u = node.ss_q.front();
    node.ss_q.pop_front();
    DnView before = node.stat[u.dn].view;
    if (!(before == u.view)) {
      node.stat[u.dn].view = u.view;
      for (Observer* o : view_observers)
        o->on_dn_view(DnViewChange{now, ViewLevel::stat, n, u.dn, before, u.view});
    }
    on_stat_update(n, u.dn);  // routing indexes, R52 marks, R59 skips; routing pass
  }
}

// ------------------------------------------------------------------------------------------
// TC messages

void Cluster::Impl::send(int from, int to, Msg m) {
  if (from == to) return;
  // R28: once either end has declared the link lost, updates are lost for good.
  if (!tc_usable(from, to)) return;
  Channel& ch = chan(from, to);
  m.seq = ++ch.sent;
  bool blocked = dir_cut(from, to) || !nodes[from].alive || !nodes[to].alive;
  if (blocked || (!ch.q.empty() && ch.q.back().held)) {
    m.held = true;  // R28: held back (TCP retransmission)
    ch.q.push_back(std::move(m));
    return;
  }
  Time extra = Time::zero();
  if (m.kind == MsgKind::snapshot && m.snapshot) {
    extra = P.resync_per_dn * int64_t(m.snapshot->size());
  }
  // R26: FIFO. A snapshot takes resync time; later updates queue behind it.
  Time at = std::max(sched.now() + d(from, to) + extra, ch.last_deliver);
  m.deliver_at = at;
  ch.last_deliver = at;
  ch.q.push_back(std::move(m));
  sched.schedule_at(at, kDelivery,
                    Event{uint32_t(Ev::tc_deliver), uint32_t(from * N + to), ch.epoch});
}

void Cluster::Impl::announce(int owner, int d) {
  const Claim& c = claim(owner, d);
  Msg m;
  m.kind = MsgKind::update;
  m.dn = d;
  m.state = nodes[owner].view[d];
  m.state.claim_time = c.claim_time;  // R25: the owner's last accepted registration (R14 too)
  m.claim_time = c.claim_time;
  m.claim_start = c.claim_start;
  for (int p = 0; p < N; ++p) {
    if (p != owner) send(owner, p, m);
  }
}

void Cluster::Impl::on_tc(int from, int to, const Msg& m) {
  switch (m.kind) {
    case MsgKind::update:
      apply_update(to, from, m.dn, m.state, m.claim_start);
      break;
    case MsgKind::release:
    case MsgKind::drop: {
      // R8/R9: the sender's claim ended. A peer that still believes it: no owner, OOS.
      Node& node = nodes[to];
      auto dit = node.deferred.find(m.dn);
      if (dit != node.deferred.end()) {
        dit->second.erase(from);
        if (dit->second.empty()) node.deferred.erase(dit);
      }
      DnView v = node.view[m.dn];
      if (v.owner == from) {
        v.owner = -1;
        v.in_service = false;
        if (m.kind == MsgKind::release) {
          // R9: the last owner keeps the agent state and tells its peers what it is.
          v.agent = m.state.agent;
          v.ready_since = m.state.ready_since;
        }
        set_view(to, m.dn, v);
        believed_owner_ended(to, m.dn);
      }
      auto pc = pending_claims.find(uint64_t(to) * D + m.dn);
      if (m.kind == MsgKind::release && pc != pending_claims.end() && pc->second.from == from) {
        // R8 release_then_claim: the old owner's release reached the new node: it claims now.
        PendingClaim p = pc->second;
        pending_claims.erase(pc);
        accept_registration(to, m.dn, p.via_gws, p.gws, p.cause);
      }
      break;
    }
    case MsgKind::retained: {
      // R9: the last owner's agent state changed; peers that know the DN unowned follow it.
      DnView v = nodes[to].view[m.dn];
      if (v.owner < 0 && !claim(to, m.dn).active) {
        v.agent = m.state.agent;
        v.ready_since = m.state.ready_since;
        set_view(to, m.dn, v);
      }
      break;
    }
    case MsgKind::snapshot:
      apply_snapshot(to, from, *m.snapshot);
      if (end(to, from).state == LinkEndState::resyncing) {
        LinkEnd& e = end(to, from);
        LinkEndState before = e.state;
        e.state = LinkEndState::up;
        for (Observer* o : observers)
          o->on_link(LinkChange{sched.now(), to, from, before, e.state});
      }
      break;
    case MsgKind::claim_request: {
      // release_then_claim (R8): the owner sets the DN OOS and releases it on receipt.
      if (claim(to, m.dn).active) {
        with_truth(m.dn, OwnershipCause::move, [&] {
          Claim& c = claim(to, m.dn);
          Msg rel;
          rel.kind = MsgKind::release;
          rel.dn = m.dn;
          rel.claim_time = c.claim_time;
          set_claim_active(to, m.dn, false);
          ++c.gen;
          DnView v = nodes[to].view[m.dn];
          v.owner = -1;
          v.in_service = false;
          set_view(to, m.dn, v);
          last_owner[m.dn] = to;
          for (int p = 0; p < N; ++p) {
            if (p != to) send(to, p, rel);
          }
        });
      }
      // The requester becomes owner when the release reaches it (handled in
      // believed_owner_ended through its pending claim).
      break;
    }
  }
}

void Cluster::Impl::apply_update(int to, int from, int d, const DnView& st, Time claim_start) {
  if (claims_dn(to, d)) {
    const Claim& mine = claim(to, d);
    // Both claim the DN. R8 (connected handover) and R67 (the peer's claim after a heal)
    // agree with the default policy: the newer registration wins.
    bool since_up = claim_start >= end(to, from).declared_at;
    bool theirs_wins = since_up ? newer_claim(st.claim_time, from, mine.claim_time, to)
                                : policy_wins(st.claim_time, from, mine.claim_time, to);
    if (theirs_wins) {
      DnView adopt = st;
      adopt.owner = from;
      drop_claim(to, d, adopt, false);
    } else if (since_up) {
      // R8, R10, R14 (MODEL.md choice 31): our claim wins, but the sender may never have heard
      // of it (a re-registration here, R14, sent no update; the sender's announcement was held
      // back by a cut that healed before ADDP, R28). Announce it, as R67's winner does, so the
      // sender drops its claim by R8 on receipt and every peer follows the winner.
      announce(to, d);
    }
    return;
  }
  const DnView& cur = nodes[to].view[d];
  int believed = cur.owner;
  if (believed >= 0 && believed != from && nodes[believed].alive) {
    bool lost = end(to, believed).state == LinkEndState::declared_lost;
    if (!lost && !newer_claim(st.claim_time, from, cur.claim_time, believed)) {
      // R25/R33: ignored for now; applied if the believed owner's claim ends here.
      nodes[to].deferred[d][from] = SnapEntry{d, st, claim_start};
      return;
    }
  }
  if (believed >= 0 && believed != from && nodes[believed].alive &&
      end(to, believed).state != LinkEndState::declared_lost) {
    // R33 (last sentence): the entry of a believed owner whose claim this newer one replaces
    // is applied again if this claim ends here first (release, R8 drop, missing from a
    // snapshot), unless its own claim has ended here before (MODEL.md choice 32).
    nodes[to].deferred[d][believed] = SnapEntry{d, cur, cur.claim_time};
  }
  DnView v = st;
  v.owner = from;
  set_view(to, d, v);
  auto dit = nodes[to].deferred.find(d);
  if (dit != nodes[to].deferred.end()) {
    dit->second.erase(from);
    if (dit->second.empty()) nodes[to].deferred.erase(dit);
  }
}

void Cluster::Impl::believed_owner_ended(int n, int d) {
  // R33: an entry ignored because another owner was believed is applied now.
  auto dit = nodes[n].deferred.find(d);
  if (dit == nodes[n].deferred.end() || dit->second.empty()) return;
  int best = -1;
  for (auto& [sender, e] : dit->second) {
    if (best < 0 ||
        newer_claim(e.state.claim_time, sender, dit->second.at(best).state.claim_time, best)) {
      best = sender;
    }
  }
  SnapEntry e = dit->second.at(best);
  nodes[n].deferred.erase(dit);
  if (end(n, best).state == LinkEndState::declared_lost) return;
  DnView v = e.state;
  v.owner = best;
  set_view(n, d, v);
}

void Cluster::Impl::apply_snapshot(int to, int from, const std::vector<SnapEntry>& snap) {
  release_stuck(to, from);  // R36/R38: the snapshot lists none of the calls that ended
  std::vector<char> listed(D, 0);
  for (const auto& e : snap)
    listed[e.dn] = 1;
  // R33: a DN believed owned by the sender but not listed: no owner, OOS, agent state kept.
  for (int d = 0; d < D; ++d) {
    if (listed[d]) continue;
    DnView v = nodes[to].view[d];
    if (v.owner == from) {
      v.owner = -1;
      v.in_service = false;
      set_view(to, d, v);
      believed_owner_ended(to, d);
    }
  }
  for (const auto& e : snap) {
    Claim& mine = claim(to, e.dn);
    if (mine.active && mine.claim_start < end(to, from).declared_at) {
      // R66/R67: two claims made apart. Resolve by policy; the loser drops its claim.
      if (policy_wins(e.state.claim_time, from, mine.claim_time, to)) {
        Time since = std::max(e.claim_start, mine.claim_start);
        DnView adopt = e.state;
        adopt.owner = from;
        drop_claim(to, e.dn, adopt, true);
        for (Observer* o : observers) {
          o->on_conflict(Conflict{sched.now(), e.dn, from, to, since});
        }
      } else {
        announce(to, e.dn);  // the winner re-announces its claim to every peer
      }
      continue;
    }
    apply_update(to, from, e.dn, e.state, e.claim_start);
  }
}

void Cluster::Impl::drop_claim(int n, int d, const DnView& adopt, bool logout) {
  (void)logout;  // the loser adopts the winner's state, which logs the agent out here
  with_truth(d, OwnershipCause::drop, [&] {
    Claim& c = claim(n, d);
    Msg m;
    m.kind = MsgKind::drop;
    m.dn = d;
    m.claim_time = c.claim_time;
    m.new_owner = adopt.owner;
    set_claim_active(n, d, false);
    ++c.gen;
    set_view(n, d, adopt);
    for (int p = 0; p < N; ++p) {
      if (p != n && p != adopt.owner) send(n, p, m);
    }
  });
}

// ------------------------------------------------------------------------------------------
// Owner-side operations

void Cluster::Impl::accept_registration(int n, int d, bool via_gws, int g, OwnershipCause cause) {
  Claim& c = claim(n, d);
  Time now = sched.now();
  bool is_sip = spec.agents[d].kind == DnKind::sip;
  auto arm_expiry = [&] {
    ++c.gen;
    c.expires_at = Time::max();
    if (is_sip && !via_gws) {
      c.expires_at = now + P.register_expires;
      sched.schedule_at(c.expires_at, kTimer,
                        Event{uint32_t(Ev::reg_expiry), uint32_t(n * D + d), c.gen});
    }
  };
  if (c.active) {
    // R14: a refresh at the owner changes only the expiry and the claim time.
    c.claim_time = now;
    arm_expiry();
    const DnView& v = nodes[n].view[d];
    if (!v.in_service && !c.probe_oos) {
      with_truth(d, cause, [&] {
        DnView nv = v;
        nv.in_service = true;
        nv.claim_time = now;
        set_view(n, d, nv);
        announce(n, d);
      });
    }
    return;
  }
  {
    // R8 release_then_claim: ask the believed owner to release first; become owner when its
    // release reaches this node (on_tc, MsgKind::release).
    const DnView& here = nodes[n].view[d];
    int o = here.owner;
    if (P.handover_mode == HandoverMode::release_then_claim && o >= 0 && o != n && nodes[o].alive &&
        end(n, o).state != LinkEndState::declared_lost &&
        pending_claims.count(uint64_t(n) * D + d) == 0) {
      pending_claims[uint64_t(n) * D + d] = PendingClaim{o, via_gws, g, cause};
      Msg req;
      req.kind = MsgKind::claim_request;
      req.dn = d;
      send(n, o, req);
      return;
    }
  }
  with_truth(d, cause, [&] {
    DnView prev = truth_view(d);
    const DnView& here = nodes[n].view[d];
    DnView v;
    v.owner = n;
    v.in_service = true;
    v.claim_time = now;
    bool keep = last_owner[d] == n && (here.owner < 0 || here.owner == n);
    if (keep || P.transfer_agent_state_on_move) {
      // R18: the last owner keeps its state; with transfer, adopt the state last received.
      v.agent = here.agent;
      v.ready_since = here.ready_since;
    } else {
      v.agent = AgentState::logged_out;
      v.ready_since = now;
      bool was_logged_in = prev.agent != AgentState::logged_out;
      bool gws_logs_in = via_gws && P.gws_auto_relogin;
      if (was_logged_in && !gws_logs_in) schedule_relogin(d, now);
    }
    int old_owner = here.owner;
    set_claim_active(n, d, true);
    c.claim_time = now;
    c.claim_start = now;
    c.via_gws = via_gws;
    c.gws = g;
    c.probe_oos = false;
    arm_expiry();
    last_owner[d] = n;
    set_view(n, d, v);
    (void)old_owner;
    announce(n, d);
  });
}

void Cluster::Impl::end_registration(int n, int d) {
  Claim& c = claim(n, d);
  if (!c.active || !nodes[n].alive) return;  // R12: at a node that no longer owns it: nothing
  with_truth(d, OwnershipCause::expiry, [&] {
    DnView v = nodes[n].view[d];
    v.in_service = false;
    if (P.logout_on_oos && !is_busy(v.agent)) v.agent = AgentState::logged_out;  // R17
    if (P.release_ownership_on_unregister) {
      // R9: released until the next registration; the last owner keeps the agent state.
      Msg m;
      m.kind = MsgKind::release;
      m.dn = d;
      m.claim_time = c.claim_time;
      set_claim_active(n, d, false);
      ++c.gen;
      v.owner = -1;
      m.state = v;  // R9/R27: the last owner's state (e.g. LoggedOut with logout_on_oos)
      last_owner[d] = n;
      set_view(n, d, v);
      for (int p = 0; p < N; ++p) {
        if (p != n) send(n, p, m);
      }
    } else {
      ++c.gen;
      set_view(n, d, v);
      announce(n, d);
    }
  });
}

void Cluster::Impl::owner_set_agent(int n, int d, AgentState s) {
  const bool owns = claim(n, d).active;
  const DnView& cur = nodes[n].view[d];
  // R9: a last owner that released the DN keeps the agent's state and announces its changes
  // (a call's end) until it learns that another node claims the DN; then it does nothing.
  const bool keeper = !owns && cur.owner < 0 && last_owner[d] == n;
  if (!owns && !keeper) return;
  with_truth(d, OwnershipCause::registration, [&] {
    DnView v = nodes[n].view[d];
    if (v.agent == s) return;
    if (s == AgentState::ready) v.ready_since = sched.now();  // R64: Ready time restarts
    v.agent = s;
    set_view(n, d, v);
    if (owns) {
      announce(n, d);
      return;
    }
    Msg m;  // the keeper's change travels like its release did
    m.kind = MsgKind::retained;
    m.dn = d;
    m.state = v;
    for (int p = 0; p < N; ++p) {
      if (p != n) send(n, p, m);
    }
  });
}

void Cluster::Impl::agent_request(int d, ActionKind k, bool ready) {
  // R16: executed at the truth owner; rejected without a live one.
  int o = compute_truth_owner(d);
  if (o < 0) return;
  AgentState cur = nodes[o].view[d].agent;
  if (is_busy(cur)) {
    // R16: held and applied when the agent is next freed, in place of Ready.
    held_requests[d] = HeldRequest{true, k, ready};
    return;
  }
  AgentState next = cur;
  switch (k) {
    case ActionKind::agent_login:
    case ActionKind::wwe_login:
      next = ready ? AgentState::ready : AgentState::not_ready;
      break;
    case ActionKind::agent_logout:
    case ActionKind::wwe_logout:
      next = AgentState::logged_out;
      break;
    case ActionKind::agent_ready:
      if (cur == AgentState::logged_out) return;
      next = AgentState::ready;
      break;
    case ActionKind::agent_not_ready:
      if (cur == AgentState::logged_out) return;
      next = AgentState::not_ready;
      break;
    default:
      return;
  }
  owner_set_agent(o, d, next);
}

void Cluster::Impl::schedule_relogin(int d, Time from) {
  Time delay =
      draw_law(P.agent_relogin_delay_law, P.agent_relogin_delay, rng("relogin", uint64_t(d)));
  ++relogin_gen[d];
  sched.schedule_at(from + delay, kAction,
                    Event{uint32_t(Ev::agent_relogin), uint32_t(d), relogin_gen[d]});
}

// ------------------------------------------------------------------------------------------
// Links (R28, R31, R33, R43)

void Cluster::Impl::schedule_declare(int n, int p) {
  LinkEnd& e = end(n, p);
  double u = 0;
  switch (P.addp_detection_model) {
    case AddpDetection::uniform:
      u = rng("addp", uint64_t(n) * 4096 + uint64_t(p)).uniform01();
      break;
    case AddpDetection::min:
      u = 0;
      break;
    case AddpDetection::max:
      u = 1;
      break;
  }
  Time at = sched.now() + seconds(P.addp_timeout.to_seconds() * (1.0 + u));
  sched.schedule_at(at, kTimer, Event{uint32_t(Ev::addp_declare), uint32_t(n * N + p), e.gen});
}

void Cluster::Impl::schedule_retry(int n, int p, Time at) {
  sched.schedule_at(at, kTimer, Event{uint32_t(Ev::tc_retry), uint32_t(n * N + p), end(n, p).gen});
}

void Cluster::Impl::update_pair(int a, int b) {
  if (a == b) return;
  Pair& pr = pair(a, b);
  bool now_broken = broken(a, b);
  Time now = sched.now();
  auto set_state = [&](int x, int y, LinkEndState s) {
    LinkEnd& e = end(x, y);
    if (e.state == s) return;
    LinkEndState before = e.state;
    e.state = s;
    for (Observer* o : observers)
      o->on_link(LinkChange{now, x, y, before, s});
  };
  // Channels: hold or release per direction.
  for (int dir = 0; dir < 2; ++dir) {
    int from = dir == 0 ? a : b, to = dir == 0 ? b : a;
    Channel& ch = chan(from, to);
    bool blocked = dir_cut(from, to) || !nodes[from].alive || !nodes[to].alive;
    if (!tc_usable(from, to)) {
      ch.q.clear();
      ++ch.epoch;
      continue;
    }
    if (blocked) {
      // R31: an update in flight at the instant of a cut counts as sent on the cut link.
      bool any_live = false;
      for (auto& m : ch.q) {
        if (!m.held) any_live = true;
        m.held = true;
      }
      if (any_live) ++ch.epoch;
    } else if (!ch.q.empty() && ch.q.front().held) {
      // R28: cut over before any declaration: held updates arrive d after the cut ends.
      ++ch.epoch;
      ch.last_deliver = Time::zero();
      for (auto& m : ch.q) {
        m.held = false;
        Time extra = Time::zero();
        if (m.kind == MsgKind::snapshot && m.snapshot) {
          extra = P.resync_per_dn * int64_t(m.snapshot->size());
        }
        Time at = std::max(now + d(from, to) + extra, ch.last_deliver);
        m.deliver_at = at;
        ch.last_deliver = at;
        sched.schedule_at(at, kDelivery,
                          Event{uint32_t(Ev::tc_deliver), uint32_t(from * N + to), ch.epoch});
      }
    }
  }
  if (now_broken && !pr.broken_prev) {
    // A link-up or a retry in flight no longer gets through.
    ++pr.gen;
    pr.link_up_pending = false;
    calls_on_cut(a, b);
    for (int x : {a, b}) {
      int y = x == a ? b : a;
      if (!nodes[x].alive) continue;
      LinkEnd& e = end(x, y);
      if (e.state == LinkEndState::up || e.state == LinkEndState::resyncing) {
        ++e.gen;
        set_state(x, y, LinkEndState::cut_undeclared);
        schedule_declare(x, y);
      }
    }
  } else if (!now_broken && pr.broken_prev) {
    for (int x : {a, b}) {
      int y = x == a ? b : a;
      LinkEnd& e = end(x, y);
      if (e.state == LinkEndState::cut_undeclared) {
        // R31: a declaration falling after the cut ended does not happen (unless the other
        // end has declared: then this end declares when its retry reaches it).
        ++e.gen;
        set_state(x, y, LinkEndState::up);
      }
    }
    if (tc_usable(a, b)) {
      // R28/R36: the held updates (a call's end among them) get through after all, d after
      // the cut ends, behind the other held updates.
      for (int x : {a, b}) {
        int y = x == a ? b : a;
        if (stuck.count({x, y})) {
          sched.schedule_at(now + d(y, x), kDelivery,
                            Event{uint32_t(Ev::held_end), uint32_t(x * N + y), 0});
        }
      }
    }
  }
  pr.broken_prev = now_broken;
}

void Cluster::Impl::declare(int n, int p) {
  LinkEnd& e = end(n, p);
  if (e.state == LinkEndState::declared_lost || !nodes[n].alive) return;
  Time now = sched.now();
  LinkEndState before = e.state;
  e.state = LinkEndState::declared_lost;
  e.declared_at = now;
  ++e.gen;
  for (Observer* o : observers)
    o->on_link(LinkChange{now, n, p, before, e.state});
  // R28: from now on every update on the link is lost until it is up again.
  for (int dir = 0; dir < 2; ++dir) {
    Channel& ch = dir == 0 ? chan(n, p) : chan(p, n);
    ch.q.clear();
    ++ch.epoch;
  }
  // A pending link-up (the peer's retry already in flight) still stands: the pair is whole.
  // R21/R22: every DN n believes p owns goes OOS in view_n after the grace.
  if (P.oos_grace_after_link_loss > Time::zero()) {
    sched.schedule_after(P.oos_grace_after_link_loss, kTimer,
                         Event{uint32_t(Ev::grace_expire), uint32_t(n * N + p), e.gen});
  } else {
    for (int d = 0; d < D; ++d) {
      DnView v = nodes[n].view[d];
      if (v.owner == p && v.in_service) {
        v.in_service = false;
        set_view(n, d, v);
      }
    }
  }
  schedule_retry(n, p, now + P.tc_reconnect_interval);
  // R38: agents held by calls of a crashed node are freed when it is declared lost.
  auto fit = free_on_declare.find({n, p});
  if (fit != free_on_declare.end()) {
    std::vector<HeldAgent> held = std::move(fit->second);
    free_on_declare.erase(fit);
    release_held(n, std::move(held));  // ACW, then Ready (R38, R65)
  }
}

void Cluster::Impl::link_up(int a, int b) {
  Pair& pr = pair(a, b);
  pr.link_up_pending = false;
  if (broken(a, b)) return;
  Time now = sched.now();
  for (int x : {a, b}) {
    int y = x == a ? b : a;
    LinkEnd& e = end(x, y);
    ++e.gen;  // stops retries
    LinkEndState before = e.state;
    e.state = LinkEndState::resyncing;
    e.declared_at = now;  // the link's last "came up" instant (R67)
    for (Observer* o : observers)
      o->on_link(LinkChange{now, x, y, before, e.state});
  }
  for (int x : {a, b}) {
    int y = x == a ? b : a;
    chan(x, y).last_deliver = Time::zero();
    auto snap = std::make_shared<std::vector<SnapEntry>>();
    for (int d = 0; d < D; ++d) {
      const Claim& c = claim(x, d);
      if (!c.active) continue;
      DnView st = nodes[x].view[d];
      st.claim_time = c.claim_time;  // R25: each entry carries the last accepted registration
      snap->push_back(SnapEntry{d, st, c.claim_start});
    }
    Msg m;
    m.kind = MsgKind::snapshot;
    m.snapshot = snap;
    send(x, y, m);
  }
}

// ------------------------------------------------------------------------------------------
// Phones and proxies (R4, R13, R15, R41, R42)

int Cluster::Impl::proxy_pick(int dc, int d) {
  Proxy& px = proxies[dc];
  Phone& ph = phones[d];
  if (P.register_node_selection == RegisterNodeSelection::sticky && ph.sticky >= 0) {
    for (size_t i = 0; i < px.nodes.size(); ++i) {
      if (px.nodes[i] == ph.sticky && px.believed_alive[i]) return ph.sticky;
    }
  }
  std::vector<int> alive;
  for (size_t i = 0; i < px.nodes.size(); ++i) {
    if (px.believed_alive[i]) alive.push_back(px.nodes[i]);
  }
  if (alive.empty()) return -1;
  int pick = alive[px.rr_register % alive.size()];
  ++px.rr_register;
  ph.sticky = pick;
  if (ph.first_node < 0) ph.first_node = pick;
  return pick;
}

void Cluster::Impl::phone_send_register(int d, bool expires0) {
  Phone& ph = phones[d];
  Time now = sched.now();
  ++ph.gen;
  int node = proxy_pick(ph.dc, d);
  auto retry = [&] {
    sched.schedule_at(now + P.register_retry_interval, kAction,
                      Event{uint32_t(Ev::phone_refresh), uint32_t(d), ph.gen});
  };
  if (node < 0 || !nodes[node].alive) {
    // R42: rejected, or sent to a dead node the proxy has not noticed: fails at once.
    if (!expires0) retry();
    return;
  }
  Request r;
  r.kind = ActionKind::phone_on;
  r.dn = d;
  r.node = node;
  r.unregister = expires0;
  r.register_dn = !expires0;
  r.sent = now;
  post_request(r);
  if (!expires0) {
    // R13: next REGISTER register_refresh_ratio x register_expires after this one.
    Time next = now + seconds(P.register_refresh_ratio * P.register_expires.to_seconds());
    sched.schedule_at(next, kAction, Event{uint32_t(Ev::phone_refresh), uint32_t(d), ph.gen});
  }
}

// ------------------------------------------------------------------------------------------
// GWS (R44-R49)

int Cluster::Impl::gws_client_ok(const std::string& name) const {
  for (const auto& n : P.gws_client_names) {
    if (n == name) return 1;
  }
  return 0;
}

void Cluster::Impl::gws_connect(int g) {
  Gws& gw = gws[g];
  // R47: the previous node if reachable and alive, else the lowest-numbered of its DC.
  auto ok = [&](int n) { return n >= 0 && nodes[n].alive && !(gw.cut && n == gw.prev_node); };
  int pick = -1;
  if (ok(gw.prev_node)) pick = gw.prev_node;
  for (int n = 0; n < N && pick < 0; ++n) {
    if (nodes[n].dc == spec.gws[g].dc && ok(n)) pick = n;
  }
  if (pick < 0 && P.gws_failover_scope == GwsFailoverScope::any_dc) {
    for (int n = 0; n < N && pick < 0; ++n) {
      if (ok(n)) pick = n;
    }
  }
  if (pick < 0) {
    sched.schedule_after(P.gws_reconnect_delay, kTimer,
                         Event{uint32_t(Ev::gws_reconnect), uint32_t(g), gw.gen});
    return;
  }
  if (pick != gw.prev_node) gw.cut = false;  // a new connection, not the cut one
  gw.node = pick;
  gw.prev_node = pick;
  gw.declared_gws = gw.declared_node = false;
  Time now = sched.now();
  // Re-register the DNs of its logged-in sessions, then log the agents in again (R48).
  for (int d = 0; d < D; ++d) {
    Session& s = sessions[d];
    if (!s.exists || s.gws != g || !s.logged_in) continue;
    Request r;
    r.dn = d;
    r.node = pick;
    r.gws = g;
    r.sent = now;
    if (spec.agents[d].kind == DnKind::pstn) {
      r.kind = ActionKind::tregister;
      r.client = spec.gws[g].client_name;
      r.register_dn = true;
      post_request(r);
    }
    if (P.gws_auto_relogin) {
      Request l = r;
      l.kind = ActionKind::agent_login;
      l.register_dn = false;
      l.ready = s.ready;
      post_request(l);
    }
  }
}

void Cluster::Impl::gws_lost_node(int g) {
  Gws& gw = gws[g];
  if (gw.node < 0) return;
  gw.prev_node = gw.node;
  gw.node = -1;
  ++gw.gen;
  sched.schedule_after(P.gws_reconnect_delay, kTimer,
                       Event{uint32_t(Ev::gws_reconnect), uint32_t(g), gw.gen});
}

void Cluster::Impl::node_lost_gws(int n, int g) {
  // R12: a lost client unregisters its DNs.
  for (int d = 0; d < D; ++d) {
    const Claim& c = claim(n, d);
    if (c.active && c.via_gws && c.gws == g) end_registration(n, d);
  }
}

void Cluster::Impl::wwe_relogin_via_nginx(int d, Time at, int lost_gws) {
  // R49: NGINX moves WWE to the lowest-numbered live GWS node of the DC other than the lost one.
  int dc = spec.agents[d].dc;
  int pick = -1;
  for (int g = 0; g < G && pick < 0; ++g) {
    if (g != lost_gws && gws[g].alive && spec.gws[g].dc == dc) pick = g;
  }
  Session& s = sessions[d];
  s.gws = pick;
  s.connected = true;
  s.logged_in = false;
  ++s.gen;
  if (pick < 0) return;
  Action a;
  a.at = at;
  a.kind = ActionKind::wwe_login;
  a.agent = d;
  a.ready = s.ready;
  actions.push_back(a);
  sched.schedule_at(at, kAction, Event{uint32_t(Ev::action), uint32_t(actions.size() - 1), 0});
}

// ------------------------------------------------------------------------------------------
// Requests arriving at nodes

void Cluster::Impl::post_request(Request r) {
  // A client request reaches its node client_request_delay after it is sent (R13, R16, R45).
  // Slots are recycled so that memory follows the requests in flight, not the run length.
  uint32_t slot;
  if (!free_requests.empty()) {
    slot = free_requests.back();
    free_requests.pop_back();
    requests[slot] = std::move(r);
  } else {
    slot = uint32_t(requests.size());
    requests.push_back(std::move(r));
  }
  sched.schedule_after(P.client_request_delay, kDelivery,
                       Event{uint32_t(Ev::request_arrive), slot, 0});
}

void Cluster::Impl::arrive_request(const Request& r) {
  int d = r.dn;
  if (r.node >= 0 && !nodes[r.node].alive) {
    if (r.register_dn && r.kind == ActionKind::phone_on) {
      // R42: REGISTER to a dead node fails; the phone retries from its sending time.
      Phone& ph = phones[d];
      ++ph.gen;
      sched.schedule_at(r.sent + P.register_retry_interval, kAction,
                        Event{uint32_t(Ev::phone_refresh), uint32_t(d), ph.gen});
    }
    return;
  }
  if (r.kind == ActionKind::phone_on) {
    // R2: a DN's kind fixes what can create its ownership; a pstn DN has no SIP phone.
    if (spec.agents[d].kind != DnKind::sip) return;
    if (r.unregister) {
      end_registration(r.node, d);
      return;
    }
    int prev = truth_owner_cache[d];
    OwnershipCause cause = OwnershipCause::registration;
    if (prev >= 0 && prev != r.node) cause = OwnershipCause::move;
    if (prev < 0 && last_owner[d] >= 0 && last_owner[d] != r.node && !nodes[last_owner[d]].alive) {
      cause = OwnershipCause::crash_recovery;
    }
    if (prev < 0 && crashed_owner[d]) cause = OwnershipCause::crash_recovery;
    crashed_owner[d] = 0;
    phones[d].last_node = r.node;
    accept_registration(r.node, d, false, -1, cause);
    return;
  }
  if (r.kind == ActionKind::tregister) {
    // R5/R6: only a named GWS client registering a pstn DN creates ownership.
    bool owns = spec.agents[d].kind == DnKind::pstn && gws_client_ok(r.client);
    if (!owns) return;
    if (r.gws >= 0) {
      const Gws& gw = gws[r.gws];
      if (!gw.alive || gw.node != r.node) return;  // connection gone meanwhile
    }
    int prev = truth_owner_cache[d];
    OwnershipCause cause = OwnershipCause::registration;
    if (prev >= 0 && prev != r.node) cause = OwnershipCause::move;
    if (prev < 0 && last_owner[d] >= 0 && last_owner[d] != r.node) {
      cause = OwnershipCause::gws_failover;
    }
    accept_registration(r.node, d, r.gws >= 0, r.gws, cause);
    return;
  }
  if (r.unregister) {
    // GWS unregistering the DN (R46, R49) at its node.
    if (r.kind == ActionKind::wwe_logout) agent_request(d, ActionKind::agent_logout, false);
    end_registration(r.node, d);
    return;
  }
  agent_request(d, r.kind, r.ready);
}

// ------------------------------------------------------------------------------------------
// Scenario actions

void Cluster::Impl::run_action(const Action& a) {
  Time now = sched.now();
  int d = a.agent;
  auto gws_request = [&](int g, Request r) {
    if (g < 0 || !gws[g].alive || gws[g].node < 0) return false;
    r.node = gws[g].node;
    r.gws = g;
    r.sent = now;
    post_request(r);
    return true;
  };
  switch (a.kind) {
    case ActionKind::phone_on: {
      phones[d].on = true;
      phone_send_register(d, false);
      if (P.dn_oos_check > Time::zero()) {
        ++probe_gen[d];
        sched.schedule_at(ceil_multiple(now, P.dn_oos_check), kTimer,
                          Event{uint32_t(Ev::dn_probe), uint32_t(d), probe_gen[d]});
      }
      break;
    }
    case ActionKind::phone_off: {
      phones[d].on = false;
      ++phones[d].gen;  // no more REGISTERs
      if (P.dn_oos_check > Time::zero()) {
        ++probe_gen[d];
        sched.schedule_at(ceil_multiple(now, P.dn_oos_check), kTimer,
                          Event{uint32_t(Ev::dn_probe), uint32_t(d), probe_gen[d]});
      }
      break;
    }
    case ActionKind::phone_move: {
      Phone& ph = phones[d];
      ph.dc = a.dc;
      ph.sticky = -1;
      ph.on = true;
      phone_send_register(d, false);
      break;
    }
    case ActionKind::phone_unregister: {
      phones[d].on = false;
      phone_send_register(d, true);
      ++phones[d].gen;
      break;
    }
    case ActionKind::agent_login:
    case ActionKind::agent_logout:
    case ActionKind::agent_ready:
    case ActionKind::agent_not_ready: {
      if (a.kind == ActionKind::agent_ready || a.kind == ActionKind::agent_not_ready ||
          a.kind == ActionKind::agent_login) {
        sessions[d].ready =
            a.kind == ActionKind::agent_login ? a.ready : a.kind == ActionKind::agent_ready;
      }
      Request r;
      r.kind = a.kind;
      r.dn = d;
      r.ready = a.ready;
      r.sent = now;
      post_request(r);
      break;
    }
    case ActionKind::wwe_login: {
      Session& s = sessions[d];
      s.exists = true;
      s.logged_in = true;
      s.connected = true;
      s.ready = a.ready;
      if (s.gws < 0) s.gws = spec.agents[d].gws;
      // R45: TRegisterAddress first, then the login, both client_request_delay later.
      if (spec.agents[d].kind == DnKind::pstn) {
        Request r;
        r.kind = ActionKind::tregister;
        r.dn = d;
        r.client = s.gws >= 0 ? spec.gws[s.gws].client_name : std::string();
        r.register_dn = true;
        gws_request(s.gws, r);
      }
      Request l;
      l.kind = ActionKind::agent_login;
      l.dn = d;
      l.ready = a.ready;
      gws_request(s.gws, l);
      break;
    }
    case ActionKind::wwe_logout: {
      Session& s = sessions[d];
      s.logged_in = false;
      ++s.gen;
      // R46: GWS logs the agent out and unregisters the DN.
      Request r;
      r.kind = ActionKind::wwe_logout;
      r.dn = d;
      r.unregister = true;
      gws_request(s.gws, r);
      break;
    }
    case ActionKind::wwe_disconnect: {
      Session& s = sessions[d];
      if (!s.connected) break;
      s.connected = false;
      ++s.gen;
      sched.schedule_after(P.wwe_reconnect_window, kTimer,
                           Event{uint32_t(Ev::wwe_window_end), uint32_t(d), s.gen});
      break;
    }
    case ActionKind::wwe_reconnect: {
      Session& s = sessions[d];
      if (s.connected) break;
      s.connected = true;  // R49: a path back in time changes nothing
      ++s.gen;
      break;
    }
    case ActionKind::tregister: {
      Request r;
      r.kind = ActionKind::tregister;
      r.dn = d;
      r.node = a.node;
      r.client = a.client;
      r.register_dn = true;
      r.sent = now;
      post_request(r);
      break;
    }
    case ActionKind::cut:
    case ActionKind::heal: {
      bool cut = a.kind == ActionKind::cut;
      ++cut_changes;
      std::vector<std::pair<int, int>> touched;
      for (int x : a.nodes_a) {
        for (int y : a.nodes_b) {
          if (x == y) continue;
          Pair& pr = pair(x, y);
          auto set_dir = [&](int from, int to) {
            if (from < to) {
              pr.cut_ab = cut;
            } else {
              pr.cut_ba = cut;
            }
          };
          set_dir(x, y);
          if (!a.one_way) set_dir(y, x);
          touched.emplace_back(std::min(x, y), std::max(x, y));
        }
      }
      std::sort(touched.begin(), touched.end());
      touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
      for (auto [x, y] : touched)
        update_pair(x, y);
      break;
    }
    case ActionKind::crash: {
      int n = a.node;
      if (!nodes[n].alive) break;
      calls_on_crash(n);
      // R38: the node's DNs lose their owner at once; its view and Stat Server are cleared.
      std::vector<int> owned;
      for (int dd = 0; dd < D; ++dd) {
        if (claim(n, dd).active) owned.push_back(dd);
      }
      for (int dd : owned) {
        with_truth(dd, OwnershipCause::release, [&] {
          Claim& c = claim(n, dd);
          set_claim_active(n, dd, false);
          ++c.gen;
          crashed_owner[dd] = 1;
        });
      }
      set_node_alive(n, false);
      ++nodes[n].epoch;
      nodes[n].ss_q.clear();
      nodes[n].deferred.clear();
      for (int dd = 0; dd < D; ++dd) {
        set_view_silent_clear(n, dd);
        if (last_owner[dd] == n) last_owner[dd] = -1;
      }
      for (int p = 0; p < N; ++p) {
        if (p == n) continue;
        LinkEnd& mine = end(n, p);
        ++mine.gen;
        update_pair(n, p);
        if (a.crash == CrashKind::process && nodes[p].alive) {
          // R39: a process crash is seen at once.
          sched.schedule_at(now, kTimer,
                            Event{uint32_t(Ev::addp_declare), uint32_t(p * N + n), end(p, n).gen});
        }
      }
      for (int g = 0; g < G; ++g) {
        if (gws[g].node != n || !gws[g].alive) continue;
        Gws& gw = gws[g];
        ++gw.cut_gen;
        double u = P.addp_detection_model == AddpDetection::uniform
                       ? rng("addp-gws", uint64_t(g) * 2).uniform01()
                       : (P.addp_detection_model == AddpDetection::max ? 1.0 : 0.0);
        Time at = a.crash == CrashKind::process
                      ? now
                      : now + seconds(P.addp_timeout.to_seconds() * (1.0 + u));
        sched.schedule_at(
            at, kTimer,
            Event{uint32_t(Ev::gws_declare), uint32_t(g), (uint64_t(0) << 32) | gw.cut_gen});
      }
      int dc = nodes[n].dc;
      (void)dc;
      sched.schedule_at(ceil_multiple(now, P.sip_proxy_oos_check), kTimer,
                        Event{uint32_t(Ev::proxy_detect), uint32_t(n), nodes[n].epoch});
      break;
    }
    case ActionKind::restart: {
      int n = a.node;
      if (nodes[n].alive) break;
      set_node_alive(n, true);
      ++nodes[n].epoch;
      // R43: owns nothing, retries its links to reachable peers at once.
      for (int p = 0; p < N; ++p) {
        if (p == n) continue;
        LinkEnd& e = end(n, p);
        LinkEndState before = e.state;
        e.state = LinkEndState::declared_lost;
        e.declared_at = now;
        ++e.gen;
        if (before != e.state) {
          for (Observer* o : observers)
            o->on_link(LinkChange{now, n, p, before, e.state});
        }
        update_pair(n, p);
        tc_retry_now(n, p);
        // ... and keeps retrying every tc_reconnect_interval from the restart (R33).
        schedule_retry(n, p, now + P.tc_reconnect_interval);
      }
      sched.schedule_at(ceil_multiple(now, P.sip_proxy_oos_force), kTimer,
                        Event{uint32_t(Ev::proxy_take_back), uint32_t(n), nodes[n].epoch});
      break;
    }
    case ActionKind::gws_fail: {
      int g = a.gws;
      Gws& gw = gws[g];
      if (!gw.alive) break;
      gw.alive = false;
      ++gw.gen;
      ++gw.cut_gen;
      int n = gw.node;
      gw.prev_node = n;
      gw.node = -1;
      // R49: the WWE sessions on it move through NGINX; agents log in again later.
      for (int dd = 0; dd < D; ++dd) {
        Session& s = sessions[dd];
        if (s.exists && s.gws == g && s.logged_in) {
          Time delay = draw_law(P.agent_relogin_delay_law, P.agent_relogin_delay,
                                rng("relogin", uint64_t(dd)));
          bool ready = s.ready;
          wwe_relogin_via_nginx(dd, now + delay, g);
          sessions[dd].ready = ready;
        }
      }
      if (n >= 0 && nodes[n].alive) {
        double u = P.addp_detection_model == AddpDetection::uniform
                       ? rng("addp-gws", uint64_t(g) * 2 + 1).uniform01()
                       : (P.addp_detection_model == AddpDetection::max ? 1.0 : 0.0);
        sched.schedule_at(now + seconds(P.addp_timeout.to_seconds() * (1.0 + u)), kTimer,
                          Event{uint32_t(Ev::gws_declare), uint32_t(g),
                                (uint64_t(1) << 32) | (uint64_t(n) << 40) | gw.cut_gen});
      }
      break;
    }
    case ActionKind::gws_restart: {
      Gws& gw = gws[a.gws];
      if (gw.alive) break;
      gw.alive = true;
      ++gw.gen;
      gw.cut = false;
      gws_connect(a.gws);
      break;
    }
    case ActionKind::gws_cut: {
      Gws& gw = gws[a.gws];
      if (!gw.alive || gw.node < 0 || gw.cut) break;
      gw.cut = true;
      ++gw.cut_gen;
      int n = gw.node;
      for (int side = 0; side < 2; ++side) {
        double u = P.addp_detection_model == AddpDetection::uniform
                       ? rng("addp-gws", uint64_t(a.gws) * 2 + side).uniform01()
                       : (P.addp_detection_model == AddpDetection::max ? 1.0 : 0.0);
        sched.schedule_at(now + seconds(P.addp_timeout.to_seconds() * (1.0 + u)), kTimer,
                          Event{uint32_t(Ev::gws_declare), uint32_t(a.gws),
                                (uint64_t(side) << 32) | (uint64_t(n) << 40) | gw.cut_gen});
      }
      break;
    }
    case ActionKind::call: {
      // A scripted call: handle, ACW and patience from the parameters, drawn from the call's
      // own streams (keyed by its place in the timeline).
      uint64_t key = uint64_t(a.at.micros()) ^ (uint64_t(d) << 48);
      key = mix64(key ^ hash_name(a.group));
      Rng rh(seed, "action-handle", key), ra(seed, "action-acw", key),
          rp(seed, "action-patience", key);
      Time handle = draw_law(P.handle_time_law, P.handle_time_mean, rh);
      Time acw = draw_law(P.acw_time_law, P.acw_time_mean, ra);
      Time patience = P.patience_infinite
                          ? Time::max()
                          : seconds(draw_exponential(rp, P.patience_mean.to_seconds()));
      if (a.handle) handle = *a.handle;
      if (a.acw) acw = *a.acw;
      if (a.patience) patience = *a.patience;
      int g = a.group.empty() ? 0 : group_index_of(a.group);
      call_arrives(a.node >= 0 ? nodes[a.node].dc : a.dc, a.node, g, patience, handle, acw);
      break;
    }
    case ActionKind::gws_heal: {
      Gws& gw = gws[a.gws];
      if (!gw.cut) break;
      gw.cut = false;
      if (!gw.declared_gws && !gw.declared_node) ++gw.cut_gen;  // nothing was declared
      break;
    }
  }
}

void Cluster::Impl::tc_retry_now(int n, int p) {
  // A reconnect attempt by n: if the pair is whole, the other end declares when it reaches it
  // (if it has not yet), and the link is up one round trip after the attempt (R31, R33, R43).
  if (broken(n, p)) return;
  Time now = sched.now();
  if (end(p, n).state != LinkEndState::declared_lost) {
    sched.schedule_at(now + d(n, p), kDelivery,
                      Event{uint32_t(Ev::retry_reach), uint32_t(p * N + n), pair(n, p).gen});
  }
  Pair& pr = pair(n, p);
  if (!pr.link_up_pending) {
    pr.link_up_pending = true;
    int a = std::min(n, p), b = std::max(n, p);
    sched.schedule_at(now + d(n, p) + d(p, n), kDelivery,
                      Event{uint32_t(Ev::link_up), uint32_t(a * N + b), pr.gen});
  }
}

void Cluster::Impl::set_view_silent_clear(int n, int d) {
  // A crashed node's view and Stat Server are cleared (R38). Emitted so recorders see it.
  DnView empty;
  Time now = sched.now();
  DnView& v = nodes[n].view[d];
  if (!(v == empty)) {
    DnView before = v;
    v = empty;
    refresh_avail(d);
    for (Observer* o : view_observers)
      o->on_dn_view(DnViewChange{now, ViewLevel::view, n, d, before, v});
  }
  DnView& s = nodes[n].stat[d].view;
  if (!(s == empty)) {
    DnView before = s;
    s = empty;
    for (Observer* o : view_observers)
      o->on_dn_view(DnViewChange{now, ViewLevel::stat, n, d, before, s});
  }
  nodes[n].stat[d].reserved = false;
  index_dn(n, d);  // the routing indexes follow the cleared Stat Server
}

// ------------------------------------------------------------------------------------------
// Dispatch: the one place where events get their meaning.

void Cluster::Impl::dispatch(const FiredEvent& f) {
  const uint32_t t = f.event.target;
  const uint64_t arg = f.event.arg;
  switch (Ev(f.event.kind)) {
    case Ev::action:
      run_action(actions[t]);
      break;
    case Ev::tc_deliver: {
      int from = int(t) / N, to = int(t) % N;
      Channel& ch = chan(from, to);
      if (arg != ch.epoch || ch.q.empty()) break;
      Msg m = std::move(ch.q.front());
      ch.q.pop_front();
      assert(!m.held && m.deliver_at == sched.now());
      if (!observers.empty()) {
        TcApply ap{sched.now(), from, to, m.seq, msg_kind_name(m.kind)};
        for (Observer* o : observers)
          o->on_tc_apply(ap);
      }
      on_tc(from, to, m);
      break;
    }
    case Ev::ss_deliver:
      if (arg == nodes[t].epoch && nodes[t].alive) deliver_stat(int(t));
      break;
    case Ev::request_arrive: {
      Request r = std::move(requests[t]);
      free_requests.push_back(t);
      arrive_request(r);
      break;
    }
    case Ev::reg_expiry: {
      int n = int(t) / D, d = int(t) % D;
      Claim& c = claim(n, d);
      if (c.active && c.gen == arg) end_registration(n, d);
      break;
    }
    case Ev::addp_declare: {
      int n = int(t) / N, p = int(t) % N;
      if (end(n, p).gen != arg) break;
      declare(n, p);
      break;
    }
    case Ev::retry_reach: {
      int n = int(t) / N, p = int(t) % N;
      if (pair(n, p).gen != arg || broken(n, p)) break;
      declare(n, p);
      break;
    }
    case Ev::tc_retry: {
      int n = int(t) / N, p = int(t) % N;
      LinkEnd& e = end(n, p);
      if (e.gen != arg || e.state != LinkEndState::declared_lost || !nodes[n].alive) break;
      tc_retry_now(n, p);
      schedule_retry(n, p, sched.now() + P.tc_reconnect_interval);
      break;
    }
    case Ev::link_up: {
      int a = int(t) / N, b = int(t) % N;
      if (pair(a, b).gen != arg) break;
      link_up(a, b);
      break;
    }
    case Ev::phone_refresh: {
      Phone& ph = phones[t];
      if (ph.gen != arg || !ph.on) break;
      phone_send_register(int(t), false);
      break;
    }
    case Ev::proxy_detect: {
      int n = int(t);
      if (nodes[n].epoch != arg || nodes[n].alive) break;
      Proxy& px = proxies[nodes[n].dc];
      for (size_t i = 0; i < px.nodes.size(); ++i) {
        if (px.nodes[i] == n) px.believed_alive[i] = false;
      }
      if (P.proxy_replays_registrations) {
        // R42 variant: the proxy replays the bindings of the dead node's phones elsewhere.
        for (int d = 0; d < D; ++d) {
          if (phones[d].on && phones[d].sticky == n && phones[d].dc == nodes[n].dc) {
            phones[d].sticky = -1;
            phone_send_register(d, false);
          }
        }
      }
      break;
    }
    case Ev::proxy_take_back: {
      int n = int(t);
      if (nodes[n].epoch != arg || !nodes[n].alive) break;
      Proxy& px = proxies[nodes[n].dc];
      for (size_t i = 0; i < px.nodes.size(); ++i) {
        if (px.nodes[i] == n) px.believed_alive[i] = true;
      }
      if (P.failback_on_restart) {
        for (int d = 0; d < D; ++d) {
          if (phones[d].first_node == n && phones[d].dc == nodes[n].dc) phones[d].sticky = n;
        }
      }
      break;
    }
    case Ev::dn_probe: {
      int d = int(t);
      if (probe_gen[d] != arg) break;
      // R15: the owner probes the phone; OOS keeps the registration and the owner.
      for (int n = 0; n < N; ++n) {
        Claim& c = claim(n, d);
        if (!c.active || !nodes[n].alive) continue;
        bool on = phones[d].on;
        if (!on && !c.probe_oos) {
          c.probe_oos = true;
          with_truth(d, OwnershipCause::registration, [&] {
            DnView v = nodes[n].view[d];
            v.in_service = false;
            if (P.logout_on_oos && !is_busy(v.agent)) v.agent = AgentState::logged_out;
            set_view(n, d, v);
            announce(n, d);
          });
        } else if (on && c.probe_oos) {
          c.probe_oos = false;
          with_truth(d, OwnershipCause::registration, [&] {
            DnView v = nodes[n].view[d];
            v.in_service = true;
            set_view(n, d, v);
            announce(n, d);
          });
        }
      }
      break;
    }
    case Ev::grace_expire: {
      int n = int(t) / N, p = int(t) % N;
      if (end(n, p).gen != arg) break;
      for (int d = 0; d < D; ++d) {
        DnView v = nodes[n].view[d];
        if (v.owner == p && v.in_service) {
          v.in_service = false;
          set_view(n, d, v);
        }
      }
      break;
    }
    case Ev::gws_reconnect: {
      Gws& gw = gws[t];
      if (gw.gen != arg || !gw.alive || gw.node >= 0) break;
      gws_connect(int(t));
      break;
    }
    case Ev::gws_declare: {
      int g = int(t);
      Gws& gw = gws[g];
      uint32_t side = uint32_t((arg >> 32) & 0xff);
      int n = int(arg >> 40);
      if (uint32_t(arg) != gw.cut_gen) break;
      if (side == 0) {
        // the GWS end declares its node lost
        if (!gw.alive || gw.declared_gws) break;
        gw.declared_gws = true;
        gws_lost_node(g);
      } else {
        if (gw.declared_node || !nodes[n].alive) break;
        gw.declared_node = true;
        node_lost_gws(n, g);
      }
      break;
    }
    case Ev::wwe_window_end: {
      int d = int(t);
      Session& s = sessions[d];
      if (s.gen != arg || s.connected) break;
      // R49: GWS up but out of reach: it unregisters the DN; NGINX moves WWE; relogin later.
      int g = s.gws;
      if (g >= 0 && gws[g].alive && gws[g].node >= 0) {
        Request r;
        r.kind = ActionKind::phone_off;
        r.dn = d;
        r.unregister = true;
        r.node = gws[g].node;
        r.gws = g;
        r.sent = sched.now();
        post_request(r);
      }
      Time delay =
          draw_law(P.agent_relogin_delay_law, P.agent_relogin_delay, rng("relogin", uint64_t(d)));
      bool ready = s.ready;
      wwe_relogin_via_nginx(d, sched.now() + delay, g);
      sessions[d].ready = ready;
      break;
    }
    case Ev::stream_arrival:
    case Ev::trace_arrival:
    case Ev::route:
    case Ev::offer_arrive:
    case Ev::offer_fail:
    case Ev::offer_timeout:
    case Ev::answer:
    case Ev::call_end:
    case Ev::acw_end:
    case Ev::patience:
    case Ev::router_timeout:
    case Ev::held_end:
      dispatch_call(Ev(f.event.kind), t, arg);
      break;
    case Ev::agent_relogin: {
      int d = int(t);
      if (relogin_gen[d] != arg) break;
      // R18: the agent logs in again, Ready.
      Request r;
      r.kind = ActionKind::agent_login;
      r.dn = d;
      r.ready = true;
      r.sent = sched.now();
      post_request(r);
      break;
    }
  }
}

// ------------------------------------------------------------------------------------------
// Public API

Cluster::Cluster(ClusterSpec spec, uint64_t seed)
    : impl_(std::make_unique<Impl>(std::move(spec), seed)) {}
Cluster::~Cluster() = default;

void Cluster::add_observer(Observer* o) {
  impl_->observers.push_back(o);
  if (o->wants_node_views()) impl_->view_observers.push_back(o);
}

void Cluster::schedule(const Action& a) {
  // Indices are checked here so that no caller (scenario, GUI, test) can corrupt the model.
  const Impl& im = *impl_;
  auto bad = [&](const char* what, int v) {
    throw std::invalid_argument(std::string(to_string(a.kind)) + " at " + format_time(a.at) + ": " +
                                what + " " + std::to_string(v) + " out of range");
  };
  auto needs_agent = [&] {
    if (a.agent < 0 || a.agent >= im.D) bad("agent", a.agent);
  };
  switch (a.kind) {
    case ActionKind::phone_move:
      needs_agent();
      if (a.dc < 0 || a.dc >= int(im.spec.dcs.size())) bad("dc", a.dc);
      break;
    case ActionKind::tregister:
      needs_agent();
      if (a.node < 0 || a.node >= im.N) bad("node", a.node);
      break;
    case ActionKind::cut:
    case ActionKind::heal:
      for (int n : a.nodes_a) {
        if (n < 0 || n >= im.N) bad("node", n);
      }
      for (int n : a.nodes_b) {
        if (n < 0 || n >= im.N) bad("node", n);
      }
      break;
    case ActionKind::crash:
    case ActionKind::restart:
      if (a.node < 0 || a.node >= im.N) bad("node", a.node);
      break;
    case ActionKind::gws_fail:
    case ActionKind::gws_restart:
    case ActionKind::gws_cut:
    case ActionKind::gws_heal:
      if (a.gws < 0 || a.gws >= im.G) bad("gws", a.gws);
      break;
    case ActionKind::call:
      if (a.node >= im.N) bad("node", a.node);
      if (a.node < 0 && (a.dc < 0 || a.dc >= int(im.spec.dcs.size()))) bad("dc", a.dc);
      if (!a.group.empty() && im.group_index_of(a.group) < 0) {
        throw std::invalid_argument("call at " + format_time(a.at) + ": unknown group \"" +
                                    a.group + "\"");
      }
      if (a.group.empty() && im.group_names.empty()) {
        throw std::invalid_argument("call at " + format_time(a.at) + ": no routing groups");
      }
      break;
    default:
      needs_agent();
      break;
  }
  if (a.at < impl_->sched.now()) bad("time in the past (µs)", int(a.at.micros()));
  impl_->actions.push_back(a);
  uint8_t prio = is_fault(a.kind) ? kFault : kAction;
  impl_->sched.schedule_at(a.at, prio,
                           Event{uint32_t(Ev::action), uint32_t(impl_->actions.size() - 1), 0});
}

StopReason Cluster::run_until(Time t) {
  Impl& im = *impl_;
  return im.sched.run_until(t, [&](const FiredEvent& f) {
    im.dispatch(f);
    for (Observer* o : im.observers)
      o->on_event(f);
  });
}

bool Cluster::step() {
  Impl& im = *impl_;
  auto f = im.sched.step();
  if (!f) return false;
  im.dispatch(*f);
  for (Observer* o : im.observers)
    o->on_event(*f);
  return true;
}

const char* Cluster::event_name(uint32_t kind) {
  static const char* const names[] = {
      "action",          "tc_deliver",   "ss_deliver",   "request_arrive", "reg_expiry",
      "addp_declare",    "tc_retry",     "link_up",      "phone_refresh",  "proxy_detect",
      "proxy_take_back", "dn_probe",     "grace_expire", "gws_reconnect",  "wwe_window_end",
      "agent_relogin",   "retry_reach",  "gws_declare",  "stream_arrival", "trace_arrival",
      "route",           "offer_arrive", "offer_fail",   "offer_timeout",  "answer",
      "call_end",        "acw_end",      "patience",     "router_timeout", "held_end"};
  static_assert(sizeof(names) / sizeof(names[0]) == size_t(Ev::held_end) + 1,
                "every event kind has a name");
  return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

Scheduler& Cluster::scheduler() {
  return impl_->sched;
}
const Scheduler& Cluster::scheduler() const {
  return impl_->sched;
}
Time Cluster::now() const {
  return impl_->sched.now();
}
const ClusterSpec& Cluster::spec() const {
  return impl_->spec;
}
const Params& Cluster::params() const {
  return impl_->P;
}
int Cluster::node_count() const {
  return impl_->N;
}
int Cluster::dn_count() const {
  return impl_->D;
}
int Cluster::gws_count() const {
  return impl_->G;
}
int Cluster::dn_of_agent(int agent) const {
  return agent;
}
bool Cluster::node_alive(int node) const {
  return impl_->nodes[node].alive;
}
uint64_t Cluster::liveness_changes() const {
  return impl_->liveness_changes;
}
uint64_t Cluster::cut_changes() const {
  return impl_->cut_changes;
}
const DnView& Cluster::view(int node, int dn) const {
  return impl_->nodes[node].view[dn];
}
const DnView& Cluster::stat(int node, int dn) const {
  return impl_->nodes[node].stat[dn].view;
}
DnView Cluster::truth(int dn) const {
  return impl_->truth_view(dn);
}
int Cluster::truth_owner(int dn) const {
  return impl_->compute_truth_owner(dn);
}
std::vector<int> Cluster::claimants(int dn) const {
  std::vector<int> out;
  for (int n = 0; n < impl_->N; ++n) {
    if (impl_->claim(n, dn).active) out.push_back(n);
  }
  return out;
}
LinkEndState Cluster::link_end(int node, int peer) const {
  return impl_->end(node, peer).state;
}
bool Cluster::pair_cut(int a, int b) const {
  const Pair& p = impl_->pair(a, b);
  return p.cut_ab || p.cut_ba;
}
bool Cluster::reachable_for_offers(int from, int to) const {
  if (!impl_->nodes[to].alive) return false;
  if (from == to) return true;
  if (impl_->P.partition_scope == PartitionScope::tc_layer) return true;
  return !pair_cut(from, to);
}
int Cluster::gws_node(int g) const {
  return impl_->gws[g].node;
}
bool Cluster::gws_alive(int g) const {
  return impl_->gws[g].alive;
}
Time Cluster::one_way_delay(int a, int b) const {
  return impl_->d(a, b);
}
const std::vector<std::string>& Cluster::groups() const {
  return impl_->group_names;
}
int Cluster::group_index(const std::string& name) const {
  return impl_->group_index_of(name);
}
int Cluster::queue_length(int node, int group) const {
  const Impl& im = *impl_;
  int total = 0;
  for (int g = 0; g < int(im.group_names.size()); ++g) {
    if (group < 0 || g == group) total += int(im.queues[im.ng(node, g)].size());
  }
  return total;
}
uint64_t Cluster::calls_arrived() const {
  return impl_->next_call_id - 1;
}
uint64_t Cluster::calls_active() const {
  return impl_->active_calls;
}
void Cluster::set_call_limit(uint64_t n) {
  impl_->call_limit = n;
}
void Cluster::finish_calls() {
  Impl& im = *impl_;
  for (const Call& c : im.calls) {
    if (!c.live) continue;
    CallRecord r = c.rec;
    r.outcome = CallOutcome::in_progress;
    r.ended = Time::max();
    for (Observer* o : im.observers)
      o->on_call(r);
  }
}
void Cluster::set_detailed_decisions(bool on) {
  impl_->detailed_decisions = on;
}
void Cluster::set_verify_stale_counts(bool on) {
  impl_->verify_stale = on;
}
uint64_t Cluster::stale_count_checks() const {
  return impl_->stale_checked;
}
uint64_t Cluster::stale_count_mismatches() const {
  return impl_->stale_mismatches;
}
Reachability Cluster::reachability() const {
  std::vector<char> alive(size_t(impl_->N));
  for (int n = 0; n < impl_->N; ++n)
    alive[size_t(n)] = impl_->nodes[n].alive;
  return Reachability::build(alive, [&](int a, int b) { return impl_->dir_cut(a, b); });
}

}  // namespace scsim::model
