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

bool has(const std::vector<std::string>& ws, const std::string& part) {
  for (const auto& w : ws) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
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
  INFO((ws.empty() ? std::string() : ws[0]));
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
}

TEST_CASE("Issue 17: calls offered to a group with no agent ever Ready are warned of") {
  auto sc = load("never-ready",
                 "  - {at: 1, phone_on: A1}\n"
                 "  - {at: 2, agent_login: {agent: A1, ready: false}}\n",
                 kWorkload);
  CHECK(has(run::lint_scenario(sc),
            "calls are offered to group g, but no agent of that group "
            "is ever Ready"));
  // Once run, nothing is answered: the post-run warning says so.
  run::Simulation sim(sc, 1);
  fs::path dir = fs::temp_directory_path() / "scsim-test-lint-never-ready";
  fs::create_directories(dir);
  sim.record_to(dir, false, true);
  sim.run();
  REQUIRE(sim.finish());
  auto after = run::lint_results(sc, *sim.call_stats(), sim.cluster().groups());
  CHECK(has(after, " calls answered: no agent took a call"));
  CHECK(has(after, "0 of "));
  fs::remove_all(dir);
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
}

TEST_CASE("Issue 17: --until beyond the scenario's end is warned of: it extends the run") {
  auto sc = load("until", "  - {at: 1, phone_on: A1}\n");
  CHECK(run::lint_scenario(sc, seconds(600)).empty());
  CHECK(has(run::lint_scenario(sc, seconds(7200)),
            "--until 7200.000000 s is beyond the scenario's end at 600.000000 s: it extends"));
}
