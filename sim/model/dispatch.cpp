// Dispatch: the one place where events get their meaning (decode, generation check, one
// call per kind; no rule logic here).
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

void Cluster::Impl::dispatch(const FiredEvent& f) {
  const uint32_t t = f.event.target;
  const uint64_t arg = f.event.arg;
  switch (Ev(f.event.kind)) {
    case Ev::action: {
      // An NGINX re-login (arg: the session's move it belongs to) that a later move replaced.
      const Action& a = actions[t];
      if (arg != 0 && (a.agent < 0 || sessions[size_t(a.agent)].nginx_gen != arg)) break;
      run_action(a);
      break;
    }
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
          if (phones[d].on && px.sticky[size_t(d)] == n && phones[d].dc == nodes[n].dc) {
            px.sticky[size_t(d)] = -1;
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
          if (phones[d].first_node == n && phones[d].dc == nodes[n].dc) px.sticky[size_t(d)] = n;
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
        gw.held.clear();
        gws_lost_node(g);
      } else {
        if (gw.declared_node || !nodes[n].alive) break;
        gw.declared_node = true;
        gw.held.clear();
        node_lost_gws(n, g);
      }
      break;
    }
    case Ev::wwe_window_end: {
      int d = int(t);
      Session& s = sessions[d];
      if (s.gen != arg || s.connected) break;
      // R7, R46: a session logged out (or awaiting its re-login) has nothing to move.
      if (!s.logged_in) break;
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
    case Ev::adopted_end:
      dispatch_call(Ev(f.event.kind), t, arg);
      break;
    case Ev::agent_relogin: {
      int d = int(t);
      if (relogin_gen[d] != arg) break;
      // R18: the agent logs in again, Ready; R48 (gws_auto_relogin false): the WWE agent logs in
      // by hand in the session's last Ready/NotReady state, if the session is still logged in.
      Request r;
      r.kind = ActionKind::agent_login;
      r.dn = d;
      r.ready = true;
      if (relogin_manual[d]) {
        const Session& s = sessions[d];
        if (!s.exists || !s.logged_in) break;
        r.ready = s.ready;
      }
      r.sent = sched.now();
      post_request(r);
      break;
    }
  }
}

}  // namespace scsim::model
