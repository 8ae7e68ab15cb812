#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "stats/erlang.hpp"

using namespace scsim::stats;

namespace {

constexpr double kAht = 180.0;
constexpr double kThreshold = 20.0;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// "Agrees to 6 significant digits": relative difference at most 5e-7 of the reference.
Approx six_digits(double reference) {
  return Approx(reference).epsilon(5e-7);
}

// An independent check of Erlang A that shares no formula with erlang.cpp: the stationary
// law of the truncated M/M/c+M birth-death chain computed state by state, and the tagged
// caller followed through its own small Markov chain (recursions for P(served) and the mean
// wait, Runge-Kutta on the backward equations for P(served within T)).
struct DirectErlangA {
  double p_wait = 0, p_abandon = 0, p_abandon_tagged = 0, asa_s = 0, service_level = 0;
};

DirectErlangA direct_erlang_a(double lambda, double aht, int c, double patience, double t) {
  const int max_queue = 2000;
  const double theta = 1.0 / patience;
  std::vector<double> log_w(static_cast<size_t>(c + max_queue + 1), 0.0);
  for (int k = 1; k <= c + max_queue; ++k) {
    const double death = std::min(k, c) / aht + std::max(k - c, 0) * theta;
    log_w[k] = log_w[k - 1] + std::log(lambda / death);
  }
  const double top = *std::max_element(log_w.begin(), log_w.end());
  std::vector<double> pi(log_w.size());
  double total = 0;
  for (size_t k = 0; k < pi.size(); ++k)
    total += pi[k] = std::exp(log_w[k] - top);
  for (double& p : pi)
    p /= total;
  int queue_len = 0;  // states worth following: pi of "c busy, j queued" above 1e-22
  while (queue_len < max_queue && pi[c + queue_len] > 1e-22)
    ++queue_len;

  DirectErlangA d;
  double mean_queue = 0;
  for (int j = 0; j <= max_queue; ++j) {
    d.p_wait += pi[c + j];
    mean_queue += j * pi[c + j];
  }
  d.p_abandon = theta * mean_queue / lambda;  // abandonment rate over arrival rate

  // Tagged caller with j ahead: from "i ahead" the queue advances at rate c/aht + i theta
  // (for i = 0: an agent frees up) and the caller itself abandons at rate theta.
  auto advance = [&](int i) { return c / aht + i * theta; };
  double served = 1.0, wait_served = 0.0, answered_wait = 0.0;
  for (int j = 0; j < queue_len; ++j) {
    const double out = advance(j) + theta;
    wait_served = served * advance(j) / out / out + advance(j) / out * wait_served;
    served *= advance(j) / out;
    d.p_abandon_tagged += pi[c + j] * (1.0 - served);
    answered_wait += pi[c + j] * wait_served;
  }
  d.asa_s = answered_wait / (1.0 - d.p_abandon_tagged);

  // q_i(s) = P(served within s | i ahead): q_i' = adv_i (q_{i-1} - q_i) - theta q_i,
  // q_{-1} = 1, q_i(0) = 0. Classic RK4 with 20000 steps.
  const int steps = 20000;
  const double h = t / steps;
  const auto n = static_cast<size_t>(queue_len);
  std::vector<double> q(n, 0.0), k1(n), k2(n), k3(n), k4(n), tmp(n);
  auto deriv = [&](const std::vector<double>& v, std::vector<double>& out) {
    for (size_t i = 0; i < n; ++i) {
      const double prev = i == 0 ? 1.0 : v[i - 1];
      out[i] = advance(static_cast<int>(i)) * (prev - v[i]) - theta * v[i];
    }
  };
  for (int s = 0; s < steps; ++s) {
    deriv(q, k1);
    for (size_t i = 0; i < n; ++i)
      tmp[i] = q[i] + 0.5 * h * k1[i];
    deriv(tmp, k2);
    for (size_t i = 0; i < n; ++i)
      tmp[i] = q[i] + 0.5 * h * k2[i];
    deriv(tmp, k3);
    for (size_t i = 0; i < n; ++i)
      tmp[i] = q[i] + h * k3[i];
    deriv(tmp, k4);
    for (size_t i = 0; i < n; ++i)
      q[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  }
  d.service_level = 1.0 - d.p_wait;
  for (size_t j = 0; j < n; ++j)
    d.service_level += pi[c + j] * q[j];
  return d;
}

}  // namespace

TEST_CASE("Erlang B matches the textbook values for 3 agents at 2 Erlangs and 10 at 5") {
  // B(3, 2) = (2^3 / 3!) / (1 + 2 + 2^2/2! + 2^3/3!) = 4/19 exactly.
  CHECK(erlang_b(2.0, 3) == Approx(4.0 / 19.0).epsilon(1e-14));
  // Any Erlang B table: B(10 trunks, 5 Erlangs) = 0.01838.
  CHECK(erlang_b(5.0, 10) == Approx(0.01838).margin(5e-6));
  CHECK(erlang_b(5.0, 0) == 1.0);
  CHECK(erlang_b(0.0, 4) == 0.0);
}

TEST_CASE("Erlang C gives P(wait) = 4/9 for 2 Erlangs offered to 3 agents") {
  // Textbook: C(3, 2) = 3 B / (3 - 2 (1 - B)) with B = 4/19, i.e. 12/27 = 0.4444...
  // With AHT 1 s: ASA = C / (c - a) = 4/9 s and P(W <= T) = 1 - C e^{-(c - a) T}.
  const ErlangResult r = erlang_c(2.0, 1.0, 3, 0.5);
  CHECK(r.p_wait == Approx(4.0 / 9.0).epsilon(1e-14));
  CHECK(r.asa_s == Approx(4.0 / 9.0).epsilon(1e-14));
  CHECK(r.mean_wait_s == r.asa_s);
  CHECK(r.service_level == Approx(1.0 - 4.0 / 9.0 * std::exp(-0.5)).epsilon(1e-14));
  CHECK(r.occupancy == Approx(2.0 / 3.0));
  CHECK(r.offered_load == Approx(2.0));
  CHECK(r.p_abandon == 0.0);
}

// Reference values of the peer implementation /work/shared/peers/erlang.py (AHT 180 s,
// T = 20 s, lambda = a / 180), printed at full precision by:
//   python3 -c 'import sys; sys.path.insert(0, "/work/shared/peers"); import erlang as e;
//   [print(c, a, e.erlang_c(a / 180, 180.0, c, 20.0)) for c, a in [(10, 8.5), (50, 45.0),
//   (500, 475.0)]]; [print(c, a, p, e.erlang_a(a / 180, 180.0, c, 20.0, p)) for c, a, p in
//   [(10, 9.0, 300.0), (500, 525.0, 120.0)]]'
// (one line in the shell). The command-line form agrees to its printed 6 decimals, e.g.
//   python3 /work/shared/peers/erlang.py 0.04722222222222222 180 10 20
//   python3 /work/shared/peers/erlang.py 0.25 180 50 20
//   python3 /work/shared/peers/erlang.py 2.638888888888889 180 500 20
//   python3 /work/shared/peers/erlang.py 0.05 180 10 20 --patience 300
//   python3 /work/shared/peers/erlang.py 2.9166666666666665 180 500 20 --patience 120
TEST_CASE("Erlang C agrees with erlang.py to 6 significant digits for 10, 50 and 500 agents") {
  struct Case {
    int c;
    double a, p_wait, asa, sl;
  };
  const Case cases[] = {
      {10, 8.5, 0.5298613051159033, 63.5833566139084, 0.5514820884926981},
      {50, 45.0, 0.36386446720698834, 13.09912081945158, 0.791231517255187},
      {500, 475.0, 0.17696383196453094, 1.2741395901446229, 0.9889970040508116},
  };
  for (const Case& k : cases) {
    INFO("c = " << k.c << ", a = " << k.a);
    const ErlangResult r = erlang_c(k.a / kAht, kAht, k.c, kThreshold);
    CHECK(r.p_wait == six_digits(k.p_wait));
    CHECK(r.asa_s == six_digits(k.asa));
    CHECK(r.service_level == six_digits(k.sl));
    CHECK(r.occupancy == six_digits(k.a / k.c));
    CHECK(r.offered_load == six_digits(k.a));
  }
}

TEST_CASE("Erlang A agrees with erlang.py to 6 significant digits, underloaded and overloaded") {
  struct Case {
    int c;
    double a, patience, p_wait, p_abandon, mean_wait, asa_answered, sl, occupancy;
  };
  const Case cases[] = {
      {10, 9.0, 300.0, 0.45437969265240236, 0.07189597530385712, 21.568792591157134,
       20.057464011752973, 0.6565812992071112, 0.8352936222265287},
      {500, 525.0, 120.0, 0.8051687564790508, 0.051986529462858526, 6.238383535543023,
       6.276571470602813, 0.9331915999408615, 0.9954141440639985},
  };
  for (const Case& k : cases) {
    INFO("c = " << k.c << ", a = " << k.a << ", patience = " << k.patience);
    const ErlangResult r = erlang_a(k.a / kAht, kAht, k.c, k.patience, kThreshold);
    CHECK(r.p_wait == six_digits(k.p_wait));
    CHECK(r.p_abandon == six_digits(k.p_abandon));
    CHECK(r.mean_wait_s == six_digits(k.mean_wait));
    CHECK(r.asa_s == six_digits(k.asa_answered));
    CHECK(r.service_level == six_digits(k.sl));
    CHECK(r.occupancy == six_digits(k.occupancy));
  }
}

TEST_CASE("Erlang A agrees with a direct birth-death computation and a tagged-caller chain") {
  struct Case {
    int c;
    double a, patience;
  };
  const Case cases[] = {{10, 9.0, 300.0}, {500, 525.0, 120.0}, {14, 10.0, 300.0}};
  for (const Case& k : cases) {
    INFO("c = " << k.c << ", a = " << k.a << ", patience = " << k.patience);
    const double lambda = k.a / kAht;
    const ErlangResult r = erlang_a(lambda, kAht, k.c, k.patience, kThreshold);
    const DirectErlangA d = direct_erlang_a(lambda, kAht, k.c, k.patience, kThreshold);
    CHECK(r.p_wait == Approx(d.p_wait).epsilon(1e-10));
    CHECK(r.p_abandon == Approx(d.p_abandon).epsilon(1e-10));
    CHECK(r.p_abandon == Approx(d.p_abandon_tagged).epsilon(1e-10));
    CHECK(r.asa_s == Approx(d.asa_s).epsilon(1e-10));
    CHECK(r.service_level == Approx(d.service_level).epsilon(1e-10));
  }
}

TEST_CASE("Erlang A with very large patience approaches Erlang C") {
  const double lambda = 45.0 / kAht;  // 50 agents at rho = 0.9
  const ErlangResult c = erlang_c(lambda, kAht, 50, kThreshold);
  const ErlangResult a = erlang_a(lambda, kAht, 50, 1e9, kThreshold);
  CHECK(a.p_wait == Approx(c.p_wait).epsilon(1e-5));
  CHECK(a.asa_s == Approx(c.asa_s).epsilon(1e-5));
  CHECK(a.service_level == Approx(c.service_level).epsilon(1e-5));
  CHECK(a.occupancy == Approx(c.occupancy).epsilon(1e-5));
  CHECK(a.p_abandon < 1e-6);
  // Infinite patience is exactly Erlang C.
  const ErlangResult inf = erlang_a(lambda, kAht, 50, kInfinity, kThreshold);
  CHECK(inf.p_wait == c.p_wait);
  CHECK(inf.service_level == c.service_level);
}

TEST_CASE("Erlang A with vanishing patience approaches the Erlang B loss system") {
  const double b = erlang_b(9.0, 10);
  const ErlangResult r = erlang_a(9.0 / kAht, kAht, 10, 1e-6, kThreshold);
  CHECK(r.p_wait == Approx(b).epsilon(1e-6));
  CHECK(r.p_abandon == Approx(b).epsilon(1e-6));
  CHECK(r.service_level == Approx(1.0 - b).epsilon(1e-6));
  CHECK(r.occupancy == Approx(9.0 * (1.0 - b) / 10.0).epsilon(1e-6));
}

TEST_CASE("Erlang C reports p_wait 1, infinite ASA and zero service level when overloaded") {
  for (double a : {10.0, 12.5}) {
    const ErlangResult r = erlang_c(a / kAht, kAht, 10, kThreshold);
    CHECK(r.p_wait == 1.0);
    CHECK(std::isinf(r.asa_s));
    CHECK(std::isinf(r.mean_wait_s));
    CHECK(r.service_level == 0.0);
    CHECK(r.occupancy == 1.0);
    CHECK(r.offered_load == Approx(a));
  }
}

TEST_CASE("Erlang A stays finite and consistent for thousands of agents and heavy overload") {
  struct Case {
    int c;
    double a, patience;
  };
  const Case cases[] = {{500, 525.0, 120.0},
                        {5000, 5500.0, 600.0},
                        {5000, 55000.0, 600.0},
                        {5000, 4900.0, 600.0},
                        {2, 0.01, 60.0}};
  for (const Case& k : cases) {
    INFO("c = " << k.c << ", a = " << k.a << ", patience = " << k.patience);
    const ErlangResult r = erlang_a(k.a / kAht, kAht, k.c, k.patience, kThreshold);
    for (double v : {r.p_wait, r.p_abandon, r.service_level, r.occupancy}) {
      CHECK(std::isfinite(v));
      CHECK(v >= 0.0);
      CHECK(v <= 1.0);
    }
    CHECK(std::isfinite(r.asa_s));
    CHECK(r.mean_wait_s == Approx(r.p_abandon * k.patience));
    // Agents cannot serve more than c Erlangs, so at least 1 - c/a of the calls abandon.
    CHECK(r.p_abandon >= 1.0 - k.c / k.a - 1e-12);
    CHECK(r.service_level <= 1.0 - r.p_abandon + 1e-12);
  }
  // Erlang C at 10000 agents: no factorial overflow, and within 5 % of the Halfin-Whitt
  // heavy-traffic value 1 / (1 + beta Phi(beta) / phi(beta)), beta = (c - a) / sqrt(a).
  const ErlangResult big = erlang_c(9900.0 / kAht, kAht, 10000, kThreshold);
  const double beta = 100.0 / std::sqrt(9900.0);
  const double phi = std::exp(-beta * beta / 2.0) / std::sqrt(2.0 * std::numbers::pi);
  const double cdf = 0.5 * (1.0 + std::erf(beta / std::sqrt(2.0)));
  CHECK(big.p_wait == Approx(1.0 / (1.0 + beta * cdf / phi)).epsilon(0.05));
}

TEST_CASE("Erlang service level counts immediate answers at T = 0 and all answers at T = inf") {
  const ErlangResult c0 = erlang_c(45.0 / kAht, kAht, 50, 0.0);
  CHECK(c0.service_level == Approx(1.0 - c0.p_wait).epsilon(1e-14));
  CHECK(erlang_c(45.0 / kAht, kAht, 50, kInfinity).service_level == 1.0);
  const ErlangResult a0 = erlang_a(45.0 / kAht, kAht, 50, 300.0, 0.0);
  CHECK(a0.service_level == Approx(1.0 - a0.p_wait).epsilon(1e-14));
  const ErlangResult a_inf = erlang_a(45.0 / kAht, kAht, 50, 300.0, kInfinity);
  CHECK(a_inf.service_level == Approx(1.0 - a_inf.p_abandon).epsilon(1e-12));
}

TEST_CASE("Erlang C and Erlang A waiting probabilities fall as agents are added") {
  double prev_c = 1.0, prev_a = 1.0;
  for (int c = 46; c <= 70; ++c) {
    const ErlangResult rc = erlang_c(45.0 / kAht, kAht, c, kThreshold);
    const ErlangResult ra = erlang_a(45.0 / kAht, kAht, c, 300.0, kThreshold);
    CHECK(rc.p_wait < prev_c);
    CHECK(ra.p_wait < prev_a);
    CHECK(ra.p_wait < rc.p_wait);  // impatience shortens the queue
    prev_c = rc.p_wait;
    prev_a = ra.p_wait;
  }
}

TEST_CASE("Erlang formulas treat no traffic as idle and reject meaningless arguments") {
  const ErlangResult idle = erlang_a(0.0, kAht, 5, 60.0, kThreshold);
  CHECK(idle.p_wait == 0.0);
  CHECK(idle.service_level == 1.0);
  CHECK(erlang_c(0.0, kAht, 5, kThreshold).occupancy == 0.0);
  CHECK_THROWS_AS(erlang_c(1.0, kAht, 0, kThreshold), std::invalid_argument);
  CHECK_THROWS_AS(erlang_c(-1.0, kAht, 5, kThreshold), std::invalid_argument);
  CHECK_THROWS_AS(erlang_c(1.0, 0.0, 5, kThreshold), std::invalid_argument);
  CHECK_THROWS_AS(erlang_c(1.0, kAht, 5, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(erlang_a(1.0, kAht, 5, 0.0, kThreshold), std::invalid_argument);
  CHECK_THROWS_AS(erlang_a(std::nan(""), kAht, 5, 60.0, kThreshold), std::invalid_argument);
}
