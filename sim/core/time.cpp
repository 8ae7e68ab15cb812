#include "core/time.hpp"

#include <cmath>
#include <cstdio>

namespace scsim {

namespace {
constexpr double kMaxSeconds = 9.0e12;  // ~285 years in microseconds fits int64 comfortably

Time round_micros(double us) {
  return Time::from_micros(static_cast<int64_t>(std::llround(us)));
}
}  // namespace

Time seconds(double s) {
  if (!std::isfinite(s) || std::fabs(s) > kMaxSeconds) {
    throw std::domain_error("time out of range: " + std::to_string(s) + " s");
  }
  return round_micros(s * 1e6);
}

Time millis_f(double ms) {
  return seconds(ms / 1e3);
}

std::string format_time(Time t) {
  int64_t us = t.micros();
  bool neg = us < 0;
  // Work in unsigned to format INT64_MIN without overflow.
  uint64_t mag = neg ? uint64_t(0) - static_cast<uint64_t>(us) : static_cast<uint64_t>(us);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", neg ? "-" : "",
                static_cast<unsigned long long>(mag / 1000000),
                static_cast<unsigned long long>(mag % 1000000));
  return buf;
}

namespace {

// Parses a non-negative decimal number without locale or std::stod's leniency.
// Accepts digits with at most one '.', at least one digit.
std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  double scale = 0;
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
      if (scale == 0) {
        v = v * 10 + (c - '0');
      } else {
        v += (c - '0') * scale;
        scale /= 10;
      }
    } else if (c == '.' && scale == 0) {
      scale = 0.1;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  return v;
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

}  // namespace

TimeParse parse_time(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  const std::string expected = "expected a time such as 12.5, 12.5s, 250ms, 40us or 01:30:00";
  if (s.empty()) return {std::nullopt, "empty time; " + expected};
  if (s.front() == '-') return {std::nullopt, "negative time " + quoted(text) + "; " + expected};

  double total_s = 0;
  if (s.find(':') != std::string_view::npos) {
    // h:m:s or m:s; the last field may have decimals.
    double fields[3];
    int n = 0;
    size_t start = 0;
    while (true) {
      size_t colon = s.find(':', start);
      std::string_view part =
          s.substr(start, colon == std::string_view::npos ? s.size() - start : colon - start);
      if (n == 3) return {std::nullopt, "too many ':' in " + quoted(text) + "; " + expected};
      auto v = parse_decimal(part);
      if (!v) return {std::nullopt, "bad number in " + quoted(text) + "; " + expected};
      fields[n++] = *v;
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (n < 2) return {std::nullopt, "bad clock time " + quoted(text) + "; " + expected};
    for (int i = 0; i + 1 < n; ++i) {
      if (fields[i] != std::floor(fields[i])) {
        return {std::nullopt, "only the seconds field may have decimals in " + quoted(text)};
      }
    }
    if (n == 3) {
      if (fields[1] >= 60 || fields[2] >= 60) {
        return {std::nullopt, "minutes and seconds must be below 60 in " + quoted(text)};
      }
      total_s = fields[0] * 3600 + fields[1] * 60 + fields[2];
    } else {
      if (fields[1] >= 60) return {std::nullopt, "seconds must be below 60 in " + quoted(text)};
      total_s = fields[0] * 60 + fields[1];
    }
  } else {
    double unit = 1.0;
    std::string_view num = s;
    auto ends_with = [&](std::string_view suf) {
      return num.size() > suf.size() && num.substr(num.size() - suf.size()) == suf;
    };
    if (ends_with("ms")) {
      unit = 1e-3;
      num.remove_suffix(2);
    } else if (ends_with("us")) {
      unit = 1e-6;
      num.remove_suffix(2);
    } else if (ends_with("s")) {
      num.remove_suffix(1);
    } else if (ends_with("min")) {
      unit = 60;
      num.remove_suffix(3);
    } else if (ends_with("h")) {
      unit = 3600;
      num.remove_suffix(1);
    }
    auto v = parse_decimal(num);
    if (!v) return {std::nullopt, "not a time: " + quoted(text) + "; " + expected};
    total_s = *v * unit;
  }
  if (!std::isfinite(total_s) || total_s > kMaxSeconds) {
    return {std::nullopt, "time too large: " + quoted(text)};
  }
  return {seconds(total_s), {}};
}

}  // namespace scsim
