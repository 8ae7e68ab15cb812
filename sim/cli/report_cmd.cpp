// `scsim report DIR [-o FILE.html]`: the HTML report of a results directory (scsim run), a
// compare directory (scsim compare) or a campaign (scsim sweep's directory or its
// campaign.sqlite). See report/report.hpp.
#include <boost/program_options.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/wallclock.hpp"
#include "report/report.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {

namespace {

const char* const kReportHelp =
    "\n"
    "Writes one self-contained HTML page (default DIR/report.html) that opens offline in any\n"
    "browser: the data embedded as JSON, charts drawn by Chart.js (inlined from the Debian\n"
    "package libjs-chart.js at report time), a small stylesheet. DIR is:\n"
    "  a results directory (scsim run): headline KPIs per period and a generated sentence,\n"
    "      service over time with the periods shaded and the fault episodes marked, DNs in\n"
    "      service and eligible per Stat Server against the truth, staleness, a timeline of\n"
    "      the TC links, KPIs before / during / after each fault episode, and why calls went\n"
    "      remote, local, waited or failed, per period;\n"
    "  a compare directory (scsim compare): each mode's mean per period and the paired\n"
    "      difference with its 95% CI, as a table, a sentence and charts, and the capacity\n"
    "      held by R36 during partitions;\n"
    "  a campaign (scsim sweep's DIR, or DIR/campaign.sqlite): the paired SL difference per\n"
    "      grid point and period, each KPI against each varied parameter (one line per mode\n"
    "      with its 95% CI band, and the paired difference), and the grid.\n"
    "Result files are read by column name; NAME.csv.gz is read when NAME.csv is absent; an\n"
    "absent file is shown as \"not recorded\". Long series are down-sampled and tables capped,\n"
    "so that the report of a day stays small (about 1 MB).\n"
    "`scsim run --report` and `scsim compare --report` write DIR/report.html with the results.\n"
    "\n"
    "Examples:\n"
    "  scsim report results/two-dc-day\n"
    "  scsim report results/global-vs-local/compare -o /tmp/compare.html\n"
    "  scsim report results/campaign-load/campaign.sqlite\n";

}  // namespace

bool write_html_report(const std::string& dir, const std::string& out, const std::string& name,
                       bool quiet, const std::string& chartjs) {
  report::Options o;
  o.name = name;
  if (!chartjs.empty()) o.chartjs = chartjs;
  const double t0 = wall_seconds();
  try {
    report::write_report(dir, out, o);
  } catch (const std::exception& e) {
    std::cerr << "scsim: report: " << e.what() << "\n";
    return false;
  }
  if (!quiet) {
    std::error_code ec;
    auto size = fs::file_size(out, ec);
    std::printf("report: %s (%.0f KB, %.2f s)\n", out.c_str(), ec ? 0.0 : double(size) / 1024.0,
                wall_seconds() - t0);
  }
  return true;
}

int cmd_report(const std::vector<std::string>& args) {
  po::options_description d("scsim report DIR [options]", 100, 50);
  d.add_options()                   //
      ("help,h", "show this help")  //
      ("out,o", po::value<std::string>()->value_name("FILE.html"),
       "where to write the page (default DIR/report.html)")  //
      ("chartjs", po::value<std::string>()->value_name("FILE"),
       "Chart.js file to inline (default /usr/share/javascript/chart.js/chart.min.js, from the"
       " Debian package libjs-chart.js)")  //
      ("quiet,q", po::bool_switch(), "print nothing on success");
  po::variables_map vm = parse_command(args, d);
  if (vm.count("help")) {
    std::cout << d << kReportHelp;
    return 0;
  }
  if (!vm.count("file")) throw po::error("scsim report: no DIR given (see scsim report --help)");
  auto files = vm["file"].as<std::vector<std::string>>();
  if (files.size() != 1) throw po::error("scsim report takes one DIR");
  std::string dir = files[0];
  std::error_code ec;
  // A campaign may be given by its database file.
  if (fs::path(dir).filename() == "campaign.sqlite" && fs::is_regular_file(dir, ec)) {
    dir = fs::path(dir).parent_path().empty() ? "." : fs::path(dir).parent_path().string();
  }
  if (!fs::is_directory(dir, ec)) {
    std::cerr << "scsim: report: " << dir << ": not a directory\n";
    return 2;
  }
  const std::string out =
      vm.count("out") ? vm["out"].as<std::string>() : (fs::path(dir) / "report.html").string();
  const std::string chartjs = vm.count("chartjs") ? vm["chartjs"].as<std::string>() : "";
  fs::path shown = fs::path(dir).lexically_normal();
  if (shown.filename().empty()) shown = shown.parent_path();
  if (shown.filename() == "compare") shown = shown.parent_path().filename() / "compare";
  return write_html_report(
             dir, out, shown.filename() == "compare" ? shown.string() : shown.filename().string(),
             vm["quiet"].as<bool>(), chartjs)
             ? 0
             : 2;
}

}  // namespace scsim::cli
