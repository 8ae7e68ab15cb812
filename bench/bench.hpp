// scsim-bench: speed benchmarks, reported as ratios to a baseline measured in the same run.
// Wall-clock time is allowed here (bench/ is not part of the simulation library).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace scsim::scenario {
struct Scenario;
}

namespace scsim::bench {

struct Options {
  bool quick = false;
  bool csv = false;
  int repeat = 1;
  std::string ks;                 // scale: --k 1,5,25
  std::string observers = "run";  // scale: --observers run|none|both
};

inline double wall_seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

// Peak resident set size of this process so far, in KiB (VmHWM), or 0 if unknown.
long peak_rss_kib();

int run_kernel(const Options& opt);
int run_model(const Options& opt);
int run_mmc(const Options& opt);
int run_cluster(const Options& opt);
int run_swarm(const Options& opt);
// scsim sweep: --jobs 1 vs 2, mpirun -n 1 vs 2, the database's share of a run.
int run_sweep(const Options& opt);
// The child process of run_cluster: one scaled run, prints "RESULT ev/s wall events calls rss".
int run_cluster_child(int copies, int days);
int run_scale(const Options& opt);
// The child process of run_scale: one K, prints "RESULT agents events calls wall rss".
int run_scale_child(int k, bool quick, bool observers);
// The benchmark day (scenarios/two-dc-day.yaml, or $SCSIM_BENCH_SCENARIO) scaled by
// scenario::scale_scenario: `copies` copies of the population over `days` days, `factor` times
// the calls. False (errors printed) if the file does not load.
bool scaled_day(int copies, int days, int factor, scenario::Scenario* out);
// Events/s of the bare std::priority_queue hold model (the kernel benchmark's baseline).
double bare_heap_events_per_s(size_t pending, uint64_t events);

}  // namespace scsim::bench
