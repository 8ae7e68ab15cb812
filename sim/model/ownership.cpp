// Ownership (DOMAIN §3.1-3.2): registrations and their claims, the truth owner (R8, R67),
// agent state at the owner (R9, R16, R18), and the client requests that reach a node.
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"
#include "model/node_rules.hpp"

namespace scsim::model {

int Cluster::Impl::compute_truth_owner(int d) const {
  // Truth owner (DOMAIN §2): the only live claim; in a handover (claimants connected) the
  // newest (R8); in a split brain (claimants cut apart) the R67 winner (ClaimTable). No
  // allocation: this runs on every DN change.
  return claim_table.truth_owner(d, alive_mask, P.split_brain_policy,
                                 [this](int a, int b) { return broken(a, b); });
}

DnView Cluster::Impl::truth_view(int d) const {
  int o = compute_truth_owner(d);
  if (o >= 0) {
    DnView v = nodes[o].view[d];
    v.owner = o;
    v.claim_time = claim(o, d).claim_time;  // the last accepted registration (R14, R25)
    return v;
  }
  // No owner: the agent state the last owner retains (R9), or, after a crash, the state last
  // announced. Service and claim are empty.
  DnView v;
  int last = truth_last_owner[d];
  if (last >= 0 && nodes[last].alive) {
    v.agent = nodes[last].view[d].agent;
    v.ready_since = nodes[last].view[d].ready_since;
  } else {
    v.agent = last_agent[d];
    v.ready_since = last_ready_since[d];
  }
  return v;
}

// Node-side rules (node_rules.hpp) run at node n through its NodeCtx.
void Cluster::Impl::announce(int owner, int d) {
  NodeCtx x(*this, owner);
  node::announce(x, d);
}

void Cluster::Impl::accept_registration(int n, int d, bool via_gws, int g, OwnershipCause cause) {
  NodeCtx x(*this, n);
  node::accept_registration(x, d, via_gws, g, cause);
}

void Cluster::Impl::end_registration(int n, int d) {
  NodeCtx x(*this, n);
  node::end_registration(x, d);
}

void Cluster::Impl::owner_set_agent(int n, int d, AgentState s) {
  NodeCtx x(*this, n);
  node::owner_set_agent(x, d, s);
}

void Cluster::Impl::agent_request(int d, ActionKind k, bool ready) {
  // R16: executed at the truth owner; rejected without a live one.
  int o = compute_truth_owner(d);
  if (o < 0) return;
  AgentState cur = nodes[o].view[d].agent;
  if (is_busy(cur)) {
    // R16: held and applied when the agent is next freed, in place of Ready.
    held_requests[d] = HeldRequest{true, k, ready};
    return;
  }
  AgentState next = cur;
  switch (k) {
    case ActionKind::agent_login:
    case ActionKind::wwe_login:
      next = ready ? AgentState::ready : AgentState::not_ready;
      break;
    case ActionKind::agent_logout:
    case ActionKind::wwe_logout:
      next = AgentState::logged_out;
      break;
    case ActionKind::agent_ready:
      if (cur == AgentState::logged_out) return;
      next = AgentState::ready;
      break;
    case ActionKind::agent_not_ready:
      if (cur == AgentState::logged_out) return;
      next = AgentState::not_ready;
      break;
    default:
      return;
  }
  owner_set_agent(o, d, next);
}

void Cluster::Impl::schedule_relogin(int d, Time from, bool manual) {
  Time delay =
      draw_law(P.agent_relogin_delay_law, P.agent_relogin_delay, rng("relogin", uint64_t(d)));
  ++relogin_gen[d];
  relogin_manual[d] = manual ? 1 : 0;
  sched.schedule_at(from + delay, kAction,
                    Event{uint32_t(Ev::agent_relogin), uint32_t(d), relogin_gen[d]});
}

void Cluster::Impl::post_request(Request r) {
  // A client request reaches its node client_request_delay after it is sent (R13, R16, R45).
  // Slots are recycled so that memory follows the requests in flight, not the run length.
  uint32_t slot;
  if (!free_requests.empty()) {
    slot = free_requests.back();
    free_requests.pop_back();
    requests[slot] = std::move(r);
  } else {
    slot = uint32_t(requests.size());
    requests.push_back(std::move(r));
  }
  if (!message_observers.empty()) {
    const Request& q = requests[slot];
    const bool tregister = q.kind == ActionKind::tregister || q.kind == ActionKind::wwe_login;
    MessageSent s{sched.now(),
                  q.gws >= 0 ? -2 - q.gws : -1,
                  q.node,
                  0,
                  q.register_dn  ? (q.unregister ? "REGISTER expires 0" : "REGISTER")
                  : q.unregister ? "REGISTER expires 0"
                  : tregister    ? "TRegisterAddress"
                                 : to_string(q.kind),
                  q.dn};
    s.arrive = sched.now() + P.client_request_delay;
    for (Observer* o : message_observers)
      o->on_message(s);
  }
  sched.schedule_after(P.client_request_delay, kDelivery,
                       Event{uint32_t(Ev::request_arrive), slot, 0});
}

void Cluster::Impl::arrive_request(const Request& r) {
  int d = r.dn;
  if (r.node >= 0 && !nodes[r.node].alive) {
    if (r.register_dn && r.kind == ActionKind::phone_on) {
      // R42: REGISTER to a dead node fails; the phone retries from its sending time.
      Phone& ph = phones[d];
      ++ph.gen;
      sched.schedule_at(r.sent + P.register_retry_interval, kAction,
                        Event{uint32_t(Ev::phone_refresh), uint32_t(d), ph.gen});
    }
    return;
  }
  if (r.kind == ActionKind::phone_on) {
    // R2: a DN's kind fixes what can create its ownership; a pstn DN has no SIP phone.
    if (dn_kind[d] != DnKind::sip) return;
    if (r.unregister) {
      end_registration(r.node, d);
      return;
    }
    int prev = truth_owner_cache[d];
    OwnershipCause cause = OwnershipCause::registration;
    if (prev >= 0 && prev != r.node) cause = OwnershipCause::move;
    if (prev < 0 && truth_last_owner[d] >= 0 && truth_last_owner[d] != r.node &&
        !nodes[truth_last_owner[d]].alive) {
      cause = OwnershipCause::crash_recovery;
    }
    if (prev < 0 && crashed_owner[d]) cause = OwnershipCause::crash_recovery;
    crashed_owner[d] = 0;
    phones[d].last_node = r.node;
    accept_registration(r.node, d, false, -1, cause);
    return;
  }
  if (r.kind == ActionKind::tregister) {
    // R5/R6: only a named GWS client registering a pstn DN creates ownership.
    bool owns = dn_kind[d] == DnKind::pstn && gws_client_ok(r.client);
    if (!owns) return;
    if (r.gws >= 0) {
      const Gws& gw = gws[r.gws];
      if (!gw.alive || gw.node != r.node) return;  // connection gone meanwhile
    }
    int prev = truth_owner_cache[d];
    OwnershipCause cause = OwnershipCause::registration;
    if (prev >= 0 && prev != r.node) cause = OwnershipCause::move;
    if (prev < 0 && truth_last_owner[d] >= 0 && truth_last_owner[d] != r.node) {
      cause = OwnershipCause::gws_failover;
    }
    accept_registration(r.node, d, r.gws >= 0, r.gws, cause);
    // R48 false: the agent logs in by hand agent_relogin_delay after GWS re-registers the DN.
    if (r.gws_reregister && !P.gws_auto_relogin) schedule_relogin(d, sched.now(), true);
    if (r.gws >= 0 && claim(r.node, d).active) {
      // R12: the registration now belongs to this connection (also on a refresh, R14).
      Claim& c = claim(r.node, d);
      c.via_gws = true;
      c.gws = r.gws;
      c.gws_conn = r.gws_conn;
    }
    return;
  }
  if (r.unregister) {
    // GWS unregistering the DN (R46, R49) at its node.
    if (r.kind == ActionKind::wwe_logout) agent_request(d, ActionKind::agent_logout, false);
    end_registration(r.node, d);
    return;
  }
  agent_request(d, r.kind, r.ready);
}

void Cluster::Impl::act_agent(const Action& a) {
  // Agent login, logout, Ready, NotReady from a SIP desktop: a request to the DN's owner (R16).
  const int d = a.agent;
  if (a.kind == ActionKind::agent_ready || a.kind == ActionKind::agent_not_ready ||
      a.kind == ActionKind::agent_login) {
    sessions[d].ready =
        a.kind == ActionKind::agent_login ? a.ready : a.kind == ActionKind::agent_ready;
  }
  Request r;
  r.kind = a.kind;
  r.dn = d;
  r.ready = a.ready;
  r.sent = sched.now();
  post_request(r);
}

void Cluster::Impl::act_tregister(const Action& a) {
  // R5/R6: a client's TRegisterAddress to a named node.
  Request r;
  r.kind = ActionKind::tregister;
  r.dn = a.agent;
  r.node = a.node;
  r.client = a.client;
  r.register_dn = true;
  r.sent = sched.now();
  post_request(r);
}

void Cluster::Impl::agent_relogin(int d) {
  // R18: the agent logs in again, Ready; R48 (gws_auto_relogin false): the WWE agent logs in
  // by hand in the session's last Ready/NotReady state, if the session is still logged in.
  Request r;
  r.kind = ActionKind::agent_login;
  r.dn = d;
  r.ready = true;
  if (relogin_manual[d]) {
    const Session& s = sessions[d];
    if (!s.exists || !s.logged_in) return;
    r.ready = s.ready;
  }
  r.sent = sched.now();
  post_request(r);
}

}  // namespace scsim::model
