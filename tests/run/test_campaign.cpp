// Campaigns (issue 13): the campaign file's grid (cross product, zip groups, where
// exclusions), its knobs applied to a scenario, run seeds (CRN across modes, DOMAIN §6.4) and
// the result encoding that MPI ranks exchange.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "catch.hpp"
#include "run/campaign.hpp"
#include "run/campaign_db.hpp"
#include "scenario/campaign_file.hpp"

namespace fs = std::filesystem;
using namespace scsim;

namespace {

fs::path write_campaign(const std::string& name, const std::string& body) {
  fs::path dir = fs::temp_directory_path() / "scsim-test-campaign";
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p) << "scenario: " << SCSIM_SOURCE_DIR << "/scenarios/global-vs-local.yaml\n"
                   << body;
  return p;
}

}  // namespace

TEST_CASE("campaign grid: cross product, zip group as one dimension, where exclusions") {
  auto p = write_campaign("grid.yaml",
                          "vary:\n"
                          "  addp_timeout_s: {from: 5, to: 15, step: 5}\n"
                          "  timeline.cut[0].at: [3600, 4000]\n"
                          "  timeline.cut[0].duration: [60, 120]\n"
                          "zip: [[\"timeline.cut[0].at\", \"timeline.cut[0].duration\"]]\n"
                          "where:\n"
                          "  - {addp_timeout_s: 15, \"timeline.cut[0].duration\": {gt: 100}}\n");
  auto l = scenario::load_campaign(p.string(), run::kpi_names());
  REQUIRE(l.errors.empty());
  const auto& c = *l.campaign;
  REQUIRE(c.knobs.size() == 3);
  CHECK(c.knobs[0].values == std::vector<std::string>{"5", "10", "15"});
  auto grid = scenario::campaign_grid(c);
  // 3 x 2 (the zip pair) = 6, minus (15, 120).
  REQUIRE(grid.size() == 5);
  for (const auto& pt : grid)
    CHECK(pt[1] == pt[2]);  // zipped knobs move together
  CHECK(grid.back() == std::vector<int>{2, 0, 0});
}

TEST_CASE("campaign knobs: timeline time and duration, rate factor, parameter") {
  auto p = write_campaign("knobs.yaml",
                          "vary:\n"
                          "  addp_timeout_s: [7]\n"
                          "  timeline.cut[0].at: [\"00:20:00\"]\n"
                          "  timeline.cut[0].duration: [300]\n"
                          "  workload.rate_factor: [1.5]\n");
  auto l = scenario::load_campaign(p.string(), run::kpi_names());
  REQUIRE(l.errors.empty());
  auto base = scenario::load_scenario(SCSIM_SOURCE_DIR "/scenarios/global-vs-local.yaml");
  auto r = scenario::campaign_point_scenario(*l.campaign, {0, 0, 0, 0});
  REQUIRE(r.scenario);
  const auto& tl = r.scenario->timeline;
  bool cut = false, heal = false;
  for (size_t i = 0; i < tl.size(); ++i) {
    if (tl[i].kind == model::ActionKind::cut) {
      CHECK(tl[i].at == seconds(1200));
      cut = true;
    }
    if (tl[i].kind == model::ActionKind::heal) {
      CHECK(tl[i].at == seconds(1500));
      heal = true;
    }
    if (i > 0) CHECK(tl[i - 1].at <= tl[i].at);  // still in time order
  }
  CHECK((cut && heal));
  CHECK(r.scenario->cluster.params.addp_timeout == seconds(7));
  CHECK(r.scenario->cluster.workload.streams[0].rate_per_s ==
        Approx(1.5 * base.scenario->cluster.workload.streams[0].rate_per_s));
}

TEST_CASE("campaign errors name file, line, column and key") {
  auto p = write_campaign("bad.yaml",
                          "vary:\n"
                          "  addp_timeout_s: [0]\n"
                          "  routing_mode: [auto]\n"
                          "  timeline.cut[0].duration: {from: 10, to: 5, step: 1}\n"
                          "modes: [auto, sideways]\n");
  auto l = scenario::load_campaign(p.string(), run::kpi_names());
  REQUIRE_FALSE(l.campaign);
  std::string all;
  for (const auto& e : l.errors)
    all += e.to_string() + "\n";
  CHECK(all.find("bad.yaml:3:20: vary.addp_timeout_s") != std::string::npos);
  CHECK(all.find("bad.yaml:4:3: vary.routing_mode") != std::string::npos);
  CHECK(all.find("vary.timeline.cut[0].duration.to: must be >= from") != std::string::npos);
  CHECK(all.find("bad.yaml:6:15: modes: unknown routing_mode \"sideways\"") != std::string::npos);
}

TEST_CASE("campaign seeds: CRN across modes (DOMAIN 6.4), distinct across replications") {
  auto p = write_campaign("seeds.yaml",
                          "replications: 3\nmodes: [auto, local_node, local_dc]\n"
                          "vary:\n  addp_timeout_s: [5, 10]\n");
  auto l = scenario::load_campaign(p.string(), run::kpi_names());
  REQUIRE(l.errors.empty());
  auto plan = run::plan_campaign(*l.campaign);
  REQUIRE(plan.runs.size() == 2 * 3 * 3);
  for (const auto& r : plan.runs) {
    CHECK(r.run_id == (r.point * 3 + size_t(r.replication)) * 3 + size_t(r.mode));
    CHECK(r.seed == plan.runs[r.run_id - size_t(r.mode)].seed);  // same seed in every mode
    CHECK(r.seed < (uint64_t(1) << 63));
  }
  CHECK(plan.runs[0].seed != plan.runs[3].seed);  // replications differ
  CHECK(plan.runs[0].seed != plan.runs[9].seed);  // points differ
}

TEST_CASE("run results survive the MPI encoding bit for bit") {
  run::RunResult r;
  r.run_id = 42;
  r.seed = 7;
  r.events = 123456;
  r.fingerprint = 0xdeadbeefcafef00dull;
  r.ok = true;
  r.stop_reason = "until_reached";
  r.kpis.push_back(run::KpiRow{"partitioned", "DC1", "N1", "all", {1.0, NAN, 0.1 + 0.2}});
  r.episodes.push_back(run::EpisodeRow{2, "during", 5400, 9000, 0, 4, 1, 3, {0.5}});
  r.intervals.push_back(run::IntervalRow{3, "DC2", "none", {2.0}});
  r.calls_rows.columns = {"call", "outcome"};
  r.calls_rows.rows = {{"0", "answered_local"}, {"1", "abandoned"}};
  run::RunResult d = run::decode_result(run::encode_result(r));
  CHECK(d.run_id == 42);
  CHECK(d.fingerprint == r.fingerprint);
  CHECK(d.stop_reason == "until_reached");
  REQUIRE(d.kpis.size() == 1);
  CHECK(d.kpis[0].dc == "DC1");
  CHECK(d.kpis[0].node == "N1");
  CHECK(std::isnan(d.kpis[0].values[1]));
  CHECK(d.kpis[0].values[2] == r.kpis[0].values[2]);
  CHECK(d.episodes[0].end_s == 9000);
  CHECK(d.intervals[0].interval == 3);
  CHECK(d.intervals[0].dc == "DC2");
  CHECK(d.calls_rows.columns == r.calls_rows.columns);
  CHECK(d.calls_rows.rows == r.calls_rows.rows);
  CHECK_THROWS(run::decode_result(run::encode_result(r).substr(0, 20)));
}
