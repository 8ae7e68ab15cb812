// Scenario loader: shipped scenarios, the T2/T4 shorthands, the format's features, and a table
// of bad inputs with the message, line and column each must produce.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
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
const fs::path kScenarios = kRoot / "scenarios";
const fs::path kBad = kRoot / "tests" / "scenario" / "bad";

// A fresh scratch directory per test case (test cases may run in parallel processes).
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("scsim-test-loader-" + name);
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

const char* kValidHead = R"(name: t
description: test
seed: 7
duration: 1000
settings: reference
topology:
  base: T4
  gws: {G1: {dc: DC1, node: N1}, G2: {dc: DC1, node: N3}}
population:
  agents:
    - {name: A1, dn: "1001", kind: sip, dc: DC1, groups: [all]}
    - {name: A2, dn: "2001", kind: sip, dc: DC2, groups: [all, vip]}
    - {name: A3, dn: "3001", kind: pstn, dc: DC1, groups: [all], gws: G1}
)";

LoadResult load_text(const std::string& test, const std::string& text,
                     const std::vector<std::pair<std::string, std::string>>& ov = {}) {
  fs::path d = scratch(test);
  write_file(d / "s.yaml", text);
  return load_scenario((d / "s.yaml").string(), ov);
}

}  // namespace

TEST_CASE("Every shipped scenario file loads without errors") {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    INFO(entry.path().string());
    LoadResult r = load_scenario(entry.path().string());
    INFO(all_errors(r));
    REQUIRE(r.scenario);
    CHECK(r.errors.empty());
    CHECK(!r.scenario->name.empty());
    CHECK(!r.scenario->description.empty());
    CHECK(r.scenario->duration > Time::zero());
    CHECK(r.scenario->file_hash != 0);
    CHECK(std::is_sorted(r.scenario->timeline.begin(), r.scenario->timeline.end(),
                         [](const auto& a, const auto& b) { return a.at < b.at; }));
  }
  CHECK(count >= 13);
}

TEST_CASE("The reference scenarios SC1 to SC11 use the reference settings and population") {
  for (int k = 1; k <= 11; ++k) {
    std::string prefix = std::string(k < 10 ? "sc0" : "sc") + std::to_string(k) + "-";
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(kScenarios)) {
      if (entry.path().filename().string().rfind(prefix, 0) == 0) found.push_back(entry.path());
    }
    INFO(prefix);
    REQUIRE(found.size() == 1);
    LoadResult r = load_scenario(found[0].string());
    INFO(all_errors(r));
    REQUIRE(r.scenario);
    const auto& sc = *r.scenario;
    CHECK(sc.cluster.params.register_expires == seconds(120));
    CHECK(sc.cluster.params.addp_detection_model == model::AddpDetection::min);
    REQUIRE(sc.cluster.agents.size() == 3);
    CHECK(sc.cluster.agents[0].dn == "1001");
    CHECK(sc.cluster.agents[2].kind == model::DnKind::pstn);
    // Phones on at 1, A1 and A2 log in Ready at 5.
    REQUIRE(sc.timeline.size() >= 4);
    CHECK(sc.timeline[0].kind == model::ActionKind::phone_on);
    CHECK(sc.timeline[0].at == seconds(1));
    CHECK(sc.timeline[3].kind == model::ActionKind::agent_login);
    CHECK(sc.timeline[3].at == seconds(5));
    CHECK(sc.timeline[3].ready);
  }
}

TEST_CASE("SC4 cuts every DC1-DC2 node pair at 100 after the SC3 steps") {
  LoadResult r = load_scenario((kScenarios / "sc04-partition.yaml").string());
  REQUIRE(r.scenario);
  const auto& tl = r.scenario->timeline;
  auto cut = std::find_if(tl.begin(), tl.end(),
                          [](const auto& a) { return a.kind == model::ActionKind::cut; });
  REQUIRE(cut != tl.end());
  CHECK(cut->at == seconds(100));
  CHECK(cut->nodes_a == std::vector<int>{0});
  CHECK(cut->nodes_b == std::vector<int>{1});
  CHECK_FALSE(cut->one_way);
  CHECK(tl[4].kind == model::ActionKind::agent_not_ready);  // SC3.1 at 8
  CHECK(tl[4].at == seconds(8));
}

