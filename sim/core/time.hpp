// Simulated time: a strong type over int64 microseconds.
//
// Every duration and instant in scsim is a Time. It is built only through the factories
// (seconds(2.5), millis(40), micros(3)) or parse_time(), never implicitly from a double, so a
// unit mistake cannot compile. Doubles given to seconds()/millis() are rounded to the nearest
// microsecond (DOMAIN §4: drawn durations are rounded to the nearest microsecond).
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scsim {

class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_micros(int64_t us) { return Time(us); }
  static constexpr Time max() { return Time(std::numeric_limits<int64_t>::max()); }
  static constexpr Time zero() { return Time(0); }

  constexpr int64_t micros() const { return us_; }
  constexpr double to_seconds() const { return static_cast<double>(us_) / 1e6; }

  constexpr auto operator<=>(const Time&) const = default;

  constexpr Time operator+(Time o) const { return Time(us_ + o.us_); }
  constexpr Time operator-(Time o) const { return Time(us_ - o.us_); }
  constexpr Time& operator+=(Time o) {
    us_ += o.us_;
    return *this;
  }
  constexpr Time& operator-=(Time o) {
    us_ -= o.us_;
    return *this;
  }
  constexpr Time operator*(int64_t k) const { return Time(us_ * k); }
  constexpr Time operator/(int64_t k) const { return Time(us_ / k); }
  constexpr Time operator-() const { return Time(-us_); }

 private:
  constexpr explicit Time(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

constexpr Time micros(int64_t us) {
  return Time::from_micros(us);
}
constexpr Time millis(int64_t ms) {
  return Time::from_micros(ms * 1000);
}
// Rounds to the nearest microsecond; throws std::domain_error if not finite or out of range.
Time seconds(double s);
Time millis_f(double ms);

// "123.456789" (seconds, exactly six decimals, '-' for negatives).
std::string format_time(Time t);

// Parses "12.5", "12.5s", "250ms", "40us", "01:30:00" or "1:30" (h:m:s / m:s).
// Returns the value or an error message naming what was wrong.
struct TimeParse {
  std::optional<Time> value;
  std::string error;
};
TimeParse parse_time(std::string_view text);

}  // namespace scsim
