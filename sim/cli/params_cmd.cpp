// `scsim params [NAME] [--format text|csv|markdown]`: the model's parameters, from the table
// the loader validates against (scenario/param_doc.hpp).
#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "scenario/param_doc.hpp"

namespace po = boost::program_options;

namespace scsim::cli {

namespace {

const char* const kParamsHelp =
    "\n"
    "Lists every parameter a scenario's `parameters:` section or `--set` accepts: its unit,\n"
    "its value under `settings: defaults` and under `settings: reference`, the range the\n"
    "loader accepts, the rules it tunes (docs/RULES.md) and what it means. NAME: that\n"
    "parameter, or every parameter whose name contains NAME. Durations are in the unit their\n"
    "name ends with (_s, _ms, _us).\n"
    "\n"
    "Examples:\n"
    "  scsim params\n"
    "  scsim params addp_timeout_s\n"
    "  scsim params addp --format csv\n"
    "  scsim params --format markdown > parameters.md\n";

}  // namespace

int cmd_params(const std::vector<std::string>& args) {
  po::options_description d("scsim params [NAME] [options]", 100, 50);
  d.add_options()("help,h", "show this help")(
      "format", po::value<std::string>()->value_name("F")->default_value("text"),
      "text, csv or markdown");
  auto vm = parse_command(args, d);
  if (vm.count("help")) {
    std::cout << d << kParamsHelp;
    return kOk;
  }
  const std::string fmt = vm["format"].as<std::string>();
  scenario::DocFormat f = scenario::DocFormat::text;
  if (fmt == "csv") {
    f = scenario::DocFormat::csv;
  } else if (fmt == "markdown" || fmt == "md") {
    f = scenario::DocFormat::markdown;
  } else if (fmt != "text") {
    std::cerr << "scsim: --format expects text, csv or markdown, got \"" << fmt << "\"\n";
    return kBadInput;
  }
  std::string filter;
  if (vm.count("file")) {
    const auto& names = vm["file"].as<std::vector<std::string>>();
    if (names.size() > 1) {
      std::cerr << "scsim: params takes at most one NAME (see scsim params --help)\n";
      return kBadInput;
    }
    filter = names[0];
  }
  std::string error;
  auto rows = scenario::param_rows(filter, &error);
  if (rows.empty()) {
    std::cerr << "scsim: params: " << error << "\n";
    return kBadInput;
  }
  std::cout << scenario::format_params(rows, f);
  return kOk;
}

}  // namespace scsim::cli
