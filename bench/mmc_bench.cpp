// scsim-bench mmc: the M/M/c (+M) call centre of the Erlang gate on scsim's full cluster model
// (one node, one DC, no faults, every delay zero, agents logged in Ready, Poisson arrivals,
// exponential handle times), c = 100, rho = 0.9, AHT 180 s, 1e6 calls, without and with
// exponential patience of mean 300 s. Reports calls/s and, in the same run, the SimPy peer
// (bench/peers/mmc_simpy.py on /usr/bin/python3 with Debian's python3-simpy) and the ratio.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench.hpp"
#include "model/cluster.hpp"

#ifndef SCSIM_SOURCE_DIR
#define SCSIM_SOURCE_DIR "."
#endif

namespace scsim::bench {
namespace {

constexpr double kAht = 180.0;

model::ClusterSpec mmc_spec(int agents, double rate, double patience, Time end) {
  return model::single_node_mmc(agents, rate, kAht, patience, end);
}

class CountCalls : public model::Observer {
 public:
  bool wants_node_views() const override { return false; }
  void on_call(const model::CallRecord& c) override {
    ++calls;
    if (c.outcome == model::CallOutcome::abandoned) ++abandoned;
  }
  uint64_t calls = 0, abandoned = 0;
};

struct MmcRun {
  double calls_per_s = 0;
  uint64_t calls = 0, abandoned = 0, events = 0;
  double wall = 0;
};

MmcRun run_mmc(int c, double rho, double patience, double calls) {
  const double rate = rho * c / kAht;
  const Time end = seconds(1.0 + calls / rate);
  double t0 = wall_seconds();
  model::Cluster cl(mmc_spec(c, rate, patience, end), 1);
  for (int i = 0; i < c; ++i) {
    model::Action on;
    on.kind = model::ActionKind::phone_on;
    on.agent = i;
    cl.schedule(on);
    model::Action login = on;
    login.at = millis(100);
    login.kind = model::ActionKind::agent_login;
    cl.schedule(login);
  }
  CountCalls cc;
  cl.add_observer(&cc);
  // Past the last arrival until the calls have ended (the model has periodic events, such as
  // registration refreshes, so the event list never empties by itself).
  cl.run_until(end + seconds(40 * kAht));
  cl.finish_calls();
  MmcRun r;
  r.wall = wall_seconds() - t0;
  r.calls = cc.calls;
  r.abandoned = cc.abandoned;
  r.events = cl.scheduler().executed();
  r.calls_per_s = double(cc.calls) / r.wall;
  return r;
}

// Runs the SimPy peer; returns its calls/s, or a negative value if it could not run.
double run_simpy(int c, double rho, double patience, long calls, std::string* why) {
  const std::string py = "/usr/bin/python3";
  // The SimPy peer is bench/peers/mmc_simpy.py; $SCSIM_SIMPY_PEER names another one.
  const char* env = std::getenv("SCSIM_SIMPY_PEER");
  const std::string script =
      env && *env ? env : std::string(SCSIM_SOURCE_DIR) + "/bench/peers/mmc_simpy.py";
  std::string check = py + " -c 'import SimPy' >/dev/null 2>&1";
  if (std::system(check.c_str()) != 0) {
    *why = "python3-simpy is not installed (apt-get install -y python3-simpy)";
    return -1;
  }
  FILE* f = std::fopen(script.c_str(), "r");
  if (!f) {
    *why = "peer script not found: " + script;
    return -1;
  }
  std::fclose(f);
  char cmd[1024];
  std::snprintf(cmd, sizeof cmd, "%s %s -c %d --rho %g --calls %ld --seed 1%s%s 2>&1", py.c_str(),
                script.c_str(), c, rho, calls, patience > 0 ? " --patience " : "",
                patience > 0 ? std::to_string(int(patience)).c_str() : "");
  FILE* p = popen(cmd, "r");
  if (!p) {
    *why = "cannot start " + py;
    return -1;
  }
  char line[512];
  double cps = -1;
  while (std::fgets(line, sizeof line, p)) {
    std::string s = line;
    auto k = s.find("calls/s ");
    if (k != std::string::npos) {
      std::string num;
      for (char ch : s.substr(k + 8)) {
        if ((ch >= '0' && ch <= '9') || ch == '.') {
          num += ch;
        } else if (ch != ',') {
          break;
        }
      }
      cps = std::atof(num.c_str());
    }
  }
  int rc = pclose(p);
  if (rc != 0 || cps <= 0) {
    *why = "the SimPy peer failed (exit " + std::to_string(rc) + ")";
    return -1;
  }
  return cps;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int run_mmc(const Options& opt) {
  const int c = 100;
  const double rho = 0.9;
  const long calls = opt.quick ? 20000 : 1000000;
  if (opt.csv) {
    std::printf("benchmark,patience_s,calls,scsim_calls_per_s,simpy_calls_per_s,ratio,goal\n");
  } else {
    std::printf(
        "mmc: one node, c=%d, rho=%.1f, AHT %.0f s, %ld calls, zero delays (median of %d)\n", c,
        rho, kAht, calls, opt.repeat);
    std::printf("%-12s %14s %14s %10s %12s %8s\n", "patience", "scsim calls/s", "SimPy calls/s",
                "ratio", "abandoned", "goal");
  }
  for (double patience : {0.0, 300.0}) {
    std::vector<double> ours, theirs;
    MmcRun last;
    std::string why;
    for (int r = 0; r < opt.repeat; ++r) {
      last = run_mmc(c, rho, patience, double(calls));
      ours.push_back(last.calls_per_s);
      double s = run_simpy(c, rho, patience, calls, &why);
      if (s > 0) theirs.push_back(s);
    }
    double o = median(ours);
    double t = theirs.empty() ? 0 : median(theirs);
    double goal = patience > 0 ? 30 : 10;
    const char* pname = patience > 0 ? "300 s" : "none";
    if (opt.csv) {
      std::printf("mmc,%g,%ld,%.0f,%s,%s,%g\n", patience, calls, o,
                  t > 0 ? std::to_string(long(t)).c_str() : "",
                  t > 0 ? std::to_string(o / t).c_str() : "", goal);
    } else if (t > 0) {
      std::printf("%-12s %14.0f %14.0f %9.1fx %12llu %7.0fx%s\n", pname, o, t, o / t,
                  (unsigned long long)last.abandoned, goal, o / t >= goal ? "" : "  (below goal)");
    } else {
      std::printf("%-12s %14.0f %14s %10s %12llu %7.0fx\n", pname, o, "skipped", "-",
                  (unsigned long long)last.abandoned, goal);
    }
    if (t <= 0 && !opt.csv) std::printf("  SimPy reference skipped: %s\n", why.c_str());
  }
  return 0;
}

}  // namespace scsim::bench
