// scsim-bench: `scsim-bench BENCHMARK [--quick] [--csv] [--repeat N] [--k LIST] [--observers M]`.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "bench.hpp"

namespace scsim::bench {

long peak_rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

}  // namespace scsim::bench

namespace {

void usage(FILE* out) {
  std::fprintf(
      out,
      "usage: scsim-bench BENCHMARK [--quick] [--csv] [--repeat N]\n"
      "\n"
      "Benchmarks (each prints ratios against a baseline timed in the same run):\n"
      "  kernel   hold model, N = 1e2, 1e4, 1e6 pending events, 1e7 events each:\n"
      "           scsim's Scheduler vs a bare std::priority_queue of\n"
      "           (double, seq, function pointer)\n"
      "  model    registration/login storm, partition and heal on T4 with 20 000\n"
      "           agents: model events/s vs the same bare heap (1e4 pending)\n"
      "  mmc      M/M/100 call centre (rho 0.9, AHT 180 s, 1e6 calls) without and with\n"
      "           patience 300 s: calls/s vs the SimPy peer (mmc_simpy.py) run alongside\n"
      "  cluster  two-dc-day scaled to 20 000 agents, a full day: events/s vs the bare\n"
      "           heap; peak RSS with 1x and 10x the calls in the day\n"
      "  scale    two-dc-day x K (K = 1, 5, 25, 100: roster, agent actions and load x K),\n"
      "           a full day per K in its own process: ns per event and its ratio to\n"
      "           K = 1, peak RSS; observers as `scsim run` (results to a scratch dir)\n"
      "  swarm    scsim swarm's work on one thread (2000 seeds: generate, run with the\n"
      "           invariant checker, check liveness): seeds/s and events/s\n"
      "  sweep    a 64-run campaign (scsim sweep) with --jobs 1 and 2, and mpirun -n 1\n"
      "           and 2 when built with MPI: runs/s and speed-ups; database time per run\n"
      "\n"
      "Options:\n"
      "  --quick     small sizes (a smoke run, a second or so)\n"
      "  --csv       machine-readable rows on stdout\n"
      "  --repeat N  run each size N times and report medians (default 1; use 3);\n"
      "              scale: N rounds over every K, the least ns/event reported\n"
      "  --k LIST    scale: the values of K, e.g. 1,5,25 (--quick: 1,2 until 09:00)\n"
      "  --observers run|none|both\n"
      "              scale: as `scsim run` (default), the bare model, or both\n"
      "\n"
      "Example: scsim-bench kernel --repeat 3\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string what = argv[1];
  if (what == "cluster-child" && argc == 4) {
    return scsim::bench::run_cluster_child(std::atoi(argv[2]), std::atoi(argv[3]));
  }
  if (what == "scale-child" && argc == 5) {
    return scsim::bench::run_scale_child(std::atoi(argv[2]), std::atoi(argv[3]) != 0,
                                         std::atoi(argv[4]) != 0);
  }
  if (what == "--help" || what == "-h") {
    usage(stdout);
    return 0;
  }
  scsim::bench::Options opt;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      opt.quick = true;
    } else if (a == "--csv") {
      opt.csv = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      opt.repeat = std::atoi(argv[++i]);
      if (opt.repeat < 1 || opt.repeat > 100) {
        std::fprintf(stderr, "scsim-bench: --repeat must be 1..100\n");
        return 2;
      }
    } else if (a == "--k" && i + 1 < argc) {
      opt.ks = argv[++i];
    } else if (a == "--observers" && i + 1 < argc) {
      opt.observers = argv[++i];
    } else if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "scsim-bench: unknown option '%s'\n\n", a.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (what == "kernel") return scsim::bench::run_kernel(opt);
  if (what == "model") return scsim::bench::run_model(opt);
  if (what == "mmc") return scsim::bench::run_mmc(opt);
  if (what == "cluster") return scsim::bench::run_cluster(opt);
  if (what == "swarm") return scsim::bench::run_swarm(opt);
  if (what == "scale") return scsim::bench::run_scale(opt);
  if (what == "sweep") return scsim::bench::run_sweep(opt);
  std::fprintf(stderr, "scsim-bench: unknown benchmark '%s'\n\n", what.c_str());
  usage(stderr);
  return 2;
}
