#include "stats/replication_stats.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace scsim::stats {

double student_t_quantile(double p, double dof) {
  if (!(dof >= 1) || !(p > 0 && p < 1) || !std::isfinite(dof)) return NAN;
  boost::math::students_t_distribution<double> t(dof);
  return boost::math::quantile(t, p);
}

double t_two_sided(double confidence, int dof) {
  if (!(confidence > 0 && confidence < 1)) return NAN;
  return student_t_quantile(1 - (1 - confidence) / 2, dof);
}

Sample summarize(const std::vector<double>& xs, double confidence) {
  Sample s;
  double sum = 0;
  for (double x : xs) {
    if (std::isnan(x)) continue;
    sum += x;
    ++s.n;
  }
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double ss = 0;
  for (double x : xs) {
    if (!std::isnan(x)) ss += (x - s.mean) * (x - s.mean);
  }
  s.sd = std::sqrt(ss / (s.n - 1));
  s.half = t_two_sided(confidence, s.n - 1) * s.sd / std::sqrt(double(s.n));
  return s;
}

}  // namespace scsim::stats
