// Rule tests of DOMAIN §3.10 (R66-R68): split brain.
// One or more tests per rule, each asserting concrete times and states on T2/T4 with the
// reference settings of DOMAIN §5 (TC 40 ms across DCs, 2 ms within, Stat Server +20 ms, requests
// +10 ms, ADDP min 10 s, reconnect every 5 s), plus the non-default MODEL CHOICE values.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

// ------------------------------------------------------------------------------------------
// 3.10 Split brain

namespace {
// SC8's timeline (T2 or T4): A1's phone moves to DC2 during a partition; heal at 202.
void split_brain(Sim& s, bool t4, double heal = 202) {
  standard_start(s.c);
  s.add(dc_cut(100, t4));
  s.add(move(130, A1, DC2));
  s.add(dc_cut(heal, t4, true));
}
}  // namespace

TEST_CASE(
    "R66: a registration on the other side of a partition makes a second claim; each side "
    "treats the DN as its own") {
  Sim s(spec(false));
  split_brain(s, false);
  s.run(200);
  CHECK(s.view(N2, A1, state_is(N2, true, AgentState::logged_out), 120) == at_s(130.010));
  CHECK(s.c.claimants(A1) == (std::vector<int>{N1, N2}));
  CHECK(s.c.view(N1, A1).owner == N1);
  CHECK(s.c.view(N1, A1).in_service);
  CHECK(s.c.view(N2, A1).owner == N2);
  CHECK(s.c.truth_owner(A1) == N2);  // latest registration (R67)
  CHECK(s.changes(ViewLevel::view, N1, A1, 120, 200).empty());
}

TEST_CASE(
    "R67: latest_registration (default): the later claim wins at the snapshot; the loser "
    "adopts the winner's state") {
  Sim s(spec(false));
  split_brain(s, false);
  s.run(300);
  // N1's last accepted REGISTER 121.010, N2's 190.010: N2 wins at 205.120.
  REQUIRE(s.r.conflicts.size() == 1);
  CHECK(s.r.conflicts[0].winner == N2);
  CHECK(s.r.conflicts[0].loser == N1);
  CHECK(s.r.conflicts[0].since == at_s(130.010));
  CHECK(s.r.conflicts[0].at == at_s(205.120));
  CHECK(s.view(N1, A1, state_is(N2, true, AgentState::ready), 200) == at_s(205.120));
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
  CHECK(s.stat(N1, A1, state_is(N2, true, AgentState::ready), 200) == at_s(205.140));
}

TEST_CASE("R67: earliest_registration: the earlier claim wins") {
  Sim s(spec(false,
             [](Params& p) { p.split_brain_policy = SplitBrainPolicy::earliest_registration; }));
  split_brain(s, false);
  s.run(150);
  CHECK(s.c.truth_owner(A1) == N1);  // during the split, the policy's winner
  s.run(206);
  REQUIRE(s.r.conflicts.size() == 1);
  CHECK(s.r.conflicts[0].winner == N1);
  CHECK(s.r.conflicts[0].loser == N2);
  CHECK(s.r.conflicts[0].at == at_s(205.120));
  CHECK(s.view(N2, A1, state_is(N1, true, AgentState::ready), 200) == at_s(205.120));
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  CHECK(s.c.view(N1, A1).owner == N1);
}

TEST_CASE("R67: lowest_node_id: N1 wins whatever the registration times") {
  Sim s(spec(false, [](Params& p) { p.split_brain_policy = SplitBrainPolicy::lowest_node_id; }));
  split_brain(s, false);
  s.run(206);
  REQUIRE(s.r.conflicts.size() == 1);
  CHECK(s.r.conflicts[0].winner == N1);
  CHECK(s.r.conflicts[0].loser == N2);
  CHECK(s.view(N2, A1, owned_by(N1), 200) == at_s(205.120));
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
}

TEST_CASE("R67: on T4 the winner's claim reaches every peer; one conflict") {
  Sim s(spec(true));
  split_brain(s, true);  // DC2 proxy: A2 took N2 first, so A1 -> N4 at 130.010
  s.run(300);
  CHECK(s.view(N4, A1, owned_by(N4), 120) == at_s(130.010));
  REQUIRE(s.r.conflicts.size() == 1);
  CHECK(s.r.conflicts[0].winner == N4);
  CHECK(s.r.conflicts[0].loser == N1);
  CHECK(s.r.conflicts[0].at == at_s(205.120));
  CHECK(s.c.claimants(A1) == std::vector<int>{N4});
  for (int n : {N1, N2, N3, N4}) {
    CHECK(s.c.view(n, A1).owner == N4);
    CHECK(s.c.view(n, A1).in_service);
    CHECK(same_state(s.c.stat(n, A1), s.c.truth(A1)));
  }
}

TEST_CASE("R68: a claim that lapsed before the heal causes no conflict") {
  Sim s(spec(false));
  split_brain(s, false, 250);  // N1's claim expires at 241.010
  s.run(400);
  CHECK(s.view(N1, A1, no_owner_oos, 200) == at_s(241.010));
  CHECK(s.r.conflicts.empty());
  CHECK(s.view(N1, A1, state_is(N2, true, AgentState::ready), 200) == at_s(250.120));
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
}
