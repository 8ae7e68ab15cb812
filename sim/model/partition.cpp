// Partitions and links (DOMAIN §3.5): cuts and heals, held updates (R28, R31), ADDP
// declaration, reconnect retries and the link coming up with its resync (R33, R43).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"
#include "model/node_rules.hpp"

namespace scsim::model {

bool Cluster::Impl::dir_cut(int from, int to) const {
  return mesh.dir_cut(from, to);
}

bool Cluster::Impl::broken(int a, int b) const {
  const Pair& p = pair(a, b);
  return p.cut_ab || p.cut_ba || !nodes[a].alive || !nodes[b].alive;
}

bool Cluster::Impl::tc_usable(int from, int to) const {
  return mesh.usable(from, to);
}

Time Cluster::Impl::addp_detect_at(Time from, const char* stream, uint64_t id) {
  // The one ADDP detection draw (R31, R39, R44): addp_timeout x (1 + u), u by
  // addp_detection_model (uniform: one draw from the end's own stream; min: 0; max: 1).
  double u = 0;
  switch (P.addp_detection_model) {
    case AddpDetection::uniform:
      u = rng(stream, id).uniform01();
      break;
    case AddpDetection::min:
      u = 0;
      break;
    case AddpDetection::max:
      u = 1;
      break;
  }
  return from + seconds(P.addp_timeout.to_seconds() * (1.0 + u));
}

void Cluster::Impl::schedule_declare(int n, int p) {
  Time at = addp_detect_at(sched.now(), "addp", uint64_t(n) * 4096 + uint64_t(p));
  sched.schedule_at(at, kTimer,
                    Event{uint32_t(Ev::addp_declare), uint32_t(n * N + p), end(n, p).gen});
}

void Cluster::Impl::schedule_retry(int n, int p, Time at) {
  sched.schedule_at(at, kTimer, Event{uint32_t(Ev::tc_retry), uint32_t(n * N + p), end(n, p).gen});
}

void Cluster::Impl::update_pair(int a, int b) {
  if (a == b) return;
  Pair& pr = pair(a, b);
  bool now_broken = broken(a, b);
  Time now = sched.now();
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
        Time at = std::max(now + tc_delay(from, to) + extra, ch.last_deliver);
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
        set_link_end(x, y, LinkEndState::cut_undeclared);
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
        set_link_end(x, y, LinkEndState::up);
      }
    }
    if (tc_usable(a, b)) {
      // R28/R36: the held updates (a call's end among them) get through after all, d after
      // the cut ends, behind the other held updates.
      for (int x : {a, b}) {
        int y = x == a ? b : a;
        if (stuck.count({x, y})) {
          sched.schedule_at(now + tc_delay(y, x), kDelivery,
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
  set_link_end(n, p, LinkEndState::declared_lost);
  e.declared_at = now;
  ++e.gen;
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
    grace_expire(n, p);
  }
  schedule_retry(n, p, now + P.tc_reconnect_interval);
  // R8 release_then_claim (MODEL.md choice 81): a registration waiting for p's release no longer
  // needs it once n has declared p lost: n claims the DN now (as if p's link had been declared
  // lost when the REGISTER came).
  std::vector<std::pair<int, PendingClaim>> waiting;
  for (const auto& [key, pc] : pending_claims) {
    if (int(key / uint64_t(D)) == n && pc.from == p)
      waiting.emplace_back(int(key % uint64_t(D)), pc);
  }
  for (const auto& [d, pc] : waiting) {
    pending_claims.erase(uint64_t(n) * D + d);
    accept_registration(n, d, pc.via_gws, pc.gws, pc.cause);
  }
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
    set_link_end(x, y, LinkEndState::resyncing);
    e.declared_at = now;  // the link's last "came up" instant (R67)
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

void Cluster::Impl::tc_retry_now(int n, int p) {
  // A reconnect attempt by n: if the pair is whole, the other end declares when it reaches it
  // (if it has not yet), and the link is up one round trip after the attempt (R31, R33, R43).
  if (broken(n, p)) return;
  Time now = sched.now();
  if (end(p, n).state != LinkEndState::declared_lost) {
    sched.schedule_at(now + tc_delay(n, p), kDelivery,
                      Event{uint32_t(Ev::retry_reach), uint32_t(p * N + n), pair(n, p).gen});
  }
  Pair& pr = pair(n, p);
  if (!pr.link_up_pending) {
    pr.link_up_pending = true;
    int a = std::min(n, p), b = std::max(n, p);
    sched.schedule_at(now + tc_delay(n, p) + tc_delay(p, n), kDelivery,
                      Event{uint32_t(Ev::link_up), uint32_t(a * N + b), pr.gen});
  }
}

void Cluster::Impl::act_cut_heal(const Action& a) {
  // A cut or heal of the TC links between the nodes of nodes_a and those of nodes_b.
  bool cut = a.kind == ActionKind::cut;
  ++cut_changes;
  std::vector<std::pair<int, int>> touched;
  for (int x : a.nodes_a) {
    for (int y : a.nodes_b) {
      if (x == y) continue;
      mesh.set_dir_cut(x, y, cut);
      if (!a.one_way) mesh.set_dir_cut(y, x, cut);
      touched.emplace_back(std::min(x, y), std::max(x, y));
    }
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (auto [x, y] : touched)
    update_pair(x, y);
  gws_cut_by_pairs(a, cut);
}

void Cluster::Impl::grace_expire(int n, int p) {
  NodeCtx x(*this, n);
  node::grace_expire(x, p);
}

void Cluster::Impl::set_link_end(int n, int p, LinkEndState s) {
  const LinkEndState before = mesh.set_end(n, p, s);
  if (before == s) return;
  for (Observer* o : observers)
    o->on_link(LinkChange{sched.now(), n, p, before, s});
}

}  // namespace scsim::model
