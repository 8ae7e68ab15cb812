// GWS nodes and WWE sessions (DOMAIN §3.7, R44-R49): connection, failover, NGINX relogin.
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

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

}  // namespace scsim::model
