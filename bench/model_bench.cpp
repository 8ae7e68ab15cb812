// scsim-bench model: a registration and login storm, then a partition and a heal, on T4 with
// 20 000 agents (half SIP phones, half PSTN agents on WWE through four GWS nodes). Reports the
// model's events/s and its ratio to the bare-heap hold model timed in the same run.
#include <algorithm>
#include <cstdio>
#include <string>

#include "bench.hpp"
#include "model/cluster.hpp"

namespace scsim::bench {

namespace {

model::ClusterSpec storm_spec(int agents) {
  using namespace model;
  ClusterSpec c = topology_t4();
  c.gws = {GwsSpec{"G1", 0, "GWS", 0}, GwsSpec{"G2", 0, "GWS", 2}, GwsSpec{"G3", 1, "GWS", 1},
           GwsSpec{"G4", 1, "GWS", 3}};
  for (int i = 0; i < agents; ++i) {
    bool sip = i % 2 == 0;
    int dc = (i / 2) % 2;
    int gws = dc * 2 + (i / 4) % 2;
    c.agents.push_back(AgentSpec{"A" + std::to_string(i),
                                 std::to_string(100000 + i),
                                 sip ? DnKind::sip : DnKind::pstn,
                                 dc,
                                 {"g"},
                                 sip ? -1 : gws});
  }
  c.params.register_expires = seconds(600);
  return c;
}

struct ModelRun {
  double events_per_s;
  uint64_t events;
  uint64_t fingerprint;
};

ModelRun run_storm(int agents) {
  using namespace model;
  Cluster c(storm_spec(agents), 1);
  // Shift start: every phone switches on and every agent logs in within one minute.
  for (int i = 0; i < agents; ++i) {
    Action a;
    a.agent = i;
    a.at = seconds(60.0 * i / agents);
    a.kind = i % 2 == 0 ? ActionKind::phone_on : ActionKind::wwe_login;
    c.schedule(a);
    if (i % 2 == 0) {
      Action l = a;
      l.kind = ActionKind::agent_login;
      l.at = a.at + seconds(5);
      c.schedule(l);
    }
  }
  // Agents go NotReady and Ready again during the partition, so the resync has work.
  for (int i = 0; i < agents; i += 3) {
    Action a;
    a.agent = i;
    a.kind = ActionKind::agent_not_ready;
    a.at = seconds(400 + 100.0 * i / agents);
    c.schedule(a);
  }
  Action cut;
  cut.kind = ActionKind::cut;
  cut.at = seconds(300);
  cut.nodes_a = {0, 2};
  cut.nodes_b = {1, 3};
  c.schedule(cut);
  Action heal = cut;
  heal.kind = ActionKind::heal;
  heal.at = seconds(700);
  c.schedule(heal);
  double t0 = wall_seconds();
  c.run_until(seconds(900));
  double dt = wall_seconds() - t0;
  return {double(c.scheduler().executed()) / dt, c.scheduler().executed(),
          c.scheduler().fingerprint()};
}

}  // namespace

int run_model(const Options& opt) {
  int agents = opt.quick ? 2000 : 20000;
  if (opt.csv) {
    std::printf("benchmark,agents,events,model_ev_per_s,baseline_ev_per_s,ratio,peak_rss_kib\n");
  } else {
    std::printf("model storm on T4: %d agents (half SIP, half PSTN/WWE), partition 300-700 s\n",
                agents);
    std::printf("%10s %12s %16s %16s %8s %14s\n", "agents", "events", "model ev/s", "baseline ev/s",
                "ratio", "peak RSS KiB");
  }
  std::vector<double> ratios, ours, base;
  uint64_t events = 0;
  for (int r = 0; r < opt.repeat; ++r) {
    ModelRun m = run_storm(agents);
    double b = bare_heap_events_per_s(10000, opt.quick ? 200000 : 5000000);
    events = m.events;
    ours.push_back(m.events_per_s);
    base.push_back(b);
    ratios.push_back(m.events_per_s / b);
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  if (opt.csv) {
    std::printf("model,%d,%llu,%.0f,%.0f,%.3f,%ld\n", agents, (unsigned long long)events, med(ours),
                med(base), med(ratios), peak_rss_kib());
  } else {
    std::printf("%10d %12llu %16.0f %16.0f %8.3f %14ld\n", agents, (unsigned long long)events,
                med(ours), med(base), med(ratios), peak_rss_kib());
    std::printf("(baseline: bare std::priority_queue hold model, 1e4 pending, same run)\n");
  }
  return 0;
}

}  // namespace scsim::bench
