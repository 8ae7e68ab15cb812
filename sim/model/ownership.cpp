// Ownership (DOMAIN §3.1-3.2): registrations and their claims, the truth owner (R8, R67),
// agent state at the owner (R9, R16, R18), and the client requests that reach a node.
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

bool Cluster::Impl::newer_claim(Time c1, int n1, Time c2, int n2) const {
  return c1 > c2 || (c1 == c2 && n1 < n2);  // R8: newer wins; ties to the lower node
}

bool Cluster::Impl::policy_wins(Time c1, int n1, Time c2, int n2) const {
  switch (P.split_brain_policy) {
    case SplitBrainPolicy::latest_registration:
      return newer_claim(c1, n1, c2, n2);
    case SplitBrainPolicy::earliest_registration:
      return c1 < c2 || (c1 == c2 && n1 < n2);
    case SplitBrainPolicy::lowest_node_id:
      return n1 < n2;
  }
  return false;
}

int Cluster::Impl::compute_truth_owner(int d) const {
  // Truth owner (DOMAIN §2): the only live claim; in a handover (claimants connected) the
  // newest (R8); in a split brain (claimants cut apart) the R67 winner. No allocation: this
  // runs on every DN change. The usual case, at most one live claim, is read off the
  // claimant bitmask without touching the claims.
  const uint64_t live = claimants[size_t(d)] & alive_mask;
  if ((live & (live - 1)) == 0) {
    const int only = live == 0 ? -1 : __builtin_ctzll(live);
    assert(only == truth_owner_from_claims(d) && "claimant bitmask out of step");
    return only;
  }
  return truth_owner_from_claims(d);
}

int Cluster::Impl::truth_owner_from_claims(int d) const {
  int first = -1, count = 0;
  for (int n = 0; n < N; ++n) {
    if (nodes[n].alive && claim(n, d).active) {
      if (first < 0) first = n;
      ++count;
    }
  }
  if (count <= 1) return first;
  bool connected = true;
  for (int a = first; a < N && connected; ++a) {
    if (!nodes[a].alive || !claim(a, d).active) continue;
    for (int b = a + 1; b < N; ++b) {
      if (nodes[b].alive && claim(b, d).active && broken(a, b)) {
        connected = false;
        break;
      }
    }
  }
  int best = first;
  for (int n = first + 1; n < N; ++n) {
    if (!nodes[n].alive || !claim(n, d).active) continue;
    const Claim& a = claim(n, d);
    const Claim& b = claim(best, d);
    bool wins = connected ? newer_claim(a.claim_time, n, b.claim_time, best)
                          : policy_wins(a.claim_time, n, b.claim_time, best);
    if (wins) best = n;
  }
  return best;
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
  int last = last_owner[d];
  if (last >= 0 && nodes[last].alive) {
    v.agent = nodes[last].view[d].agent;
    v.ready_since = nodes[last].view[d].ready_since;
  } else {
    v.agent = last_agent[d];
    v.ready_since = last_ready_since[d];
  }
  return v;
}

void Cluster::Impl::drop_claim(int n, int d, const DnView& adopt, bool logout) {
  (void)logout;  // the loser adopts the winner's state, which logs the agent out here
  with_truth(d, OwnershipCause::drop, [&] {
    Claim& c = claim(n, d);
    Msg m;
    m.kind = MsgKind::drop;
    m.dn = d;
    m.claim_time = c.claim_time;
    m.new_owner = adopt.owner;
    set_claim_active(n, d, false);
    ++c.gen;
    // R8: an offer ringing at the DN here is withdrawn (requeued at once, cause race), which
    // frees the agent.
    int ringing = busy_call[d];
    if (ringing >= 0 && calls[uint32_t(ringing)].live &&
        calls[uint32_t(ringing)].phase == Call::Phase::ringing &&
        calls[uint32_t(ringing)].owner == n) {
      fail_offer(uint32_t(ringing), FailCause::race, sched.now(), false);
    }
    set_view(n, d, adopt);
    for (int p = 0; p < N; ++p) {
      if (p != n && p != adopt.owner) send(n, p, m);
    }
  });
}

