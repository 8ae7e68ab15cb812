// SIP phones and proxies (R4, R13, R15, R41, R42): REGISTER, refresh and proxy choice.
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

int Cluster::Impl::proxy_pick(int dc, int d, bool expires0) {
  Proxy& px = proxies[dc];
  Phone& ph = phones[d];
  auto believed = [&](int n) {
    for (size_t i = 0; i < px.nodes.size(); ++i) {
      if (px.nodes[i] == n) return bool(px.believed_alive[i]);
    }
    return false;  // not a node of this DC
  };
  // R4: an Expires 0 REGISTER goes to the node that accepted the last REGISTER while the proxy
  // believes it alive, and does not advance the counter.
  if (expires0 && ph.last_node >= 0 && believed(ph.last_node)) return ph.last_node;
  // R4, R13: the sticky choice is the proxy's, per phone; it stands across moves.
  int& sticky = px.sticky[size_t(d)];
  if (P.register_node_selection == RegisterNodeSelection::sticky && sticky >= 0 &&
      believed(sticky)) {
    return sticky;
  }
  std::vector<int> alive;
  for (size_t i = 0; i < px.nodes.size(); ++i) {
    if (px.believed_alive[i]) alive.push_back(px.nodes[i]);
  }
  if (alive.empty()) return -1;
  int pick = alive[px.rr_register % alive.size()];
  ++px.rr_register;
  sticky = pick;
  if (ph.first_node < 0) ph.first_node = pick;
  return pick;
}

void Cluster::Impl::phone_send_register(int d, bool expires0) {
  Phone& ph = phones[d];
  Time now = sched.now();
  ++ph.gen;
  int node = proxy_pick(ph.dc, d, expires0);
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

void Cluster::Impl::schedule_probe(int d) {
  // R15: the owner probes the phone at the next dn_oos_check boundary.
  if (P.dn_oos_check <= Time::zero()) return;
  ++probe_gen[d];
  sched.schedule_at(ceil_multiple(sched.now(), P.dn_oos_check), kTimer,
                    Event{uint32_t(Ev::dn_probe), uint32_t(d), probe_gen[d]});
}

void Cluster::Impl::act_phone_on(int d) {
  phones[d].on = true;
  phone_send_register(d, false);
  schedule_probe(d);
}

void Cluster::Impl::act_phone_off(int d) {
  phones[d].on = false;
  ++phones[d].gen;  // no more REGISTERs
  schedule_probe(d);
}

void Cluster::Impl::act_phone_move(int d, int dc) {
  Phone& ph = phones[d];
  ph.dc = dc;
  ph.on = true;
  phone_send_register(d, false);
}

void Cluster::Impl::act_phone_unregister(int d) {
  phones[d].on = false;
  phone_send_register(d, true);
  ++phones[d].gen;
}

void Cluster::Impl::proxy_detect(int n) {
  // R41: the proxy notices the dead node at its next OOS check.
  Proxy& px = proxies[nodes[n].dc];
  for (size_t i = 0; i < px.nodes.size(); ++i) {
    if (px.nodes[i] == n) px.believed_alive[i] = false;
  }
  if (P.proxy_replays_registrations) {
    // R42 variant: the proxy replays the bindings of the dead node's phones elsewhere.
    for (int d = 0; d < D; ++d) {
      if (phones[d].on && px.sticky[size_t(d)] == n && phones[d].dc == nodes[n].dc) {
        px.sticky[size_t(d)] = -1;
        phone_send_register(d, false);
      }
    }
  }
}

void Cluster::Impl::proxy_take_back(int n) {
  Proxy& px = proxies[nodes[n].dc];
  for (size_t i = 0; i < px.nodes.size(); ++i) {
    if (px.nodes[i] == n) px.believed_alive[i] = true;
  }
  if (P.failback_on_restart) {
    for (int d = 0; d < D; ++d) {
      if (phones[d].first_node == n && phones[d].dc == nodes[n].dc) px.sticky[size_t(d)] = n;
    }
  }
}

void Cluster::Impl::dn_probe(int d) {
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
}

}  // namespace scsim::model
