// Liveness check (apart from the model): once every fault has healed and every resync has
// ended, each live node's view and Stat Server agree with the truth. Used by the randomised
// invariant tests and by `scsim run --check-invariants` at the end of a quiet run.
//
// Compared per DN and live node: the owner and the service state always; the agent state only
// while the DN has a truth owner (an unowned DN cannot be routed, DOMAIN §6.3).
#pragma once

#include <string>
#include <vector>

#include "model/cluster.hpp"

namespace scsim::stats {

// Every disagreement, each naming the DN, the node, the level and both states; empty when the
// views have converged. At most `limit` messages.
std::vector<std::string> check_converged(const model::Cluster& c, size_t limit = 20);

std::string describe(const model::Cluster& c, const model::DnView& v);

}  // namespace scsim::stats
