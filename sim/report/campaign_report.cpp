// The data of a campaign's report (scsim sweep's results directory, report.hpp): the campaign's
// provenance and grid from campaign.sqlite, the means and paired differences from summary.csv
// and paired.csv (read by column name, as every result file).
#include "report/campaign_report.hpp"

#include <sqlite3.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/table.hpp"

namespace scsim::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One SQL query's rows as text (NULL as ""), on a read-only connection.
std::vector<std::vector<std::string>> query(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("campaign.sqlite: ") + sqlite3_errmsg(db));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(s, sqlite3_finalize);
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string quoted(const std::string& name) {
  std::string q = "\"";
  for (char c : name)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

json number_or_null(const Table& t, size_t r, const char* col) {
  const double v = t.num(r, col, NAN);
  return std::isnan(v) || t.get(r, col).empty() ? json(nullptr) : json(v);
}

// The DC-and-node-wide rows of a table (dc and node "all", or no such columns).
bool whole_campaign_row(const Table& t, size_t r) {
  const std::string& dc = t.get(r, "dc");
  const std::string& node = t.get(r, "node");
  return (dc.empty() || dc == "all") && (node.empty() || node == "all");
}

}  // namespace

json build_campaign(const fs::path& dir, const Options& o) {
  json d = {{"kind", "campaign"}};
  sqlite3* raw = nullptr;
  const fs::path file = dir / "campaign.sqlite";
  if (sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "cannot be opened";
    sqlite3_close(raw);
    throw std::runtime_error(file.string() + ": " + msg);
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  json meta = json::object();
  try {
    auto c = query(db.get(),
                   "SELECT name, campaign_file, scenario, seed, replications, modes, grid_points, "
                   "runs, scsim_version, git_commit FROM campaign");
    if (!c.empty()) {
      const char* keys[] = {"name",  "campaign_file", "scenario", "seed",          "replications",
                            "modes", "grid_points",   "runs",     "scsim_version", "git_commit"};
      for (size_t i = 0; i < c[0].size(); ++i)
        meta[keys[i]] = c[0][i];
    }
    // The knobs, and the grid: each point's values, runs and failures.
    json knobs = json::array();
    std::string cols;
    for (const auto& k : query(db.get(), "SELECT name, column_name FROM knobs ORDER BY position")) {
      knobs.push_back({{"name", k[0]}, {"column", k[1]}});
      cols += ", " + quoted(k[1]);
    }
    json grid = json::array();
    for (const auto& g : query(db.get(), "SELECT point" + cols +
                                             ", count(*), sum(status = 'ok'), avg(events) FROM "
                                             "runs GROUP BY point ORDER BY point")) {
      json values = json::array();
      for (size_t i = 0; i < knobs.size(); ++i)
        values.push_back(g[1 + i]);
      const size_t n = knobs.size();
      grid.push_back({{"point", std::stoll(g[0])},
                      {"values", values},
                      {"runs", std::stoll(g[n + 1])},
                      {"ok", g[n + 2].empty() ? 0 : std::stoll(g[n + 2])},
                      {"events", g[n + 3].empty() ? 0.0 : std::round(std::stod(g[n + 3]))}});
      if (grid.size() >= o.max_table_rows * 10) break;
    }
    meta["failed"] = query(db.get(), "SELECT count(*) FROM runs WHERE status <> 'ok'")[0][0];
    d["knobs"] = knobs;
    d["grid"] = grid;
  } catch (const std::exception& e) {
    throw std::runtime_error(file.string() + ": not a campaign database scsim can read (" +
                             e.what() + ")");
  }
  d["meta"] = meta;

  // Means per point x mode x period x KPI and paired differences, DC- and node-wide rows.
  json summary = json::array(), paired = json::array();
  if (auto t = Table::load(dir, "summary")) {
    for (size_t r = 0; r < t->rows(); ++r) {
      if (!whole_campaign_row(*t, r)) continue;
      summary.push_back({{"point", std::llround(t->num(r, "point"))},
                         {"mode", t->get(r, "mode")},
                         {"period", t->get(r, "period")},
                         {"kpi", t->get(r, "kpi")},
                         {"mean", number_or_null(*t, r, "mean")},
                         {"half", number_or_null(*t, r, "ci95_half_width")},
                         {"n", number_or_null(*t, r, "n")}});
    }
  }
  if (auto t = Table::load(dir, "paired")) {
    for (size_t r = 0; r < t->rows(); ++r) {
      if (!whole_campaign_row(*t, r)) continue;
      paired.push_back({{"point", std::llround(t->num(r, "point"))},
                        {"period", t->get(r, "period")},
                        {"kpi", t->get(r, "kpi")},
                        {"a", t->get(r, "mode_a")},
                        {"b", t->get(r, "mode_b")},
                        {"diff", number_or_null(*t, r, "diff_mean")},
                        {"low", number_or_null(*t, r, "ci95_low")},
                        {"high", number_or_null(*t, r, "ci95_high")},
                        {"n", number_or_null(*t, r, "n")}});
    }
  }
  d["summary"] = summary;
  d["paired"] = paired;
  return d;
}

}  // namespace scsim::report
