// Student-t quantiles from Boost.Math and the replication summary of scsim compare, against
// published values (Abramowitz & Stegun table 26.10; NIST/SEMATECH e-Handbook 1.3.6.7.2).
#include <cmath>
#include <vector>

#include "catch.hpp"
#include "stats/replication_stats.hpp"

using namespace scsim::stats;

TEST_CASE("Student t quantiles match the published table") {
  // t_{0.975, dof}
  CHECK(t_two_sided(0.95, 1) == Approx(12.7062047).epsilon(1e-8));
  CHECK(t_two_sided(0.95, 2) == Approx(4.30265273).epsilon(1e-8));
  CHECK(t_two_sided(0.95, 9) == Approx(2.26215716).epsilon(1e-8));
  CHECK(t_two_sided(0.95, 19) == Approx(2.09302405).epsilon(1e-8));
  CHECK(t_two_sided(0.95, 30) == Approx(2.04227246).epsilon(1e-8));
  CHECK(t_two_sided(0.95, 120) == Approx(1.97993041).epsilon(1e-8));
  // Other levels: t_{0.995, 10} and t_{0.95, 5}.
  CHECK(t_two_sided(0.99, 10) == Approx(3.16927267).epsilon(1e-8));
  CHECK(student_t_quantile(0.95, 5) == Approx(2.01504837).epsilon(1e-8));
  // Symmetric, and the normal quantile in the limit.
  CHECK(student_t_quantile(0.025, 9) == Approx(-2.26215716).epsilon(1e-8));
  // z_{0.975} = 1.95996398 plus the first Cornish-Fisher term (z^3 + z) / (4 dof).
  CHECK(t_two_sided(0.95, 1000000) == Approx(1.95996636).epsilon(1e-8));
  CHECK(std::isnan(t_two_sided(0.95, 0)));
  CHECK(std::isnan(student_t_quantile(1.0, 5)));
}

TEST_CASE("summarize: mean, sd and the 95 % t interval; NaN values left out") {
  Sample s = summarize({1, 2, 3, 4, NAN, 5});
  CHECK(s.n == 5);
  CHECK(s.mean == Approx(3.0));
  CHECK(s.sd == Approx(std::sqrt(2.5)));
  CHECK(s.half == Approx(2.77644511 * std::sqrt(2.5) / std::sqrt(5.0)));
  CHECK(s.significant());
  Sample z = summarize({-1, 1});
  CHECK(z.mean == Approx(0.0).margin(1e-12));
  CHECK(!z.significant());
  Sample one = summarize({7});
  CHECK(one.n == 1);
  CHECK(std::isnan(one.half));
  CHECK(!one.significant());
  CHECK(summarize({}).n == 0);
}
