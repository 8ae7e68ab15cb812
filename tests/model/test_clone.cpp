// Cluster::clone, the checkpoint the GUI's instant rewind restores (issue 19 §3): a copy of the
// model taken at any time and run to the end executes exactly the events of the original run
// to the end (same event count, same scheduler fingerprint), and taking it changes nothing in
// the original. Checked on shipped scenarios with calls and routing (two-dc-day,
// global-vs-local: R50-R65 queues, skips and the random streams), a WAN partition (two-dc-day's
// 12:00 cut), a node crash (two-dc-day at 15:00, sc06), GWS faults (sc10, sc11) and a split
// brain (sc08).
#include <memory>
#include <string>
#include <vector>

#include "catch.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;

namespace {

struct Counter : model::Observer {
  uint64_t events = 0;
  bool wants_node_views() const override { return false; }
  void on_event(const FiredEvent&) override { ++events; }
};

struct Outcome {
  uint64_t executed = 0;
  uint64_t fingerprint = 0;
};

Outcome run_to_end(model::Cluster& c, Time end) {
  c.run_until(end);
  return {c.scheduler().executed(), c.scheduler().fingerprint()};
}

void check_clones(const std::string& name, std::vector<double> at_fraction) {
  auto loaded = scenario::load_scenario(std::string(SCSIM_SOURCE_DIR) + "/scenarios/" + name);
  REQUIRE(loaded.scenario);
  const auto& sc = *loaded.scenario;
  const run::RunLimits limits;
  auto fresh = [&] { return run::build_cluster(sc, sc.seed, sc.timeline, sc.duration, limits); };
  auto ref_cluster = fresh();
  const Outcome ref = run_to_end(*ref_cluster, sc.duration);
  REQUIRE(ref.executed > 0);

  auto original = fresh();
  std::vector<std::unique_ptr<model::Cluster>> clones;
  for (double f : at_fraction) {
    original->run_until(micros(int64_t(double(sc.duration.micros()) * f)));
    clones.push_back(original->clone());
    // A clone of a clone (a checkpoint restored) runs the same.
    clones.push_back(clones.back()->clone());
  }
  const Outcome orig = run_to_end(*original, sc.duration);
  INFO(name);
  CHECK(orig.executed == ref.executed);  // taking the copies did not disturb the original
  CHECK(orig.fingerprint == ref.fingerprint);
  for (size_t i = 0; i < clones.size(); ++i) {
    INFO("clone " << i);
    Counter counter;
    const uint64_t before = clones[i]->scheduler().executed();
    clones[i]->add_observer(&counter);
    const Outcome o = run_to_end(*clones[i], sc.duration);
    CHECK(o.executed == ref.executed);
    CHECK(o.fingerprint == ref.fingerprint);
    CHECK(counter.events == ref.executed - before);  // the copy's own observers see the rest
  }
}

}  // namespace

TEST_CASE(
    "clone: two-dc-day copies at 06:00, 12:03 (partition), 15:05 (N2 crashed) run to the "
    "same fingerprint") {
  check_clones("two-dc-day.yaml", {0.25, 12.05 / 24, 15.08 / 24});
}

TEST_CASE("clone: calls, crash, GWS and split-brain scenarios run to the same fingerprint") {
  check_clones("global-vs-local.yaml", {0.3, 0.6});
  check_clones("sc06-node-crash.yaml", {0.2, 0.5, 0.8});
  check_clones("sc08-split-brain.yaml", {0.3, 0.6});
  check_clones("sc10-gws-loses-node.yaml", {0.2, 0.5, 0.8});
  check_clones("sc11-wwe-loses-gws.yaml", {0.2, 0.5, 0.8});
}
