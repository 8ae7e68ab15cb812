// Swarm testing (issue 12 §3): the random scenario generator, the writer/loader round trip of
// every ActionKind (the `call:` action included), ddmin and the scenario shrinker.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "run/swarm.hpp"
#include "scenario/ddmin.hpp"
#include "scenario/generator.hpp"
#include "scenario/same_action.hpp"
#include "scenario/shrink.hpp"
#include "scenario/writer.hpp"

using namespace scsim;
namespace fs = std::filesystem;
using model::Action;
using model::ActionKind;

namespace {

fs::path scratch_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("scsim-test-swarm-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

scenario::Scenario round_trip(const scenario::Scenario& sc, const fs::path& file) {
  REQUIRE(scenario::save_scenario(file.string(), sc).empty());
  auto r = scenario::load_scenario(file.string());
  for (const auto& e : r.errors)
    UNSCOPED_INFO(e.to_string());
  REQUIRE(r.scenario);
  return *r.scenario;
}

}  // namespace

TEST_CASE("Writer: every ActionKind, the call action included, loads back equal") {
  // A generated scenario (3+ agents, GWS nodes, groups) with one action of every kind added.
  scenario::Generated g;
  uint64_t seed = 1;
  // A seed with a PSTN agent on a GWS node and two DCs, so that every kind applies.
  for (;; ++seed) {
    g = scenario::generate_scenario(seed);
    const auto& c = g.scenario.cluster;
    bool wwe = false, sip = false;
    for (const auto& a : c.agents)
      (a.gws >= 0 ? wwe : sip) = true;
    if (wwe && sip && c.dcs.size() >= 2) break;
  }
  scenario::Scenario sc = g.scenario;
  const auto& c = sc.cluster;
  int sip = -1, wwe = -1;
  for (size_t i = 0; i < c.agents.size(); ++i)
    (c.agents[i].gws >= 0 ? wwe : sip) = static_cast<int>(i);
  std::vector<Action> extra;
  Time t = seconds(2);
  auto add = [&](ActionKind k) -> Action& {
    Action a;
    a.at = t;
    a.kind = k;
    extra.push_back(a);
    return extra.back();
  };
  std::set<ActionKind> kinds;
  for (int k = 0; k <= static_cast<int>(ActionKind::call); ++k) {
    auto kind = static_cast<ActionKind>(k);
    kinds.insert(kind);
    const std::string name = model::to_string(kind);
    Action& a = add(kind);
    if (name.rfind("phone_", 0) == 0) {
      a.agent = sip;
    } else if (name.rfind("wwe_", 0) == 0) {
      a.agent = wwe;
    } else {
      a.agent = sip;
    }
    switch (kind) {
      case ActionKind::phone_move:
        a.dc = 1;
        break;
      case ActionKind::agent_login:
      case ActionKind::wwe_login:
        a.ready = false;
        break;
      case ActionKind::tregister:
        a.node = 1;
        a.client = "Monitor";
        break;
      case ActionKind::cut:
      case ActionKind::heal:
        a.agent = -1;
        a.nodes_a = {0};
        a.nodes_b = {1};
        a.one_way = kind == ActionKind::cut;
        break;
      case ActionKind::crash:
      case ActionKind::restart:
        a.agent = -1;
        a.node = 1;
        a.crash = model::CrashKind::process;
        if (kind == ActionKind::restart) a.crash = c.params.crash_kind;
        break;
      case ActionKind::gws_fail:
      case ActionKind::gws_restart:
      case ActionKind::gws_cut:
      case ActionKind::gws_heal:
        a.agent = -1;
        a.gws = 0;
        break;
      case ActionKind::call: {
        a.agent = -1;
        a.dc = 1;
        a.group = c.agents[0].groups[0];
        Action& b = add(ActionKind::call);  // onto a node
        b.node = 1;
        b.group = c.agents[0].groups[0];
        break;
      }
      default:
        break;
    }
  }
  CHECK(kinds.size() == 22);  // every ActionKind of model/spec.hpp
  sc.timeline.insert(sc.timeline.begin(), extra.begin(), extra.end());
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const Action& x, const Action& y) { return x.at < y.at; });
  fs::path dir = scratch_dir("every-kind");
  scenario::Scenario back = round_trip(sc, dir / "every-kind.yaml");
  REQUIRE(back.timeline.size() == sc.timeline.size());
  for (size_t i = 0; i < sc.timeline.size(); ++i)
    test::check_same_action(sc.timeline[i], back.timeline[i]);
  fs::remove_all(dir);
}

