// scsim-bench scale: the cost of one event as the site grows. scenarios/two-dc-day.yaml scaled
// by K (scenario/scale.hpp: K copies of the roster and of the per-agent actions, K times the
// offered load, so occupancy stays the same) over its full day, for K = 1, 5, 25, 100 (--k),
// each K in its own child process (peak RSS, VmHWM, is per process). Per K: agents, events,
// wall and CPU time of the run, events/s, ns per event, peak RSS and the ratio of ns per event to
// the first K's (per CPU second, user + system: the machine may be shared). --repeat N runs N
// rounds over every K and reports the least ns per event of each K (other work only slows a
// run down), with the median beside it. Observers: `run`
// attaches what `scsim run` attaches (run::Simulation::record_to: the Recorder and CallStats
// writing a results directory with the default recording) into a scratch directory deleted
// afterwards; `none` runs the bare model. Goal: ratio <= 1.3 at K = 25 and <= 1.5 at K = 100.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench.hpp"
#include "model/cluster.hpp"
#include "run/simulation.hpp"
#include "scenario/scale.hpp"
#include "scenario/scenario.hpp"

#ifndef SCSIM_SOURCE_DIR
#define SCSIM_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;

namespace scsim::bench {
namespace {

// --quick: the day up to 09:00 (the shift starts at 08:00: an hour of calls).
constexpr double kQuickEnd = 9 * 3600;

struct ScaleRun {
  long agents = 0;
  unsigned long long events = 0, calls = 0;
  double wall = 0, cpu = 0;
  long rss_kib = 0;
  bool ok = false;
};

ScaleRun run_child(int k, bool quick, bool observers) {
  char cmd[512];
  std::snprintf(cmd, sizeof cmd, "/proc/%d/exe scale-child %d %d %d", int(getpid()), k,
                quick ? 1 : 0, observers ? 1 : 0);
  ScaleRun r;
  std::fflush(stdout);
  FILE* p = popen(cmd, "r");
  if (!p) return r;
  char line[512];
  while (std::fgets(line, sizeof line, p)) {
    ScaleRun x;
    if (std::sscanf(line, "RESULT %ld %llu %llu %lf %lf %ld", &x.agents, &x.events, &x.calls,
                    &x.wall, &x.cpu, &x.rss_kib) == 6) {
      x.ok = x.events > 0;
      r = x;
    }
  }
  pclose(p);
  return r;
}

// User + system CPU time of this process so far, in seconds.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

bool parse_ks(const std::string& s, std::vector<int>* out) {
  out->clear();
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    int k = std::atoi(s.substr(i, j - i).c_str());
    if (k < 1 || k > 1000) return false;
    out->push_back(k);
    i = j + 1;
  }
  return !out->empty();
}

}  // namespace

int run_scale_child(int k, bool quick, bool observers) {
  scenario::Scenario sc;
  if (!scaled_day(k, 1, 1, &sc)) return 1;
  const Time end = quick ? std::min(sc.duration, seconds(kQuickEnd)) : sc.duration;
  run::RunLimits limits;
  limits.max_events = limits.max_calls = limits.max_pending = UINT64_MAX;
  run::Simulation sim(sc, sc.seed, end, limits);
  model::Cluster* cl = &sim.cluster();
  fs::path dir = fs::temp_directory_path() / ("scsim-bench-scale-" + std::to_string(getpid()));
  ScaleRun r;
  double t0 = 0;
  const double c0 = cpu_seconds();
  if (observers) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    sim.record_to(dir);
  }
  t0 = wall_seconds();
  sim.run();
  if (observers) sim.finish();
  r.wall = wall_seconds() - t0;
  r.cpu = cpu_seconds() - c0;
  r.agents = long(sc.cluster.agents.size());
  r.events = cl->scheduler().executed();
  r.calls = cl->calls_arrived();
  r.rss_kib = peak_rss_kib();
  if (observers) fs::remove_all(dir);
  std::printf("RESULT %ld %llu %llu %.6f %.6f %ld\n", r.agents, r.events, r.calls, r.wall, r.cpu,
              r.rss_kib);
  return r.events > 0 ? 0 : 1;
}

