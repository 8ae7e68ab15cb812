// Random numbers that are the same on every standard library: an own PRNG (xoshiro256**) and
// own distributions (std::*_distribution output differs between libstdc++ and libc++).
//
// Named streams: a stream is derived from (run seed, stream name, entity id) by hashing, so
// adding an agent, a call or a whole new stream never shifts the draws of any other stream.
// This is what gives common random numbers across routing modes (DOMAIN §6.4).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace scsim {

// 64-bit FNV-1a of a string: stable across platforms and runs.
uint64_t hash_name(std::string_view name);
// SplitMix64 finaliser: a bijective 64-bit mixer.
uint64_t mix64(uint64_t x);

class Rng {
 public:
  // A stream keyed by (seed, name, id). Equal keys give equal streams; any difference gives
  // an unrelated stream.
  Rng(uint64_t seed, std::string_view name, uint64_t id = 0);
  // The stream (seed, name, id) of a family that has already mixed (seed, name) into `key`
  // (RngFamily): the same stream as the constructor, without rehashing the name.
  static Rng from_family_key(uint64_t key, uint64_t id);
  static Rng from_state_seed(uint64_t state_seed);

  uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform in (0, 1]: safe for log().
  double uniform01_open_low() { return 1.0 - uniform01(); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform integer in [0, n) without modulo bias (Lemire's method); n > 0.
  uint64_t below(uint64_t n);

 private:
  Rng() = default;
  uint64_t s_[4] = {0, 0, 0, 0};
};

// The streams (seed, name, id) of one (seed, name) for many ids, e.g. one per call: the name
// is hashed once. RngFamily(seed, name)(id) equals Rng(seed, name, id).
class RngFamily {
 public:
  RngFamily() = default;
  RngFamily(uint64_t seed, std::string_view name);
  Rng operator()(uint64_t id) const { return Rng::from_family_key(key_, id); }

 private:
  uint64_t key_ = 0;
};

// Distributions: plain functions of an Rng, so they are easy to test and to reuse.
double draw_exponential(Rng& r, double mean);
double draw_normal(Rng& r, double mean, double sd);  // Marsaglia polar, no cached spare
// Lognormal given the mean and standard deviation of the variable itself (not of its log).
double draw_lognormal(Rng& r, double mean, double sd);
// Gamma with shape k > 0 and the given mean (Marsaglia-Tsang); Erlang when k is an integer.
double draw_gamma(Rng& r, double shape, double mean);

// An empirical distribution from a table of (value, weight) rows: draws one of the values with
// probability proportional to its weight.
class EmpiricalTable {
 public:
  explicit EmpiricalTable(std::vector<std::pair<double, double>> value_weight);
  double draw(Rng& r) const;
  double mean() const;

 private:
  std::vector<double> values_;
  std::vector<double> cumulative_;
};

// A duration distribution as scenario files describe it.
struct Distribution {
  enum class Kind { fixed, exponential, normal, lognormal, erlang, gamma, uniform, empirical };
  Kind kind = Kind::fixed;
  double mean = 0;                               // fixed value, or mean
  double sd = 0;                                 // normal, lognormal
  double shape = 1;                              // erlang (integer k), gamma
  double lo = 0, hi = 0;                         // uniform
  std::vector<std::pair<double, double>> table;  // empirical
  double draw(Rng& r) const;
};

}  // namespace scsim
