// View propagation (DOMAIN §3.3-3.4): view_N and SS_N updates (R20), TC messages and their
// FIFO channels (R26), updates, releases, drops and snapshots at the receiver (R25, R33, R66).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"
#include "model/node_rules.hpp"

namespace scsim::model {

void Cluster::Impl::set_view(int n, int d, const DnView& v) {
  ViewCell& cur = nodes[n].view[d];
  cur.got_state = 1;
  // Node n learns of another owner: it no longer holds the DN last (R9, NodeCtx::held_last).
  if (v.owner >= 0 && v.owner != n) cur.held_last = 0;
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
  Time at = std::max(sched.now() + tc_delay(from, to) + extra, ch.last_deliver);
  m.deliver_at = at;
  ch.last_deliver = at;
  if (!message_observers.empty()) tell(at, false, false);
  ch.q.push_back(std::move(m));
  sched.schedule_at(at, kDelivery,
                    Event{uint32_t(Ev::tc_deliver), uint32_t(from * N + to), ch.epoch});
}

void Cluster::Impl::call_end_to_believed_owner(int n, int o, int d, Time acw) {
  // R18: the owner of the offer no longer holds the agent; the call's node n sends the end to
  // the owner it believes (or, believing none, to the offer's owner), which may have adopted
  // the busy state. A TC message like any other (R25-R28): held by a cut, lost once the link
  // is declared lost, never delivered to a node that n does not know has crashed.
  int target = nodes[n].view[d].owner;
  if (target < 0) target = o;
  if (target == o) return;
  if (target == n) {
    sched.schedule_at(
        sched.now(), kDelivery,
        Event{uint32_t(Ev::adopted_end), uint32_t(target * D + d), uint64_t(acw.micros())});
    return;
  }
  Msg m;
  m.kind = MsgKind::call_end;
  m.dn = d;
  m.acw = acw;
  send(n, target, std::move(m));
}

void Cluster::Impl::set_view_silent_clear(int n, int d) {
  // A crashed node's view and Stat Server are cleared (R38). Emitted so recorders see it.
  DnView empty;
  Time now = sched.now();
  ViewCell& v = nodes[n].view[d];
  v.got_state = 0;
  v.held_last = 0;
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
  NodeCtx x(*this, to);
  node::on_tc(x, from, m);
}

}  // namespace scsim::model