TEST_CASE("The two-DC day has 400 mixed agents from its roster and a day-long timeline") {
  LoadResult r = load_scenario((kScenarios / "two-dc-day.yaml").string());
  INFO(all_errors(r));
  REQUIRE(r.scenario);
  const auto& sc = *r.scenario;
  CHECK(sc.cluster.nodes.size() == 4);
  CHECK(sc.cluster.gws.size() == 4);
  REQUIRE(sc.cluster.agents.size() == 400);
  auto pstn = std::count_if(sc.cluster.agents.begin(), sc.cluster.agents.end(),
                            [](const auto& a) { return a.kind == model::DnKind::pstn; });
  CHECK(pstn > 0);
  CHECK(pstn < 400);
  std::set<std::string> groups;
  for (const auto& a : sc.cluster.agents)
    groups.insert(a.groups.begin(), a.groups.end());
  CHECK(groups.size() >= 3);
  CHECK(sc.duration == seconds(86400));
  bool crash = false, cut = false;
  for (const auto& a : sc.timeline) {
    crash = crash || a.kind == model::ActionKind::crash;
    cut = cut || a.kind == model::ActionKind::cut;
  }
  CHECK(crash);
  CHECK(cut);
}

TEST_CASE("The T2 and T4 shorthands give the nodes and DCs of DOMAIN section 2") {
  auto t2 = model::topology_t2();
  REQUIRE(t2.dcs.size() == 2);
  REQUIRE(t2.nodes.size() == 2);
  CHECK(t2.dcs[0].name == "DC1");
  CHECK(t2.nodes[0].name == "N1");
  CHECK(t2.nodes[0].dc == 0);
  CHECK(t2.nodes[1].name == "N2");
  CHECK(t2.nodes[1].dc == 1);
  auto t4 = model::topology_t4();
  REQUIRE(t4.nodes.size() == 4);
  // DC1 = {N1, N3}, DC2 = {N2, N4}
  CHECK(t4.nodes[0].dc == 0);
  CHECK(t4.nodes[1].dc == 1);
  CHECK(t4.nodes[2].name == "N3");
  CHECK(t4.nodes[2].dc == 0);
  CHECK(t4.nodes[3].name == "N4");
  CHECK(t4.nodes[3].dc == 1);

  LoadResult r = load_text("shorthand", "name: t\nseed: 1\nduration: 10\ntopology: T4\n");
  INFO(all_errors(r));
  REQUIRE(r.scenario);
  CHECK(r.scenario->cluster.nodes.size() == 4);
  CHECK(r.scenario->cluster.dcs.size() == 2);
  CHECK(r.scenario->cluster.nodes[3].dc == 1);
}

