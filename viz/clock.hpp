// Clock time for the GUI (issue 19 §1): a scenario is written in clock time ("12:00:00") and a
// contact centre thinks in 12:00-12:30, so every time the window shows is `12:00:00.000`, with
// a day prefix past 24 h (`1d 02:00:00.000`); the exact seconds go in tooltips. Axis ticks use
// the same clock at a step chosen from round durations.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/time.hpp"

namespace scsim::viz {

// `decimals` digits of the second (0..6): 12:00:00.000 by default; "1d 02:00:00.000" past 24 h.
inline std::string clock_time(Time t, int decimals = 3) {
  int64_t us = t.micros();
  const char* sign = "";
  if (us < 0) {
    sign = "-";
    us = -us;
  }
  decimals = std::clamp(decimals, 0, 6);
  int64_t scale = 1;
  for (int i = decimals; i < 6; ++i)
    scale *= 10;
  us = (us + scale / 2) / scale * scale;  // rounded to the digits shown
  const int64_t s = us / 1'000'000;
  const int64_t day = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
  char b[64];
  int n = day > 0 ? std::snprintf(b, sizeof b, "%s%lldd %02lld:%02lld:%02lld", sign,
                                  static_cast<long long>(day), static_cast<long long>(h),
                                  static_cast<long long>(m), static_cast<long long>(sec))
                  : std::snprintf(b, sizeof b, "%s%02lld:%02lld:%02lld", sign,
                                  static_cast<long long>(h), static_cast<long long>(m),
                                  static_cast<long long>(sec));
  std::string out(b, n > 0 ? static_cast<size_t>(n) : 0);
  if (decimals > 0) {
    std::string frac = std::to_string(us % 1'000'000 / scale);
    out +=
        "." +
        std::string(static_cast<size_t>(decimals) - std::min(frac.size(), size_t(decimals)), '0') +
        frac;
  }
  return out;
}

// A duration, short: "30 s", "15 min", "1 h 30 min", "250 ms".
inline std::string duration_text(Time d) {
  const int64_t us = d.micros();
  char b[48];
  if (us < 1'000'000) {
    std::snprintf(b, sizeof b, "%g ms", static_cast<double>(us) / 1e3);
  } else if (us < 60'000'000 || us % 60'000'000 != 0) {
    std::snprintf(b, sizeof b, "%g s", static_cast<double>(us) / 1e6);
  } else if (us < 3'600'000'000LL || us % 3'600'000'000LL == 0) {
    const int64_t m = us / 60'000'000;
    if (m < 60)
      std::snprintf(b, sizeof b, "%lld min", static_cast<long long>(m));
    else
      std::snprintf(b, sizeof b, "%lld h", static_cast<long long>(m / 60));
  } else {
    const int64_t m = us / 60'000'000;
    std::snprintf(b, sizeof b, "%lld h %lld min", static_cast<long long>(m / 60),
                  static_cast<long long>(m % 60));
  }
  return b;
}

// The exact time for a tooltip: "12:00:00.000 (43200.000000 s)".
inline std::string clock_and_seconds(Time t) {
  return clock_time(t) + " (" + format_time(t) + " s)";
}

// A round tick step (seconds) that puts at most about `max_ticks` ticks over `span_s`.
inline double tick_step_s(double span_s, int max_ticks) {
  static constexpr double steps[] = {0.001, 0.002, 0.005, 0.01,   0.02,  0.05, 0.1,  0.2,
                                     0.5,   1,     2,     5,      10,    15,   30,   60,
                                     120,   300,   600,   900,    1800,  3600, 7200, 10800,
                                     21600, 43200, 86400, 172800, 604800};
  for (double s : steps)
    if (span_s / s <= max_ticks) return s;
  return 604800;
}

// A tick label at step `step_s`: hours and minutes when the step is whole minutes, seconds when
// whole seconds, milliseconds below.
inline std::string tick_label(double t_s, double step_s) {
  const Time t = seconds(t_s);
  std::string full = clock_time(t, step_s >= 1 ? 0 : 3);
  if (step_s >= 60 && full.size() >= 3) full.resize(full.size() - 3);  // drop ":ss"
  return full;
}

}  // namespace scsim::viz
