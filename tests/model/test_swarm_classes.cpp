// Classes found by `scsim swarm` (tests/swarm/) after issue 21's fixes, each as the smallest
// situation that shows it, citing the rule it breaks.
#include <filesystem>

#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "sim_fixture.hpp"
#include "stats/invariants.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {
ClusterSpec with_policy(SplitBrainPolicy policy) {
  return spec(false, [policy](Params& p) { p.split_brain_policy = policy; });
}
}  // namespace

// tests/swarm/R67-claim-since-link-up-crossed-owners.yaml (swarm seed 231): before, N2 compared
// N1's snapshot entry by the policy because N1's claim predates the link, dropped its own newer
// claim and adopted N1; N1 dropped its claim on N2's announcement (R8). Each then believed the
// other; no node claimed the DN for good.
TEST_CASE(
    "R67 R8: a claim the receiver made since its link to the sender came up is compared with "
    "the sender's snapshot entry by R8 (newer wins), not by the split-brain policy") {
  Sim s(with_policy(SplitBrainPolicy::earliest_registration));
  s.add(act(1, ActionKind::phone_on, A1));  // N1, claim 1.010
  s.add(dc_cut(100, false));                // declared at 110 by both ends
  s.add(dc_cut(202, false, true));          // retry at 205: up at 205.080, snapshots 205.120
  s.add(move(205.075, A1, DC2));            // N2 claims at 205.085, between the two
  s.run(206);
  // Before: no claim at all from 205.125 until the phone's next REGISTER (265.085).
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
  s.run(300);
  REQUIRE(s.link(N2, N1, LinkEndState::resyncing, 200) == at_s(205.080));
  REQUIRE(s.link(N2, N1, LinkEndState::up, 200) == at_s(205.120));
  REQUIRE(s.view(N2, A1, owned_by(N2), 200) == at_s(205.085));
  // N2's claim is newer than N1's entry (1.010): N2 keeps it; N1 drops on N2's announcement.
  CHECK(s.view(N2, A1, owned_by(N1), 205.085) == std::nullopt);
  CHECK(s.view(N1, A1, state_is(N2, true, AgentState::logged_out), 200) == at_s(205.125));
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
  for (int n : {N1, N2})
    CHECK(same_state(s.c.view(n, A1), s.c.truth(A1)));
  CHECK(s.r.conflicts.empty());  // R67: not a split brain
}

// tests/swarm/R67-refreshed-claim-after-one-way-cut.yaml (swarm seed 48563): before, N1 compared
// N2's answer by the policy (N2's claim began before the link last came up; N1's after), kept
// its claim without a word, and both claimed the DN for good (R10).
TEST_CASE(
    "R67 R8 R14: a claim made since the link came up loses by R8 to the peer's older claim "
    "refreshed since (lowest_node_id does not keep it)") {
  Sim s(with_policy(SplitBrainPolicy::lowest_node_id));
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(move(10, A1, DC2));                 // N2, claim began 10.010
  s.add(dc_cut(100, false));                // declared at 110
  s.add(dc_cut(150, false, true));          // retry at 150: up again at 150.120
  s.add(one_way(200, N1, N2));              // N1 -> N2 held back, not declared
  s.add(move(200, A1, DC1));                // N1 claims 200.010 (R8); its update is held
  s.add(move(205, A1, DC2));                // N2: a refresh (R14), claim time 205.010
  s.add(one_way(208, N1, N2, true));        // healed before ADDP: delivered 208.040 (R28)
  s.run(300);
  REQUIRE(s.link(N1, N2, LinkEndState::up, 150) == at_s(150.120));
  REQUIRE(s.view(N1, A1, owned_by(N1), 199) == at_s(200.010));
  // N2's refreshed claim (205.010) is newer than N1's (200.010): N2 keeps it (R8) and answers
  // (MODEL.md choice 31); N1's claim was made since the link came up, so R8 decides there too.
  CHECK(s.view(N1, A1, owned_by(N2), 200.010) == at_s(208.080));
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
  for (int n : {N1, N2})
    CHECK(same_state(s.c.view(n, A1), s.c.truth(A1)));
  CHECK(s.r.conflicts.empty());
}

