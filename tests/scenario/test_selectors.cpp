// Selectors, spread and stagger (issue 18 §1-§2): one timeline action for many agents, nodes or
// GWS nodes, expanded at load time in a documented, deterministic order.
#include <string>
#include <vector>

#include "catch.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;

namespace {

const char* kHead = R"(name: sel
seed: 7
duration: 500
topology:
  base: T4
  gws: {G1: {dc: DC1, node: N1}, G2: {dc: DC2, node: N2}}
population:
  agents:
    - {name: A001, dn: "10001", dc: DC1, groups: [sales]}
    - {name: A002, dn: "10002", dc: DC1, groups: [support]}
    - {name: A003, dn: "10003", dc: DC2, groups: [sales]}
    - {name: A004, dn: "10004", dc: DC2, groups: [sales], kind: pstn, gws: G2}
    - {name: A005, dn: "10005", dc: DC1, groups: [sales, support]}
    - {name: A006, dn: "10006", dc: DC2, groups: [support]}
timeline:
)";

scenario::LoadResult load(const std::string& timeline, uint64_t seed = 7) {
  std::string text = kHead + timeline;
  text.replace(text.find("seed: 7"), 7, "seed: " + std::to_string(seed));
  return scenario::load_scenario_text(text, "sel.yaml");
}

std::vector<int> agents_of(const std::string& timeline, uint64_t seed = 7) {
  auto r = load(timeline, seed);
  for (const auto& e : r.errors)
    UNSCOPED_INFO(e.to_string());
  REQUIRE(r.scenario);
  std::vector<int> out;
  for (const auto& a : r.scenario->timeline)
    out.push_back(a.agent);
  return out;
}

std::string first_error(const std::string& timeline) {
  auto r = load(timeline);
  REQUIRE_FALSE(r.scenario);
  return r.errors.at(0).to_string();
}

}  // namespace

TEST_CASE("Selectors (R13): lists, ranges and DN ranges expand in the order written") {
  CHECK(agents_of("  - {at: 1, phone_on: [A003, A001]}\n") == std::vector<int>{2, 0});
  CHECK(agents_of("  - {at: 1, phone_on: A001..A003}\n") == std::vector<int>{0, 1, 2});
  CHECK(agents_of("  - {at: 1, agent_logout: {dn: 10004..10006}}\n") == std::vector<int>{3, 4, 5});
  CHECK(agents_of("  - {at: 1, phone_on: [A002, A001..A002]}\n") == std::vector<int>{1, 0});
}

TEST_CASE("Selectors (R16): group, dc, kind, gws and combinations in population order") {
  CHECK(agents_of("  - {at: 1, agent_logout: {group: support}}\n") == std::vector<int>{1, 4, 5});
  CHECK(agents_of("  - {at: 1, agent_logout: {dc: DC2}}\n") == std::vector<int>{2, 3, 5});
  CHECK(agents_of("  - {at: 1, agent_logout: {kind: pstn}}\n") == std::vector<int>{3});
  CHECK(agents_of("  - {at: 1, wwe_logout: {gws: G2}}\n") == std::vector<int>{3});
  CHECK(agents_of("  - {at: 1, agent_logout: {dc: DC1, group: sales}}\n") ==
        std::vector<int>{0, 4});
  // A filter keeps only the agents that can take the action: phones are sip agents (R1).
  CHECK(agents_of("  - {at: 1, phone_on: {dc: DC2}}\n") == std::vector<int>{2, 5});
}

TEST_CASE("Selectors: samples are drawn from the scenario seed, the same every run") {
  const std::string t = "  - {at: 1, agent_logout: {group: sales, count: 2}}\n";
  auto a = agents_of(t);
  CHECK(a.size() == 2);
  CHECK(agents_of(t) == a);
  const std::string f = "  - {at: 1, agent_logout: {dc: DC1, fraction: 0.34}}\n";
  CHECK(agents_of(f).size() == 1);
  bool differs = false;
  for (uint64_t s = 1; s < 20 && !differs; ++s)
    differs = agents_of(t, s) != a;
  CHECK(differs);
}

TEST_CASE("Selectors: node and GWS arguments take lists and all") {
  auto r = load(
      "  - {at: 1, crash: [N2, N1]}\n  - {at: 9, restart: all}\n"
      "  - {at: 10, gws_fail: all}\n");
  REQUIRE(r.scenario);
  const auto& tl = r.scenario->timeline;
  REQUIRE(tl.size() == 8);
  CHECK(tl[0].node == 0);
  CHECK(tl[1].node == 1);
  CHECK(tl[5].node == 3);
  CHECK(tl[6].gws == 0);
  CHECK(tl[7].gws == 1);
}

TEST_CASE("Spread and stagger: one action per agent over time, in selector or drawn order") {
  auto r = load(
      "  - {at: 10, agent_logout: A001..A004, spread: 4s}\n"
      "  - {at: 20, agent_logout: [A006, A005], stagger: 2s}\n");
  REQUIRE(r.scenario);
  const auto& tl = r.scenario->timeline;
  REQUIRE(tl.size() == 6);
  for (int k = 0; k < 4; ++k) {
    CHECK(tl[size_t(k)].agent == k);
    CHECK(tl[size_t(k)].at == seconds(10 + k));
  }
  CHECK(tl[4].agent == 5);
  CHECK(tl[4].at == seconds(20));
  CHECK(tl[5].agent == 4);
  CHECK(tl[5].at == seconds(22));
  const std::string rnd =
      "  - {at: 10, agent_logout: A001..A006, spread: {over: 60s, order: random}}\n";
  auto x = agents_of(rnd);
  CHECK(x.size() == 6);
  CHECK(agents_of(rnd) == x);
  CHECK(x != std::vector<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("Selector errors name the selector, file, line and column") {
  CHECK_THAT(first_error("  - {at: 1, phone_on: {group: suport}}\n"),
             Catch::Contains("sel.yaml:16:31: timeline[0].phone_on.group: unknown group"));
  CHECK_THAT(
      first_error("  - {at: 1, agent_logout: {dc: DC2, group: sales, kind: sip, gws: G1}}\n"),
      Catch::Contains("selects no agent"));
  CHECK_THAT(first_error("  - {at: 1, phone_on: {dc: DC2, kind: pstn}}\n"),
             Catch::Contains("selects no agent that has a SIP phone"));
  CHECK_THAT(first_error("  - {at: 1, phone_on: A001..A009}\n"),
             Catch::Contains("names \"A007\", which is not an agent"));
  CHECK_THAT(first_error("  - {at: 1, agent_logout: {dc: DC1, count: 9}}\n"),
             Catch::Contains("count 9 is more than the 3 agents selected"));
  CHECK_THAT(first_error("  - {at: 1, agent_logout: {dc: DC1, count: 1, fraction: 0.5}}\n"),
             Catch::Contains("either fraction or count"));
  CHECK_THAT(first_error("  - {at: 1, phone_on: A001, spread: 10s, stagger: 1s}\n"),
             Catch::Contains("either spread or stagger"));
  CHECK_THAT(first_error("  - {at: 490, agent_logout: A001..A006, stagger: 5s}\n"),
             Catch::Contains("past the end of the run"));
}
