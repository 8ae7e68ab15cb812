// The causality guard (DOMAIN §1, R19, R25, R28): what the rule code of one node may touch.
//
// A node acts only on what has reached it. Its rules (node_rules.hpp) are free functions that
// get a NodeCtx and nothing else: through it they read and write that node's own state (its
// view, its claims as it holds them (read only; changed by named steps), its link ends, the
// entries it deferred, the registrations it holds back, whether it was the DN's last owner as
// far as it knows) and send TC messages, which reach a peer after their delay or are held and
// lost as R26-R28 say. The truth (the truth owner, which node is alive, what another node's view
// or claim is) has no accessor here.
// The files of node-side rules include this header and node_rules.hpp only, never
// cluster_impl.hpp, so the compiler rejects any read of the truth from them (tests/tidy checks
// the includes).
//
// Besides the node's own state, NodeCtx reports effects to the world: changes of the truth for
// observers (observe_truth, which gives the rule nothing back), the agent's own reaction to
// being logged out (a person, not the node), and the calls that ring at the node's agents.
#pragma once

#include <map>
#include <type_traits>

#include "model/node_state.hpp"

namespace scsim::model {

class NodeCtx {
 public:
  NodeCtx(Cluster::Impl& world, int self) : w_(world), n_(self) {}

  int self() const { return n_; }
  int node_count() const;
  int dn_count() const;
  Time now() const;
  const Params& params() const;
  bool is_sip(int d) const;  // the DN's kind (configuration, known everywhere: R2)
  bool alive() const;        // this node runs (a dead node does not act)

  // ---- this node's view_N (R19-R25)
  const DnView& view(int d) const;
  void set_view(int d, const DnView& v);
  // view_N has had a state for the DN since this node started (R18's transfer).
  bool got_state(int d) const;
  // This node held the DN's claim last, as far as it knows: it claimed it and has learnt of no
  // other owner since (R9's keeper, R18). Cleared when view_N names another owner.
  bool held_last(int d) const;

  // ---- this node's claims (R8, R12, R14, R25)
  // Its claim on the DN as it holds it: read only. A claim lives in the ClaimTable, from which
  // the truth owner is computed, so the rules change it only by the named steps below, each a
  // thing this node does; none can set `active` by hand or touch another node's claim.
  const Claim& claim(int d) const;
  // Whether this node claims the DN (claim(d).active), without reading the claim record: most
  // TC updates reach nodes that do not, and need nothing more of it.
  bool claims(int d) const;
  // R8, R11, R12: a registration accepted now (through GWS node g or not) starts this node's
  // claim: claim and first-acceptance times now, GWS fields, probe mark cleared, expiry armed
  // (R14); this node holds the claim last (R9, R18).
  void claim_starts(int d, bool via_gws, int g);
  // R14: a registration accepted by this node, the owner: the claim time becomes now and the
  // expiry is re-armed; nothing else changes.
  void claim_refreshed(int d, bool via_gws);
  // R9 (release_ownership_on_unregister false), R12: the registration ended; the claim stays,
  // its pending expiry is disarmed.
  void registration_ended_claim_kept(int d);
  // The claim ends here; generation bumped. released (R9): this node keeps the agent state.
  void claim_ends(int d, bool released);
  // release_then_claim (R8): the registration waiting here for an old owner's release.
  const PendingClaim* pending(int d) const;
  void set_pending(int d, const PendingClaim& p);
  // R8 (MODEL.md choice 81): a further REGISTER accepted while waiting waits with it.
  void pending_registered_again(int d, bool via_gws, int g);
  void erase_pending(int d);

  // ---- this node's ends of its TC links (R31, R33, R67)
  LinkEndState link(int p) const;
  Time link_since(int p) const;  // when this end last declared the link lost or saw it come up
  void link_resynced(int p);     // the peer's snapshot is applied: this end is up (R33)

  // R33: entries this node ignored because it believed another owner, per DN (sender -> entry).
  std::map<int, std::map<int, SnapEntry>>& deferred();

  // ---- sending (R25-R28): to one peer, or to every peer but `except` (and this node)
  void send(int to, Msg m);
  void broadcast(const Msg& m, int except = -1);

  // ---- effects reported to the world
  // Runs f, which changes this node's state, and reports what that did to the truth.
  template <class F>
  void observe_truth(int d, OwnershipCause cause, F&& f) {
    using Fn = std::remove_reference_t<F>;
    observe_truth_fn(
        d, cause, [](void* p) { (*static_cast<Fn*>(p))(); }, &f);
  }
  // R18: the DN's agent, logged in before this change and now logged out here, logs in again
  // (unless its GWS does it, R48). The agent is a person who sees it: not the node's knowledge.
  void agent_sees_logout(int d, bool via_gws);
  // R8: an offer ringing at the DN here is withdrawn (requeued at once, cause race).
  void withdraw_ringing(int d);
  // R36/R38: the agents held busy until this node heard from `from` are freed.
  void release_stuck(int from);
  // R65: the end of a call reached this node, which holds the agent busy: ACW, then Ready.
  void call_ended_here(int d, Time acw);
  // R66/R67: a split-brain conflict this node resolved (for observers).
  void report_conflict(int d, int winner, int loser, Time since);

 private:
  void observe_truth_fn(int d, OwnershipCause cause, void (*fn)(void*), void* arg);
  // (Re)arms the registration's expiry (R14): SIP phones only, not via GWS.
  void arm_expiry(int d, bool via_gws);
  Cluster::Impl& w_;
  int n_;
};

}  // namespace scsim::model
