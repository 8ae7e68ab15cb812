// View propagation (DOMAIN §3.3-3.4): view_N and SS_N updates (R20), TC messages and their
// FIFO channels (R26), updates, releases, drops and snapshots at the receiver (R25, R33, R66).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

void Cluster::Impl::set_view(int n, int d, const DnView& v) {
  got_state[size_t(n) * D + d] = 1;
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

void Cluster::Impl::send(int from, int to, Msg m) {
  if (from == to) return;
  auto tell = [&](Time arrive, bool held, bool dropped) {
    MessageSent s{sched.now(), from, to, m.seq, msg_kind_name(m.kind), m.dn};
    s.in_service = m.state.in_service;
    s.agent = m.state.agent;
    s.epoch = chan(from, to).epoch;
    s.entries = m.snapshot ? m.snapshot->size() : 0;
    s.arrive = arrive;
    s.held = held;
    s.dropped = dropped;
    for (Observer* o : message_observers)
      o->on_message(s);
  };
  // R28: once either end has declared the link lost, updates are lost for good.
  if (!tc_usable(from, to)) {
    if (!message_observers.empty()) tell(Time::max(), false, true);
    return;
  }
  Channel& ch = chan(from, to);
  m.seq = ++ch.sent;
  bool blocked = dir_cut(from, to) || !nodes[from].alive || !nodes[to].alive;
  if (blocked || (!ch.q.empty() && ch.q.back().held)) {
    m.held = true;  // R28: held back (TCP retransmission)
    if (!message_observers.empty()) tell(Time::max(), true, false);
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
  if (!message_observers.empty()) tell(at, false, false);
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
          rel.state = v;  // R9, R27: the state the old owner keeps travels with the release
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

void Cluster::Impl::set_view_silent_clear(int n, int d) {
  // A crashed node's view and Stat Server are cleared (R38). Emitted so recorders see it.
  DnView empty;
  Time now = sched.now();
  got_state[size_t(n) * D + d] = 0;
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

void Cluster::Impl::tc_deliver(int from, int to) {
  // The message at the head of channel from->to reaches `to` (R26: in sending order).
  Channel& ch = chan(from, to);
  Msg m = std::move(ch.q.front());
  ch.q.pop_front();
  assert(!m.held && m.deliver_at == sched.now());
  if (!observers.empty()) {
    TcApply ap{sched.now(), from, to, m.seq, msg_kind_name(m.kind)};
    for (Observer* o : observers)
      o->on_tc_apply(ap);
  }
  on_tc(from, to, m);
}

}  // namespace scsim::model
