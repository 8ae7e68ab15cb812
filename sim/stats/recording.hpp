// Which result tables a run records, and whether they are compressed (issue 20 §2; README
// "Results recorded by choice"). `scsim run --record LIST` and a scenario's `results:` section
// choose; recording changes files, never events (the fingerprint is the same whatever is
// recorded).
//
//   table      files
//   kpis       intervals.csv, periods.csv, episodes.csv, call_summary.csv, occupancy.csv,
//              view_series.csv
//   calls      calls.csv
//   routing    routing.csv (one row per routing decision)
//   views      dn_views.csv (per DN x view intervals)
//   staleness  staleness.csv (per SS, DN and level windows)
//   ownership  ownership.csv, conflicts.csv
//   links      links.csv
//   events     events.csv (every executed event; also --trace)
// summary.csv and run.csv are always written. The default is kpis, calls, ownership and links:
// the tables that answer a user's questions, whose size grows with calls and faults, not with
// DNs x views x changes. `all` is every table but the event trace (add `events` for it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stats/csv.hpp"

namespace scsim::stats {

enum class Table : uint8_t { kpis, calls, routing, views, staleness, ownership, links, events };
constexpr int kTables = 8;

// The name of a table as --record takes it ("kpis", ...).
const char* to_string(Table t);

constexpr uint32_t table_bit(Table t) {
  return uint32_t(1) << static_cast<unsigned>(t);
}

struct Recording {
  static constexpr uint32_t bit(Table t) { return table_bit(t); }
  static constexpr uint32_t kDefault = table_bit(Table::kpis) | table_bit(Table::calls) |
                                       table_bit(Table::ownership) | table_bit(Table::links);
  static constexpr uint32_t kAll = (uint32_t(1) << kTables) - 1 - table_bit(Table::events);

  uint32_t tables = kDefault;
  bool compress = false;  // write FILE.csv.gz (gzip) instead of FILE.csv; run.csv stays plain

  bool has(Table t) const { return (tables & bit(t)) != 0; }
  // How a file of table `t` is written: not at all, plain or gzip.
  CsvMode mode(Table t) const {
    return !has(t) ? CsvMode::off : compress ? CsvMode::gzip : CsvMode::plain;
  }
  // How the files written whatever the choice (summary.csv) are written.
  CsvMode always() const { return compress ? CsvMode::gzip : CsvMode::plain; }
  // Every table but events (the writers' own default, so that their direct users, the tests,
  // get every file).
  static Recording every() { return Recording{kAll, false}; }
  // The chosen tables, comma-separated, in the order of Table ("kpis,calls,ownership,links").
  std::string names() const;
};

// Parses a --record list: table names, `all` and `default`, comma-separated (spaces allowed),
// their union. Returns "" and sets *tables, or an error naming the bad word and the choices.
std::string parse_record_list(std::string_view list, uint32_t* tables);
// One word of such a list; false if it is not a table name, `all` or `default`.
bool parse_record_word(std::string_view word, uint32_t* tables);
// "kpis, calls, routing, views, staleness, ownership, links, events, all, default".
std::string record_choices();

}  // namespace scsim::stats
