// scsim report: one self-contained HTML page from a results directory (`scsim run`), a compare
// directory (`scsim compare`) or a campaign (`scsim sweep`: campaign.sqlite, summary.csv and
// paired.csv).
//
// The page embeds its data as JSON, Chart.js (read from the Debian package's file at report
// time and inlined: no CDN, works offline) and a small stylesheet. Everything is read from the
// result files by column name, so files with extra or missing columns, missing optional files
// and NAME.csv.gz files are accepted; an absent table is shown as "not recorded".
//
// The report depends on the result files only (no simulation code): it can be made from a
// results directory copied from another machine.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace scsim::report {

enum class Kind { run, compare, campaign, unknown };
const char* to_string(Kind k);

// What DIR holds: run.csv -> run; means.csv or differences.csv -> compare; campaign.sqlite ->
// campaign.
Kind kind_of(const std::filesystem::path& dir);

struct Options {
  std::filesystem::path chartjs = "/usr/share/javascript/chart.js/chart.min.js";
  size_t max_bins = 288;        // points per time series (down-sampled into bins)
  size_t max_table_rows = 200;  // rows per table
  size_t max_link_segments = 3000;
  std::string name;  // shown as the source (default: DIR's name)
};

// The page's data (the JSON embedded in it), for tests and for the terminal summary.
std::string build_json(const std::filesystem::path& dir, const Options& o = {});

// Writes the page to `out` (through a temporary file renamed into place). Throws
// std::runtime_error with a message naming the file and the problem (unknown directory kind,
// unreadable file, Chart.js missing).
void write_report(const std::filesystem::path& dir, const std::filesystem::path& out,
                  const Options& o = {});

// The terminal summary of a run's results (periods.csv): a header and one line per period with
// calls, SL, ASA and abandonment (five lines); empty if periods.csv is absent.
std::vector<std::string> terminal_summary(const std::filesystem::path& dir);

}  // namespace scsim::report