int run_scale(const Options& opt) {
  std::vector<int> ks = opt.quick ? std::vector<int>{1, 2} : std::vector<int>{1, 5, 25, 100};
  if (!opt.ks.empty() && !parse_ks(opt.ks, &ks)) {
    std::fprintf(stderr, "scsim-bench: --k wants a list of copies like 1,5,25 (1..1000)\n");
    return 2;
  }
  std::vector<bool> modes;
  if (opt.observers == "run" || opt.observers == "both") modes.push_back(true);
  if (opt.observers == "none" || opt.observers == "both") modes.push_back(false);
  if (modes.empty()) {
    std::fprintf(stderr, "scsim-bench: --observers wants run, none or both\n");
    return 2;
  }
  if (opt.csv) {
    std::printf(
        "benchmark,observers,k,agents,events,calls,wall_s,cpu_s,events_per_s,ns_per_event,"
        "median_ns_per_event,ratio,peak_rss_kib\n");
  } else {
    std::printf(
        "scale: two-dc-day x K (roster, agent actions, offered load), %s, %d round(s) of one "
        "child per K\n  (ns/event: the least of the rounds, the least disturbed; median beside "
        "it)\n",
        opt.quick ? "until 09:00 (--quick)" : "a full day", std::max(1, opt.repeat));
    std::printf(
        "  observers run: Recorder + CallStats, default recording (as `scsim run`),\n"
        "  results written to a scratch directory deleted afterwards; none: bare model\n");
    std::printf(
        "  the machine may be shared: events/s and ns/event are per CPU second of the run\n"
        "  (user + system), wall s is the elapsed time\n");
    std::printf("%-9s %4s %7s %11s %9s %8s %8s %11s %8s %8s %7s %10s\n", "observers", "K", "agents",
                "events", "calls", "wall s", "cpu s", "events/s", "ns/event", "median", "ratio",
                "peak RSS MiB");
  }
  // --repeat N: N rounds, each running every mode and K once, so that a slow spell of a shared
  // machine falls on every K rather than on one; per K the least disturbed child (the least ns
  // per event: other work only ever slows a run) is reported, with the median beside it.
  const int reps = std::max(1, opt.repeat);
  std::vector<std::vector<std::vector<ScaleRun>>> runs(
      modes.size(), std::vector<std::vector<ScaleRun>>(ks.size()));
  bool ok = true;
  for (int i = 0; i < reps; ++i) {
    for (size_t m = 0; m < modes.size(); ++m) {
      for (size_t j = 0; j < ks.size(); ++j) {
        ScaleRun x = run_child(ks[j], opt.quick, modes[m]);
        if (x.ok) runs[m][j].push_back(x);
      }
    }
    if (reps > 1 && !opt.csv) std::fprintf(stderr, "scale: round %d of %d done\n", i + 1, reps);
  }
  auto per_event = [](const ScaleRun& x) { return x.cpu / double(x.events); };
  for (size_t m = 0; m < modes.size(); ++m) {
    double base_ns = 0;
    for (size_t j = 0; j < ks.size(); ++j) {
      std::vector<ScaleRun>& rs = runs[m][j];
      if (rs.size() < size_t(reps)) {
        std::fprintf(stderr, "scsim-bench: scale K=%d failed\n", ks[j]);
        ok = false;
        continue;
      }
      std::sort(rs.begin(), rs.end(),
                [&](const ScaleRun& a, const ScaleRun& b) { return per_event(a) < per_event(b); });
      const ScaleRun& r = rs.front();
      const double ns = per_event(r) * 1e9;
      const double median_ns = per_event(rs[rs.size() / 2]) * 1e9;
      if (base_ns == 0) base_ns = ns;
      const char* label = modes[m] ? "run" : "none";
      if (opt.csv) {
        std::printf("scale,%s,%d,%ld,%llu,%llu,%.3f,%.3f,%.0f,%.1f,%.1f,%.3f,%ld\n", label, ks[j],
                    r.agents, r.events, r.calls, r.wall, r.cpu, double(r.events) / r.cpu, ns,
                    median_ns, ns / base_ns, r.rss_kib);
      } else {
        std::printf("%-9s %4d %7ld %11llu %9llu %8.2f %8.2f %11.0f %8.1f %8.1f %7.2f %10.1f\n",
                    label, ks[j], r.agents, r.events, r.calls, r.wall, r.cpu,
                    double(r.events) / r.cpu, ns, median_ns, ns / base_ns,
                    double(r.rss_kib) / 1024.0);
      }
      std::fflush(stdout);
    }
  }
  if (!opt.csv) {
    std::printf("ratio: ns/event at K over ns/event at K = %d (goal <= 1.3 at 25, <= 1.5 at 100)\n",
                ks[0]);
  }
  return ok ? 0 : 1;
}

}  // namespace scsim::bench
