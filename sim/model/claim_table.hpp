// ClaimTable: every node's claim on every DN (DOMAIN §2, R8, R66-R68), with the claimant bitmask
// kept in step and the truth owner computed from them. Needs no Cluster: tests build one by hand
// (tests/model/test_claim_table.cpp).
//
// Invariant: bit n of claimants(d) is set exactly while at(n, d).active (set_active is the only
// writer of `active`; holds() checks it). A DN's claims at every node sit side by side, so the
// truth owner reads them all at once.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "model/node_state.hpp"
#include "model/params.hpp"

namespace scsim::model {

// R8: is claim (c1, n1) preferred to (c2, n2)? The newer registration; ties to the lower node.
inline bool newer_claim(Time c1, int n1, Time c2, int n2) {
  return c1 > c2 || (c1 == c2 && n1 < n2);
}
// R67: the same by split_brain_policy (claims made apart).
bool policy_wins(SplitBrainPolicy policy, Time c1, int n1, Time c2, int n2);

class ClaimTable {
 public:
  ClaimTable() = default;
  ClaimTable(int nodes, int dns);  // nodes <= 64 (the bitmask)

  int nodes() const { return n_; }
  int dns() const { return int(claimants_.size()); }
  const Claim& at(int n, int d) const { return claims_[size_t(d) * size_t(n_) + size_t(n)]; }
  // The record's times, generation and GWS fields; never `active` (set_active).
  Claim& record(int n, int d) { return claims_[size_t(d) * size_t(n_) + size_t(n)]; }
  bool claims(int n, int d) const { return ((claimants_[size_t(d)] >> n) & 1) != 0; }
  uint64_t claimants(int d) const { return claimants_[size_t(d)]; }
  const uint64_t* claimants_at(int d) const { return &claimants_[size_t(d)]; }  // for prefetch
  // The only way a claim starts or ends.
  void set_active(int n, int d, bool on);

  // The truth owner (DOMAIN §2) among the claimants alive in `alive` (bit per node): the only
  // live claim; with several, the newest (R8) when every two of them are connected, else the
  // winner by `policy` (R67). broken(a, b): the pair a-b is cut either way. -1: none.
  template <class Broken>
  int truth_owner(int d, uint64_t alive, SplitBrainPolicy policy, Broken&& broken) const;

  // The invariant: the bitmask equals the active flags.
  bool holds() const;

 private:
  int n_ = 0;
  std::vector<Claim> claims_;        // D*N
  std::vector<uint64_t> claimants_;  // per DN
};

template <class Broken>
int ClaimTable::truth_owner(int d, uint64_t alive, SplitBrainPolicy policy, Broken&& broken) const {
  const uint64_t live = claimants(d) & alive;
  if ((live & (live - 1)) == 0) return live == 0 ? -1 : __builtin_ctzll(live);
  bool connected = true;
  for (uint64_t a = live; a != 0 && connected; a &= a - 1) {
    const int x = __builtin_ctzll(a);
    for (uint64_t b = a & (a - 1); b != 0; b &= b - 1) {
      if (broken(x, __builtin_ctzll(b))) {
        connected = false;
        break;
      }
    }
  }
  int best = __builtin_ctzll(live);
  for (uint64_t m = live & (live - 1); m != 0; m &= m - 1) {
    const int n = __builtin_ctzll(m);
    const Claim& a = at(n, d);
    const Claim& b = at(best, d);
    const bool wins = connected ? newer_claim(a.claim_time, n, b.claim_time, best)
                                : policy_wins(policy, a.claim_time, n, b.claim_time, best);
    if (wins) best = n;
  }
  return best;
}

}  // namespace scsim::model
