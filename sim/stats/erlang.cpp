// Erlang B, C and A formulas; see erlang.hpp for the definitions and conventions.
#include "stats/erlang.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace scsim::stats {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// log(1 + e^z) without overflow for large z or loss of precision for very negative z.
double softplus(double z) {
  return z > 0.0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

// log B(c, a) by the Erlang B recursion on 1/B: 1/B(k) = 1 + k / (a B(k-1)), B(0) = 1.
// Each step contracts errors (d logB(k) / d logB(k-1) is in (0, 1)), so it is stable.
double log_erlang_b(double a, int c) {
  if (c == 0) return 0.0;
  if (a == 0.0) return -kInf;
  const double log_a = std::log(a);
  double log_b = 0.0;
  for (int k = 1; k <= c; ++k)
    log_b = -softplus(std::log(static_cast<double>(k)) - log_a - log_b);
  return log_b;
}

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("erlang: ") + what);
}

void check_common(double rate_per_s, double aht_s, int agents, double threshold_s) {
  require(std::isfinite(rate_per_s) && rate_per_s >= 0.0, "rate must be finite and >= 0");
  require(std::isfinite(aht_s) && aht_s > 0.0, "AHT must be finite and > 0");
  require(agents >= 1, "agents must be >= 1");
  require(!std::isnan(threshold_s) && threshold_s >= 0.0, "threshold must be >= 0");
}

ErlangResult idle_result() {
  ErlangResult r;
  r.service_level = 1.0;
  return r;
}

}  // namespace

double erlang_b(double offered_load, int agents) {
  require(std::isfinite(offered_load) && offered_load >= 0.0, "load must be finite and >= 0");
  require(agents >= 0, "agents must be >= 0");
  return std::exp(log_erlang_b(offered_load, agents));
}

ErlangResult erlang_c(double rate_per_s, double aht_s, int agents, double threshold_s) {
  check_common(rate_per_s, aht_s, agents, threshold_s);
  const double a = rate_per_s * aht_s;
  const double c = agents;
  if (a == 0.0) return idle_result();
  ErlangResult r;
  r.offered_load = a;
  if (a >= c) {  // no steady state: the queue grows without bound
    r.p_wait = 1.0;
    r.asa_s = kInf;
    r.mean_wait_s = kInf;
    r.service_level = 0.0;
    r.occupancy = 1.0;
    return r;
  }
  const double rho = a / c;
  const double b = std::exp(log_erlang_b(a, agents));
  // C = c B / (c - a (1 - B)) = B / (1 - rho + rho B).
  const double pw = b / (1.0 - rho + rho * b);
  const double drain_rate = (c - a) / aht_s;  // rate of the exponential wait of a waiting call
  r.p_wait = pw;
  r.asa_s = pw / drain_rate;
  r.mean_wait_s = r.asa_s;
  r.service_level = 1.0 - pw * std::exp(-drain_rate * threshold_s);
  r.occupancy = rho;
  return r;
}

