// Shifts, agent ranges and `validate --explain` (issue 18 §3-§4): a shift expands into the
// per-agent actions of DOMAIN R13 (phone on, REGISTER), R16 (login, NotReady/Ready, logout) and
// R45/R46 (WWE login/logout of PSTN agents) in a documented, deterministic order.
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "scenario/explain.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;
using model::ActionKind;

namespace {

const char* kHead = R"(name: shifts
seed: 7
duration: "24:00:00"
topology:
  base: T4
  gws: {G1: {dc: DC1, node: N1}}
population:
  agents:
    - {name: A001, dn: "10001", dc: DC1, groups: [sales]}
    - {name: A002, dn: "10002", dc: DC1, groups: [sales], kind: pstn, gws: G1}
    - {name: A003, dn: "10003", dc: DC2, groups: [sales]}
    - {name: A004, dn: "10004", dc: DC2, groups: [support]}
    - {name: A005, dn: "10005", dc: DC2, groups: [support], kind: pstn}
)";

scenario::LoadResult load(const std::string& rest, uint64_t seed = 7) {
  std::string text = kHead + rest;
  text.replace(text.find("seed: 7"), 7, "seed: " + std::to_string(seed));
  return scenario::load_scenario_text(text, "shifts.yaml");
}

struct Act {
  ActionKind kind;
  int agent;
  Time at;
  bool operator==(const Act& o) const { return kind == o.kind && agent == o.agent && at == o.at; }
};

std::vector<Act> acts(const std::string& rest, uint64_t seed = 7) {
  auto r = load(rest, seed);
  for (const auto& e : r.errors)
    UNSCOPED_INFO(e.to_string());
  REQUIRE(r.scenario);
  std::vector<Act> out;
  for (const auto& a : r.scenario->timeline)
    out.push_back({a.kind, a.agent, a.at});
  return out;
}

std::string first_error(const std::string& rest) {
  auto r = load(rest);
  REQUIRE_FALSE(r.scenario);
  return r.errors.at(0).to_string();
}

Time hms(int h, int m, double s) {
  return seconds(h * 3600 + m * 60 + s);
}

}  // namespace

TEST_CASE("Shifts (R13, R16, R45): phone on then login; logout then unregister; WWE for pstn") {
  auto a = acts(
      "shifts:\n"
      "  - {name: early, agents: [A001, A002, A003], start: \"08:00:00\", end: \"16:00:00\",\n"
      "     login_spread: 30s}\n");
  // Agent k of 3 starts at 08:00 + 10 k s. SIP: phone_on, agent_login 20 s later (login_delay
  // default: the REGISTER is accepted first, R13, else the login finds no owner, R16). PSTN:
  // wwe_login (TRegisterAddress, then the login, R45). At the end: agent_logout, then
  // phone_unregister 5 s later (REGISTER Expires 0, R13); PSTN: wwe_logout (R46).
  const std::vector<Act> want = {
      {ActionKind::phone_on, 0, hms(8, 0, 0)},
      {ActionKind::wwe_login, 1, hms(8, 0, 10)},
      {ActionKind::agent_login, 0, hms(8, 0, 20)},
      {ActionKind::phone_on, 2, hms(8, 0, 20)},
      {ActionKind::agent_login, 2, hms(8, 0, 40)},
      {ActionKind::agent_logout, 0, hms(16, 0, 0)},
      {ActionKind::phone_unregister, 0, hms(16, 0, 5)},
      {ActionKind::wwe_logout, 1, hms(16, 0, 10)},
      {ActionKind::agent_logout, 2, hms(16, 0, 20)},
      {ActionKind::phone_unregister, 2, hms(16, 0, 25)},
  };
  CHECK(a == want);
}

TEST_CASE("Shifts: resolution rounds spread times down; options change delays and the end") {
  auto a = acts(
      "shifts:\n"
      "  - name: s\n"
      "    agents: {group: sales, kind: sip}\n"
      "    start: 100\n"
      "    end: 200\n"
      "    login_spread: {over: 3s, resolution: 1s}\n"
      "    logout_spread: 1s\n"
      "    login_delay: 2s\n"
      "    unregister_delay: 1s\n"
      "    phone_at_end: off\n"
      "    ready: false\n");
  // Agents A001 and A003 (sip, sales): offsets 0 and 1.5 s -> 1 s.
  const std::vector<Act> want = {
      {ActionKind::phone_on, 0, seconds(100)},     {ActionKind::phone_on, 2, seconds(101)},
      {ActionKind::agent_login, 0, seconds(102)},  {ActionKind::agent_login, 2, seconds(103)},
      {ActionKind::agent_logout, 0, seconds(200)}, {ActionKind::agent_logout, 2, seconds(200.5)},
      {ActionKind::phone_off, 0, seconds(201)},    {ActionKind::phone_off, 2, seconds(201.5)},
  };
  CHECK(a == want);
  auto r = load(
      "shifts:\n  - {name: s, agents: A001, start: 1, end: 99, login_delay: 0.5, ready: false}\n");
  REQUIRE(r.scenario);
  CHECK_FALSE(r.scenario->timeline.at(1).ready);
}

