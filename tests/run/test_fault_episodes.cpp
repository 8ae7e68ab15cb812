// DOMAIN §6.5 on the shipped day (issue 17 "What it must show"): scenarios/two-dc-day.yaml has
// two fault episodes, the 12:00 partition (kind cut) and N2's 15:00 host crash (kind crash),
// which ends at the end of N2's resync after its 15:20 restart, not at the restart, and holds
// the answered calls the crash dropped (R38) in its `during` window.
#include <filesystem>
#include <string>

#include "catch.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"

using namespace scsim;
namespace fs = std::filesystem;
using stats::CallStats;
using stats::Period;

TEST_CASE(
    "DOMAIN 6.5: two-dc-day has a cut episode and a crash episode to the end of N2's resync") {
  auto loaded =
      scenario::load_scenario(std::string(SCSIM_SOURCE_DIR) + "/scenarios/two-dc-day.yaml");
  REQUIRE(loaded.scenario);
  const auto& sc = *loaded.scenario;
  run::Simulation sim(sc, sc.seed);
  const fs::path dir = fs::temp_directory_path() / "scsim-test-fault-episodes";
  fs::remove_all(dir);
  fs::create_directories(dir);
  sim.record_to(dir, false, /*calls_only=*/true);
  sim.run();
  REQUIRE(sim.finish());
  const CallStats& cs = *sim.call_stats();
  const auto& eps = cs.episodes();
  REQUIRE(eps.size() == 2);
  CHECK(eps[0].faults == CallStats::kFaultCut);
  CHECK(eps[0].start == seconds(12 * 3600));
  const auto& crash = eps[1];
  CHECK((crash.faults & CallStats::kFaultCrash) != 0);
  CHECK((crash.faults & CallStats::kFaultCut) == 0);
  CHECK(crash.start == seconds(15 * 3600));
  CHECK(crash.crashed == seconds(20 * 60));
  // R43, R33: after the 15:20 restart N2's links are declared lost, then resync; the episode
  // ends when the last of them is up again, i.e. where the cluster is connected once more.
  const Time restart = seconds(15 * 3600 + 20 * 60);
  CHECK(crash.end > restart);
  CHECK(crash.end < restart + seconds(1));
  CHECK(cs.period_at(crash.end) == Period::connected);
  CHECK(cs.period_at(crash.end - Time::from_micros(1)) == Period::resyncing);
  CHECK(crash.time_in[int(Period::resyncing)] > Time::zero());
  // R38: the answered calls the crash dropped end in its `during` window, none before or after.
  using W = CallStats::Window;
  const uint64_t dropped = cs.episode_ended_by_fault(1, W::during);
  CHECK(dropped == 95);
  CHECK(cs.episode_ended_by_fault(1, W::before) == 0);
  CHECK(cs.episode_ended_by_fault(1, W::after) == 0);
  CHECK(cs.kpis().dropped_after_answer == Approx(double(dropped)));
  fs::remove_all(dir);
}