// tests/swarm/R10-two-delays-after-heal.yaml (swarm seed 6545): R14's refresh sends no update,
// so the winner can answer the held announcement only when it arrives (MODEL.md choice 31); the
// double claim the heal carries lasts two TC delays. The checker allows that (choice 38); before,
// it reported an R10 violation.
TEST_CASE(
    "R10 R14 R28: a double claim carried over an undeclared cut ends two TC delays after the "
    "heal, which the invariant checker allows") {
  Sim s(spec(false));
  stats::InvariantChecker checker(s.c);
  s.c.add_observer(&checker);
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(move(10, A1, DC2));                 // N2, claim began 10.010
  s.add(dc_cut(100, false));                // ADDP would declare at 110
  s.add(move(101, A1, DC1));                // N1 claims 101.010 (R8); its announcement is held
  s.add(move(104, A1, DC2));                // N2: a refresh (R14), sends nothing
  s.add(dc_cut(106, false, true));          // healed before ADDP: delivered 106.040 (R28)
  // Instants between the two delays, at which the checker looks (it checks at event instants).
  s.add(act(106.06, ActionKind::phone_on, A2));
  s.run(106.079);
  CHECK(s.c.claimants(A1) == (std::vector<int>{N1, N2}));
  s.run(106.080);  // N2's claim is newer (104.010): N2 answers at 106.040, N1 drops at 106.080
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
  s.run(300);
  checker.finish(s.c.now());
  INFO(checker.message());
  CHECK_FALSE(checker.violated());
  CHECK(checker.checks() > 0);
  CHECK(s.link(N1, N2, LinkEndState::declared_lost, 99) == std::nullopt);
}

// tests/swarm/R10-reclaim-at-announcement-instant.yaml (swarm seed 29420): N1's claim ends by R8
// and begins again at one instant; the checker took the two double claims for one lasting two TC
// delays (MODEL.md choice 39).
TEST_CASE(
    "R10 R8: a claim dropped and made again at one instant opens a new one-delay window, which "
    "the invariant checker allows") {
  Sim s(spec(false));
  stats::InvariantChecker checker(s.c);
  s.c.add_observer(&checker);
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(move(50, A1, DC2));                 // N2 claims 50.010; N1 hears of it at 50.050
  s.add(move(50.04, A1, DC1));              // N1's REGISTER arrives at 50.050, after N2's update
  s.run(50.050);
  // N1 dropped its claim (R8) and claimed again (a new registration, newer than N2's).
  CHECK(s.c.claimants(A1) == (std::vector<int>{N1, N2}));
  CHECK(s.view(N1, A1, owned_by(N2), 50) == at_s(50.050));
  s.run(50.089);
  CHECK(s.c.claimants(A1) == (std::vector<int>{N1, N2}));
  s.run(50.090);  // N2 drops on N1's announcement
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  s.run(200);
  checker.finish(s.c.now());
  INFO(checker.message());
  CHECK_FALSE(checker.violated());
}

// tests/swarm/R8-release-then-claim-request-to-non-owner.yaml (swarm seed 1297, shrunk): the run
// ends with no claim on DN 1010 and views naming owners that hold none; with choice 102 the
// asked node answers and the asker claims.
TEST_CASE(
    "R8 release_then_claim: a node asked for a release of a DN it does not claim answers at "
    "once, so the asker claims and every view converges") {
  const auto file = std::filesystem::path(SCSIM_SOURCE_DIR) / "tests" / "swarm" /
                    "R8-release-then-claim-request-to-non-owner.yaml";
  auto r = scenario::load_scenario(file.string());
  REQUIRE(r.scenario);
  REQUIRE(r.scenario->cluster.params.handover_mode == HandoverMode::release_then_claim);
  run::Simulation sim(*r.scenario, r.scenario->seed);
  sim.run();
  REQUIRE(sim.finish());
  const Cluster& c = sim.cluster();
  const int d = 0;  // A10, DN 1010, the scenario's only agent
  CHECK(c.claimants(d).size() == 1);
  for (int n = 0; n < c.node_count(); ++n) {
    if (!c.node_alive(n)) continue;
    INFO("node " << n);
    CHECK(c.view(n, d).owner == c.truth_owner(d));
  }
}