TEST_CASE("Shifts: breaks take a drawn sample NotReady then Ready (R16), same every run") {
  const std::string s =
      "shifts:\n"
      "  - name: day\n"
      "    agents: A001..A004\n"
      "    start: \"08:00:00\"\n"
      "    end: \"16:00:00\"\n"
      "    breaks: [{at: \"10:00:00\", for: 15min, fraction: 0.5},\n"
      "             {at: \"12:00:00\", for: 30min, count: 1, spread: 2min}]\n";
  auto breaks = [](const std::vector<Act>& v, ActionKind k, Time from, Time to) {
    std::vector<int> who;
    for (const auto& a : v) {
      if (a.kind == k && a.at >= from && a.at <= to) who.push_back(a.agent);
    }
    return who;
  };
  auto a = acts(s);
  auto nr = breaks(a, ActionKind::agent_not_ready, hms(10, 0, 0), hms(10, 0, 0));
  auto rd = breaks(a, ActionKind::agent_ready, hms(10, 15, 0), hms(10, 15, 0));
  CHECK(nr.size() == 2);
  CHECK(rd == nr);
  CHECK(breaks(a, ActionKind::agent_not_ready, hms(12, 0, 0), hms(12, 2, 0)).size() == 1);
  CHECK(breaks(a, ActionKind::agent_ready, hms(12, 30, 0), hms(12, 32, 0)).size() == 1);
  // Determinism: the same file and seed give the same actions; other seeds draw other agents.
  CHECK(acts(s) == a);
  std::set<std::vector<int>> samples;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    auto b = acts(s, seed);
    CHECK(acts(s, seed) == b);
    samples.insert(breaks(b, ActionKind::agent_not_ready, hms(10, 0, 0), hms(10, 0, 0)));
  }
  CHECK(samples.size() > 1);
}

TEST_CASE("Shifts: order random draws the login order from the seed, the same every run") {
  const std::string s =
      "shifts:\n"
      "  - {name: d, agents: [A001, A003, A004], start: 100, end: 900,\n"
      "     login_spread: {over: 90s, order: random}}\n";
  auto order = [](const std::vector<Act>& v) {
    std::vector<int> who;
    for (const auto& a : v) {
      if (a.kind == ActionKind::phone_on) who.push_back(a.agent);
    }
    return who;
  };
  std::set<std::vector<int>> seen;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    auto o = order(acts(s, seed));
    CHECK(o.size() == 3);
    CHECK(order(acts(s, seed)) == o);
    seen.insert(o);
  }
  CHECK(seen.size() > 1);
}

TEST_CASE("Shifts come before timeline actions of the same instant; the limit counts both") {
  auto a = acts(
      "shifts:\n  - {name: d, agents: A003, start: 50, end: 600}\n"
      "timeline:\n  - {at: 50, phone_on: A001}\n");
  REQUIRE(a.size() == 5);
  CHECK(a[0] == Act{ActionKind::phone_on, 2, seconds(50)});
  CHECK(a[1] == Act{ActionKind::phone_on, 0, seconds(50)});
}

