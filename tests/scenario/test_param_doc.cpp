// `scsim params` (issue 18 §4): the parameters' documentation is generated from the table the
// loader validates against, so a documented name, unit, range or default is what a scenario's
// `parameters:` and `--set` accept.
#include <fstream>
#include <sstream>
#include <string>

#include "catch.hpp"
#include "model/params.hpp"
#include "scenario/param_doc.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;

namespace {

std::string unit_of_suffix(const std::string& name) {
  auto ends = [&](const char* s) {
    std::string x(s);
    return name.size() > x.size() && name.compare(name.size() - x.size(), x.size(), x) == 0;
  };
  if (ends("_ms")) return "ms";
  if (ends("_us")) return "us";
  if (ends("_s")) return "s";
  return "";
}

}  // namespace

TEST_CASE("params: every parameter the loader accepts is documented with unit, range, rules") {
  std::string error;
  auto rows = scenario::param_rows("", &error);
  REQUIRE(rows.size() == model::param_table().size());
  REQUIRE(rows.size() >= 56);  // DOMAIN §4's 56 names and the two laws
  for (const auto& r : rows) {
    INFO(r.info->name);
    CHECK(!r.info->meaning.empty());
    CHECK(r.info->meaning.find('\n') == std::string::npos);
    CHECK(!r.info->range.empty());
    CHECK(!r.info->rules.empty());
    // DOMAIN §4: durations are in the unit their name ends with.
    if (!unit_of_suffix(r.info->name).empty()) CHECK(r.info->unit == unit_of_suffix(r.info->name));
    // The documented values are accepted back by the loader's own setter, unchanged.
    model::Params p;
    CHECK(model::set_param(p, r.info->name, r.defaults).empty());
    CHECK(model::get_param(p, r.info->name) == r.defaults);
    CHECK(model::set_param(p, r.info->name, r.reference).empty());
    CHECK(model::get_param(p, r.info->name) == r.reference);
  }
}

TEST_CASE("params: defaults are DOMAIN §4's, reference DOMAIN §5's settings") {
  auto one = [](const char* name) {
    std::string error;
    auto rows = scenario::param_rows(name, &error);
    REQUIRE(rows.size() == 1);
    return rows[0];
  };
  // R65: handle time 240 s exponential by default, fixed 20 s in the reference settings.
  CHECK(one("handle_time_mean_s").defaults == "240");
  CHECK(one("handle_time_mean_s").reference == "20");
  CHECK(one("handle_time_law").reference == "fixed");
  // R13: register_expires_s 3600 by default, 120 in the reference settings.
  CHECK(one("register_expires_s").defaults == "3600");
  CHECK(one("register_expires_s").reference == "120");
  // R31: detection uniform by default, min in the reference settings.
  CHECK(one("addp_detection_model").defaults == "uniform");
  CHECK(one("addp_detection_model").reference == "min");
  CHECK(one("addp_detection_model").info->range == "uniform, min, max");
  // R64: infinite patience in the reference settings.
  CHECK(one("patience_mean_s").reference == "inf");
  // The same values a scenario with `settings: defaults` / `reference` loads with.
  for (const char* settings : {"defaults", "reference"}) {
    std::string text =
        std::string("name: x\nduration: 10\ntopology: T2\nsettings: ") + settings + "\n";
    auto r = scenario::load_scenario_text(text, "x.yaml");
    REQUIRE(r.scenario);
    for (const auto& row : scenario::param_rows("", nullptr)) {
      INFO(settings << " " << row.info->name);
      CHECK(model::get_param(r.scenario->cluster.params, row.info->name) ==
            (std::string(settings) == "defaults" ? row.defaults : row.reference));
    }
  }
}

TEST_CASE("params: a name selects one, a part selects several, nothing is an error") {
  std::string error;
  CHECK(scenario::param_rows("addp_timeout_s", &error).size() == 1);
  auto addp = scenario::param_rows("addp", &error);
  REQUIRE(addp.size() == 2);
  CHECK(addp[0].info->name == "addp_timeout_s");
  CHECK(addp[1].info->name == "addp_detection_model");
  CHECK(scenario::param_rows("adp_timeout_s", &error).empty());
  CHECK(error ==
        "no parameter named or containing \"adp_timeout_s\" (did you mean "
        "\"addp_timeout_s\"?)");
}

TEST_CASE("params: text, csv and markdown carry the same rows") {
  auto rows = scenario::param_rows("", nullptr);
  auto count = [](const std::string& s, const std::string& start) {
    std::istringstream in(s);
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
      n += line.rfind(start, 0) == 0;
    return n;
  };
  std::string csv = scenario::format_params(rows, scenario::DocFormat::csv);
  CHECK(count(csv, "") == rows.size() + 1);
  CHECK(csv.rfind("name,unit,defaults,reference,range,rules,meaning\n", 0) == 0);
  CHECK(csv.find("\naddp_timeout_s,s,10,10,1-60,R31,") != std::string::npos);
  // A range with commas is quoted (RFC 4180).
  CHECK(csv.find(",\"uniform, min, max\",R31,") != std::string::npos);
  std::string md = scenario::format_params(rows, scenario::DocFormat::markdown);
  CHECK(count(md, "| `") == rows.size());
  std::string text = scenario::format_params(rows, scenario::DocFormat::text);
  CHECK(count(text, "    defaults: ") == rows.size());
  CHECK(text.find("addp_timeout_s [s]\n") != std::string::npos);
}

TEST_CASE("params: docs/PARAMETERS.md is `scsim params --format markdown`") {
  std::ifstream in(std::string(SCSIM_SOURCE_DIR) + "/docs/PARAMETERS.md");
  REQUIRE(in);
  std::stringstream doc;
  doc << in.rdbuf();
  std::string table =
      scenario::format_params(scenario::param_rows("", nullptr), scenario::DocFormat::markdown);
  INFO("regenerate with: scsim params --format markdown (the table of docs/PARAMETERS.md)");
  CHECK(doc.str().find(table) != std::string::npos);
}
