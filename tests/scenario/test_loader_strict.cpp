// Issue 12's loader tightenings, through load_scenario_text() (files in memory): RFC 4180
// quoting in the roster and trace CSV readers, handle-time laws whose draws round to 0 µs, and
// UTF-8 validation that rejects encoded surrogates (and overlong forms, code points > U+10FFFF).
// Also: load_scenario_text() reads like load_scenario() and never touches the disk.
#include <string>

#include "catch.hpp"
#include "scenario/scenario.hpp"

using scsim::scenario::load_scenario_text;
using scsim::scenario::LoadResult;
using scsim::scenario::MemoryFiles;

namespace {

std::string all_errors(const LoadResult& r) {
  std::string s;
  for (const auto& e : r.errors)
    s += e.to_string() + "\n";
  return s;
}

const char* kRosterScenario = R"(name: r
seed: 1
duration: 600
topology: T4
population:
  roster: roster.csv
)";

const char* kRoster = "agent,dn,kind,dc,groups,gws\nA1,1001,sip,DC1,support,\n";

std::string trace_scenario(const std::string& defaults = "") {
  return std::string(kRosterScenario) + "workload:\n" + defaults + "  trace: calls.csv\n";
}

std::string stream_scenario(const std::string& handle) {
  return std::string(kRosterScenario) +
         "workload:\n  streams:\n    - {dc: DC1, group: support, rate_per_hour: 60, handle_time: " +
         handle + "}\n";
}

}  // namespace

TEST_CASE("load_scenario_text reads files from memory only (issue 12 fuzzing)") {
  auto ok = load_scenario_text(kRosterScenario, "dir/s.yaml", {{"dir/roster.csv", kRoster}});
  INFO(all_errors(ok));
  REQUIRE(ok.scenario);
  CHECK(ok.scenario->cluster.agents.size() == 1);
  CHECK(ok.scenario->file == "dir/s.yaml");
  auto missing = load_scenario_text(kRosterScenario, "dir/s.yaml");
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].message.find("cannot open roster file: no such file") !=
        std::string::npos);
}

