// Erlang queueing formulas: the analytic yardstick for the simulated contact centre.
//
// Three closed-form (or rapidly convergent series) models of one queue of identical agents,
// Poisson arrivals at rate lambda and exponential handle times of mean AHT (mu = 1 / AHT):
//   * Erlang B  (M/M/c/c): blocked calls are lost; used here as a building block.
//   * Erlang C  (M/M/c):   callers wait forever, first come first served.
//   * Erlang A  (M/M/c+M): callers abandon after an exponential patience of mean P.
// They give the steady-state KPIs a long run of the simulator should approach when its
// assumptions hold, so tests and reports can compare the two. Pure functions, no state.
//
// Numerics: nothing forms a^c or c!. Erlang B comes from the recursion
// B(k) = a B(k-1) / (k + a B(k-1)) carried out on log B, so it neither overflows nor
// underflows for thousands of agents. Erlang A sums the birth-death weights of the queue
// lengths relative to the largest one, in log space, until a geometric bound on the rest of
// the series is below 1e-17 of the sum. Both stay accurate for c = 500 with 525 Erlangs
// offered (and for c in the thousands).
//
// Definitions (a = lambda * AHT Erlangs offered, c agents, T = threshold_s):
//   Erlang C (a < c):
//     p_wait        = C(c, a) = c B / (c - a (1 - B)), B = Erlang B(c, a)
//     asa_s         = mean wait over ALL calls (zero waits included) = C AHT / (c - a)
//     mean_wait_s   = asa_s
//     service_level = P(wait <= T) over all calls = 1 - C exp(-(c - a) T / AHT)
//     p_abandon     = 0;  occupancy = a / c
//   Erlang C (a >= c, no steady state):
//     p_wait = 1, asa_s = mean_wait_s = +infinity, service_level = 0, p_abandon = 0 and
//     occupancy = 1 (every agent busy all the time in the limit; note the peer script
//     erlang.py reports a / c there). offered_load is still a.
//   Erlang A (always stable; Garnett, Mandelbaum & Reiman, MSOM 4(3) 2002; Mandelbaum &
//   Zeltyn, "The Palm/Erlang-A queue", 2007):
//     p_wait        = P(all agents busy at arrival) = P(wait > 0)
//     p_abandon     = fraction of offered calls that abandon (= theta E[queue] / lambda)
//     mean_wait_s   = mean time in queue over ALL offered calls, abandoners counted until
//                     they hang up (= p_abandon * P by Little's law)
//     asa_s         = mean wait of ANSWERED calls, zero waits included
//     service_level = (calls answered within T) / (all offered calls); abandoned calls count
//                     as failures whenever they hang up
//     occupancy     = lambda (1 - p_abandon) AHT / c
//   As P -> infinity Erlang A tends to Erlang C (for a < c); as P -> 0 it tends to Erlang B
//   (p_wait, p_abandon -> B and service_level -> 1 - B).
// These are the usual conventions of Erlang C / Erlang A references ("asa" of Erlang C;
// "asa_answered", "mean_wait_all" and "sl" of Erlang A).
//
// Arguments must be finite and sensible (rate >= 0, AHT > 0, agents >= 1, patience > 0,
// threshold >= 0; patience and threshold may be +infinity); otherwise std::invalid_argument.
// Beware the argument order of erlang_a: patience comes BEFORE the threshold (erlang.py's
// command line takes T first).
#pragma once

namespace scsim::stats {

struct ErlangResult {
  double p_wait = 0.0;         // P(an arriving call finds every agent busy)
  double asa_s = 0.0;          // Erlang C: mean wait of all calls; Erlang A: of answered calls
  double mean_wait_s = 0.0;    // mean wait of all offered calls (abandoners until they leave)
  double service_level = 0.0;  // answered within threshold / offered
  double p_abandon = 0.0;      // fraction of offered calls that abandon (0 for Erlang C)
  double occupancy = 0.0;      // mean fraction of agents busy
  double offered_load = 0.0;   // a = rate * AHT, in Erlangs
};

// Erlang B blocking probability B(c, a) of c servers offered a Erlangs (a >= 0, c >= 0).
double erlang_b(double offered_load, int agents);

// Erlang C (M/M/c) with arrival rate rate_per_s, mean handle time aht_s and service-level
// threshold threshold_s.
ErlangResult erlang_c(double rate_per_s, double aht_s, int agents, double threshold_s);

// Erlang A (M/M/c+M): as erlang_c plus exponential patience of mean patience_mean_s.
// patience_mean_s = +infinity gives erlang_c.
ErlangResult erlang_a(double rate_per_s, double aht_s, int agents, double patience_mean_s,
                      double threshold_s);

}  // namespace scsim::stats
