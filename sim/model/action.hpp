// The actions a scenario, a test or the GUI applies to a cluster (the steps of DOMAIN §5's
// scenarios), with names resolved to indices by whoever builds them (the scenario loader, a
// test). Names in names.cpp; scenario/vocabulary.* maps them to the scenario file's forms.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "model/params.hpp"

namespace scsim::model {

enum class ActionKind {
  phone_on,          // agent: phone switched on (sends REGISTER now, R13)
  phone_off,         // agent: switched off without unregistering
  phone_move,        // agent, dc: moved to another DC and registers there
  phone_unregister,  // agent: REGISTER with Expires 0
  agent_login,       // agent, ready: login request (desk phone / agent desktop), R16
  agent_logout,      // agent
  agent_ready,       // agent
  agent_not_ready,   // agent
  wwe_login,         // agent, ready: WWE login: TRegisterAddress + login (R45)
  wwe_logout,        // agent: R46
  wwe_disconnect,    // agent: W-GWS path broken, GWS stays up (R49)
  wwe_reconnect,     // agent: W-GWS path back
  tregister,         // agent, node, client: TRegisterAddress from a client (R5, R6)
  cut,               // nodes_a x nodes_b pairs cut (both ways unless one_way: a -> b only)
  heal,              // the same pairs healed
  crash,             // node, crash kind
  restart,           // node
  gws_fail,          // gws: GWS node down
  gws_restart,       // gws
  gws_cut,           // gws: its connection to its node cut, both stay up (SC10)
  gws_heal,          // gws
  call,              // dc (or node), group: one call arrives (handle, patience, acw: given or
                     // drawn from the parameters)
  phone_register,    // agent: an extra REGISTER now (a refresh on demand, R13)
};

struct Action {
  Time at;
  ActionKind kind = ActionKind::phone_on;
  int agent = -1;
  int dc = -1;
  int node = -1;
  int gws = -1;
  bool ready = true;
  bool one_way = false;
  CrashKind crash = CrashKind::host;
  std::string client;  // tregister
  std::string group;   // call
  // call: fixed durations instead of the parameters' draws (patience Time::max(): never
  // abandons); unset: drawn as for any call.
  std::optional<Time> handle, patience, acw;
  std::vector<int> nodes_a, nodes_b;  // cut / heal
  std::vector<int> gws_a, gws_b;      // cut / heal: GWS nodes named on each side (R30)
};

const char* to_string(ActionKind k);

}  // namespace scsim::model