TEST_CASE("Times accept seconds, units and clock notation, and repeats expand in file order") {
  std::string text = std::string(kValidHead) + R"(parameters:
  tc_one_way_delay_ms: 35
  gws_client_names: [GWS, GWS2]
timeline:
  - {at: 12.5, phone_on: A1}
  - {at: 12.5s, phone_on: A2}
  - {at: 13000ms, agent_login: {agent: A1, ready: false}}
  - {at: "00:01:00", every: 60, count: 3, agent_ready: A1}
  - {at: "00:01:00", agent_not_ready: {dn: "2001"}}
  - {at: 100, every: 100, until: 300, cut: {a: [N1], b: DC2, one_way: true}}
  - {at: 150, crash: N3}
  - {at: 160, tregister: {agent: A3, node: N1, client: Monitor}}
  - {at: 170, wwe_login: A3}
  - {at: 180, gws_cut: {gws: G1}}
  - {at: 190, phone_move: {agent: A1, dc: DC2}}
)";
  LoadResult r = load_text("times", text, {{"addp_timeout_s", "20"}});
  INFO(all_errors(r));
  REQUIRE(r.scenario);
  const auto& sc = *r.scenario;
  CHECK(sc.cluster.params.tc_one_way_delay == millis(35));
  CHECK(sc.cluster.params.addp_timeout == seconds(20));
  CHECK(sc.cluster.params.gws_client_names == std::vector<std::string>{"GWS", "GWS2"});
  REQUIRE(sc.parameter_overrides.size() == 3);
  CHECK(sc.parameter_overrides.back().first == "addp_timeout_s");
  const auto& tl = sc.timeline;
  REQUIRE(tl.size() == 15);
  CHECK(tl[0].at == seconds(12.5));
  CHECK(tl[1].at == seconds(12.5));
  CHECK(tl[1].agent == 1);
  CHECK(tl[2].at == seconds(13));
  CHECK_FALSE(tl[2].ready);
  // 60: agent_ready (first repeat), then agent_not_ready (next entry, same time): file order.
  CHECK(tl[3].at == seconds(60));
  CHECK(tl[3].kind == model::ActionKind::agent_ready);
  CHECK(tl[4].at == seconds(60));
  CHECK(tl[4].kind == model::ActionKind::agent_not_ready);
  CHECK(tl[4].agent == 1);
  CHECK(tl[5].at == seconds(100));
  CHECK(tl[5].kind == model::ActionKind::cut);
  CHECK(tl[5].nodes_b == std::vector<int>{1, 3});
  CHECK(tl[5].one_way);
  CHECK(tl[6].at == seconds(120));
  CHECK(tl[7].at == seconds(150));
  CHECK(tl[7].kind == model::ActionKind::crash);
  CHECK(tl[7].node == 2);
  CHECK(tl[7].crash == model::CrashKind::host);
  CHECK(tl[8].kind == model::ActionKind::tregister);
  CHECK(tl[8].client == "Monitor");
  // 180: the last agent_ready repeat (entry 4) before gws_cut (entry 10): file order.
  CHECK(tl[10].at == seconds(180));
  CHECK(tl[10].kind == model::ActionKind::agent_ready);
  CHECK(tl[11].at == seconds(180));
  CHECK(tl[11].kind == model::ActionKind::gws_cut);
  CHECK(tl[11].gws == 0);
  CHECK(tl[12].kind == model::ActionKind::phone_move);
  CHECK(tl[12].dc == 1);
  CHECK(tl[13].at == seconds(200));
  CHECK(tl[14].at == seconds(300));
}

TEST_CASE("An explicit topology gives nodes in number order, GWS nodes and link delays") {
  LoadResult r = load_scenario((kScenarios / "three-node-bridge.yaml").string());
  INFO(all_errors(r));
  REQUIRE(r.scenario);
  const auto& c = r.scenario->cluster;
  REQUIRE(c.nodes.size() == 3);
  CHECK(c.nodes[2].name == "N3");
  CHECK(c.nodes[2].dc == 2);
  REQUIRE(c.link_delays.size() == 2);
  CHECK(c.link_delays[0].a == 0);
  CHECK(c.link_delays[0].b == 2);
  CHECK(c.link_delays[0].one_way == millis(25));
}

TEST_CASE("Parameter overrides from the command line are validated and named --set") {
  LoadResult r = load_text("overrides", "name: t\nseed: 1\nduration: 10\ntopology: T2\n",
                           {{"tc_one_way_delay", "40"}, {"addp_timeout_s", "999"}});
  REQUIRE_FALSE(r.scenario);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].file == "--set");
  CHECK(r.errors[0].message.find("did you mean \"tc_one_way_delay_ms\"") != std::string::npos);
  CHECK(r.errors[1].file == "--set");
  CHECK(r.errors[1].message.find("out of range") != std::string::npos);
}

TEST_CASE("The loader reports all errors of a file at once") {
  std::string text = std::string(kValidHead) + R"(timeline:
  - {at: 1, phone_on: A9}
  - {at: 2, crash: {node: N7}}
  - {at: 3, cut: {between: [DC1, DC5]}}
)";
  LoadResult r = load_text("all-errors", text);
  REQUIRE_FALSE(r.scenario);
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].key == "timeline[0].phone_on");
  CHECK(r.errors[1].key == "timeline[1].crash.node");
  CHECK(r.errors[1].message ==
        "unknown node or DC \"N7\" (nodes are N1, N2, N3, N4; DCs are DC1, DC2)");
  CHECK(r.errors[2].key == "timeline[2].cut.between[1]");
  CHECK(r.errors[0].to_string().find("s.yaml:15:23: timeline[0].phone_on: unknown agent") !=
        std::string::npos);
}

struct BadCase {
  const char* file;
  const char* fragment;              // in the first error's message
  int line, column;                  // of the first error
  const char* error_file = nullptr;  // file the error names, if not the scenario itself
};

