// Scenario writer: every shipped scenario, written and loaded back, is the same Scenario and
// runs to the same fingerprint; added actions (the GUI's edits) survive the round trip, and an
// actions file is read against the scenario's names.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "model/params.hpp"
#include "run/simulation.hpp"
#include "scenario/same_action.hpp"
#include "scenario/scenario.hpp"
#include "scenario/vocabulary.hpp"
#include "scenario/writer.hpp"

using namespace scsim;
namespace fs = std::filesystem;

namespace {

const fs::path kScenarios = fs::path(SCSIM_SOURCE_DIR) / "scenarios";

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("scsim-test-writer-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

scenario::Scenario load(const fs::path& p) {
  auto r = scenario::load_scenario(p.string());
  for (const auto& e : r.errors)
    UNSCOPED_INFO(e.to_string());
  REQUIRE(r.scenario);
  return *r.scenario;
}

void require_same(const scenario::Scenario& a, const scenario::Scenario& b) {
  CHECK(a.name == b.name);
  CHECK(a.description == b.description);
  CHECK(a.seed == b.seed);
  CHECK(a.duration == b.duration);
  for (const auto& info : model::param_table()) {
    INFO(info.name);
    CHECK(model::get_param(a.cluster.params, info.name) ==
          model::get_param(b.cluster.params, info.name));
  }
  REQUIRE(a.cluster.dcs.size() == b.cluster.dcs.size());
  REQUIRE(a.cluster.nodes.size() == b.cluster.nodes.size());
  for (size_t i = 0; i < a.cluster.nodes.size(); ++i) {
    CHECK(a.cluster.nodes[i].name == b.cluster.nodes[i].name);
    CHECK(a.cluster.nodes[i].dc == b.cluster.nodes[i].dc);
  }
  REQUIRE(a.cluster.gws.size() == b.cluster.gws.size());
  for (size_t i = 0; i < a.cluster.gws.size(); ++i) {
    CHECK(a.cluster.gws[i].name == b.cluster.gws[i].name);
    CHECK(a.cluster.gws[i].dc == b.cluster.gws[i].dc);
    CHECK(a.cluster.gws[i].node == b.cluster.gws[i].node);
    CHECK(a.cluster.gws[i].client_name == b.cluster.gws[i].client_name);
  }
  REQUIRE(a.cluster.agents.size() == b.cluster.agents.size());
  for (size_t i = 0; i < a.cluster.agents.size(); ++i) {
    const auto &x = a.cluster.agents[i], &y = b.cluster.agents[i];
    CHECK(x.name == y.name);
    CHECK(x.dn == y.dn);
    CHECK(x.kind == y.kind);
    CHECK(x.dc == y.dc);
    CHECK(x.groups == y.groups);
    CHECK(x.gws == y.gws);
  }
  REQUIRE(a.cluster.link_delays.size() == b.cluster.link_delays.size());
  for (size_t i = 0; i < a.cluster.link_delays.size(); ++i) {
    CHECK(a.cluster.link_delays[i].a == b.cluster.link_delays[i].a);
    CHECK(a.cluster.link_delays[i].b == b.cluster.link_delays[i].b);
    CHECK(a.cluster.link_delays[i].one_way == b.cluster.link_delays[i].one_way);
  }
  REQUIRE(a.timeline.size() == b.timeline.size());
  for (size_t i = 0; i < a.timeline.size(); ++i)
    test::check_same_action(a.timeline[i], b.timeline[i]);
}

uint64_t fingerprint(const scenario::Scenario& sc) {
  run::Simulation sim(sc, sc.seed);
  sim.run();
  return sim.cluster().scheduler().fingerprint();
}

}  // namespace

TEST_CASE("Writer: every shipped scenario written and loaded back is the same scenario") {
  fs::path dir = scratch("shipped");
  for (const auto& e : fs::directory_iterator(kScenarios)) {
    if (e.path().extension() != ".yaml") continue;
    INFO(e.path().string());
    auto sc = load(e.path());
    fs::path out = dir / e.path().filename();
    REQUIRE(scenario::save_scenario(out.string(), sc, "written by test_writer").empty());
    auto back = load(out);
    require_same(sc, back);
    CHECK(sc.cluster.workload.streams.size() == back.cluster.workload.streams.size());
    CHECK(sc.cluster.workload.trace.size() == back.cluster.workload.trace.size());
    if (sc.cluster.agents.size() <= 10) CHECK(fingerprint(sc) == fingerprint(back));
  }
}

TEST_CASE("Writer: added actions are merged after the scenario's and replay identically") {
  auto sc = load(kScenarios / "sc04-partition.yaml");
  model::Action cut;
  cut.at = seconds(30);
  cut.kind = model::ActionKind::cut;
  cut.nodes_a = {0};
  cut.nodes_b = {1};
  cut.one_way = true;
  model::Action heal = cut;
  heal.kind = model::ActionKind::heal;
  heal.at = seconds(100);  // the same instant as the scenario's own cut: after it
  model::Action crash;
  crash.at = seconds(140);
  crash.kind = model::ActionKind::crash;
  crash.node = 1;
  crash.crash = model::CrashKind::process;
  auto merged = run::merge_timeline(sc.timeline, {cut, heal, crash});
  REQUIRE(merged.size() == sc.timeline.size() + 3);
  auto edited = sc;
  edited.timeline = merged;
  edited.seed = 99;
  fs::path out = scratch("added") / "edited.yaml";
  REQUIRE(scenario::save_scenario(out.string(), edited).empty());
  auto back = load(out);
  require_same(edited, back);
  CHECK(fingerprint(edited) == fingerprint(back));
  CHECK(fingerprint(edited) != fingerprint(sc));
}

TEST_CASE("Writer: an actions file is read with the scenario's names; errors name its lines") {
  auto sc = load(kScenarios / "sc04-partition.yaml");
  fs::path dir = scratch("actions");
  {
    std::ofstream f(dir / "ok.yaml");
    f << "timeline:\n"
         "  - {at: 30, cut: {a: [N1], b: [N2]}}\n"
         "  - {at: 60, heal: {between: [DC1, DC2]}}\n";
  }
  auto r = scenario::load_actions(sc, (dir / "ok.yaml").string());
  REQUIRE(r.errors.empty());
  REQUIRE(r.actions.size() == 2);
  CHECK(r.actions[0].kind == model::ActionKind::cut);
  CHECK(r.actions[0].at == seconds(30));
  CHECK(r.actions[1].kind == model::ActionKind::heal);
  {
    std::ofstream f(dir / "bad.yaml");
    f << "timeline:\n"
         "  - {at: 30, cut: {a: [N1], b: [N9]}}\n";
  }
  auto bad = scenario::load_actions(sc, (dir / "bad.yaml").string());
  REQUIRE_FALSE(bad.errors.empty());
  CHECK(bad.errors[0].file == (dir / "bad.yaml").string());
  CHECK(bad.errors[0].line == 2);
}

TEST_CASE("Writer: every action of the vocabulary is written and loads back the same") {
  // Issue 11 §5: one vocabulary for loader and writer, so no writable action is unloadable.
  auto sc = load(kScenarios / "sc04-partition.yaml");
  sc.timeline.clear();
  int t = 1;
  for (const auto& w : scenario::action_words()) {
    model::Action a;
    a.at = seconds(t++);
    a.kind = w.kind;
    switch (w.form) {
      case scenario::Form::agent:
      case scenario::Form::agent_ready:
        a.agent = std::string(w.name).rfind("wwe_", 0) == 0 ? 2 : 0;  // A3 has a WWE
        a.ready = w.form != scenario::Form::agent_ready;              // false is written
        break;
      case scenario::Form::agent_dc:
        a.agent = 1;
        a.dc = 0;
        break;
      case scenario::Form::agent_node_client:
        a.agent = 2;
        a.node = 0;
        a.client = "Monitor";
        break;
      case scenario::Form::pairs:
        a.nodes_a = {0};
        a.nodes_b = {1};
        a.one_way = true;
        break;
      case scenario::Form::crash:
        a.node = 1;
        a.crash = model::CrashKind::process;
        break;
      case scenario::Form::node:
        a.node = 1;
        break;
      case scenario::Form::gws:
        a.gws = 0;
        break;
      case scenario::Form::call:
        a.dc = 1;
        a.group = "all";
        a.handle = seconds(20);
        a.acw = millis(1500);
        a.patience = Time::max();
        break;
    }
    sc.timeline.push_back(a);
  }
  // A call straight onto a node, with a finite patience and drawn handle time.
  model::Action node_call;
  node_call.at = seconds(t);
  node_call.kind = model::ActionKind::call;
  node_call.node = 0;
  node_call.group = "all";
  node_call.patience = seconds(45);
  sc.timeline.push_back(node_call);
  REQUIRE(sc.timeline.size() == scenario::action_words().size() + 1);
  fs::path out = scratch("vocabulary") / "every-action.yaml";
  REQUIRE(scenario::save_scenario(out.string(), sc).empty());
  auto back = load(out);
  require_same(sc, back);
}
