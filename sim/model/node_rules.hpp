// The rules one node applies on its own (DOMAIN §3.1-3.4), each given only that node's
// NodeCtx (node_ctx.hpp): what it does when a registration or a client request reaches it,
// when its agent's state changes, and when a TC message from a peer is applied.
// node_ownership.cpp: R8, R9, R12, R14, R16-R18 at the node; node_views.cpp: R21-R25, R33, R66,
// R67 at the receiver.
#pragma once

#include <vector>

#include "model/claim_table.hpp"  // newer_claim, policy_wins (R8, R67)
#include "model/node_ctx.hpp"

namespace scsim::model::node {

// ---- ownership at the node (node_ownership.cpp)
// R8, R14, R18: a REGISTER (or a GWS's TRegisterAddress) accepted here.
void accept_registration(NodeCtx& x, int d, bool via_gws, int g, OwnershipCause cause);
// R12, R9, R17: the registration ends here (Expires 0, expiry, GWS unregistration).
void end_registration(NodeCtx& x, int d);
// R9, R16, R65: the agent's state changes here (at the owner, or at the keeper of a released DN).
void owner_set_agent(NodeCtx& x, int d, AgentState s);
// R8, R67: this node's claim loses; it adopts the winner's entry and tells its peers.
void drop_claim(NodeCtx& x, int d, const DnView& adopt);
// R25: this node's entry for a DN it owns, as an update to every peer.
void announce(NodeCtx& x, int d);

// ---- a TC message from `from` applied here (node_views.cpp)
void on_tc(NodeCtx& x, int from, const Msg& m);
void apply_update(NodeCtx& x, int from, int d, const DnView& st, Time claim_start);
void apply_snapshot(NodeCtx& x, int from, const std::vector<SnapEntry>& snap);
// R33: the believed owner's claim ended here: an entry deferred for another owner applies.
void believed_owner_ended(NodeCtx& x, int d);
// R18, R65: the end of a call reached the node that adopted the agent's busy state.
void call_end_reached(NodeCtx& x, int d, Time acw);
// R21/R22: the grace after this node declared p lost is over: p's DNs go OOS here.
void grace_expire(NodeCtx& x, int p);

}  // namespace scsim::model::node
