// ClaimTable (claim_table.hpp).
#include "model/claim_table.hpp"

namespace scsim::model {

bool policy_wins(SplitBrainPolicy policy, Time c1, int n1, Time c2, int n2) {
  switch (policy) {
    case SplitBrainPolicy::latest_registration:
      return newer_claim(c1, n1, c2, n2);
    case SplitBrainPolicy::earliest_registration:
      return c1 < c2 || (c1 == c2 && n1 < n2);
    case SplitBrainPolicy::lowest_node_id:
      return n1 < n2;
  }
  return false;
}

ClaimTable::ClaimTable(int nodes, int dns)
    : n_(nodes), claims_(size_t(nodes) * size_t(dns)), claimants_(size_t(dns), 0) {
  assert(nodes <= 64 && "the claimant bitmask holds 64 nodes");
}

void ClaimTable::set_active(int n, int d, bool on) {
  record(n, d).active = on;
  const uint64_t bit = uint64_t(1) << n;
  uint64_t& m = claimants_[size_t(d)];
  m = on ? (m | bit) : (m & ~bit);
}

bool ClaimTable::holds() const {
  for (int d = 0; d < dns(); ++d) {
    uint64_t m = 0;
    for (int n = 0; n < n_; ++n) {
      if (at(n, d).active) m |= uint64_t(1) << n;
    }
    if (m != claimants_[size_t(d)]) return false;
  }
  return true;
}

}  // namespace scsim::model
