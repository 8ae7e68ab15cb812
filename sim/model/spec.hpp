// A plain description of a cluster (the actions applied to it are in action.hpp, included
// here). Names are resolved to indices by whoever builds the spec (the scenario loader, a test);
// the model only sees indices. Node k (0-based) is "N<k+1>"; lower index = lower number (R4,
// R8 ties, R47, R55).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "model/action.hpp"
#include "model/params.hpp"
#include "model/workload.hpp"

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

}  // namespace scsim::model
