// scsim-bench swarm: seeds/s of `scsim swarm`'s work (generate a random scenario, run it with
// the invariant checker at every instant, check liveness at the end), single-threaded, plus
// the events/s of those runs.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "bench.hpp"
#include "run/swarm.hpp"
#include "scenario/generator.hpp"

namespace scsim::bench {

int run_swarm(const Options& opt) {
  const uint64_t seeds = opt.quick ? 50 : 2000;
  std::vector<double> rates, ev_rates;
  uint64_t events = 0, failed = 0;
  for (int r = 0; r < opt.repeat; ++r) {
    events = 0;
    failed = 0;
    double t0 = wall_seconds();
    for (uint64_t s = 1; s <= seeds; ++s) {
      auto g = scenario::generate_scenario(s);
      auto res = run::check_scenario(g.scenario);
      events += res.events;
      if (!res.passed()) ++failed;
    }
    double el = wall_seconds() - t0;
    rates.push_back(double(seeds) / el);
    ev_rates.push_back(double(events) / el);
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  if (opt.csv) {
    std::printf("benchmark,seeds,events,seeds_per_s,ev_per_s,failed\n");
    std::printf("swarm,%llu,%llu,%.1f,%.0f,%llu\n", (unsigned long long)seeds,
                (unsigned long long)events, med(rates), med(ev_rates), (unsigned long long)failed);
  } else {
    std::printf("swarm: %llu seeds (generate + run with invariants + liveness), one thread\n",
                (unsigned long long)seeds);
    std::printf("%10s %12s %12s %14s %8s\n", "seeds", "events", "seeds/s", "events/s", "failed");
    std::printf("%10llu %12llu %12.1f %14.0f %8llu\n", (unsigned long long)seeds,
                (unsigned long long)events, med(rates), med(ev_rates), (unsigned long long)failed);
  }
  return 0;
}

}  // namespace scsim::bench
