// Scenario actions: the timeline's entry into the model. run_action is a switch with one
// handler per ActionKind; the handlers live in the file of their DOMAIN section (phones.cpp,
// ownership.cpp, gws.cpp, partition.cpp, crash.cpp) and here for the scripted call.
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

void Cluster::Impl::run_action(const Action& a) {
  switch (a.kind) {
    case ActionKind::phone_on:
      act_phone_on(a.agent);
      break;
    case ActionKind::phone_off:
      act_phone_off(a.agent);
      break;
    case ActionKind::phone_move:
      act_phone_move(a.agent, a.dc);
      break;
    case ActionKind::phone_register:
      // R13 (MODEL.md choice 80): an extra REGISTER now; the refresh timer restarts from it. A
      // switched-off phone sends nothing.
      if (phones[a.agent].on) phone_send_register(a.agent, false);
      break;
    case ActionKind::phone_unregister:
      act_phone_unregister(a.agent);
      break;
    case ActionKind::agent_login:
    case ActionKind::agent_logout:
    case ActionKind::agent_ready:
    case ActionKind::agent_not_ready:
      act_agent(a);
      break;
    case ActionKind::wwe_login:
      act_wwe_login(a.agent, a.ready);
      break;
    case ActionKind::wwe_logout:
      act_wwe_logout(a.agent);
      break;
    case ActionKind::wwe_disconnect:
      act_wwe_disconnect(a.agent);
      break;
    case ActionKind::wwe_reconnect:
      act_wwe_reconnect(a.agent);
      break;
    case ActionKind::tregister:
      act_tregister(a);
      break;
    case ActionKind::cut:
    case ActionKind::heal:
      act_cut_heal(a);
      break;
    case ActionKind::crash:
      act_crash(a.node, a.crash);
      break;
    case ActionKind::restart:
      act_restart(a.node);
      break;
    case ActionKind::gws_fail:
      act_gws_fail(a.gws);
      break;
    case ActionKind::gws_restart:
      act_gws_restart(a.gws);
      break;
    case ActionKind::gws_cut:
      gws_set_cut(a.gws, true);
      break;
    case ActionKind::gws_heal:
      gws_set_cut(a.gws, false);
      break;
    case ActionKind::call:
      act_call(a);
      break;
  }
}

void Cluster::Impl::act_call(const Action& a) {
  // A scripted call: handle, ACW and patience from the parameters, drawn from the call's
  // own streams (keyed by its place in the timeline).
  uint64_t key = uint64_t(a.at.micros()) ^ (uint64_t(a.agent) << 48);
  key = mix64(key ^ hash_name(a.group));
  Rng rh(seed, "action-handle", key), ra(seed, "action-acw", key), rp(seed, "action-patience", key);
  Time handle = draw_law(P.handle_time_law, P.handle_time_mean, rh);
  Time acw = draw_law(P.acw_time_law, P.acw_time_mean, ra);
  Time patience = P.patience_infinite ? Time::max()
                                      : seconds(draw_exponential(rp, P.patience_mean.to_seconds()));
  if (a.handle) handle = *a.handle;  // a call: action's own durations (the draws are still made)
  if (a.acw) acw = *a.acw;
  if (a.patience) patience = *a.patience;
  int g = a.group.empty() ? 0 : group_index_of(a.group);
  call_arrives(a.node >= 0 ? nodes[a.node].dc : a.dc, a.node, g, patience, handle, acw);
}

}  // namespace scsim::model
