// The `workload:` section of scenario files (scenario/workload.cpp): arrival streams, profiles,
// durations, defaults, call traces, and the errors for bad input (file:line:col: key: message).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;
using scsim::scenario::load_scenario;
using scsim::scenario::LoadResult;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot = SCSIM_SOURCE_DIR;

fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("scsim-test-workload-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string all_errors(const LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors)
    s += e.to_string() + "\n";
  return s;
}

const char* kHead = R"(name: w
seed: 7
duration: 7200
topology: T4
parameters:
  handle_time_mean_s: 200
  patience_mean_s: 90
population:
  agents:
    - {name: A1, dn: "1001", kind: sip, dc: DC1, groups: [sales]}
    - {name: A2, dn: "2001", kind: sip, dc: DC2, groups: [sales, support]}
)";

LoadResult load_text(const std::string& test, const std::string& workload,
                     const std::string& extra_file = "", const std::string& extra_text = "") {
  fs::path d = scratch(test);
  if (!extra_file.empty()) write_file(d / extra_file, extra_text);
  write_file(d / "s.yaml", std::string(kHead) + workload);
  return load_scenario((d / "s.yaml").string());
}

}  // namespace

TEST_CASE("workload: constant streams, profiles and distributions", "[scenario][workload]") {
  auto r = load_text("ok", R"(workload:
  profile_interval: 30min
  defaults:
    acw: {law: fixed, mean: 15}
  streams:
    - {dc: DC1, group: sales, rate_per_hour: 360}
    - {node: N2, group: support, rate_per_s: 0.5, patience: none, handle_time: 180}
    - dc: DC2
      group: sales
      profile: [0, 120, 240]
      start: 600
      end: "01:30:00"
      handle_time: {law: lognormal, mean: 240, sd: 120}
      patience: {law: exponential, mean: 300}
    - {dc: DC1, group: sales, profile: [30, 60], profile_unit: per_interval, profile_interval: 15min}
    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: {law: erlang, mean: 100, k: 3}}
    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: {law: uniform, min: 10, max: 30}}
)");
  INFO(all_errors(r));
  REQUIRE(r.scenario);
  const auto& w = r.scenario->cluster.workload;
  REQUIRE(w.streams.size() == 6);
  REQUIRE(w.trace.empty());
  const auto& s0 = w.streams[0];
  CHECK(s0.dc == 0);
  CHECK(s0.node == -1);
  CHECK(s0.group == "sales");
  CHECK(s0.rate_per_s == Approx(0.1));
  // Defaults from the parameters (exponential handle time 200 s, patience 90 s) and `defaults`.
  CHECK(s0.handle.kind == Distribution::Kind::exponential);
  CHECK(s0.handle.mean == Approx(200));
  CHECK(s0.patience.kind == Distribution::Kind::exponential);
  CHECK(s0.patience.mean == Approx(90));
  CHECK_FALSE(s0.infinite_patience);
  CHECK(s0.acw.kind == Distribution::Kind::fixed);
  CHECK(s0.acw.mean == Approx(15));
  const auto& s1 = w.streams[1];
  CHECK(s1.node == 1);
  CHECK(s1.dc == 1);  // N2 is in DC2
  CHECK(s1.rate_per_s == Approx(0.5));
  CHECK(s1.infinite_patience);
  CHECK(s1.handle.mean == Approx(180));
  const auto& s2 = w.streams[2];
  REQUIRE(s2.profile_per_s.size() == 3);
  CHECK(s2.profile_per_s[1] == Approx(120.0 / 3600));
  CHECK(s2.profile_interval == seconds(1800));
  CHECK(s2.start == seconds(600));
  CHECK(s2.end == seconds(5400));
  CHECK(s2.handle.kind == Distribution::Kind::lognormal);
  CHECK(s2.handle.sd == Approx(120));
  CHECK(s2.patience.mean == Approx(300));
  const auto& s3 = w.streams[3];
  CHECK(s3.profile_interval == seconds(900));
  CHECK(s3.profile_per_s[0] == Approx(30.0 / 900));
  CHECK(w.streams[4].handle.kind == Distribution::Kind::erlang);
  CHECK(w.streams[4].handle.shape == 3);
  CHECK(w.streams[5].handle.mean == Approx(20));
}

TEST_CASE("workload: call trace replay", "[scenario][workload]") {
  std::string csv =
      "arrival,dc,group,handle,patience,acw,call_id\n"
      "12.5,DC1,sales,180,60,5,a\n"
      "3,N2,support,2min,,,b\n"
      "\n"
      "\"20\",DC2,\"sales\",90,inf,0,c\n";
  auto r = load_text("trace", "workload:\n  trace: calls.csv\n", "calls.csv", csv);
  INFO(all_errors(r));
  REQUIRE(r.scenario);
  const auto& t = r.scenario->cluster.workload.trace;
  REQUIRE(t.size() == 3);
  // Sorted by arrival.
  CHECK(t[0].arrival == seconds(3));
  CHECK(t[0].node == 1);
  CHECK(t[0].dc == 1);
  CHECK(t[0].handle == seconds(120));
  CHECK(t[0].patience == Time::max());
  CHECK(t[1].arrival == seconds(12.5));
  CHECK(t[1].dc == 0);
  CHECK(t[1].node == -1);
  CHECK(t[1].patience == seconds(60));
  CHECK(t[1].acw == seconds(5));
  CHECK(t[2].group == "sales");
  CHECK(t[2].patience == Time::max());
}

