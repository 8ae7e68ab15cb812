// The limits every run has (issue 12 §2): calls in the system, the cluster's size, and the
// estimate a run's default event limit and warnings come from.
#include <filesystem>
#include <fstream>
#include <string>

#include "catch.hpp"
#include "model/spec.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;
namespace fs = std::filesystem;

namespace {

// 4 SIP agents on T2; one stream of `rate` calls per second from 10 s; handle `handle_s`.
scenario::Scenario flood(double rate_per_s, double handle_s, const std::string& tag) {
  std::string text =
      "name: flood\ndescription: d\nseed: 3\nduration: 1000\ntopology: T2\npopulation:\n"
      "  agents:\n";
  for (int i = 0; i < 4; ++i) {
    text += "    - {name: A" + std::to_string(i) + ", dn: \"" + std::to_string(100 + i) +
            "\", kind: sip, dc: DC1, groups: [g]}\n";
  }
  text +=
      "workload:\n  defaults:\n    handle_time: {law: fixed, mean: " + std::to_string(handle_s) +
      "}\n    patience: 100\n  streams:\n    - {dc: DC1, group: g, rate_per_hour: " +
      std::to_string(rate_per_s * 3600) + ", start: 10}\ntimeline:\n";
  for (int i = 0; i < 4; ++i)
    text += "  - {at: 1, phone_on: A" + std::to_string(i) + "}\n";
  for (int i = 0; i < 4; ++i)
    text += "  - {at: 2, agent_login: {agent: A" + std::to_string(i) + ", ready: true}}\n";
  fs::path p = fs::temp_directory_path() / ("scsim-test-limits-" + tag + ".yaml");
  std::ofstream(p) << text;
  auto r = scenario::load_scenario(p.string());
  fs::remove(p);
  REQUIRE(r.scenario);
  return *r.scenario;
}

}  // namespace

TEST_CASE("Issue 12: the call limit stops an overloaded run with a stated reason") {
  // 20 calls/s of 10 s handle time on 4 agents: the queue grows by about 19.6 calls a second.
  auto sc = flood(20, 10, "overload");
  run::RunLimits limits;
  limits.max_calls = 500;
  auto cluster = run::build_cluster(sc, sc.seed, sc.timeline, sc.duration, limits);
  StopReason why = cluster->run_until(sc.duration);
  CHECK(why == StopReason::call_limit);
  CHECK(cluster->calls_active() == 501);
  CHECK(cluster->now() < seconds(50));
  CHECK(std::string(to_string(why)) == "limit of calls in the system reached");
}

TEST_CASE("Issue 12: a run within its limits is not stopped by them") {
  auto sc = flood(0.2, 10, "light");
  run::RunLimits limits;
  limits.max_calls = 50;
  limits.max_pending = 1000;
  auto cluster = run::build_cluster(sc, sc.seed, sc.timeline, sc.duration, limits);
  StopReason why = cluster->run_until(sc.duration);
  CHECK((why == StopReason::until_reached || why == StopReason::empty));
  CHECK(cluster->calls_arrived() > 100);
}

TEST_CASE("Issue 12: the estimate counts arrivals as rate x time and flags overload") {
  auto light = flood(0.5, 4, "estimate-light");
  auto e = run::estimate_run(light, seconds(610));
  CHECK(e.arrivals == Approx(0.5 * 600));
  CHECK(e.capacity_per_s == Approx(4.0 / 4.0));  // 4 agents, 4 s per call (no ACW)
  CHECK(e.peak_calls <= 4.0);                    // below capacity: at most every agent busy
  CHECK(e.default_max_events() == run::RunLimits::kMinEvents);

  auto heavy = flood(1000, 10, "estimate-heavy");
  auto h = run::estimate_run(heavy, heavy.duration);
  CHECK(h.arrivals == Approx(1000.0 * 990));
  CHECK(h.peak_calls > 1000.0 * 90);  // the excess waits until its patience (100 s) runs out
  CHECK(h.default_max_events() > run::RunLimits::kMinEvents);
  CHECK(h.default_max_events() <= run::RunLimits::kMaxDefaultEvents);
}

TEST_CASE("Issue 12: the model refuses a cluster over its size limits") {
  model::ClusterSpec spec;
  spec.dcs = {model::DcSpec{"DC1"}};
  for (int n = 0; n <= model::kNodesMax; ++n)
    spec.nodes.push_back(model::NodeSpec{"N" + std::to_string(n + 1), 0});
  CHECK_THROWS_WITH(model::Cluster(spec, 1), Catch::Contains("over the model's limits (64 nodes"));
  spec.nodes.resize(model::kNodesMax);
  CHECK_NOTHROW(model::Cluster(spec, 1));
}