TEST_CASE("Loader: a call action names a DC or a node and a known group") {
  fs::path dir = scratch_dir("call-errors");
  scenario::Scenario sc = scenario::generate_scenario(3).scenario;
  sc.timeline.clear();
  std::string text = scenario::scenario_to_yaml(sc);
  text.erase(text.rfind("timeline: []\n"));
  const std::string bad = text +
                          "timeline:\n"
                          "  - {at: 1, call: {dc: DC1, node: N1, group: g1}}\n"
                          "  - {at: 2, call: {dc: DC1, group: nope}}\n"
                          "  - {at: 3, call: {group: g1}}\n";
  {
    std::ofstream f(dir / "bad.yaml");
    f << bad;
  }
  auto r = scenario::load_scenario((dir / "bad.yaml").string());
  REQUIRE_FALSE(r.scenario);
  std::string all;
  for (const auto& e : r.errors)
    all += e.to_string() + "\n";
  INFO(all);
  CHECK(all.find("timeline[0].call.node: give either dc or node, not both") != std::string::npos);
  CHECK(all.find("timeline[1].call.group: unknown group \"nope\"") != std::string::npos);
  CHECK(all.find("timeline[2].call: missing dc") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE(
    "Generator: generated scenarios are valid, reload equal and are pure functions of the seed") {
  fs::path dir = scratch_dir("generator");
  std::set<std::string> features;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    scenario::Generated a = scenario::generate_scenario(seed);
    scenario::Generated b = scenario::generate_scenario(seed);
    features.insert(a.features.begin(), a.features.end());
    const auto& c = a.scenario.cluster;
    CHECK(c.nodes.size() >= 2);
    CHECK(c.nodes.size() <= 6);
    CHECK(c.dcs.size() >= 1);
    CHECK(c.dcs.size() <= 3);
    CHECK(c.gws.size() >= 1);
    CHECK(c.gws.size() <= 3);
    REQUIRE(a.scenario.timeline.size() == b.scenario.timeline.size());
    scenario::Scenario back = round_trip(a.scenario, dir / ("s" + std::to_string(seed) + ".yaml"));
    REQUIRE(back.timeline.size() == a.scenario.timeline.size());
    // The written file replays the same run (same fingerprint).
    run::CheckOptions o;
    o.liveness = false;
    CHECK(run::check_scenario(back, o).fingerprint ==
          run::check_scenario(a.scenario, o).fingerprint);
  }
  // Swarm: over 40 seeds every fault kind is enabled somewhere.
  CHECK(features.size() == 17);
  fs::remove_all(dir);
}

TEST_CASE("ddmin: finds the 1-minimal subset of a synthetic property, deterministically") {
  std::vector<int> items;
  for (int i = 1; i <= 40; ++i)
    items.push_back(i);
  int tests = 0;
  std::function<bool(const std::vector<int>&)> has_3_17_29 = [&](const std::vector<int>& v) {
    ++tests;
    auto has = [&](int x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    return has(3) && has(17) && has(29);
  };
  auto out = scenario::ddmin<int>(items, has_3_17_29);
  CHECK(out == std::vector<int>{3, 17, 29});
  const int first_tests = tests;
  tests = 0;
  CHECK(scenario::ddmin<int>(items, has_3_17_29) == out);
  CHECK(tests == first_tests);
  // A property of the empty set gives the empty set; one needing everything keeps everything.
  std::function<bool(const std::vector<int>&)> always = [](const std::vector<int>&) {
    return true;
  };
  CHECK(scenario::ddmin<int>(items, always).empty());
  std::function<bool(const std::vector<int>&)> all = [&](const std::vector<int>& v) {
    return v.size() == items.size();
  };
  CHECK(scenario::ddmin<int>(items, all) == items);
}

TEST_CASE("Shrink: a synthetic property over the scenario keeps only what it needs") {
  // Property: some crash of the node named N1 happens before a phone_on of agent A1.
  fs::path dir = scratch_dir("shrink");
  scenario::Scenario sc = scenario::generate_scenario(4).scenario;
  Action crash;
  crash.at = seconds(50.5);
  crash.kind = ActionKind::crash;
  crash.node = 0;
  sc.timeline.push_back(crash);
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const Action& x, const Action& y) { return x.at < y.at; });
  auto prop = [](const scenario::Scenario& s) {
    bool crashed = false;
    for (const auto& a : s.timeline) {
      if (a.kind == ActionKind::crash && s.cluster.nodes[size_t(a.node)].name == "N1") {
        crashed = true;
      }
      if (crashed && a.kind == ActionKind::phone_on &&
          s.cluster.agents[size_t(a.agent)].name == "A1") {
        return true;
      }
    }
    return false;
  };
  REQUIRE(prop(sc));
  scenario::ShrinkOptions opt;
  opt.scratch = (dir / "scratch.yaml").string();
  scenario::ShrinkReport rep;
  scenario::Scenario small = scenario::shrink_scenario(sc, prop, opt, rep);
  CHECK(prop(small));
  CHECK(small.timeline.size() == 2);
  CHECK(small.cluster.agents.size() == 1);
  CHECK(small.cluster.nodes.size() == small.cluster.dcs.size());  // one node per DC left
  INFO(scenario::scenario_to_yaml(small));
  for (const auto& a : small.timeline)
    CHECK(a.at.micros() % 60'000'000 == 0);  // moved earlier to whole minutes
  CHECK(rep.tests > 0);
  // Deterministic.
  scenario::ShrinkReport rep2;
  scenario::Scenario again = scenario::shrink_scenario(sc, prop, opt, rep2);
  CHECK(scenario::scenario_to_yaml(again) == scenario::scenario_to_yaml(small));
  CHECK(rep2.tests == rep.tests);
  fs::remove_all(dir);
}
