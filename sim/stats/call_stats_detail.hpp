// Helpers shared by CallStats' files (call_stats.cpp, call_stats_episodes.cpp,
// call_stats_tables.cpp); internal to stats/.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "stats/csv.hpp"
#include "stats/kpis.hpp"

namespace scsim::stats::call_stats_detail {

inline constexpr int64_t kUsPerSecond = 1'000'000;

// The empty name (of no node, no group, no DN).
inline const std::string none_text;

inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int64_t ceil_div(int64_t a, int64_t b) {
  return -floor_div(-a, b);
}

// "hh:mm:ss" of an instant (hours past 24 keep counting: "25:00:00" is 01:00 the next day).
inline std::string clock_text(int64_t us) {
  const int64_t s = floor_div(us, kUsPerSecond);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

// The KPI columns of a row; agent time is left empty on rows of calls (nodes, none).
inline void put_kpis(CsvWriter& w, const Kpis& k, bool agent_time) {
  for (const auto& f : kpi_fields(k))
    w.field(f.agent_time && !agent_time ? std::string() : format_kpi(f));
}

}  // namespace scsim::stats::call_stats_detail
