// Statistics over independent replications (scsim compare, campaigns): the mean, standard
// deviation and Student-t confidence interval of a sample of per-replication values.
//
// Quantiles come from Boost.Math (boost/math/distributions/students_t.hpp, header-only), not
// from a hand-written table: tests/stats/test_replication_stats.cpp checks them against
// published values.
#pragma once

#include <cmath>
#include <vector>

namespace scsim::stats {

// The p-quantile of Student's t distribution with `dof` degrees of freedom (dof >= 1, 0 < p <
// 1); NaN otherwise.
double student_t_quantile(double p, double dof);

// The two-sided (1 - alpha) quantile t_{1 - alpha/2, dof}: 2.262157 for dof 9 at 95 %.
double t_two_sided(double confidence, int dof);

struct Sample {
  double mean = NAN;  // no value
  double sd = NAN;    // sample standard deviation (n - 1); NaN below two values
  double half = NAN;  // half width of the two-sided confidence interval of the mean
  int n = 0;          // values that are not NaN
  double low() const { return mean - half; }
  double high() const { return mean + half; }
  // The interval excludes 0 (n >= 2).
  bool significant() const { return n >= 2 && !std::isnan(half) && (low() > 0 || high() < 0); }
};

// NaN values (a KPI undefined in a replication, e.g. SL with no calls) are left out.
Sample summarize(const std::vector<double>& xs, double confidence = 0.95);

}  // namespace scsim::stats