TEST_CASE("CSV: text after a closing quote is an error (issue 12; RFC 4180)") {
  SECTION("roster") {
    for (const char* row : {"A1,\"1001\"x,sip,DC1,support,", "A1,1001,sip,DC1,\"a\"\"b\"c,",
                            "A1,1001,sip,DC1,\"support\"\"\",\"\"x"}) {
      auto r = load_scenario_text(
          kRosterScenario, "s.yaml",
          {{"roster.csv", "agent,dn,kind,dc,groups,gws\n" + std::string(row) + "\n"}});
      INFO(row << "\n" << all_errors(r));
      REQUIRE(r.errors.size() == 1);
      CHECK(r.errors[0].file == "roster.csv");
      CHECK(r.errors[0].line == 2);
      CHECK(r.errors[0].message.find("text after the closing quote") != std::string::npos);
    }
  }
  SECTION("trace, and in a header") {
    auto r = load_scenario_text(
        trace_scenario(), "s.yaml",
        {{"roster.csv", kRoster},
         {"calls.csv", "arrival,dc,group,handle,patience\n1,DC1,\"support\" x,30,none\n"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].to_string() ==
          "calls.csv:2: workload.trace: text after the closing quote of a quoted field (RFC "
          "4180: a quoted field ends at its closing quote; quote the whole field and double the "
          "quotes inside it)");
    auto h = load_scenario_text(kRosterScenario, "s.yaml",
                                {{"roster.csv", "\"agent\"s,dn,kind,dc,groups,gws\n"}});
    REQUIRE(h.errors.size() == 1);
    CHECK(h.errors[0].line == 1);
    CHECK(h.errors[0].message.find("text after the closing quote") != std::string::npos);
  }
  SECTION("a quote inside an unquoted field is an error too") {
    auto r = load_scenario_text(
        kRosterScenario, "s.yaml",
        {{"roster.csv", "agent,dn,kind,dc,groups,gws\nA1,1\"0\"01,sip,DC1,support,\n"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("a quote inside an unquoted field") != std::string::npos);
  }
  SECTION("still accepted: doubled quotes, separators in quotes, blanks around a quoted field") {
    auto r = load_scenario_text(
        kRosterScenario, "s.yaml",
        {{"roster.csv", "agent,dn,kind,dc,groups,gws\n\"A\"\"1\", \"1,001\" ,sip,DC1,\"a;b\",\n"}});
    INFO(all_errors(r));
    REQUIRE(r.scenario);
    CHECK(r.scenario->cluster.agents[0].name == "A\"1");
    CHECK(r.scenario->cluster.agents[0].dn == "1,001");
  }
}

TEST_CASE("A gamma or lognormal handle time whose draws round to 0 us is rejected (issue 12)") {
  for (const char* law :
       {"{law: gamma, mean: 180, shape: 0.01}", "{law: lognormal, mean: 0.000001, sd: 0.001}",
        "{law: erlang, mean: 0.000001, k: 1}", "{law: lognormal, mean: 1, sd: 100000000}"}) {
    auto r = load_scenario_text(stream_scenario(law), "s.yaml", {{"roster.csv", kRoster}});
    INFO(law << "\n" << all_errors(r));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].key == "workload.streams[0].handle_time");
    CHECK(r.errors[0].line == 9);
    CHECK(r.errors[0].message.find("round to 0 µs") != std::string::npos);
  }
  SECTION("in defaults too, with the share of such calls") {
    auto r = load_scenario_text(
        trace_scenario("  defaults: {handle_time: {law: gamma, mean: "
                       "1, shape: 0.001}}\n"),
        "s.yaml", {{"roster.csv", kRoster}, {"calls.csv", "arrival,dc,group,handle,patience\n"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.rfind("law gamma gives handle times that round to 0 µs for 97.9% "
                                    "of the calls (more than 1 %); a handle time must be at least "
                                    "1 µs: use a larger shape or mean",
                                    0) == 0);
  }
  SECTION("realistic laws, and patience or ACW (where 0 is fine), are accepted") {
    for (const char* law :
         {"{law: gamma, mean: 180, shape: 0.5}", "{law: lognormal, mean: 240, sd: 120}",
          "{law: erlang, mean: 0.001, k: 2}", "{law: lognormal, mean: 0.00001, sd: 0.000001}"}) {
      auto r = load_scenario_text(stream_scenario(law), "s.yaml", {{"roster.csv", kRoster}});
      INFO(law << "\n" << all_errors(r));
      CHECK(r.scenario);
    }
    auto p = load_scenario_text(
        std::string(kRosterScenario) +
            "workload:\n  defaults: {patience: {law: gamma, mean: 1, shape: 0.001}, acw: {law: "
            "lognormal, mean: 1, sd: 100000000}}\n",
        "s.yaml", {{"roster.csv", kRoster}});
    INFO(all_errors(p));
    CHECK(p.scenario);
  }
}

TEST_CASE("UTF-8 validation rejects encoded surrogates (issue 12) and other invalid forms") {
  const std::string head = "name: \"";
  const std::string tail = "\"\nseed: 1\nduration: 10\ntopology: T2\n";
  SECTION("surrogates U+D800..U+DFFF (ED A0..BF xx)") {
    for (const char* bytes : {"\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xb2\x9c"}) {
      auto r = load_scenario_text(head + bytes + tail, "s.yaml");
      REQUIRE(r.errors.size() == 1);
      CHECK(r.errors[0].to_string() ==
            "s.yaml:1:8: not valid UTF-8 (bytes from 0xed are an encoded UTF-16 surrogate, "
            "U+D800..U+DFFF); expected a UTF-8 YAML text file");
    }
  }
  SECTION("in the roster too") {
    auto r = load_scenario_text(
        kRosterScenario, "s.yaml",
        {{"roster.csv", "agent,dn,kind,dc,groups,gws\nA\xed\xa0\x80,1001,sip,DC1,,\n"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].file == "roster.csv");
    CHECK(r.errors[0].line == 2);
    CHECK(r.errors[0].column == 2);
    CHECK(r.errors[0].message.find("surrogate") != std::string::npos);
  }
  SECTION("overlong forms and code points above U+10FFFF") {
    for (const char* bytes : {"\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf"}) {
      auto r = load_scenario_text(head + bytes + tail, "s.yaml");
      REQUIRE(r.errors.size() == 1);
      CHECK(r.errors[0].message.find("overlong") != std::string::npos);
    }
    auto r = load_scenario_text(head + "\xf4\x90\x80\x80" + tail, "s.yaml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message.find("above U+10FFFF") != std::string::npos);
  }
  SECTION("the neighbours stay valid: U+D7FF, U+E000, U+0800, U+10000, U+10FFFF") {
    for (const char* bytes :
         {"\xed\x9f\xbf", "\xee\x80\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf"}) {
      auto r = load_scenario_text(head + bytes + tail, "s.yaml");
      INFO(all_errors(r));
      CHECK(r.scenario);
    }
  }
}

TEST_CASE("Repeats whose last time overflows are rejected before computing it (issue 12 fuzzing)") {
  // Found while fuzzing, by reading the repeat expansion; UBSan reports it in the fuzz build
  // (tests/fuzz/corpus/scenario/repeat-overflow.yaml): 9e12 s is a valid time, but 1 + 2 x 9e12 s
  // is not representable in int64 µs.
  for (const char* extra : {"", "duration: 10\n"}) {
    std::string text = std::string("name: x\nseed: 1\n") + extra +
                       "topology: T2\npopulation:\n  agents:\n    - {name: A1, dn: \"1\", dc: "
                       "DC1}\ntimeline:\n  - {at: 1, phone_on: A1, every: 9000000000000, count: "
                       "3}\n";
    auto r = load_scenario_text(text, "s.yaml");
    INFO(all_errors(r));
    REQUIRE(!r.scenario);
    bool found = false;
    for (const auto& e : r.errors) {
      if (e.key == "timeline[0].count" &&
          e.message.find("repeats run past the largest time scsim can represent") !=
              std::string::npos) {
        found = true;
      }
    }
    CHECK(found);
  }
}

TEST_CASE("A comma outside a flow collection is a YAML error and no hang (issue 12 fuzzing)") {
  // Found by fuzz_scenario (tests/fuzz/corpus/scenario/yaml-comma-hang*.yaml): yaml-cpp 0.7's
  // LoadAll loops forever on it (yaml-cpp issue 1040); the loader now stops at the first
  // document that does not advance and says where.
  struct Case {
    std::string text;
    int line, column;
  };
  for (const Case& c :
       {Case{",rm", 1, 1}, Case{",", 1, 1}, Case{"name: x\nseed: 1\n---\n\"a\",b\n", 4, 4}}) {
    auto r = load_scenario_text(c.text, "s.yaml");
    INFO(c.text << "\n" << all_errors(r));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message ==
          "not valid YAML: unexpected ',' outside a flow collection ([...] or {...})");
    CHECK(r.errors[0].line == c.line);
    CHECK(r.errors[0].column == c.column);
  }
  // Several documents are still counted and reported at the second one.
  auto r = load_scenario_text("name: x\n---\na: 1\n---\n", "s.yaml");
  REQUIRE(!r.errors.empty());
  CHECK(r.errors[0].to_string() ==
        "s.yaml:3:1: expected one YAML document, found 3 (remove the second '---')");
}