TEST_CASE("Bad inputs give one precise error each, with file, line and column") {
  const std::vector<BadCase> cases = {
      {"syntax-error.yaml", "not valid YAML: end of sequence flow not found", 4, 1},
      {"binary.yaml", "not a text file (binary byte 0x00)", 2, 7},
      {"empty.yaml", "empty file", 0, 0},
      {"comments-only.yaml", "empty file", 0, 0},
      {"not-a-map.yaml", "expected a YAML map", 1, 1},
      {"plain-text.yaml", "expected a YAML map", 1, 1},
      {"multi-document.yaml", "expected one YAML document, found 2", 12, 1},
      {"huge-number.yaml", "is too large; expected a whole number", 4, 7},
      {"huge-time.yaml", "time too large", 5, 11},
      {"wrong-type.yaml", "expected a whole number, got a list", 4, 7},
      {"unknown-key.yaml", "unknown key \"durration\" (did you mean \"duration\"?)", 5, 1},
      {"duplicate-key.yaml", "duplicate key \"seed\"", 12, 1},
      {"unknown-parameter.yaml", "(did you mean \"tc_one_way_delay_ms\"?)", 13, 3},
      {"parameter-out-of-range.yaml", "value 900 is out of range 1-500", 13, 24},
      {"unknown-settings.yaml", "expected reference", 6, 11},
      {"unknown-topology.yaml", "unknown topology \"T3\"; expected T2 or T4", 7, 11},
      {"node-order.yaml", "expected N1 here, got \"N2\"", 9, 11},
      {"unknown-dc-in-topology.yaml", "unknown DC \"DC3\" (DCs are DC1, DC2)", 9, 24},
      {"negative-delay.yaml", "delay must not be negative", 10, 39},
      {"gws-wrong-dc.yaml", "node N2 is in DC2, not in DC1", 10, 25},
      {"unknown-node.yaml", "unknown node or DC \"N9\" (nodes are N1, N2; DCs are DC1, DC2)", 14,
       19},
      {"unknown-cut-side.yaml", "unknown node or DC \"DC9\"", 14, 26},
      {"unknown-agent.yaml", "unknown agent \"A9\" (agents are A1, A2)", 13, 23},
      {"unknown-dn.yaml", "unknown DN \"9999\" (DNs are 1001, 2001)", 13, 28},
      {"out-of-order.yaml", "action at 50 is out of time order", 14, 10},
      {"negative-time.yaml", "negative time \"-5\"", 13, 10},
      {"non-finite-time.yaml", "time must be finite", 13, 10},
      {"bad-time.yaml", "not a time: \"10 minutes\"", 13, 10},
      {"after-end.yaml", "after the end of the run", 13, 10},
      {"two-actions.yaml", "one action per entry", 13, 27},
      {"no-action.yaml", "expected one action key", 13, 5},
      {"missing-at.yaml", "missing at", 13, 5},
      {"unknown-action.yaml", "unknown key \"phone_onn\" (did you mean \"phone_on\"?)", 13, 13},
      {"every-without-count.yaml", "every needs count: N or until: T", 13, 13},
      {"repeat-past-end.yaml", "repeats run past the end of the run", 13, 34},
      {"cut-self.yaml", "node N1 is on both sides", 14, 10},
      {"pstn-phone.yaml", "A3 is a pstn agent: it has no SIP phone", 16, 23},
      {"wwe-without-gws.yaml", "agent A1 has no gws", 13, 24},
      {"duplicate-dn.yaml", "duplicate DN \"1001\"", 12, 22},
      {"duplicate-agent.yaml", "duplicate agent name \"A1\"", 12, 14},
      {"bad-kind.yaml", "expected sip or pstn, got \"voip\"", 12, 36},
      {"missing-roster.yaml", "cannot open roster file: no such file", 12, 11},
      {"roster-open-quote.yaml", "a quoted field is not closed", 3, 0, "roster-open-quote.csv"},
      {"roster-columns.yaml", "wrong number of columns", 3, 0, "roster-columns.csv"},
      {"roster-header.yaml", "bad header", 1, 0, "roster-header.csv"},
      {"roster-duplicate-dn.yaml", "duplicate DN \"2001\"", 3, 0, "roster-duplicate-dn.csv"},
      {"roster-unknown-dc.yaml", "unknown DC \"DC7\"", 3, 0, "roster-unknown-dc.csv"},
      {"deep-nesting.yaml", "nesting too deep", 3, 6011},
  };
  for (const auto& c : cases) {
    fs::path p = kBad / c.file;
    INFO(c.file);
    REQUIRE(fs::exists(p));
    LoadResult r;
    REQUIRE_NOTHROW(r = load_scenario(p.string()));
    INFO(all_errors(r));
    CHECK_FALSE(r.scenario);
    REQUIRE(r.errors.size() == 1);
    const auto& e = r.errors[0];
    CHECK(e.message.find(c.fragment) != std::string::npos);
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    std::string expected_file = c.error_file ? (kBad / c.error_file).string() : p.string();
    CHECK(fs::path(e.file).lexically_normal() == fs::path(expected_file).lexically_normal());
  }
}

