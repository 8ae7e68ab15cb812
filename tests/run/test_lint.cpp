// Warnings for silent nonsense (issue 17 §4): each warning of run/lint.hpp on a small scenario
// that shows it, and none on one that does not.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "run/lint.hpp"
#include "run/simulation.hpp"

using namespace scsim;
namespace fs = std::filesystem;

namespace {

// T2, agents A1 (SIP, DC1, group g) and A2 (PSTN on G1, DC1, group g); `timeline` and an
// optional workload appended.
scenario::Scenario load(const std::string& tag, const std::string& timeline,
                        const std::string& workload = "") {
  std::string text =
      "name: lint\ndescription: d\nseed: 1\nduration: 600\n"
      "topology: {base: T2, gws: {G1: {dc: DC1, node: N1}}}\n"
      "population:\n  agents:\n"
      "    - {name: A1, dn: \"1001\", kind: sip, dc: DC1, groups: [g]}\n"
      "    - {name: A2, dn: \"1002\", kind: pstn, dc: DC1, groups: [g], gws: G1}\n" +
      workload + "timeline:\n" + timeline;
  fs::path p = fs::temp_directory_path() / ("scsim-test-lint-" + tag + ".yaml");
  std::ofstream(p) << text;
  auto r = scenario::load_scenario(p.string());
  fs::remove(p);
  INFO(text);
  for (const auto& e : r.errors)
    INFO(e.to_string());
  REQUIRE(r.scenario);
  return *r.scenario;
}

bool has(const std::vector<run::Warning>& ws, const std::string& part) {
  for (const auto& w : ws) {
    if (w.text.find(part) != std::string::npos) return true;
  }
  return false;
}

// Where the warning containing `part` points ("" if none or no such warning).
std::string where(const std::vector<run::Warning>& ws, const std::string& part) {
  for (const auto& w : ws) {
    if (w.text.find(part) != std::string::npos) return w.where;
  }
  return "?";
}

// "lint-TAG.yaml:LINE:COL" as the loader names the temporary file.
std::string at(const std::string& tag, int line, int col) {
  return (fs::temp_directory_path() / ("scsim-test-lint-" + tag + ".yaml")).string() + ":" +
         std::to_string(line) + ":" + std::to_string(col);
}

// Runs sc and returns the warnings after the run (lint_results).
std::vector<run::Warning> run_and_lint(const scenario::Scenario& sc, const std::string& tag) {
  run::Simulation sim(sc, 1);
  fs::path dir = fs::temp_directory_path() / ("scsim-test-lint-run-" + tag);
  fs::create_directories(dir);
  sim.record_to(dir, false, true);
  sim.run();
  REQUIRE(sim.finish());
  auto after = run::lint_results(sc, *sim.call_stats(), sim.cluster().groups());
  fs::remove_all(dir);
  return after;
}

const char* kWorkload =
    "workload:\n  defaults: {handle_time: {law: fixed, mean: 30}, patience: 60}\n"
    "  streams:\n    - {dc: DC1, group: g, rate_per_hour: 360, start: 10}\n";

}  // namespace

TEST_CASE("Issue 17: a sound scenario gives no warning") {
  auto sc = load("sound",
                 "  - {at: 1, phone_on: A1}\n"
                 "  - {at: 2, agent_login: {agent: A1, ready: true}}\n"
                 "  - {at: 3, wwe_login: {agent: A2, ready: true}}\n"
                 "  - {at: 100, cut: {a: [N1], b: [N2]}}\n"
                 "  - {at: 200, heal: {a: [N1], b: [N2]}}\n"
                 "  - {at: 300, crash: N2}\n"
                 "  - {at: 400, restart: N2}\n",
                 kWorkload);
  auto ws = run::lint_scenario(sc);
  INFO((ws.empty() ? std::string() : ws[0].text));
  CHECK(ws.empty());
}

TEST_CASE("Issue 17: an agent who logs in while its DN can never be in service is warned of") {
  auto sc = load("no-phone",
                 "  - {at: 2, agent_login: {agent: A1, ready: true}}\n"
                 "  - {at: 3, agent_login: {agent: A2, ready: true}}\n");
  auto ws = run::lint_scenario(sc);
  CHECK(has(ws,
            "agent A1 logs in at 2.000000 s but its DN 1001 is never in service: no "
            "phone_on"));
  CHECK(has(ws,
            "agent A2 logs in at 3.000000 s but its DN 1002 is never in service: no "
            "wwe_login"));
  // Each names the agent's entry: file:line:col.
  CHECK(where(ws, "agent A1 logs in") == at("no-phone", 8, 7));
  CHECK(where(ws, "agent A2 logs in") == at("no-phone", 9, 7));
}

TEST_CASE("Issue 17: calls offered to a group with no agent ever Ready are warned of") {
  auto sc = load("never-ready",
                 "  - {at: 1, phone_on: A1}\n"
                 "  - {at: 2, agent_login: {agent: A1, ready: false}}\n",
                 kWorkload);
  CHECK(has(run::lint_scenario(sc),
            "calls are offered to group g, but no agent of that group "
            "is ever Ready"));
  // It names the workload stream's group: file:line:col.
  CHECK(where(run::lint_scenario(sc), "calls are offered to group g") == at("never-ready", 13, 24));
  // Once run, nothing is answered: the post-run warning says so.
  auto after = run_and_lint(sc, "never-ready");
  CHECK(has(after, " calls answered: no agent took a call"));
  CHECK(has(after, "0 of "));
}

