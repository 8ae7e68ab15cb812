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

bool Cluster::Impl::gws_request(int g, Request r) {
  // A request a WWE session sends through its GWS to the GWS's node (R45, R46).
  if (g < 0 || !gws[g].alive || gws[g].node < 0) return false;
  r.node = gws[g].node;
  r.gws = g;
  r.sent = sched.now();
  post_request(r);
  return true;
}

void Cluster::Impl::act_wwe_login(int d, bool ready) {
  Session& s = sessions[d];
  s.exists = true;
  s.logged_in = true;
  s.connected = true;
  s.ready = ready;
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
  l.ready = ready;
  gws_request(s.gws, l);
}

void Cluster::Impl::act_wwe_logout(int d) {
  Session& s = sessions[d];
  s.logged_in = false;
  ++s.gen;
  // R46: GWS logs the agent out and unregisters the DN.
  Request r;
  r.kind = ActionKind::wwe_logout;
  r.dn = d;
  r.unregister = true;
  gws_request(s.gws, r);
}

void Cluster::Impl::act_wwe_disconnect(int d) {
  Session& s = sessions[d];
  if (!s.connected) return;
  s.connected = false;
  ++s.gen;
  sched.schedule_after(P.wwe_reconnect_window, kTimer,
                       Event{uint32_t(Ev::wwe_window_end), uint32_t(d), s.gen});
}

void Cluster::Impl::act_wwe_reconnect(int d) {
  Session& s = sessions[d];
  if (s.connected) return;
  s.connected = true;  // R49: a path back in time changes nothing
  ++s.gen;
}

void Cluster::Impl::relogin_via_nginx_after_delay(int d, int lost_gws) {
  // R49: the session moves through NGINX; the agent logs in again agent_relogin_delay later,
  // with its last Ready/NotReady state.
  Time delay =
      draw_law(P.agent_relogin_delay_law, P.agent_relogin_delay, rng("relogin", uint64_t(d)));
  bool ready = sessions[d].ready;
  wwe_relogin_via_nginx(d, sched.now() + delay, lost_gws);
  sessions[d].ready = ready;
}

void Cluster::Impl::act_gws_fail(int g) {
  Gws& gw = gws[g];
  if (!gw.alive) return;
  gw.alive = false;
  ++gw.gen;
  ++gw.cut_gen;
  int n = gw.node;
  gw.prev_node = n;
  gw.node = -1;
  // R49: the WWE sessions on it move through NGINX; agents log in again later.
  for (int dd = 0; dd < D; ++dd) {
    Session& s = sessions[dd];
    if (s.exists && s.gws == g && s.logged_in) relogin_via_nginx_after_delay(dd, g);
  }
  if (n >= 0 && nodes[n].alive) {
    // R44: the node's end of the connection declares the GWS lost by ADDP.
    Time at = addp_detect_at(sched.now(), "addp-gws", uint64_t(g) * 2 + 1);
    sched.schedule_at(
        at, kTimer,
        Event{uint32_t(Ev::gws_declare), uint32_t(g), gws_declare_arg(1, n, gw.cut_gen)});
  }
}

void Cluster::Impl::act_gws_restart(int g) {
  Gws& gw = gws[g];
  if (gw.alive) return;
  gw.alive = true;
  ++gw.gen;
  gw.cut = false;
  gws_connect(g);
}

void Cluster::Impl::act_gws_cut(int g) {
  Gws& gw = gws[g];
  if (!gw.alive || gw.node < 0 || gw.cut) return;
  gw.cut = true;
  ++gw.cut_gen;
  int n = gw.node;
  for (int side = 0; side < 2; ++side) {
    // R44: each end declares the other lost by ADDP, from its own draw.
    Time at = addp_detect_at(sched.now(), "addp-gws", uint64_t(g) * 2 + uint64_t(side));
    sched.schedule_at(at, kTimer,
                      Event{uint32_t(Ev::gws_declare), uint32_t(g),
                            gws_declare_arg(uint32_t(side), n, gw.cut_gen)});
  }
}

void Cluster::Impl::act_gws_heal(int g) {
  Gws& gw = gws[g];
  if (!gw.cut) return;
  gw.cut = false;
  if (!gw.declared_gws && !gw.declared_node) ++gw.cut_gen;  // nothing was declared
}

void Cluster::Impl::gws_declare(int g, uint32_t side, int n) {
  Gws& gw = gws[g];
  if (side == 0) {
    // the GWS end declares its node lost
    if (!gw.alive || gw.declared_gws) return;
    gw.declared_gws = true;
    gws_lost_node(g);
  } else {
    if (gw.declared_node || !nodes[n].alive) return;
    gw.declared_node = true;
    node_lost_gws(n, g);
  }
}

void Cluster::Impl::wwe_window_end(int d) {
  // R49: GWS up but out of reach: it unregisters the DN; NGINX moves WWE; relogin later.
  Session& s = sessions[d];
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
  relogin_via_nginx_after_delay(d, g);
}

}  // namespace scsim::model
