#include "catch.hpp"
#include "core/time.hpp"

using namespace scsim;

TEST_CASE("Time factories agree on the same instant in microseconds") {
  CHECK(seconds(2.5).micros() == 2'500'000);
  CHECK(millis(40).micros() == 40'000);
  CHECK(micros(3).micros() == 3);
  CHECK(seconds(1.0000004).micros() == 1'000'000);  // rounds to nearest
  CHECK(seconds(1.0000006).micros() == 1'000'001);
  CHECK(millis_f(0.5).micros() == 500);
}

TEST_CASE("Time arithmetic and comparison behave like integers") {
  Time a = seconds(1.010);
  Time b = millis(20);
  CHECK((a + b) == seconds(1.030));
  CHECK((a - b) == seconds(0.990));
  CHECK(b * 3 == millis(60));
  CHECK(a > b);
  CHECK(b < a);
  CHECK(Time::zero() < micros(1));
}

TEST_CASE("Time formats as seconds with exactly six decimals") {
  CHECK(format_time(seconds(123.456789)) == "123.456789");
  CHECK(format_time(Time::zero()) == "0.000000");
  CHECK(format_time(millis(1050)) == "1.050000");
  CHECK(format_time(-millis(1)) == "-0.001000");
}

TEST_CASE("Time parses seconds, units and clock notation") {
  CHECK(parse_time("12.5").value == seconds(12.5));
  CHECK(parse_time("12.5s").value == seconds(12.5));
  CHECK(parse_time("250ms").value == millis(250));
  CHECK(parse_time("40us").value == micros(40));
  CHECK(parse_time("01:30:00").value == seconds(5400));
  CHECK(parse_time("1:30").value == seconds(90));
  CHECK(parse_time(" 7 ").value == seconds(7));
  CHECK(parse_time("0.000001").value == micros(1));
}

TEST_CASE("Time parsing rejects bad text with a message that says what was expected") {
  for (const char* bad : {"", "abc", "-1", "1.2.3", "12x", "1:60:00", "1:2:3:4", "ms", "1e400"}) {
    INFO(bad);
    auto r = parse_time(bad);
    CHECK_FALSE(r.value.has_value());
    CHECK_FALSE(r.error.empty());
  }
  CHECK(parse_time("abc").error.find("expected a time") != std::string::npos);
}

TEST_CASE("Time rejects non-finite seconds instead of converting them") {
  CHECK_THROWS_AS(seconds(1.0 / 0.0), std::domain_error);
  CHECK_THROWS_AS(seconds(std::nan("")), std::domain_error);
}
