// The classic hold model: N events always pending; each executed event schedules one more at
// now + Exp(mean). scsim's Scheduler against a bare std::priority_queue of
// (double time, uint64 seq, function pointer), drawing the same increments from the same stream.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <queue>

#include "bench.hpp"
#include "core/random.hpp"
#include "core/scheduler.hpp"

namespace scsim::bench {
namespace {

constexpr double kMeanIncrementUs = 1e6;  // 1 s mean hold time

struct BareItem {
  double time;
  uint64_t seq;
  void (*fn)(struct BareSim&);
  bool operator>(const BareItem& o) const {
    return time > o.time || (time == o.time && seq > o.seq);
  }
};

struct BareSim {
  std::priority_queue<BareItem, std::vector<BareItem>, std::greater<BareItem>> pq;
  double now = 0;
  uint64_t seq = 0;
  uint64_t executed = 0;
  Rng rng{1, "hold"};
};

void bare_hold(BareSim& s) {
  s.pq.push(
      BareItem{s.now + std::round(draw_exponential(s.rng, kMeanIncrementUs)), s.seq++, &bare_hold});
}

double run_bare(size_t n, uint64_t events) {
  BareSim s;
  for (size_t i = 0; i < n; ++i)
    bare_hold(s);
  double t0 = wall_seconds();
  while (s.executed < events) {
    BareItem it = s.pq.top();
    s.pq.pop();
    s.now = it.time;
    ++s.executed;
    it.fn(s);
  }
  double dt = wall_seconds() - t0;
  if (s.pq.size() != n) std::fprintf(stderr, "bare: pending drifted\n");
  return static_cast<double>(events) / dt;
}

double run_scsim(size_t n, uint64_t events, uint64_t* fingerprint) {
  Scheduler sch;
  Rng rng{1, "hold"};
  auto hold = [&] {
    sch.schedule_after(
        micros(static_cast<int64_t>(std::llround(draw_exponential(rng, kMeanIncrementUs)))), 0,
        Event{1, 0, 0});
  };
  for (size_t i = 0; i < n; ++i)
    hold();
  sch.set_event_limit(events);
  double t0 = wall_seconds();
  sch.run([&](const FiredEvent&) { hold(); });
  double dt = wall_seconds() - t0;
  *fingerprint = sch.fingerprint();
  return static_cast<double>(sch.executed()) / dt;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

double bare_heap_events_per_s(size_t pending, uint64_t events) {
  return run_bare(pending, events);
}

int run_kernel(const Options& opt) {
  struct Size {
    size_t n;
    uint64_t events;
  };
  std::vector<Size> sizes;
  if (opt.quick) {
    sizes = {{100, 200000}, {10000, 200000}, {100000, 200000}};
  } else {
    sizes = {{100, 10000000}, {10000, 10000000}, {1000000, 10000000}};
  }
  if (opt.csv) {
    std::printf("benchmark,pending,events,scsim_ev_per_s,baseline_ev_per_s,ratio,peak_rss_kib\n");
  } else {
    std::printf("kernel hold model (median of %d; ratio = scsim / bare std::priority_queue)\n",
                opt.repeat);
    std::printf("%10s %12s %16s %16s %8s %14s\n", "pending", "events", "scsim ev/s",
                "baseline ev/s", "ratio", "peak RSS KiB");
  }
  for (const auto& sz : sizes) {
    std::vector<double> a, b, ratio;
    for (int r = 0; r < opt.repeat; ++r) {
      // Interleave the two so that machine noise hits both alike.
      uint64_t fp = 0;
      double base = run_bare(sz.n, sz.events);
      double ours = run_scsim(sz.n, sz.events, &fp);
      a.push_back(ours);
      b.push_back(base);
      ratio.push_back(ours / base);
    }
    double ra = median(ratio);
    if (opt.csv) {
      std::printf("kernel,%zu,%llu,%.0f,%.0f,%.3f,%ld\n", sz.n,
                  static_cast<unsigned long long>(sz.events), median(a), median(b), ra,
                  peak_rss_kib());
    } else {
      std::printf("%10zu %12llu %16.0f %16.0f %8.3f %14ld\n", sz.n,
                  static_cast<unsigned long long>(sz.events), median(a), median(b), ra,
                  peak_rss_kib());
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace scsim::bench
