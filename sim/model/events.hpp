// The model's events: kinds (Ev), same-instant classes (Prio), typed packers for their targets
// and arguments, and their readable names. Events are data (core/scheduler.hpp's Event{kind,
// target, arg}); Cluster::Impl::dispatch (dispatch.cpp) gives them their meaning.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/scheduler.hpp"

namespace scsim::model {

class Cluster;

// Event kinds, dispatched in Cluster::Impl::dispatch. Priorities follow DOMAIN "same instant".
enum class Ev : uint32_t {
  action,           // target: index into actions_ (scenario timeline)
  tc_deliver,       // target: channel; arg: channel epoch
  ss_deliver,       // target: node; arg: node epoch
  request_arrive,   // target: index into requests_
  reg_expiry,       // target: node*D+dn; arg: claim generation
  addp_declare,     // target: end index (node-node or gws ends); arg: cut generation
  tc_retry,         // target: node*N+peer; arg: end generation
  link_up,          // target: pair index; arg: pair generation
  phone_refresh,    // target: dn; arg: phone generation
  proxy_detect,     // target: node; arg: node incarnation
  proxy_take_back,  // target: node; arg: node incarnation
  dn_probe,         // target: dn; arg: probe generation
  grace_expire,     // target: node*N+peer; arg: end generation
  gws_reconnect,    // target: gws; arg: gws generation
  wwe_window_end,   // target: dn; arg: session generation
  agent_relogin,    // target: dn; arg: relogin generation
  retry_reach,      // target: node*N+peer (the end that declares); arg: pair generation
  gws_declare,      // target: gws; arg: side << 32 | node << 40 | cut generation
  // Calls (calls.cpp). Call events: target = call slot, arg = slot generation << 32 | step.
  stream_arrival,  // target: arrival stream index
  trace_arrival,   // target: trace index
  route,           // target: node: one routing pass of URS_N at this instant
  offer_arrive,    // the offer reaches the DN's owner
  offer_fail,      // the offer failed; the call is back in its queue now
  offer_timeout,   // R60: sip_invite_timeout after sending
  answer,          // agent_answer_delay after ringing
  call_end,        // handle time over
  acw_end,         // target: dn; arg: owner << 32 | acw generation
  patience,        // the caller hangs up
  router_timeout,  // R63; arg: slot generation << 32 | router step
  held_end,        // R28/R36: a held call end reaches the owner; target: owner*N+from
  adopted_end,     // R18: a call's end reaches the owner that adopted its busy state;
                   // target: owner*D+dn; arg: ACW duration (us)
};

enum Prio : uint8_t { kFault = 0, kDelivery = 1, kTimer = 2, kAction = 3, kRouting = 4 };

// Typed packers for event targets and arguments (what dispatch decodes).
// A target naming an ordered pair of indexes (node*N+peer, node*D+dn, ...).
inline std::pair<int, int> split_pair(uint32_t target, int width) {
  return {int(target) / width, int(target) % width};
}
// gws_declare: which end declares (0: the GWS end, 1: the node end), the node, the cut generation.
struct GwsDeclareArg {
  uint32_t side;
  int node;
  uint32_t cut_gen;
};
inline uint64_t gws_declare_arg(uint32_t side, int node, uint32_t cut_gen) {
  return (uint64_t(side) << 32) | (uint64_t(node) << 40) | cut_gen;
}
inline GwsDeclareArg unpack_gws_declare(uint64_t arg) {
  return GwsDeclareArg{uint32_t((arg >> 32) & 0xff), int(arg >> 40), uint32_t(arg)};
}

// An event of this model, readable: its name and its decoded target and argument
// ("tc_deliver N2->N1 epoch 3", "addp_declare N1 end to N3 gen 2"); nodes are named N1, N2, ...
// For events.csv and the GUI. Reads the cluster's size only.
std::string describe_event(const Cluster& c, const Event& e);

}  // namespace scsim::model