void Cluster::Impl::accept_registration(int n, int d, bool via_gws, int g, OwnershipCause cause) {
  Claim& c = claim(n, d);
  Time now = sched.now();
  bool is_sip = spec.agents[d].kind == DnKind::sip;
  auto arm_expiry = [&] {
    ++c.gen;
    c.expires_at = Time::max();
    if (is_sip && !via_gws) {
      c.expires_at = now + P.register_expires;
      sched.schedule_at(c.expires_at, kTimer,
                        Event{uint32_t(Ev::reg_expiry), uint32_t(n * D + d), c.gen});
    }
  };
  if (c.active) {
    // R14: a refresh at the owner changes only the expiry and the claim time.
    c.claim_time = now;
    arm_expiry();
    const DnView& v = nodes[n].view[d];
    if (!v.in_service && !c.probe_oos) {
      with_truth(d, cause, [&] {
        DnView nv = v;
        nv.in_service = true;
        nv.claim_time = now;
        set_view(n, d, nv);
        announce(n, d);
      });
    }
    return;
  }
  {
    // R8 release_then_claim: ask the believed owner to release first; become owner when its
    // release reaches this node (on_tc, MsgKind::release).
    const DnView& here = nodes[n].view[d];
    int o = here.owner;
    auto waiting = pending_claims.find(uint64_t(n) * D + d);
    if (waiting != pending_claims.end()) {
      // R8: still waiting for the old owner's release: this REGISTER waits with it.
      waiting->second.via_gws = via_gws;
      waiting->second.gws = g;
      return;
    }
    if (P.handover_mode == HandoverMode::release_then_claim && o >= 0 && o != n &&
        end(n, o).state != LinkEndState::declared_lost &&
        pending_claims.count(uint64_t(n) * D + d) == 0) {
      pending_claims[uint64_t(n) * D + d] = PendingClaim{o, via_gws, g, cause};
      Msg req;
      req.kind = MsgKind::claim_request;
      req.dn = d;
      send(n, o, req);
      return;
    }
  }
  with_truth(d, cause, [&] {
    DnView prev = truth_view(d);
    const DnView& here = nodes[n].view[d];
    DnView v;
    v.owner = n;
    v.in_service = true;
    v.claim_time = now;
    bool keep = last_owner[d] == n && (here.owner < 0 || here.owner == n);
    bool received = got_state[size_t(n) * D + d] != 0;
    if (keep || (P.transfer_agent_state_on_move && received)) {
      // R18: the last owner keeps its state; with transfer, adopt the state last received.
      v.agent = here.agent;
      v.ready_since = here.ready_since;
    } else {
      v.agent = AgentState::logged_out;
      v.ready_since = now;
      bool was_logged_in = prev.agent != AgentState::logged_out;
      // R18: unless its GWS logs it in (R48: GWS itself, or the agent by hand after GWS's
      // re-registration).
      if (was_logged_in && !via_gws) schedule_relogin(d, now, false);
    }
    int old_owner = here.owner;
    set_claim_active(n, d, true);
    c.claim_time = now;
    c.claim_start = now;
    c.via_gws = via_gws;
    c.gws = g;
    c.probe_oos = false;
    arm_expiry();
    last_owner[d] = n;
    set_view(n, d, v);
    (void)old_owner;
    announce(n, d);
  });
}

void Cluster::Impl::end_registration(int n, int d) {
  Claim& c = claim(n, d);
  if (!c.active || !nodes[n].alive) return;  // R12: at a node that no longer owns it: nothing
  with_truth(d, OwnershipCause::expiry, [&] {
    DnView v = nodes[n].view[d];
    v.in_service = false;
    if (P.logout_on_oos && !is_busy(v.agent)) v.agent = AgentState::logged_out;  // R17
    if (P.release_ownership_on_unregister) {
      // R9: released until the next registration; the last owner keeps the agent state.
      Msg m;
      m.kind = MsgKind::release;
      m.dn = d;
      m.claim_time = c.claim_time;
      set_claim_active(n, d, false);
      ++c.gen;
      v.owner = -1;
      m.state = v;  // R9/R27: the last owner's state (e.g. LoggedOut with logout_on_oos)
      last_owner[d] = n;
      set_view(n, d, v);
      for (int p = 0; p < N; ++p) {
        if (p != n) send(n, p, m);
      }
    } else {
      ++c.gen;
      set_view(n, d, v);
      announce(n, d);
    }
  });
}

void Cluster::Impl::owner_set_agent(int n, int d, AgentState s) {
  const bool owns = claim(n, d).active;
  const DnView& cur = nodes[n].view[d];
  // R9: a last owner that released the DN keeps the agent's state and announces its changes
  // (a call's end) until it learns that another node claims the DN; then it does nothing.
  const bool keeper = !owns && cur.owner < 0 && last_owner[d] == n;
  if (!owns && !keeper) return;
  with_truth(d, OwnershipCause::registration, [&] {
    DnView v = nodes[n].view[d];
    if (v.agent == s) return;
    if (s == AgentState::ready) v.ready_since = sched.now();  // R64: Ready time restarts
    v.agent = s;
    set_view(n, d, v);
    if (owns) {
      announce(n, d);
      return;
    }
    Msg m;  // the keeper's change travels like its release did
    m.kind = MsgKind::retained;
    m.dn = d;
    m.state = v;
    for (int p = 0; p < N; ++p) {
      if (p != n) send(n, p, m);
    }
  });
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
    if (spec.agents[d].kind != DnKind::sip) return;
    if (r.unregister) {
      end_registration(r.node, d);
      return;
    }
    int prev = truth_owner_cache[d];
    OwnershipCause cause = OwnershipCause::registration;
    if (prev >= 0 && prev != r.node) cause = OwnershipCause::move;
    if (prev < 0 && last_owner[d] >= 0 && last_owner[d] != r.node && !nodes[last_owner[d]].alive) {
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
    bool owns = spec.agents[d].kind == DnKind::pstn && gws_client_ok(r.client);
    if (!owns) return;
    if (r.gws >= 0) {
      const Gws& gw = gws[r.gws];
      if (!gw.alive || gw.node != r.node) return;  // connection gone meanwhile
    }
    int prev = truth_owner_cache[d];
    OwnershipCause cause = OwnershipCause::registration;
    if (prev >= 0 && prev != r.node) cause = OwnershipCause::move;
    if (prev < 0 && last_owner[d] >= 0 && last_owner[d] != r.node) {
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
