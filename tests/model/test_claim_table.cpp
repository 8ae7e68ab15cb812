// ClaimTable (sim/model/claim_table.hpp) without a Cluster: the claimant bitmask invariant and
// the truth owner of DOMAIN §2 (R8 handover, R66-R68 split brain).
#include "catch.hpp"
#include "model/claim_table.hpp"

using namespace scsim;
using namespace scsim::model;

namespace {

constexpr uint64_t kAll = ~uint64_t(0);
auto never_cut = [](int, int) { return false; };
auto always_cut = [](int, int) { return true; };

void claim_at(ClaimTable& t, int n, int d, double s) {
  t.set_active(n, d, true);
  t.record(n, d).claim_time = seconds(s);
}

}  // namespace

TEST_CASE("ClaimTable: set_active keeps the claimant bitmask equal to the active claims") {
  ClaimTable t(4, 3);
  CHECK(t.holds());
  t.set_active(2, 1, true);
  t.set_active(0, 1, true);
  CHECK(t.claimants(1) == 0b101);
  CHECK(t.claims(2, 1));
  CHECK_FALSE(t.claims(1, 1));
  CHECK(t.claimants(0) == 0);
  t.set_active(2, 1, false);
  CHECK(t.claimants(1) == 0b1);
  CHECK(t.holds());
  t.record(3, 2).active = true;  // the one write the invariant forbids
  CHECK_FALSE(t.holds());
}

TEST_CASE("ClaimTable DOMAIN §2: no live claim, no truth owner; one live claim owns") {
  ClaimTable t(4, 1);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::latest_registration, never_cut) == -1);
  claim_at(t, 2, 0, 1);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::latest_registration, never_cut) == 2);
  // R38: a dead node's claim does not count.
  CHECK(t.truth_owner(0, kAll & ~uint64_t(0b100), SplitBrainPolicy::latest_registration,
                      never_cut) == -1);
}

TEST_CASE("ClaimTable R8: connected claimants: the newer registration owns, ties to the lower") {
  ClaimTable t(4, 1);
  claim_at(t, 3, 0, 1);
  claim_at(t, 1, 0, 5);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::earliest_registration, never_cut) == 1);
  t.record(3, 0).claim_time = seconds(5);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::latest_registration, never_cut) == 1);
  t.record(3, 0).claim_time = seconds(6);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::latest_registration, never_cut) == 3);
  // Only the live ones are compared: N4 dead leaves N2.
  CHECK(t.truth_owner(0, 0b0111, SplitBrainPolicy::latest_registration, never_cut) == 1);
}

TEST_CASE("ClaimTable R67: claimants cut apart: the winner by split_brain_policy") {
  ClaimTable t(4, 1);
  claim_at(t, 0, 0, 9);  // N1, newest
  claim_at(t, 2, 0, 3);  // N3, oldest
  claim_at(t, 3, 0, 5);  // N4
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::latest_registration, always_cut) == 0);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::earliest_registration, always_cut) == 2);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::lowest_node_id, always_cut) == 0);
  t.record(0, 0).claim_time = seconds(1);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::earliest_registration, always_cut) == 0);
  // One cut pair among three claimants is enough to make it a split brain.
  auto one_cut = [](int a, int b) { return (a == 2 && b == 3) || (a == 3 && b == 2); };
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::earliest_registration, one_cut) == 0);
  CHECK(t.truth_owner(0, kAll, SplitBrainPolicy::latest_registration, one_cut) == 3);
}