TEST_CASE("Issue 17: actions that can have no effect are warned of") {
  auto sc = load("no-effect",
                 "  - {at: 1, phone_on: A1}\n"
                 "  - {at: 2, agent_logout: A1}\n"
                 "  - {at: 3, heal: {a: [N1], b: [N2]}}\n"
                 "  - {at: 4, restart: N1}\n"
                 "  - {at: 5, crash: N2}\n"
                 "  - {at: 6, crash: N2}\n"
                 "  - {at: 7, gws_restart: G1}\n");
  auto ws = run::lint_scenario(sc);
  CHECK(has(ws, "agent_logout at 2.000000 s: agent A1 is not logged in"));
  CHECK(has(ws, "heal at 3.000000 s: none of the links it names is cut"));
  CHECK(has(ws, "restart at 4.000000 s: N1 is not down"));
  CHECK(has(ws, "crash at 6.000000 s: N2 is already down"));
  CHECK_FALSE(has(ws, "crash at 5.000000 s"));
  CHECK(has(ws, "gws_restart at 7.000000 s: GWS node G1 has not failed"));
  // Each names its timeline entry (line 10 is `timeline:`): file:line:col.
  CHECK(where(ws, "agent_logout at 2.000000 s") == at("no-effect", 12, 5));
  CHECK(where(ws, "heal at 3.000000 s") == at("no-effect", 13, 5));
  CHECK(where(ws, "restart at 4.000000 s") == at("no-effect", 14, 5));
  CHECK(where(ws, "crash at 6.000000 s") == at("no-effect", 16, 5));
  CHECK(where(ws, "gws_restart at 7.000000 s") == at("no-effect", 17, 5));
  CHECK(ws[0].to_string("x.yaml").find(at("no-effect", 12, 5) + ": warning: agent_logout") == 0);
}

TEST_CASE("Issue 17: a repeated action warns at its entry, and a logout of a WWE agent too") {
  auto sc = load("repeat",
                 "  - {at: 1, wwe_login: {agent: A2, ready: true}}\n"
                 "  - {at: 2, wwe_logout: A2}\n"
                 "  - {at: 3, gws_fail: G1}\n"
                 "  - {at: 4, crash: N1, every: 1, count: 2}\n"
                 "  - {at: 6, wwe_logout: A2}\n"
                 "  - {at: 7, gws_fail: G1}\n");
  auto ws = run::lint_scenario(sc);
  CHECK(has(ws, "crash at 5.000000 s: N1 is already down"));
  CHECK(where(ws, "crash at 5.000000 s") == at("repeat", 14, 5));
  CHECK(has(ws, "wwe_logout at 6.000000 s: agent A2 is not logged in"));
  CHECK(has(ws, "gws_fail at 7.000000 s: GWS node G1 has already failed"));
  CHECK(where(ws, "gws_fail at 7.000000 s") == at("repeat", 16, 5));
}

TEST_CASE("Issue 17: a group with more than half of its calls failed is warned of after the run") {
  // A1 (group g) answers; group h's only agent A2 never logs in: R63 fails its calls.
  std::string text =
      "name: lint\ndescription: d\nseed: 1\nduration: 600\ntopology: T2\n"
      "population:\n  agents:\n"
      "    - {name: A1, dn: \"1001\", kind: sip, dc: DC1, groups: [g]}\n"
      "    - {name: A2, dn: \"1002\", kind: sip, dc: DC1, groups: [h]}\n"
      "workload:\n  defaults: {handle_time: {law: fixed, mean: 30}, patience: 600}\n"
      "  streams:\n    - {dc: DC1, group: g, rate_per_hour: 60, start: 10}\n"
      "    - {dc: DC1, group: h, rate_per_hour: 360, start: 10}\n"
      "timeline:\n  - {at: 1, phone_on: A1}\n  - {at: 2, agent_login: {agent: A1, ready: true}}\n";
  fs::path p = fs::temp_directory_path() / "scsim-test-lint-group-failed.yaml";
  std::ofstream(p) << text;
  auto r = scenario::load_scenario(p.string());
  fs::remove(p);
  REQUIRE(r.scenario);
  const auto& sc = *r.scenario;
  auto after = run_and_lint(sc, "group-failed");
  CHECK_FALSE(has(after, "group g:"));
  CHECK(has(after, "group h: "));
  CHECK(has(after, " calls failed (routing failures and calls lost with their node)"));
  // It names the stream of group h.
  CHECK(where(after, "group h: ") == p.string() + ":14:24");
}

TEST_CASE("Issue 17: --until beyond the scenario's end is warned of: it extends the run") {
  auto sc = load("until", "  - {at: 1, phone_on: A1}\n");
  CHECK(run::lint_scenario(sc, seconds(600)).empty());
  CHECK(has(run::lint_scenario(sc, seconds(7200)),
            "--until 7200.000000 s is beyond the scenario's end at 600.000000 s: it extends"));
}
