// What one node holds and sends on its own (DOMAIN §3.1-3.4): the TC messages between nodes,
// the owner-side record of a registration (Claim) and a registration waiting for an old owner's
// release (PendingClaim). Plain data, shared by the node-side rules (node_rules.hpp, which see
// it through a NodeCtx) and the rest of the model (cluster_impl.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/cluster.hpp"

namespace scsim::model {

enum class MsgKind { update, release, drop, snapshot, claim_request, retained, call_end };
const char* msg_kind_name(MsgKind k);  // names.cpp

struct SnapEntry {
  int dn;
  DnView state;
  Time claim_start;
};

struct Msg {
  MsgKind kind = MsgKind::update;
  int dn = -1;
  DnView state;        // update: the owner's entry
  Time claim_time;     // release/drop: the claim it ends; update: the claim
  Time claim_start;    // update: when the claim began (for conflict coexistence)
  int new_owner = -1;  // drop: the node that took the DN over
  Time acw;            // call_end: the ended call's ACW (R18, R65)
  std::shared_ptr<const std::vector<SnapEntry>> snapshot;
  Time deliver_at;
  bool held = false;  // held back by a cut (R28)
  uint64_t seq = 0;   // the channel's send counter when sent (R26, observed by on_tc_apply)
};

// The owner-side record of a registration at one node.
struct Claim {
  bool active = false;
  Time claim_time;   // last accepted registration (R25, R67)
  Time claim_start;  // first acceptance of this claim (coexistence, §6.3)
  Time expires_at = Time::max();
  uint32_t gen = 0;  // invalidates stale expiry events
  bool via_gws = false;
  int gws = -1;
  uint32_t gws_conn = 0;   // the GWS connection that last registered it (R12)
  bool probe_oos = false;  // R15: OOS by probe, registration kept
};

// A registration accepted under release_then_claim, waiting for the old owner's release (R8).
struct PendingClaim {
  int from = -1;  // the believed owner asked to release
  bool via_gws = false;
  int gws = -1;
  OwnershipCause cause = OwnershipCause::move;
};

}  // namespace scsim::model