// Erlang A. With x = c mu / theta and y = lambda / theta (theta = 1 / patience), the
// stationary weight of "all c agents busy and j callers queued" relative to "all busy, none
// queued" is t_j = prod_{i=1..j} y / (x + i); A = sum_j t_j. By PASTA a caller who must wait
// finds j callers ahead with probability w_j = t_j / A, and
//   P(wait) = A E / (1 + (A - 1) E),  E = Erlang B(c, a),
//   P(abandon | wait) = sum_j j w_j / y          (abandon rate theta E[Q] over lambda).
// A tagged caller with j ahead reaches an agent after V = sum_{i=0..j} Exp(c mu + i theta)
// (the head of the queue advances when an agent frees up or someone ahead abandons). Then
// U = exp(-theta V) has the moments of Beta(x, j + 1), and with an independent Exp(theta)
// patience:
//   s_j = P(served | j)            = E[U]                 = x / (x + j + 1)
//   E[V; served | j]               = -dE[e^{-sV}]/ds at theta = s_j H_j / theta,
//                                    H_j = sum_{i=1..j+1} 1 / (x + i)
//   P(served, V <= T | j)          = E[U; U >= e^{-theta T}]
//                                  = s_j P(Beta(x + 1, j + 1) >= u0)
//                                  = s_j P(K > j),  K ~ NegBin(x + 1, u0), u0 = e^{-theta T}
// (K counts failures before the (x+1)-th success of probability u0; its CDF at j is the
// regularised incomplete beta I_u0(x + 1, j + 1)).
ErlangResult erlang_a(double rate_per_s, double aht_s, int agents, double patience_mean_s,
                      double threshold_s) {
  check_common(rate_per_s, aht_s, agents, threshold_s);
  require(!std::isnan(patience_mean_s) && patience_mean_s > 0.0, "patience must be > 0");
  if (std::isinf(patience_mean_s)) return erlang_c(rate_per_s, aht_s, agents, threshold_s);
  const double a = rate_per_s * aht_s;
  const double c = agents;
  if (a == 0.0) return idle_result();

  const double theta = 1.0 / patience_mean_s;
  const double x = c * patience_mean_s / aht_s;   // c mu / theta
  const double y = rate_per_s * patience_mean_s;  // lambda / theta
  require(std::isfinite(x) && std::isfinite(y), "load or patience too large");

  // The terms t_j grow while j <= y - x and shrink after: the peak is at j_peak.
  const double peak_real = y > x ? std::floor(y - x) : 0.0;
  require(peak_real < 1e8, "queue too long to sum (lambda * patience far above capacity)");
  const auto j_peak = static_cast<int64_t>(peak_real);
  auto log_ratio = [&](int64_t j) { return std::log(y / (x + static_cast<double>(j))); };

  // d_j = log(t_j / t_peak) for j <= j_peak, walked down from the peak so that the terms
  // carrying the mass are accurate; below e^-800 of the peak they are exactly 0 in double.
  constexpr double kNegligibleLog = -800.0;
  std::vector<double> below_peak;  // below_peak[k] = d_{j_peak - k}
  below_peak.push_back(0.0);
  for (int64_t j = j_peak; j >= 1 && below_peak.back() > kNegligibleLog; --j)
    below_peak.push_back(below_peak.back() - log_ratio(j));
  auto rel_below = [&](int64_t j) {
    const auto k = static_cast<std::size_t>(j_peak - j);
    return k < below_peak.size() ? std::exp(below_peak[k]) : 0.0;
  };

  // P(K > j), K ~ NegBin(x + 1, u0): the complement of the regularised incomplete beta
  // I_u0(x + 1, j + 1), from Boost.Math's ibetac rather than a hand-summed pmf recursion.
  const bool zero_threshold = threshold_s == 0.0;
  const double u0 = std::exp(-theta * threshold_s);

  double s0 = 0.0;        // sum t_j            (all relative to t_peak)
  double s1 = 0.0;        // sum j t_j
  double s_wait = 0.0;    // sum t_j s_j H_j
  double s_sl = 0.0;      // sum t_j s_j P(K > j)
  double harmonic = 0.0;  // H_j
  double d_above = 0.0;   // d_j for j > j_peak
  constexpr double kTail = 1e-17;
  for (int64_t j = 0;; ++j) {
    const auto jd = static_cast<double>(j);
    double rel;
    if (j <= j_peak) {
      rel = rel_below(j);
    } else {
      d_above += log_ratio(j);
      rel = std::exp(d_above);
    }
    const double served = x / (x + jd + 1.0);
    harmonic += 1.0 / (x + jd + 1.0);
    const double survival = zero_threshold ? 0.0
                            : u0 == 0.0    ? 1.0
                                           : boost::math::ibetac(x + 1.0, jd + 1.0, u0);
    s0 += rel;
    s1 += jd * rel;
    s_wait += rel * served * harmonic;
    s_sl += rel * served * survival;
    if (j < j_peak) continue;
    // Past the peak the ratios r_k = y / (x + k) fall, so the rest of the series is bounded
    // by geometric sums with ratio r = y / (x + j + 1) < 1:
    //   sum_{k>j} t_k <= t_j r / (1 - r),  sum_{k>j} k t_k <= t_j (j + 1) r / (1 - r)^2.
    const double r = y / (x + jd + 1.0);
    if (r >= 1.0) continue;
    const double tail0 = rel * r / (1.0 - r);
    const double tail1 = rel * (jd + 1.0) * r / ((1.0 - r) * (1.0 - r));
    if (tail0 <= kTail * s0 && tail1 <= kTail * s1) break;
    if (rel == 0.0) break;
  }

  // log t_peak = sum_{j=1..j_peak} log(y / (x + j)), with Neumaier's compensated summation
  // since j_peak may be large.
  double log_peak = 0.0, compensation = 0.0;
  for (int64_t j = 1; j <= j_peak; ++j) {
    const double term = log_ratio(j);
    const double sum = log_peak + term;
    compensation +=
        std::fabs(log_peak) >= std::fabs(term) ? (log_peak - sum) + term : (term - sum) + log_peak;
    log_peak = sum;
  }
  log_peak += compensation;
  const double log_big_a = log_peak + std::log(s0);
  const double log_e = log_erlang_b(a, agents);

  ErlangResult r;
  r.offered_load = a;
  // P(wait) = 1 / (1 + (1 - E) / (A E)).
  r.p_wait = 1.0 / (1.0 + std::exp(std::log1p(-std::exp(log_e)) - log_big_a - log_e));
  const double p_ab_given_wait = (s1 / s0) / y;
  r.p_abandon = r.p_wait * p_ab_given_wait;
  r.mean_wait_s = r.p_abandon * patience_mean_s;
  const double p_served = 1.0 - r.p_abandon;
  r.asa_s = r.p_wait * (s_wait / s0) * patience_mean_s / p_served;
  r.service_level = (1.0 - r.p_wait) + r.p_wait * (s_sl / s0);
  r.occupancy = a * p_served / c;
  return r;
}

}  // namespace scsim::stats
