// Issue 21 §6: every fault a scenario can express. phone_register (an extra REGISTER now, R13)
// and cut/heal pairs naming a GWS node and a node (R30), in the model and through the loader and
// writer.
#include <filesystem>
#include <fstream>

#include "scenario/scenario.hpp"
#include "scenario/writer.hpp"
#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;
namespace fs = std::filesystem;

namespace {

Action gws_node_cut(double t, int g, int node, bool heal = false) {
  Action a = cut_between(t, {}, {node}, heal);
  a.gws_a = {g};
  return a;
}

// A T2 scenario with G1 on N1; the agents and the timeline follow.
const char* kHead = R"(name: t
description: test
seed: 7
duration: 100
settings: reference
topology:
  base: T2
  gws: {G1: {dc: DC1, node: N1}}
population:
  agents:
)";

}  // namespace

TEST_CASE(
    "R13 (MODEL.md choice 80): phone_register sends a REGISTER now and the refresh timer "
    "restarts from it") {
  Sim s(spec(true, [](Params& p) {
    p.register_node_selection = RegisterNodeSelection::round_robin_each;
  }));
  s.add(act(1, ActionKind::phone_on, A1));        // N1; the next refresh would be at 61
  s.add(act(5, ActionKind::phone_register, A1));  // round robin: N3
  s.run(100);
  CHECK(s.truth(A1, both(owned_by(N3), in_srv), 2) == at_s(5.010));
  CHECK(s.truth(A1, owned_by(N1), 6) == at_s(65.010));  // refresh 60 s after 5
}

TEST_CASE("R13: phone_register from a switched-off phone sends nothing") {
  Sim s(spec(true));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(act(3, ActionKind::phone_off, A1));
  s.add(act(5, ActionKind::phone_register, A1));
  s.run(200);
  CHECK(s.truth(A1, no_owner_oos, 2) == at_s(121.010));  // expiry of the 1.010 registration
}

TEST_CASE(
    "R30 R31 R12: a cut naming G1 and N1 cuts their connection; N1 declares it lost and "
    "unregisters 3001") {
  Sim s(spec(false));
  s.add(wwe_login(5, A3));
  s.add(gws_node_cut(20, 0, N1));
  s.run(100);
  CHECK(s.truth(A3, both(owned_by(N1), in_srv)) == at_s(5.010));
  CHECK(s.truth(A3, no_owner_oos, 6) == at_s(30));
}

TEST_CASE("R30 R28: a heal of G1-N1 before ADDP delivers the login held back on it") {
  Sim s(spec(false));
  s.add(gws_node_cut(20, 0, N1));
  s.add(wwe_login(22, A3));
  s.add(gws_node_cut(25, 0, N1, true));
  s.run(40);
  CHECK(s.truth(A3, both(owned_by(N1), in_srv)) == at_s(25.010));
}

TEST_CASE("R30: a cut naming G1 and a node it is not connected to leaves G1's connection") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(gws_node_cut(20, 0, N3));  // G1 is on N1
  s.run(100);
  CHECK(s.truth(A3, oos, 6) == std::nullopt);
}

TEST_CASE("Scenario files: cut {a: [G1], b: [N1]} and phone_register load and write back") {
  fs::path d = fs::temp_directory_path() / "scsim-test-fidelity-actions";
  fs::remove_all(d);
  fs::create_directories(d);
  {
    std::ofstream f(d / "s.yaml");
    f << kHead << R"(    - {name: A1, dn: "1001", kind: sip, dc: DC1, groups: [all]}
    - {name: A3, dn: "3001", kind: pstn, dc: DC1, groups: [all], gws: G1}
timeline:
  - {at: 1, phone_on: A1}
  - {at: 5, phone_register: A1}
  - {at: 20, cut: {a: [G1], b: [N1]}}
  - {at: 25, heal: {a: [N1], b: [G1]}}
)";
  }
  auto r = scenario::load_scenario((d / "s.yaml").string());
  REQUIRE(r.scenario);
  const auto& tl = r.scenario->timeline;
  REQUIRE(tl.size() == 4);
  CHECK(tl[1].kind == ActionKind::phone_register);
  CHECK(tl[2].gws_a == std::vector<int>{0});
  CHECK(tl[2].nodes_a.empty());
  CHECK(tl[2].nodes_b == std::vector<int>{N1});
  CHECK(tl[3].gws_b == std::vector<int>{0});
  REQUIRE(scenario::save_scenario((d / "back.yaml").string(), *r.scenario).empty());
  auto back = scenario::load_scenario((d / "back.yaml").string());
  REQUIRE(back.scenario);
  REQUIRE(back.scenario->timeline.size() == 4);
  CHECK(back.scenario->timeline[2].gws_a == tl[2].gws_a);
  CHECK(back.scenario->timeline[3].gws_b == tl[3].gws_b);
  CHECK(back.scenario->timeline[1].kind == ActionKind::phone_register);
}

TEST_CASE("Scenario files: a GWS node on both sides of a cut is an error") {
  fs::path d = fs::temp_directory_path() / "scsim-test-fidelity-actions-bad";
  fs::remove_all(d);
  fs::create_directories(d);
  {
    std::ofstream f(d / "s.yaml");
    f << kHead << R"(    - {name: A3, dn: "3001", kind: pstn, dc: DC1, groups: [all], gws: G1}
timeline:
  - {at: 20, cut: {a: [G1], b: [G1]}}
)";
  }
  auto r = scenario::load_scenario((d / "s.yaml").string());
  REQUIRE_FALSE(r.scenario);
  REQUIRE_FALSE(r.errors.empty());
  CHECK(r.errors[0].key == "timeline[0].cut");
}
