// A plain description of a cluster and of the actions a scenario, a test or the GUI applies to
// it. Names are resolved to indices by whoever builds the spec (the scenario loader, a test);
// the model only sees indices. Node k (0-based) is "N<k+1>"; lower index = lower number (R4,
// R8 ties, R47, R55).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "model/calls.hpp"
#include "model/params.hpp"

namespace scsim::model {

// Size limits of a cluster (issue 12 §2), checked by the scenario loader (file:line:col error)
// and asserted by the model. Node sets are 64-bit masks; event targets pack (node, node) and
// (node, DN) pairs into 32 bits; every node keeps a 64-byte Stat Server cell per DN.
constexpr int kNodesMax = 64;
constexpr int kDnsMax = 1'000'000;
// Nodes x DNs: at most 2^24 cells, about 1 GB of Stat Server state and views.
constexpr int64_t kNodeDnCellsMax = int64_t(1) << 24;
static_assert(uint64_t(kNodesMax) * kNodesMax <= UINT32_MAX, "(node, node) fits an event target");
static_assert(uint64_t(kNodesMax) * kDnsMax <= UINT32_MAX, "(node, DN) fits an event target");
static_assert(kNodesMax <= 64, "node sets are 64-bit masks");

enum class DnKind { sip, pstn };

struct DcSpec {
  std::string name;  // "DC1"
};

struct NodeSpec {
  std::string name;  // "N1"
  int dc = 0;
};

struct GwsSpec {
  std::string name;  // "G1"
  int dc = 0;
  std::string client_name = "GWS";  // must be in gws_client_names to own DNs (R5)
  int node = -1;                    // initial node; -1: the lowest-numbered node of its DC
};

struct AgentSpec {
  std::string name;  // "A1"
  std::string dn;    // "1001"
  DnKind kind = DnKind::sip;
  int dc = 0;                       // home DC: the phone's first DC, the WWE's DC
  std::vector<std::string> groups;  // routing groups
  int gws = -1;                     // GWS node of its WWE session (pstn; optional for sip)
};

// Overrides the one-way TC delay of one node pair (both directions).
struct LinkDelaySpec {
  int a = 0, b = 0;
  Time one_way;
};

struct ClusterSpec {
  std::vector<DcSpec> dcs;
  std::vector<NodeSpec> nodes;
  std::vector<GwsSpec> gws;
  std::vector<AgentSpec> agents;
  std::vector<LinkDelaySpec> link_delays;
  Params params;
  Workload workload;  // calls (routing issue); empty: no calls
};

// T2 (DC1={N1}, DC2={N2}) and T4 (DC1={N1,N3}, DC2={N2,N4}) of DOMAIN §2, without agents.
ClusterSpec topology_t2();
ClusterSpec topology_t4();
// One node, `agents` SIP agents in group "g", every delay zero, no router timeout or
// redirection limit: the M/M/c (patience_s <= 0) or M/M/c+M call centre of the Erlang C/A
// formulas, with Poisson arrivals from 1 s to `end` and exponential handle times.
ClusterSpec single_node_mmc(int agents, double rate_per_s, double aht_s, double patience_s,
                            Time end);

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
