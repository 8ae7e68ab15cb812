// DOMAIN §2's reference topologies. The scenario file's `topology: T2` / `T4` shorthand and the
// tests build on these.
#include <string>

#include "model/spec.hpp"

namespace scsim::model {

ClusterSpec topology_t2() {
  ClusterSpec c;
  c.dcs = {DcSpec{"DC1"}, DcSpec{"DC2"}};
  c.nodes = {NodeSpec{"N1", 0}, NodeSpec{"N2", 1}};
  return c;
}

ClusterSpec topology_t4() {
  ClusterSpec c;
  c.dcs = {DcSpec{"DC1"}, DcSpec{"DC2"}};
  c.nodes = {NodeSpec{"N1", 0}, NodeSpec{"N2", 1}, NodeSpec{"N3", 0}, NodeSpec{"N4", 1}};
  return c;
}

ClusterSpec single_node_mmc(int agents, double rate_per_s, double aht_s, double patience_s,
                            Time end) {
  ClusterSpec s;
  s.dcs = {DcSpec{"DC1"}};
  s.nodes = {NodeSpec{"N1", 0}};
  for (int i = 0; i < agents; ++i) {
    std::string name = "A";
    name += std::to_string(i);
    s.agents.push_back(AgentSpec{name, std::to_string(100000 + i), DnKind::sip, 0, {"g"}, -1});
  }
  Params& p = s.params;
  p.tc_one_way_delay = Time::zero();
  p.tc_one_way_delay_same_dc = Time::zero();
  p.local_stat_delay = Time::zero();
  p.client_request_delay = Time::zero();
  p.sip_delivery_delay = Time::zero();
  p.agent_answer_delay = Time::zero();
  p.router_timeout = Time::zero();
  p.redirection_limit = 0;
  p.register_expires = seconds(7200);
  ArrivalStream st;
  st.dc = 0;
  st.node = 0;
  st.group = "g";
  st.rate_per_s = rate_per_s;
  st.start = seconds(1);
  st.end = end;
  st.handle.kind = Distribution::Kind::exponential;
  st.handle.mean = aht_s;
  st.acw.kind = Distribution::Kind::fixed;
  st.acw.mean = 0;
  st.infinite_patience = !(patience_s > 0);
  st.patience.kind = Distribution::Kind::exponential;
  st.patience.mean = patience_s > 0 ? patience_s : 1;
  s.workload.streams.push_back(st);
  return s;
}

}  // namespace scsim::model
