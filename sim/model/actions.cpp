// Scenario actions: one handler per ActionKind (the timeline's entry into the model).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

void Cluster::Impl::run_action(const Action& a) {
  Time now = sched.now();
  int d = a.agent;
  auto gws_request = [&](int g, Request r) {
    if (g < 0 || !gws[g].alive || gws[g].node < 0) return false;
    r.node = gws[g].node;
    r.gws = g;
    r.gws_conn = gws[g].conn;
    r.sent = now;
    if (gws[g].cut) {
      // R28: held back on the cut connection; lost for good once either end declares it.
      if (!gws[g].declared_gws && !gws[g].declared_node) gws[g].held.push_back(r);
      return true;
    }
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
      ph.on = true;
      phone_send_register(d, false);
      break;
    }
    case ActionKind::phone_register: {
      // R13 (MODEL.md choice 80): an extra REGISTER now; the refresh timer restarts from it. A
      // switched-off phone sends nothing.
      if (phones[d].on) phone_send_register(d, false);
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
      s.relogin_pending = false;
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
      s.relogin_pending = false;
      ++s.nginx_gen;
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
      gws_cut_by_pairs(a, cut);
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
        gw.lost_conn = gw.conn;
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
    case ActionKind::gws_cut:
      gws_set_cut(a.gws, true);
      break;
    case ActionKind::gws_heal:
      gws_set_cut(a.gws, false);
      break;
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
      int g = a.group.empty() ? 0 : group_index_of(a.group);
      call_arrives(a.node >= 0 ? nodes[a.node].dc : a.dc, a.node, g, patience, handle, acw);
      break;
    }
  }
}

}  // namespace scsim::model
