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
    if (spec.agents[d].kind == DnKind::pstn) {
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
    double u = P.addp_detection_model == AddpDetection::uniform
                   ? rng("addp-gws", uint64_t(g) * 2 + side).uniform01()
                   : (P.addp_detection_model == AddpDetection::max ? 1.0 : 0.0);
    sched.schedule_at(now + seconds(P.addp_timeout.to_seconds() * (1.0 + u)), kTimer,
                      Event{uint32_t(Ev::gws_declare), uint32_t(g),
                            (uint64_t(side) << 32) | (uint64_t(n) << 40) | gw.cut_gen});
  }
}

}  // namespace scsim::model
