#include "core/random.hpp"

#include "core/hash.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace scsim {

uint64_t hash_name(std::string_view name) {
  return fnv1a(name);
}

uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

namespace {
uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

Rng Rng::from_state_seed(uint64_t state_seed) {
  Rng r;
  uint64_t x = state_seed;
  for (auto& s : r.s_) {
    x = mix64(x);
    s = x;
  }
  // xoshiro must not start from all zeros; mix64 of distinct inputs makes that impossible in
  // practice, but guard anyway.
  if ((r.s_[0] | r.s_[1] | r.s_[2] | r.s_[3]) == 0) r.s_[0] = 1;
  return r;
}

// Chain the three key parts through the mixer so that (seed, name, id) map to unrelated
// states, and a change in any one part changes everything.
RngFamily::RngFamily(uint64_t seed, std::string_view name)
    : key_(mix64(mix64(seed ^ 0x5CA1AB1Eull) ^ hash_name(name))) {}

Rng Rng::from_family_key(uint64_t key, uint64_t id) {
  return from_state_seed(mix64(key ^ id));
}

Rng::Rng(uint64_t seed, std::string_view name, uint64_t id) {
  *this = RngFamily(seed, name)(id);
}

uint64_t Rng::next_u64() {
  // xoshiro256** 1.0 (Blackman and Vigna, public domain reference algorithm).
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform01() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

uint64_t Rng::below(uint64_t n) {
  if (n == 0) throw std::invalid_argument("Rng::below(0)");
  // Lemire's nearly divisionless method, done with 64x64->128 via two 32-bit halves to stay
  // within ISO C++ (no __int128 under -Wpedantic).
  uint64_t threshold = (uint64_t(0) - n) % n;
  while (true) {
    uint64_t x = next_u64();
    uint64_t x_hi = x >> 32, x_lo = x & 0xffffffffull;
    uint64_t n_hi = n >> 32, n_lo = n & 0xffffffffull;
    uint64_t lo_lo = x_lo * n_lo;
    uint64_t hi_lo = x_hi * n_lo;
    uint64_t lo_hi = x_lo * n_hi;
    uint64_t hi_hi = x_hi * n_hi;
    uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffull) + lo_hi;
    uint64_t high = hi_hi + (hi_lo >> 32) + (cross >> 32);
    uint64_t low = (cross << 32) | (lo_lo & 0xffffffffull);
    if (low >= threshold) return high;
  }
}

double draw_exponential(Rng& r, double mean) {
  if (!(mean >= 0)) throw std::invalid_argument("exponential mean must be >= 0");
  if (mean == 0) return 0;
  return -mean * std::log(r.uniform01_open_low());
}

double draw_normal(Rng& r, double mean, double sd) {
  double u, v, s;
  do {
    u = 2.0 * r.uniform01() - 1.0;
    v = 2.0 * r.uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return mean + sd * u * std::sqrt(-2.0 * std::log(s) / s);
}

double draw_lognormal(Rng& r, double mean, double sd) {
  if (!(mean > 0) || !(sd >= 0)) throw std::invalid_argument("lognormal needs mean > 0, sd >= 0");
  double sigma2 = std::log(1.0 + (sd * sd) / (mean * mean));
  double mu = std::log(mean) - 0.5 * sigma2;
  return std::exp(draw_normal(r, mu, std::sqrt(sigma2)));
}

double draw_gamma(Rng& r, double shape, double mean) {
  if (!(shape > 0) || !(mean >= 0)) throw std::invalid_argument("gamma needs shape > 0, mean >= 0");
  double scale = mean / shape;
  if (shape < 1) {
    // Boost a shape < 1 to shape + 1 and correct with U^(1/shape) (Marsaglia-Tsang).
    double g = draw_gamma(r, shape + 1.0, (shape + 1.0) * scale);
    return g * std::pow(r.uniform01_open_low(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = draw_normal(r, 0.0, 1.0);
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    double u = r.uniform01_open_low();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v * scale;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

EmpiricalTable::EmpiricalTable(std::vector<std::pair<double, double>> value_weight) {
  if (value_weight.empty()) throw std::invalid_argument("empirical table is empty");
  double total = 0;
  for (auto& [v, w] : value_weight) {
    if (!(w >= 0) || !std::isfinite(w))
      throw std::invalid_argument("empirical weight must be >= 0");
    total += w;
    values_.push_back(v);
    cumulative_.push_back(total);
  }
  if (!(total > 0)) throw std::invalid_argument("empirical weights sum to zero");
}

double EmpiricalTable::draw(Rng& r) const {
  double u = r.uniform01() * cumulative_.back();
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  size_t i = std::min<size_t>(static_cast<size_t>(it - cumulative_.begin()), values_.size() - 1);
  return values_[i];
}

double EmpiricalTable::mean() const {
  double m = 0, prev = 0;
  for (size_t i = 0; i < values_.size(); ++i) {
    m += values_[i] * (cumulative_[i] - prev);
    prev = cumulative_[i];
  }
  return m / cumulative_.back();
}

double Distribution::draw(Rng& r) const {
  switch (kind) {
    case Kind::fixed:
      return mean;
    case Kind::exponential:
      return draw_exponential(r, mean);
    case Kind::normal:
      return std::max(0.0, draw_normal(r, mean, sd));
    case Kind::lognormal:
      return draw_lognormal(r, mean, sd);
    case Kind::erlang:
    case Kind::gamma:
      return draw_gamma(r, shape, mean);
    case Kind::uniform:
      return r.uniform(lo, hi);
    case Kind::empirical:
      return EmpiricalTable(table).draw(r);
  }
  return mean;
}

}  // namespace scsim
