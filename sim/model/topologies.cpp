// DOMAIN §2's reference topologies. The scenario file's `topology: T2` / `T4` shorthand and the
// tests build on these.
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

}  // namespace scsim::model