TEST_CASE("Shift errors name file, line, column and key") {
  CHECK(first_error("shifts:\n  - {agents: A001, start: 1, end: 99}\n") ==
        "shifts.yaml:15:5: shifts[0]: missing name (the shift's name, e.g. early)");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: 99}\n"
                    "  - {name: a, agents: A003, start: 1, end: 99}\n") ==
        "shifts.yaml:16:12: shifts[1].name: a shift named \"a\" is defined already");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 5, end: 5}\n") ==
        "shifts.yaml:15:44: shifts[0].end: the shift ends at 5, not after its start 5");
  CHECK(first_error("shifts:\n  - {name: a, agents: {group: suport}, start: 1, end: 99}\n") ==
        "shifts.yaml:15:31: shifts[0].agents.group: unknown group \"suport\" (groups are "
        "sales, support)");
  CHECK(first_error("shifts:\n  - {name: a, agents: {dc: DC1, group: support}, start: 1, "
                    "end: 99}\n") ==
        "shifts.yaml:15:23: shifts[0].agents: selector {dc: DC1, group: support} selects no "
        "agent");
  CHECK(first_error("shifts:\n  - {name: a, agents: A005, start: 1, end: 99}\n") ==
        "shifts.yaml:15:23: shifts[0].agents: agent A005 is a pstn agent without gws: a shift "
        "logs PSTN agents in through WWE (set gws in the population)");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: 100,\n"
                    "     breaks: [{at: 90, for: 20s, fraction: 0.5}]}\n") ==
        "shifts.yaml:16:20: shifts[0].breaks[0].at: the break (90 to 110) is not within the "
        "shift (1 to 100)");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: 100,\n"
                    "     breaks: [{at: 10, for: 20s, fraction: 1.5}]}\n") ==
        "shifts.yaml:16:44: shifts[0].breaks[0].fraction: expected a fraction in (0, 1], got "
        "\"1.5\"");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: 100,\n"
                    "     breaks: [{at: 10, for: 20s, count: 2}]}\n") ==
        "shifts.yaml:16:41: shifts[0].breaks[0].count: count 2 is more than the 1 agents "
        "selected");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: 99, phone_at_end: "
                    "of}\n") ==
        "shifts.yaml:15:62: shifts[0].phone_at_end: expected unregister or off, got \"of\"");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: \"23:59:59\"}\n") ==
        "shifts.yaml:15:44: shifts[0].end: the shift's last action would be at 86404, after "
        "the end of the run (86400)");
  CHECK(first_error("shifts:\n  - {name: a, agents: A001, start: 1, end: 15}\n") ==
        "shifts.yaml:15:44: shifts[0].end: the shift's last login would be at 21, not before "
        "its end 15");
  CHECK(first_error("shifts:\n  - {name: a, agent: A001, start: 1, end: 99}\n") ==
        "shifts.yaml:15:15: shifts[0].agent: unknown key \"agent\" (did you mean \"agents\"?)");
}

TEST_CASE("Population ranges: one agent per number, the k-th name with the k-th DN") {
  auto r = scenario::load_scenario_text(
      "name: r\nduration: 10\ntopology: T2\npopulation:\n  agents:\n"
      "    - {name: A08..A11, dn: 2008..2011, dc: DC2, groups: [g]}\n",
      "r.yaml");
  REQUIRE(r.scenario);
  const auto& ag = r.scenario->cluster.agents;
  REQUIRE(ag.size() == 4);
  CHECK(ag[0].name == "A08");
  CHECK(ag[0].dn == "2008");
  CHECK(ag[3].name == "A11");
  CHECK(ag[3].dn == "2011");
  CHECK(ag[3].dc == 1);
  auto bad = scenario::load_scenario_text(
      "name: r\nduration: 10\ntopology: T2\npopulation:\n  agents:\n"
      "    - {name: A1..A3, dn: 2001..2004, dc: DC2}\n",
      "r.yaml");
  REQUIRE_FALSE(bad.scenario);
  CHECK(bad.errors.at(0).to_string() ==
        "r.yaml:6:26: population.agents[0].dn: the name range has 3 agents, the dn range 4; "
        "give ranges of the same length");
}

TEST_CASE("validate --explain: actions per kind, per entry with its selector, first ones") {
  auto r = load(
      "shifts:\n  - {name: day, agents: A001..A004, start: 100, end: 900}\n"
      "timeline:\n  - {at: 200, agent_not_ready: {group: sales}, spread: 10s}\n");
  REQUIRE(r.scenario);
  std::string x = scenario::explain(*r.scenario, 2);
  INFO(x);
  // 3 sip agents: phone_on, agent_login, agent_logout, phone_unregister; 1 pstn: WWE in/out.
  CHECK(x.find("shifts.yaml: 5 agents, 17 timeline actions") != std::string::npos);
  CHECK(x.find("  phone_on          3        00:01:40.000000  00:01:40.000000") !=
        std::string::npos);
  CHECK(x.find("shifts[0] (day)") != std::string::npos);
  CHECK(x.find("shift            A001..A004: 4 selected -> 14 actions") != std::string::npos);
  CHECK(x.find("agent_not_ready  {group: sales} spread 10s: 3 selected -> 3 actions") !=
        std::string::npos);
  CHECK(x.find("    00:03:20.000000  A001\n    00:03:23.333333  A002\n    ... 1 more\n") !=
        std::string::npos);
}
