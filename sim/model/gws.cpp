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
  ++gw.conn;
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
    r.gws_conn = gw.conn;
    r.sent = now;
    if (dn_kind[d] == DnKind::pstn) {
      r.kind = ActionKind::tregister;
      r.client = spec.gws[g].client_name;
      r.register_dn = true;
      r.gws_reregister = true;
      post_request(r);
      r.gws_reregister = false;
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
  // R12: a lost client unregisters the DNs whose registration still belongs to the lost
  // connection (not those re-registered since over a new one, R31, R47, R49).
  for (int d = 0; d < D; ++d) {
    const Claim& c = claim(n, d);
    if (c.active && c.via_gws && c.gws == g && c.gws_conn == gws[g].lost_conn) {
      end_registration(n, d);
    }
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
  ++s.nginx_gen;  // cancels a re-login armed by an earlier move
  if (pick < 0) {
    // R49: with none, the session stays on the lost GWS node, logged in; that node
    // re-registers it when it is back (R47).
    s.gws = lost_gws;
    s.logged_in = true;
    s.relogin_pending = false;
    return;
  }
  s.gws = pick;
  s.connected = true;
  s.logged_in = false;
  s.relogin_pending = true;
  ++s.gen;
  Action a;
  a.at = at;
  a.kind = ActionKind::wwe_login;
  a.agent = d;
  a.ready = s.ready;
  actions.push_back(a);
  sched.schedule_at(at, kAction,
                    Event{uint32_t(Ev::action), uint32_t(actions.size() - 1), s.nginx_gen});
}

// R30: a partition between DCs also cuts each GWS-node connection whose GWS node (on the side of
// its DC) and node are on opposite sides; named pairs cut a connection only when a pair names
// that GWS node and that node (MODEL.md choice 89).
void Cluster::Impl::gws_cut_by_pairs(const Action& a, bool cut) {
  auto has = [](const std::vector<int>& v, int x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  auto dc_within = [&](int dc, const std::vector<int>& side) {
    bool any = false;
    for (int n = 0; n < N; ++n) {
      if (nodes[n].dc != dc) continue;
      if (!has(side, n)) return false;
      any = true;
    }
    return any;
  };
  for (int g = 0; g < G; ++g) {
    // A heal also finds a connection whose GWS end has declared it lost (node -1 meanwhile).
    const int n = gws[g].node >= 0 ? gws[g].node : (cut ? -1 : gws[g].prev_node);
    if (n < 0) continue;
    const int dc = spec.gws[g].dc;
    bool across = (has(a.gws_a, g) && has(a.nodes_b, n)) || (has(a.gws_b, g) && has(a.nodes_a, n));
    across = across || (dc_within(dc, a.nodes_a) && has(a.nodes_b, n)) ||
             (dc_within(dc, a.nodes_b) && has(a.nodes_a, n));
    if (across) gws_set_cut(g, cut);
  }
}

// A GWS-node connection cut or healed, both ends up (gws_cut/gws_heal, or a cut/heal across it,
// R30): each end declares it lost by R31; requests sent on it are held back (R28).
void Cluster::Impl::gws_set_cut(int g, bool cut) {
  Gws& gw = gws[g];
  if (!cut) {
    if (!gw.cut) return;
    gw.cut = false;
    std::vector<Request> held = std::move(gw.held);
    gw.held.clear();
    if (!gw.declared_gws && !gw.declared_node) {
      ++gw.cut_gen;  // nothing was declared
      // R28: the held requests arrive client_request_delay after the cut ends, in order.
      for (Request& r : held)
        post_request(std::move(r));
    }
    return;
  }
  if (!gw.alive || gw.node < 0 || gw.cut) return;
  gw.cut = true;
  ++gw.cut_gen;
  gw.lost_conn = gw.conn;
  const int n = gw.node;
  const Time now = sched.now();
  for (int side = 0; side < 2; ++side) {
    // R44: each end declares the other lost by ADDP, from its own draw.
    Time at = addp_detect_at(now, "addp-gws", uint64_t(g) * 2 + uint64_t(side));
    sched.schedule_at(at, kTimer,
                      Event{uint32_t(Ev::gws_declare), uint32_t(g),
                            gws_declare_arg(uint32_t(side), n, gw.cut_gen)});
  }
}

bool Cluster::Impl::gws_request(int g, Request r) {
  // A request a WWE session sends through its GWS to the GWS's node (R45, R46).
  if (g < 0 || !gws[g].alive || gws[g].node < 0) return false;
  r.node = gws[g].node;
  r.gws = g;
  r.gws_conn = gws[g].conn;
  r.sent = sched.now();
  if (gws[g].cut) {
    // R28: held back on the cut connection; lost for good once either end declares it.
    if (!gws[g].declared_gws && !gws[g].declared_node) gws[g].held.push_back(r);
    return true;
  }
  post_request(r);
  return true;
}

void Cluster::Impl::act_wwe_login(int d, bool ready) {
  Session& s = sessions[d];
  s.exists = true;
  s.logged_in = true;
  s.relogin_pending = false;
  ++s.nginx_gen;  // R48/R49: the agent logged in: a re-login armed by a move is not sent
  s.connected = true;
  s.ready = ready;
  if (s.gws < 0) s.gws = spec.agents[d].gws;
  // R45: TRegisterAddress first, then the login, both client_request_delay later.
  if (dn_kind[d] == DnKind::pstn) {
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
  s.relogin_pending = false;
  ++s.nginx_gen;
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
  gw.held.clear();
  ++gw.gen;
  ++gw.cut_gen;
  gw.lost_conn = gw.conn;
  int n = gw.node;
  gw.prev_node = n;
  gw.node = -1;
  // R49: the WWE sessions on it move through NGINX; agents log in again later.
  for (int dd = 0; dd < D; ++dd) {
    Session& s = sessions[dd];
    if (s.exists && s.gws == g && (s.logged_in || s.relogin_pending)) {
      relogin_via_nginx_after_delay(dd, g);
    }
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

void Cluster::Impl::gws_declare(int g, uint32_t side, int n) {
  Gws& gw = gws[g];
  if (side == 0) {
    // the GWS end declares its node lost
    if (!gw.alive || gw.declared_gws) return;
    gw.declared_gws = true;
    gw.held.clear();
    gws_lost_node(g);
  } else {
    if (gw.declared_node || !nodes[n].alive) return;
    gw.declared_node = true;
    gw.held.clear();
    node_lost_gws(n, g);
  }
}

void Cluster::Impl::wwe_window_end(int d) {
  // R49: GWS up but out of reach: it unregisters the DN; NGINX moves WWE; relogin later.
  Session& s = sessions[d];
  // R7, R46: a session logged out (or awaiting its re-login) has nothing to move.
  if (!s.logged_in) return;
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