TEST_CASE("workload: errors name file, line, column and key", "[scenario][workload]") {
  struct Bad {
    std::string workload;
    std::string expect;  // substring of the errors
  };
  const std::vector<Bad> cases = {
      {"workload: [1]\n", "s.yaml:12:11: workload: expected a map"},
      {"workload:\n  stream: []\n",
       "workload.stream: unknown key \"stream\" (did you mean \"streams\"?)"},
      {"workload:\n  streams:\n    - {dc: DC9, group: sales, rate_per_hour: 1}\n",
       "s.yaml:14:12: workload.streams[0].dc: unknown DC \"DC9\" (DCs are DC1, DC2)"},
      {"workload:\n  streams:\n    - {node: N7, group: sales, rate_per_hour: 1}\n",
       "workload.streams[0].node: unknown node \"N7\""},
      {"workload:\n  streams:\n    - {dc: DC1, group: sale, rate_per_hour: 1}\n",
       "workload.streams[0].group: unknown group \"sale\" (the agents' groups are sales, support); "
       "did you mean \"sales\"?"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales}\n",
       "missing rate_per_hour, rate_per_s or profile"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, rate_per_s: 1}\n",
       "give one of rate_per_hour, rate_per_s and profile"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: -3}\n",
       "a rate must not be negative"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: nan}\n",
       "expected a finite number of calls per hour"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, profile: []}\n",
       "expected a non-empty list of rates"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, profile: [1, x]}\n",
       "workload.streams[0].profile[1]: expected a finite number"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: 0}\n",
       "workload.streams[0].handle_time: expected a duration greater than 0"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: "
       "none}\n",
       "workload.streams[0].handle_time: not a time"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: "
       "{law: lognorm, mean: 1, sd: 1}}\n",
       "unknown law \"lognorm\" (did you mean \"lognormal\"?)"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: "
       "{law: lognormal, mean: 100}}\n",
       "law lognormal needs sd"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, handle_time: "
       "{law: fixed, mean: 100, sd: 3}}\n",
       "law fixed takes mean, not sd"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, start: 100, end: "
       "50}\n",
       "end must be after start"},
      {"workload:\n  streams:\n    - {dc: DC1, group: sales, rate_per_hour: 1, profile_unit: "
       "per_s}\n",
       "profile_unit applies to a profile only"},
      {"workload:\n  trace: nothere.csv\n", "cannot open trace file: no such file"},
  };
  for (const auto& c : cases) {
    auto r = load_text("bad", c.workload);
    INFO("workload:\n" << c.workload << "errors:\n" << all_errors(r));
    REQUIRE_FALSE(r.scenario);
    CHECK(all_errors(r).find(c.expect) != std::string::npos);
  }
}

TEST_CASE("workload: bad trace rows report the CSV line", "[scenario][workload]") {
  struct Bad {
    std::string csv, expect;
  };
  const std::vector<Bad> cases = {
      {"arrival,dc,group,handle\n1,DC1,sales,10\n",
       "calls.csv:1: workload.trace: bad header: "
       "missing column(s) patience"},
      {"arrival,dc,group,handle,patience\n1,DC1,sales,10,5\n2,DC3,sales,10,5\n",
       "calls.csv:3: workload.trace[1].dc: unknown DC or node \"DC3\""},
      {"arrival,dc,group,handle,patience\n-1,DC1,sales,10,5\n",
       "calls.csv:2: workload.trace[0].arrival: negative time"},
      {"arrival,dc,group,handle,patience\n1,DC1,sales,0,5\n",
       "calls.csv:2: workload.trace[0].handle: expected a duration greater than 0"},
      {"arrival,dc,group,handle,patience\n1,DC1,vip,10,5\n",
       "workload.trace[0].group: unknown group \"vip\""},
      {"arrival,dc,group,handle,patience\n1,DC1,\"sales,10,5\n", "a quoted field is not closed"},
      {"arrival,dc,group,handle,patience\n1,DC1,sales,10\n", "wrong number of columns"},
      {"", "empty trace"},
      {std::string("arrival,dc,group,handle,patience\n1,DC1,sa") + '\0' + "les,10,5\n",
       "not a text file"},
  };
  for (const auto& c : cases) {
    auto r = load_text("badtrace", "workload:\n  trace: calls.csv\n", "calls.csv", c.csv);
    INFO("csv:\n" << c.csv << "errors:\n" << all_errors(r));
    REQUIRE_FALSE(r.scenario);
    CHECK(all_errors(r).find(c.expect) != std::string::npos);
  }
}

TEST_CASE("workload: shipped scenarios with calls", "[scenario][workload]") {
  for (const char* f : {"two-dc-day.yaml", "global-vs-local.yaml"}) {
    auto r = load_scenario((kRoot / "scenarios" / f).string());
    INFO(f << "\n" << all_errors(r));
    REQUIRE(r.scenario);
    CHECK_FALSE(r.scenario->cluster.workload.streams.empty());
  }
  auto r = load_scenario((kRoot / "scenarios" / "two-dc-day.yaml").string());
  REQUIRE(r.scenario);
  for (const auto& s : r.scenario->cluster.workload.streams)
    CHECK(s.profile_per_s.size() == 48);
}
