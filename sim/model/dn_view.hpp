// What one place (the truth, view_N, SS_N) holds about one DN, and the small state vocabularies
// of DOMAIN §3 that observations and the model share: agent states, view levels, TC link end
// states and the causes of an ownership change. Plain data; names in names.cpp.
#pragma once

#include "core/time.hpp"

namespace scsim::model {

enum class AgentState : uint8_t { logged_out, not_ready, ready, reserved, ringing, talking, acw };
const char* to_string(AgentState s);
inline bool is_busy(AgentState s) {
  return s == AgentState::reserved || s == AgentState::ringing || s == AgentState::talking ||
         s == AgentState::acw;
}

// What one place (the truth, view_N, SS_N) holds about one DN.
struct DnView {
  int owner = -1;  // believed owner node, -1: none
  bool in_service = false;
  AgentState agent = AgentState::logged_out;
  Time ready_since;  // owner's timestamp of the last entry into Ready (R55, R64)
  Time claim_time;   // owner's last accepted registration time (R25, R67)
  bool operator==(const DnView&) const = default;
  // Eligible for routing as far as this view knows (R51 without the group test).
  bool eligible() const { return owner >= 0 && in_service && agent == AgentState::ready; }
};

enum class ViewLevel { truth, view, stat };
const char* to_string(ViewLevel l);

enum class LinkEndState { up, cut_undeclared, declared_lost, resyncing, peer_down };
const char* to_string(LinkEndState s);

enum class OwnershipCause {
  registration,
  move,
  crash_recovery,
  gws_failover,
  release,
  drop,
  split_brain,
  expiry
};
const char* to_string(OwnershipCause c);

}  // namespace scsim::model
