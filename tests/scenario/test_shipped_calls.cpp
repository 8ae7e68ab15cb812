// The reference calls of DOMAIN §5 shipped as `call:` actions (issue 11 §5, issue 21 §6):
// running the shipped SC3, SC4, SC5, SC8 and SC9 files gives the reference call outcomes in
// calls.csv, to the microsecond. SC6 and SC7 name no reference call, so they ship none.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;
namespace fs = std::filesystem;

namespace {

using Row = std::map<std::string, std::string>;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ','))
    out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// Runs a shipped scenario with its own seed into a results directory; calls.csv by column name.
std::vector<Row> run_calls(const std::string& name) {
  auto r = scenario::load_scenario((fs::path(SCSIM_SOURCE_DIR) / "scenarios" / name).string());
  for (const auto& e : r.errors)
    UNSCOPED_INFO(e.to_string());
  REQUIRE(r.scenario);
  fs::path dir = fs::temp_directory_path() / ("scsim-test-shipped-calls-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    run::Simulation sim(*r.scenario, r.scenario->seed);
    sim.record_to(dir, false, true);
    sim.run();
    REQUIRE(sim.finish());
  }
  std::ifstream in(dir / "calls.csv");
  std::string line;
  REQUIRE(std::getline(in, line));
  auto header = split(line);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    auto cells = split(line);
    Row row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i)
      row[header[i]] = cells[i];
    rows.push_back(row);
  }
  fs::remove_all(dir);
  return rows;
}

double num(const Row& r, const std::string& k) {
  return std::stod(r.at(k));
}

}  // namespace

TEST_CASE(
    "Shipped SC3 (R52, R55, R57, R58): both calls answered remotely, waits 2.060 and 11.130") {
  auto calls = run_calls("sc03-global-routing.yaml");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].at("outcome") == "answered_remote");
  CHECK(num(calls[0], "wait") == Approx(2.060).margin(1e-9));
  CHECK(num(calls[0], "ended") == Approx(32.060).margin(1e-9));
  CHECK(calls[1].at("outcome") == "answered_remote");
  CHECK(num(calls[1], "wait") == Approx(11.130).margin(1e-9));
  CHECK(num(calls[1], "ended") == Approx(42.130).margin(1e-9));
}

TEST_CASE(
    "Shipped SC4 (R32, R59, R60, R63): stale-view misroute, local answers, no_target at 170") {
  auto calls = run_calls("sc04-partition.yaml");
  REQUIRE(calls.size() == 5);
  CHECK(calls[0].at("outcome") == "answered_remote");
  CHECK(num(calls[0], "wait") == Approx(2.060).margin(1e-9));
  CHECK(calls[1].at("outcome") == "answered_remote");
  CHECK(num(calls[1], "wait") == Approx(11.130).margin(1e-9));
  // C3: offered to 2001 across the cut, withdrawn at 110 (stale_view), answered by A1 at 117.050.
  CHECK(calls[2].at("outcome") == "answered_local");
  CHECK(num(calls[2], "wait") == Approx(14.050).margin(1e-9));
  CHECK(calls[2].at("failed_stale_view") == "1");
  CHECK(calls[2].at("misrouted") == "true");
  CHECK(calls[3].at("outcome") == "answered_local");
  CHECK(num(calls[3], "answered") == Approx(127.050).margin(1e-9));
  CHECK(calls[4].at("outcome") == "routing_failure");
  CHECK(calls[4].at("failure_cause") == "no_target");
  CHECK(num(calls[4], "ended") == Approx(170.000).margin(1e-9));
}

TEST_CASE("Shipped SC5 (R34): after the resync C6 on N2 is answered remotely at 208.060") {
  auto calls = run_calls("sc05-heal-resync.yaml");
  REQUIRE(calls.size() == 6);
  CHECK(calls[5].at("outcome") == "answered_remote");
  CHECK(num(calls[5], "answered") == Approx(208.060).margin(1e-9));
}

TEST_CASE("Shipped SC8 (R59, R66, R67): C7 fails as stale_view, answered remotely, wait 67.200") {
  auto calls = run_calls("sc08-split-brain.yaml");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].at("failed_stale_view") == "1");
  CHECK(calls[0].at("misrouted") == "true");
  CHECK(calls[0].at("outcome") == "answered_remote");
  CHECK(num(calls[0], "answered") == Approx(207.200).margin(1e-9));
  CHECK(num(calls[0], "wait") == Approx(67.200).margin(1e-9));
}

TEST_CASE(
    "Shipped SC9 (R55, R57, R60): no_answer at the silent phone, answered_local, wait 34.020") {
  auto calls = run_calls("sc09-registration-expiry.yaml");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].at("failed_no_answer") == "1");
  CHECK(calls[0].at("outcome") == "answered_local");
  CHECK(num(calls[0], "answered") == Approx(554.020).margin(1e-9));
  CHECK(num(calls[0], "wait") == Approx(34.020).margin(1e-9));
}
