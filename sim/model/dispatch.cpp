// Dispatch: the one place where events get their meaning. Each case decodes the event's
// target and argument, drops it if its generation is stale, and calls one handler; no rule
// logic here (the handlers live in the file of their DOMAIN section).
#include <algorithm>
#include <cassert>

#include "core/prefetch.hpp"
#include "model/cluster_impl.hpp"

namespace scsim::model {

// The TC link events (partition.cpp, propagation.cpp): target node*N+peer or a pair.
void Cluster::Impl::dispatch_link(Ev kind, uint32_t t, uint64_t arg) {
  switch (kind) {
    case Ev::tc_deliver: {
      const auto [from, to] = split_pair(t, N);
      if (arg == chan(from, to).epoch && !chan(from, to).q.empty()) tc_deliver(from, to);
      break;
    }
    case Ev::addp_declare: {
      const auto [n, p] = split_pair(t, N);
      if (end(n, p).gen == arg) declare(n, p);
      break;
    }
    case Ev::retry_reach: {
      const auto [n, p] = split_pair(t, N);
      if (pair(n, p).gen == arg && !broken(n, p)) declare(n, p);
      break;
    }
    case Ev::tc_retry: {
      const auto [n, p] = split_pair(t, N);
      const LinkEnd& e = end(n, p);
      if (e.gen != arg || e.state != LinkEndState::declared_lost || !nodes[n].alive) break;
      tc_retry_now(n, p);
      schedule_retry(n, p, sched.now() + P.tc_reconnect_interval);
      break;
    }
    case Ev::link_up: {
      const auto [a, b] = split_pair(t, N);
      if (pair(a, b).gen == arg) link_up(a, b);
      break;
    }
    case Ev::grace_expire: {
      const auto [n, p] = split_pair(t, N);
      if (end(n, p).gen == arg) grace_expire(n, p);
      break;
    }
    default:
      break;
  }
}

void Cluster::Impl::prefetch_for(const Event& e) const {
  // DN d's state at node n: its view cell and the claimants' bitmask; with `truth` (at the
  // owner), its claim record and what the truth owner (with_truth) reads; with the stale
  // counts on, the availability key (routing.csv's stale column).
  auto dn_at = [&](int n, int d, bool truth) {
    if (d < 0 || d >= D) return;
    prefetch(&nodes[size_t(n)].view[size_t(d)]);
    // The claim record at the DN's owner (truth); elsewhere the claimants' bitmask tells a
    // node that it holds no claim (NodeCtx::claims).
    if (truth) prefetch(&claim_table.at(n, d));
    prefetch(claim_table.claimants_at(d));
    if (stale_counts_on) prefetch(&avail_key[size_t(d)]);
    for (const Observer* o : prefetch_observers) {
      o->prefetch_dn(ViewLevel::view, n, d);
      if (truth) o->prefetch_dn(ViewLevel::truth, -1, d);
    }
  };
  switch (Ev(e.kind)) {
    case Ev::tc_deliver: {
      const auto [from, to] = split_pair(e.target, N);
      const Channel& ch = mesh.chan(from, to);
      if (!ch.q.empty()) {
        const int d = ch.q.front().dn;
        dn_at(to, d, false);
        // The sender is mostly the DN's owner, whose view the availability key reads.
        if (stale_counts_on && d >= 0 && d < D) prefetch(&nodes[size_t(from)].view[size_t(d)]);
      }
      break;
    }
    case Ev::ss_deliver: {
      const Node& node = nodes[e.target];
      if (!node.ss_q.empty()) {
        const int d = node.ss_q.front().dn;
        prefetch(&node.stat[size_t(d)]);
        urs.prefetch(d);
        for (const Observer* o : prefetch_observers)
          o->prefetch_dn(ViewLevel::stat, int(e.target), d);
      }
      break;
    }
    case Ev::offer_arrive:
    case Ev::offer_timeout:
    case Ev::answer:
    case Ev::call_end:
      // The call's record, then the offered DN at its owner: the record is read here, once,
      // so that the DN's state loads while the current event runs.
      if (e.target < calls.size()) {
        const Call& c = calls[e.target];
        if (c.owner >= 0 && c.owner < N && c.dn >= 0 && c.dn < D) {
          dn_at(c.owner, c.dn, true);
          prefetch(&busy_call[size_t(c.dn)]);
          prefetch(&phones[size_t(c.dn)]);
        }
      }
      break;
    case Ev::offer_fail:
    case Ev::patience:
      if (e.target < calls.size()) {
        const char* c = reinterpret_cast<const char*>(&calls[e.target]);
        prefetch(c);
        prefetch(c + 64);
        prefetch(c + 128);
      }
      break;
    case Ev::acw_end:
      if (int(e.arg >> 32) < N) dn_at(int(e.arg >> 32), int(e.target), true);
      break;
    default:
      break;
  }
}

void Cluster::Impl::prefetch_route(int n) const {
  // The pass offers the front of a waiting group's eligible DNs: its Stat Server cell and view
  // at the router node, its claimants (the truth owner) and busy mark (make_offer).
  for (int g = 0, G = int(group_names.size()); g < G; ++g) {
    if (queues[ng(n, g)].empty() || !urs.any_eligible(n, g)) continue;
    const int d = urs.likely_pick(n, g);
    if (d < 0 || d >= D) continue;
    prefetch(&nodes[size_t(n)].stat[size_t(d)]);
    prefetch(&nodes[size_t(n)].view[size_t(d)]);
    prefetch(claim_table.claimants_at(d));
    prefetch(&busy_call[size_t(d)]);
    for (const Observer* o : prefetch_observers)
      o->prefetch_dn(ViewLevel::view, n, d);
    break;
  }
}

void Cluster::Impl::dispatch(const FiredEvent& f) {
  const uint32_t t = f.event.target;
  const uint64_t arg = f.event.arg;
  switch (Ev(f.event.kind)) {
    case Ev::action: {
      // An NGINX re-login (arg: the session's move it belongs to) that a later move replaced.
      const Action& a = actions[t];
      if (arg != 0 && (a.agent < 0 || sessions[size_t(a.agent)].nginx_gen != arg)) break;
      if (arg != 0) {
        // R48/R49: the re-login is in the session's last Ready/NotReady state, as it is now.
        Action relogin = a;
        relogin.ready = sessions[size_t(a.agent)].ready;
        run_action(relogin);
        break;
      }
      run_action(a);
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
      const auto [n, d] = split_pair(t, D);
      const Claim& c = claim(n, d);
      if (c.active && c.gen == arg) end_registration(n, d);
      break;
    }
    case Ev::tc_deliver:
    case Ev::addp_declare:
    case Ev::retry_reach:
    case Ev::tc_retry:
    case Ev::link_up:
    case Ev::grace_expire:
      dispatch_link(Ev(f.event.kind), t, arg);
      break;
    case Ev::phone_refresh:
      if (phones[t].gen == arg && phones[t].on) phone_send_register(int(t), false);
      break;
    case Ev::proxy_detect:
      if (nodes[t].epoch == arg && !nodes[t].alive) proxy_detect(int(t));
      break;
    case Ev::proxy_take_back:
      if (nodes[t].epoch == arg && nodes[t].alive) proxy_take_back(int(t));
      break;
    case Ev::dn_probe:
      if (probe_gen[t] == arg) dn_probe(int(t));
      break;
    case Ev::gws_reconnect: {
      const Gws& gw = gws[t];
      if (gw.gen == arg && gw.alive && gw.node < 0) gws_connect(int(t));
      break;
    }
    case Ev::gws_declare: {
      const GwsDeclareArg x = unpack_gws_declare(arg);
      if (x.cut_gen == gws[t].cut_gen) gws_declare(int(t), x.side, x.node);
      break;
    }
    case Ev::wwe_window_end:
      if (sessions[t].gen == arg && !sessions[t].connected) wwe_window_end(int(t));
      break;
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
    case Ev::agent_relogin:
      if (relogin_gen[t] == arg) agent_relogin(int(t));
      break;
  }
}

}  // namespace scsim::model