TEST_CASE("A file with hundreds of errors reports the first hundred and a count of the rest") {
  LoadResult r = load_scenario((kBad / "many-errors.yaml").string());
  REQUIRE_FALSE(r.scenario);
  REQUIRE(r.errors.size() == 101);
  CHECK(r.errors.back().message.find("too many errors: 199 more not shown") != std::string::npos);
}

TEST_CASE("Large, oversized, missing and deeply nested files are rejected without crashing") {
  fs::path d = scratch("large");
  SECTION("a 10 MB file is read and validated") {
    std::string text = "name: big\nseed: 1\nduration: 10\ntopology: T2\ndescription: \"";
    text += std::string(10u << 20, 'x');
    text += "\"\nbogus_key: 1\n";
    write_file(d / "big.yaml", text);
    LoadResult r = load_scenario((d / "big.yaml").string());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("unknown key \"bogus_key\"") != std::string::npos);
    CHECK(r.errors[0].line == 6);
    CHECK(r.errors[0].column == 1);
  }
  SECTION("a file over 16 MiB is refused before parsing") {
    write_file(d / "huge.yaml", std::string(17u << 20, '#'));
    LoadResult r = load_scenario((d / "huge.yaml").string());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("too large") != std::string::npos);
  }
  SECTION("deep block nesting") {
    std::string text = "name: deep\nworkload:\n";
    for (int i = 0; i < 1200; ++i)
      text += std::string(i + 1, ' ') + "k:\n";
    write_file(d / "deep.yaml", text);
    LoadResult r = load_scenario((d / "deep.yaml").string());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("nesting too deep") != std::string::npos);
  }
  SECTION("a missing file and a directory") {
    LoadResult r = load_scenario((d / "nope.yaml").string());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("no such file") != std::string::npos);
    r = load_scenario(d.string());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("not a regular file") != std::string::npos);
  }
}

TEST_CASE("Loading never throws, whatever the bytes") {
  // Truncations and byte mutations of a valid scenario, from a fixed linear congruential stream.
  std::string good;
  {
    std::ifstream in(kScenarios / "sc06-node-crash.yaml", std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(good.size() > 100);
  fs::path d = scratch("fuzz");
  uint64_t x = 12345;
  auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(x >> 33);
  };
  const char specials[] = "[]{}:-,#&*!|>'\"%@`\n \t\0\xff";
  for (int i = 0; i < 400; ++i) {
    std::string text = good;
    if (i % 4 == 0) {
      text.resize(next() % text.size());
    } else {
      for (int k = 0; k < 1 + i % 5; ++k) {
        text[next() % text.size()] = specials[next() % (sizeof specials - 1)];
      }
    }
    write_file(d / "m.yaml", text);
    CHECK_NOTHROW(load_scenario((d / "m.yaml").string()));
  }
  fs::remove_all(d);
}

TEST_CASE("Issue 12: a cluster of more than 64 nodes is an error naming the 65th node") {
  std::string nodes;
  for (int i = 1; i <= 70; ++i)
    nodes += (i > 1 ? ", N" : "N") + std::to_string(i) + ": DC1";
  LoadResult r = load_text("too-many-nodes",
                           "name: t\ndescription: d\nduration: 10\ntopology:\n  dcs: [DC1]\n"
                           "  nodes: {" +
                               nodes + "}\n");
  REQUIRE_FALSE(r.scenario);
  std::string all = all_errors(r);
  INFO(all);
  CHECK(all.find("s.yaml:6:642: ") != std::string::npos);  // the line and column of N65
  CHECK(all.find("topology.nodes.N65: too many nodes: a cluster has at most 64 nodes") !=
        std::string::npos);
}
