// Ownership at one node (DOMAIN §3.1-3.2): the registrations it accepts and ends, its claims,
// and its agents' state (R8, R9, R12, R14, R16-R18). Node-side: sees only its NodeCtx.
#include "model/node_rules.hpp"

namespace scsim::model::node {

void announce(NodeCtx& x, int d) {
  const Claim& c = x.claim(d);
  Msg m;
  m.kind = MsgKind::update;
  m.dn = d;
  m.state = x.view(d);
  m.state.claim_time = c.claim_time;  // R25: the owner's last accepted registration (R14 too)
  m.claim_time = c.claim_time;
  m.claim_start = c.claim_start;
  x.broadcast(m);
}

void drop_claim(NodeCtx& x, int d, const DnView& adopt) {
  // The loser adopts the winner's state (which logs the agent out here, R67).
  x.observe_truth(d, OwnershipCause::drop, [&] {
    Msg m;
    m.kind = MsgKind::drop;
    m.dn = d;
    m.claim_time = x.claim(d).claim_time;
    m.new_owner = adopt.owner;
    x.claim_ends(d, /*released=*/false);
    // R8: an offer ringing at the DN here is withdrawn, which frees the agent.
    x.withdraw_ringing(d);
    x.set_view(d, adopt);
    x.broadcast(m, adopt.owner);
  });
}

namespace {

// R8 release_then_claim: a registration at a node that believes another owner waits for that
// owner's release (on_tc, MsgKind::release). True when it waits.
bool waits_for_release(NodeCtx& x, int d, bool via_gws, int g, OwnershipCause cause) {
  if (x.pending(d) != nullptr) {
    // R8: still waiting for the old owner's release: this REGISTER waits with it.
    x.pending_registered_again(d, via_gws, g);
    return true;
  }
  const int o = x.view(d).owner;
  if (x.params().handover_mode != HandoverMode::release_then_claim || o < 0 || o == x.self() ||
      x.link(o) == LinkEndState::declared_lost) {
    return false;
  }
  x.set_pending(d, PendingClaim{o, via_gws, g, cause});
  Msg req;
  req.kind = MsgKind::claim_request;
  req.dn = d;
  x.send(o, req);
  return true;
}

}  // namespace

void accept_registration(NodeCtx& x, int d, bool via_gws, int g, OwnershipCause cause) {
  const Time now = x.now();
  if (x.claim(d).active) {
    // R14: a refresh at the owner changes only the expiry and the claim time.
    x.claim_refreshed(d, via_gws);
    const DnView& v = x.view(d);
    if (!v.in_service && !x.claim(d).probe_oos) {
      x.observe_truth(d, cause, [&] {
        DnView nv = v;
        nv.in_service = true;
        nv.claim_time = now;
        x.set_view(d, nv);
        announce(x, d);
      });
    }
    return;
  }
  if (waits_for_release(x, d, via_gws, g, cause)) return;
  x.observe_truth(d, cause, [&] {
    const DnView& here = x.view(d);
    DnView v;
    v.owner = x.self();
    v.in_service = true;
    v.claim_time = now;
    // R9, R18: this node was the last owner (as far as it knows) and keeps the agent's state.
    const bool keep = x.held_last(d) && (here.owner < 0 || here.owner == x.self());
    if (keep || (x.params().transfer_agent_state_on_move && x.got_state(d))) {
      // R18: the last owner keeps its state; with transfer, adopt the state last received.
      v.agent = here.agent;
      v.ready_since = here.ready_since;
    } else {
      v.agent = AgentState::logged_out;
      v.ready_since = now;
      // R18: the agent logs in again, unless its GWS does (R48).
      x.agent_sees_logout(d, via_gws);
    }
    x.claim_starts(d, via_gws, g);
    x.set_view(d, v);
    announce(x, d);
  });
}

void end_registration(NodeCtx& x, int d) {
  if (!x.claims(d) || !x.alive()) return;  // R12: at a node that no longer owns it: nothing
  const Params& P = x.params();
  x.observe_truth(d, OwnershipCause::expiry, [&] {
    DnView v = x.view(d);
    v.in_service = false;
    if (P.logout_on_oos && !is_busy(v.agent)) v.agent = AgentState::logged_out;  // R17
    if (P.release_ownership_on_unregister) {
      // R9: released until the next registration; the last owner keeps the agent state.
      Msg m;
      m.kind = MsgKind::release;
      m.dn = d;
      m.claim_time = x.claim(d).claim_time;
      x.claim_ends(d, /*released=*/true);
      v.owner = -1;
      m.state = v;  // R9/R27: the last owner's state (e.g. LoggedOut with logout_on_oos)
      x.set_view(d, v);
      x.broadcast(m);
    } else {
      x.registration_ended_claim_kept(d);
      x.set_view(d, v);
      announce(x, d);
    }
  });
}

void owner_set_agent(NodeCtx& x, int d, AgentState s) {
  const bool owns = x.claims(d);
  // R9: a last owner that released the DN keeps the agent's state and announces its changes
  // (a call's end) until it learns that another node claims the DN; then it does nothing.
  const bool keeper = !owns && x.view(d).owner < 0 && x.held_last(d);
  if (!owns && !keeper) return;
  x.observe_truth(d, OwnershipCause::registration, [&] {
    DnView v = x.view(d);
    if (v.agent == s) return;
    if (s == AgentState::ready) v.ready_since = x.now();  // R64: Ready time restarts
    v.agent = s;
    x.set_view(d, v);
    if (owns) {
      announce(x, d);
      return;
    }
    Msg m;  // the keeper's change travels like its release did
    m.kind = MsgKind::retained;
    m.dn = d;
    m.state = v;
    x.broadcast(m);
  });
}

}  // namespace scsim::model::node
