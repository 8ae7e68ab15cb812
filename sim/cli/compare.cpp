// `scsim compare FILE`: global versus local routing (DOMAIN §6.4, 2). Runs the scenario under
// each routing_mode with R replications and writes results/<name>/compare/:
//   means.csv        scope x KPI x mode: mean, sd and n over the replications
//   differences.csv  scope x KPI x (first mode, other mode): the paired difference (first -
//                    other) over the replications with its 95 % Student-t confidence interval
//   kpis.csv         every replication x mode x scope x KPI (the raw values)
//   runs.csv         every replication x mode: seed, events, fingerprint, calls
//   call_diff.csv    per replication, the calls (matched by id) whose outcome, wait (beyond
//                    --tolerance) or answering node differ between the first mode and another
// and prints a short table. Scopes: `all` (the run's KPIs, warm-up excluded) and the §6.4
// periods at arrival (connected, undetected, partitioned, resyncing), from stats::CallStats.
//
// Common random numbers: replication r runs every mode with the same seed, so the model's named
// streams give each call the same arrival, patience and handle time in every mode (§6.4): the
// differences are paired. Replication seeds are derived from --seed by a fixed hash.
//
// Determinism: replications run on worker threads (both cores by default); each result goes to
// its own slot and everything is written after all have finished, in replication order, so the
// files do not depend on thread timing.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/random.hpp"
#include "model/cluster.hpp"
#include "model/params.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"
#include "stats/csv.hpp"
#include "stats/results_dir.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {
namespace {

constexpr int kOk = 0;
constexpr int kRunFailed = 1;
constexpr int kBadInput = 2;

const char* const kCompareHelp =
    "\n"
    "Runs FILE once per routing_mode and replication. Replication r uses one seed for every\n"
    "mode (derived from --seed), so every call has the same arrival, patience and handle time\n"
    "in each mode (common random numbers) and the differences are paired.\n"
    "\n"
    "Results (results/<scenario name>/compare/, or --out DIR):\n"
    "  means.csv        per scope (all, connected, undetected, partitioned, resyncing) and KPI:\n"
    "                   the mean over replications per mode\n"
    "  differences.csv  first mode minus each other mode: paired mean difference and 95% CI\n"
    "                   (Student t over the replications)\n"
    "  kpis.csv         every replication, mode, scope and KPI\n"
    "  runs.csv         every replication and mode: seed, events, fingerprint, calls\n"
    "  call_diff.csv    calls (matched by id) whose outcome, wait (beyond --tolerance) or\n"
    "                   answering node differ between the first mode and another\n"
    "\n"
    "Examples:\n"
    "  scsim compare scenarios/global-vs-local.yaml\n"
    "  scsim compare scenarios/global-vs-local.yaml --modes auto,local_node,local_dc "
    "--replications 10 --seed 7\n";

// Two-sided 95 % Student t quantile t_{0.975, dof}: exact table to 30 degrees of freedom, then
// the Cornish-Fisher expansion in 1/dof (error below 1e-5 from 30 on).
double t975(int dof) {
  static const double table[31] = {
      0,           12.70620474, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
      2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656,
      2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447,
      2.079613845, 2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516,
      2.048407142, 2.045229642, 2.042272456};
  if (dof < 1) return NAN;
  if (dof <= 30) return table[dof];
  const double z = 1.959963984540054, v = dof;
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v) +
         (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
}

struct Sample {
  double mean = NAN, sd = NAN, half = NAN;
  int n = 0;
};
Sample summarize(const std::vector<double>& xs) {
  Sample s;
  double sum = 0;
  for (double x : xs) {
    if (std::isnan(x)) continue;
    sum += x;
    ++s.n;
  }
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double ss = 0;
  for (double x : xs) {
    if (!std::isnan(x)) ss += (x - s.mean) * (x - s.mean);
  }
  s.sd = std::sqrt(ss / (s.n - 1));
  s.half = t975(s.n - 1) * s.sd / std::sqrt(double(s.n));
  return s;
}

std::string fmt(double v, int decimals = 6) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A compact call outcome, kept per replication and mode for call_diff.csv.
struct CallBrief {
  uint64_t id = 0;
  Time arrival;
  int dc = 0, node = -1, group = 0;
  model::CallOutcome outcome = model::CallOutcome::in_progress;
  Time wait;
  int dn = -1, owner = -1;
};

class CallCollector : public model::Observer {
 public:
  bool wants_node_views() const override { return false; }
  void on_call(const model::CallRecord& c) override {
    if (c.id == 0) return;
    if (calls.size() < c.id) calls.resize(c.id);
    CallBrief& b = calls[c.id - 1];
    b.id = c.id;
    b.arrival = c.arrival;
    b.dc = c.dc;
    b.node = c.node;
    b.group = c.group;
    b.outcome = c.outcome;
    b.wait = c.wait;
    bool answered = c.outcome == model::CallOutcome::answered_local ||
                    c.outcome == model::CallOutcome::answered_remote;
    b.dn = answered ? c.dn : -1;
    b.owner = answered ? c.dn_owner : -1;
  }
  std::vector<CallBrief> calls;  // index = id - 1
};

constexpr int kScopes = 1 + stats::kPeriods;
const char* scope_name(int s) {
  return s == 0 ? "all" : stats::to_string(stats::Period(s - 1));
}

struct ModeRun {
  uint64_t events = 0, fingerprint = 0, calls = 0;
  StopReason reason = StopReason::empty;
  std::vector<stats::Kpis> kpis;  // per scope
  std::vector<CallBrief> calls_brief;
};

struct Replication {
  uint64_t seed = 0;
  std::vector<ModeRun> modes;
  std::string error;
};

struct CompareOptions {
  std::vector<std::string> modes;
  int replications = 5;
  uint64_t seed = 0;
  Time end;
  uint64_t max_events = 200'000'000;
  Time tolerance = seconds(1);
  int jobs = 2;
  fs::path work;  // per-run CallStats files (removed after each run)
};

ModeRun run_mode(const scenario::Scenario& base, const std::string& mode, uint64_t seed,
                 const CompareOptions& o, const fs::path& scratch) {
  scenario::Scenario sc = base;
  std::string err = model::set_param(sc.cluster.params, "routing_mode", mode);
  if (!err.empty()) throw std::runtime_error(err);
  run::RunLimits limits;
  limits.max_events = o.max_events;
  fs::create_directories(scratch);
  ModeRun out;
  {
    run::Simulation sim(sc, seed, o.end, limits);
    sim.record_to(scratch, false, /*calls_only=*/true);
    CallCollector cc;
    sim.observe(&cc);
    out.reason = sim.run();
    sim.finish();
    const stats::CallStats& cs = *sim.call_stats();
    out.kpis.push_back(cs.kpis());
    for (int p = 0; p < stats::kPeriods; ++p)
      out.kpis.push_back(cs.period_kpis(stats::Period(p)));
    out.calls_brief = std::move(cc.calls);
    out.events = sim.cluster().scheduler().executed();
    out.fingerprint = sim.cluster().scheduler().fingerprint();
    out.calls = sim.cluster().calls_arrived();
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return out;
}

std::vector<std::string> split_modes(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string m;
  while (std::getline(ss, m, ',')) {
    m.erase(0, m.find_first_not_of(" \t"));
    m.erase(m.find_last_not_of(" \t") + 1);
    if (m == "local") m = "local_node";
    if (m != "auto" && m != "local_node" && m != "local_dc") {
      throw po::error("--modes: unknown routing_mode \"" + m +
                      "\" (modes are auto, local_node, local_dc)");
    }
    if (std::find(out.begin(), out.end(), m) != out.end()) {
      throw po::error("--modes: \"" + m + "\" given twice");
    }
    out.push_back(m);
  }
  if (out.size() < 2) throw po::error("--modes needs at least two modes, e.g. auto,local_node");
  return out;
}

std::optional<uint64_t> parse_u64(const std::string& s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

const char* outcome_name(model::CallOutcome o) {
  return model::to_string(o);
}

void write_results(const fs::path& dir, const scenario::Scenario& sc, const CompareOptions& o,
                   const std::vector<Replication>& reps,
                   const std::vector<std::string>& group_names) {
  const std::vector<std::string> label = {std::to_string(o.seed), sc.name};
  const std::vector<std::string> prefix = {"base_seed", "scenario"};
  const size_t M = o.modes.size();
  // Names of the KPIs (fixed order from stats::kpi_fields).
  std::vector<std::string> names;
  for (const auto& f : stats::kpi_fields(stats::Kpis{}))
    names.push_back(f.name);
  auto value = [&](const ModeRun& m, int scope, size_t k) {
    return stats::kpi_fields(m.kpis[size_t(scope)])[k].value;
  };

  {
    stats::CsvWriter w(dir / "runs.csv", label, prefix);
    w.header({"replication", "seed", "mode", "events", "fingerprint", "calls", "stop_reason"});
    for (size_t r = 0; r < reps.size(); ++r) {
      for (size_t m = 0; m < M; ++m) {
        const ModeRun& mr = reps[r].modes[m];
        w.field(uint64_t(r)).field(reps[r].seed).field(o.modes[m]).field(mr.events);
        w.field(stats::hex64(mr.fingerprint)).field(mr.calls).field(to_string(mr.reason));
        w.end_row();
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "kpis.csv", label, prefix);
    w.header({"replication", "seed", "mode", "scope", "kpi", "value"});
    for (size_t r = 0; r < reps.size(); ++r) {
      for (size_t m = 0; m < M; ++m) {
        for (int s = 0; s < kScopes; ++s) {
          auto fields = stats::kpi_fields(reps[r].modes[m].kpis[size_t(s)]);
          for (const auto& f : fields) {
            w.field(uint64_t(r)).field(reps[r].seed).field(o.modes[m]).field(scope_name(s));
            w.field(f.name).field(stats::format_kpi(f));
            w.end_row();
          }
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "means.csv", label, prefix);
    w.header({"scope", "kpi", "mode", "mean", "sd", "ci95_half_width", "n"});
    for (int s = 0; s < kScopes; ++s) {
      for (size_t k = 0; k < names.size(); ++k) {
        for (size_t m = 0; m < M; ++m) {
          std::vector<double> xs;
          for (const auto& rep : reps)
            xs.push_back(value(rep.modes[m], s, k));
          Sample sm = summarize(xs);
          w.field(scope_name(s)).field(names[k]).field(o.modes[m]).field(fmt(sm.mean));
          w.field(fmt(sm.sd)).field(fmt(sm.half)).field(sm.n);
          w.end_row();
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "differences.csv", label, prefix);
    w.header({"scope", "kpi", "mode_a", "mode_b", "mean_a", "mean_b", "diff_mean", "diff_sd",
              "ci95_low", "ci95_high", "n", "significant"});
    for (int s = 0; s < kScopes; ++s) {
      for (size_t k = 0; k < names.size(); ++k) {
        for (size_t m = 1; m < M; ++m) {
          std::vector<double> a, b, d;
          for (const auto& rep : reps) {
            double x = value(rep.modes[0], s, k), y = value(rep.modes[m], s, k);
            a.push_back(x);
            b.push_back(y);
            d.push_back(std::isnan(x) || std::isnan(y) ? NAN : x - y);
          }
          Sample sa = summarize(a), sb = summarize(b), sd = summarize(d);
          bool sig =
              sd.n >= 2 && !std::isnan(sd.half) && (sd.mean - sd.half > 0 || sd.mean + sd.half < 0);
          w.field(scope_name(s)).field(names[k]).field(o.modes[0]).field(o.modes[m]);
          w.field(fmt(sa.mean)).field(fmt(sb.mean)).field(fmt(sd.mean)).field(fmt(sd.sd));
          w.field(fmt(sd.mean - sd.half)).field(fmt(sd.mean + sd.half)).field(sd.n);
          w.field(sd.n >= 2 ? (sig ? "yes" : "no") : "");
          w.end_row();
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "call_diff.csv", label, prefix);
    w.header({"replication", "seed", "call", "arrival", "dc", "node", "group", "mode_a", "mode_b",
              "outcome_a", "outcome_b", "wait_a", "wait_b", "wait_diff", "answer_node_a",
              "answer_node_b", "dn_a", "dn_b", "differs"});
    const auto& nodes = sc.cluster.nodes;
    const auto& dcs = sc.cluster.dcs;
    const auto& agents = sc.cluster.agents;
    auto node_name = [&](int n) {
      return n >= 0 && size_t(n) < nodes.size() ? nodes[size_t(n)].name : std::string();
    };
    for (size_t r = 0; r < reps.size(); ++r) {
      const auto& A = reps[r].modes[0].calls_brief;
      for (size_t m = 1; m < M; ++m) {
        const auto& B = reps[r].modes[m].calls_brief;
        size_t n = std::min(A.size(), B.size());
        for (size_t i = 0; i < n; ++i) {
          const CallBrief& a = A[i];
          const CallBrief& b = B[i];
          if (a.id == 0 || b.id == 0) continue;
          std::string why;
          if (a.outcome != b.outcome) why += "outcome";
          Time dw = a.wait - b.wait;
          if (dw > o.tolerance || -dw > o.tolerance) why += why.empty() ? "wait" : ";wait";
          if (a.owner >= 0 && b.owner >= 0 && a.owner != b.owner) {
            why += why.empty() ? "node" : ";node";
          }
          if (why.empty()) continue;
          w.field(uint64_t(r)).field(reps[r].seed).field(a.id).field(a.arrival);
          w.field(a.dc >= 0 && size_t(a.dc) < dcs.size() ? dcs[size_t(a.dc)].name : "");
          w.field(node_name(a.node));
          w.field(a.group >= 0 && size_t(a.group) < group_names.size()
                      ? group_names[size_t(a.group)]
                      : std::to_string(a.group));
          w.field(o.modes[0]).field(o.modes[m]);
          w.field(outcome_name(a.outcome)).field(outcome_name(b.outcome));
          w.field(a.wait).field(b.wait).field(dw);
          w.field(node_name(a.owner)).field(node_name(b.owner));
          w.field(a.dn >= 0 && size_t(a.dn) < agents.size() ? agents[size_t(a.dn)].dn : "");
          w.field(b.dn >= 0 && size_t(b.dn) < agents.size() ? agents[size_t(b.dn)].dn : "");
          w.field(why);
          w.end_row();
        }
      }
    }
    w.close();
  }
}

void print_table(const scenario::Scenario& sc, const CompareOptions& o,
                 const std::vector<Replication>& reps) {
  const size_t M = o.modes.size();
  static const char* const shown[] = {"offered",
                                      "sl",
                                      "asa_s",
                                      "abandonment_rate",
                                      "routing_failure_rate",
                                      "remote_share",
                                      "misroute_rate",
                                      "occupancy"};
  std::vector<std::string> names;
  for (const auto& f : stats::kpi_fields(stats::Kpis{}))
    names.push_back(f.name);
  std::printf("%s: %d replications, base seed %llu, modes", sc.name.c_str(), o.replications,
              static_cast<unsigned long long>(o.seed));
  for (const auto& m : o.modes)
    std::printf(" %s", m.c_str());
  std::printf("\n\nModel choices in force (DOMAIN section 7; * differs from the default):\n");
  for (const auto& c : model::model_choices()) {
    std::printf("%s %-4s %-42s %s\n", model::choice_differs(sc.cluster.params, c) ? "*" : " ",
                c.question, c.topic, model::describe_choice(sc.cluster.params, c).c_str());
  }
  const bool r36 = model::get_param(sc.cluster.params, "stuck_busy_until_resync") == "true";
  for (int s : {0, 1 + int(stats::Period::connected), 1 + int(stats::Period::partitioned)}) {
    std::printf("\n[%s]\n%-22s", scope_name(s), "KPI");
    for (const auto& m : o.modes)
      std::printf(" %12s", m.c_str());
    for (size_t m = 1; m < M; ++m)
      std::printf("   %-28s", (o.modes[0] + " - " + o.modes[m] + " [95% CI]").c_str());
    std::printf("\n");
    for (const char* kn : shown) {
      auto it = std::find(names.begin(), names.end(), kn);
      if (it == names.end()) continue;
      size_t k = size_t(it - names.begin());
      std::printf("%-22s", kn);
      std::vector<std::vector<double>> per(M);
      for (const auto& rep : reps) {
        for (size_t m = 0; m < M; ++m)
          per[m].push_back(stats::kpi_fields(rep.modes[m].kpis[size_t(s)])[k].value);
      }
      for (size_t m = 0; m < M; ++m)
        std::printf(" %12.4f", summarize(per[m]).mean);
      for (size_t m = 1; m < M; ++m) {
        std::vector<double> d;
        for (size_t r = 0; r < reps.size(); ++r) {
          double x = per[0][r], y = per[m][r];
          d.push_back(std::isnan(x) || std::isnan(y) ? NAN : x - y);
        }
        Sample sd = summarize(d);
        char buf[80];
        if (std::isnan(sd.half)) {
          std::snprintf(buf, sizeof buf, "%+.4f", sd.mean);
        } else {
          std::snprintf(buf, sizeof buf, "%+.4f [%+.4f, %+.4f]", sd.mean, sd.mean - sd.half,
                        sd.mean + sd.half);
        }
        std::printf("   %-28s", buf);
      }
      std::printf("\n");
    }
    if (s == 1 + int(stats::Period::partitioned) && r36 &&
        std::find(o.modes.begin(), o.modes.end(), "auto") != o.modes.end()) {
      std::printf(
          "note: R36 (stuck_busy_until_resync=true, Q12): agents talking on calls from across "
          "the cut stay busy at\n      their owner until the resync, so auto loses capacity "
          "that local routing keeps: part of\n      the difference here is that model choice, "
          "not routing. Rerun with\n      --set stuck_busy_until_resync=false to see the "
          "routing effect alone.\n");
    }
  }
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  po::options_description d("scsim compare FILE [options]", 100, 50);
  d.add_options()                   //
      ("help,h", "show this help")  //
      ("modes", po::value<std::string>()->value_name("M1,M2,...")->default_value("auto,local_node"),
       "routing modes to compare (auto, local_node, local_dc); differences are first - other")  //
      ("replications,r", po::value<std::string>()->value_name("R")->default_value("5"),
       "replications per mode (1..1000); CIs need R >= 2")  //
      ("seed", po::value<std::string>()->value_name("N"),
       "base seed (default: the scenario's seed); replication seeds are derived from it")  //
      ("out,o", po::value<std::string>()->value_name("DIR"),
       "results directory (default results/<scenario name>/compare)")  //
      ("set", po::value<std::vector<std::string>>()->value_name("NAME=VALUE")->composing(),
       "override a parameter, as in scsim run (repeatable)")  //
      ("until", po::value<std::string>()->value_name("T"),
       "end each run at simulated time T instead of the scenario's duration")  //
      ("tolerance", po::value<std::string>()->value_name("T")->default_value("1"),
       "wait difference that call_diff.csv reports (default 1 s)")  //
      ("jobs,j", po::value<std::string>()->value_name("N"),
       "worker threads (default: the number of cores, at most R)")  //
      ("max-events", po::value<std::string>()->value_name("N"),
       "event limit per run (default 200000000)")  //
      ("report", po::bool_switch(),
       "also write report.html with the results: one self-contained HTML page with the"
       " table, the generated sentence and charts (see scsim report --help)")  //
      ("quiet,q", po::bool_switch(), "print nothing on success");
  po::variables_map vm = parse_command(args, d);
  if (vm.count("help")) {
    std::cout << d << kCompareHelp;
    return kOk;
  }
  if (!vm.count("file")) throw po::error("scsim compare: no FILE given (see scsim compare --help)");
  auto files = vm["file"].as<std::vector<std::string>>();
  if (files.size() != 1) throw po::error("scsim compare takes one FILE");

  CompareOptions o;
  o.modes = split_modes(vm["modes"].as<std::string>());
  auto u64 = [&](const char* name, uint64_t lo, uint64_t hi) {
    const auto& text = vm[name].as<std::string>();
    auto v = parse_u64(text);
    if (!v || *v < lo || *v > hi) {
      throw po::error(std::string("--") + name + " expects a whole number from " +
                      std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" + text + "\"");
    }
    return *v;
  };
  o.replications = int(u64("replications", 1, 1000));
  if (vm.count("max-events")) o.max_events = u64("max-events", 1, UINT64_MAX);
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  o.jobs = vm.count("jobs") ? int(u64("jobs", 1, 64)) : int(hw);
  o.jobs = std::min(o.jobs, o.replications);
  {
    auto t = parse_time(vm["tolerance"].as<std::string>());
    if (!t.value || *t.value < Time::zero()) {
      throw po::error("--tolerance: " + (t.value ? std::string("must not be negative") : t.error));
    }
    o.tolerance = *t.value;
  }
  std::vector<std::pair<std::string, std::string>> sets;
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
      auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw po::error("--set expects name=value, got \"" + s + "\"");
      }
      if (s.substr(0, eq) == "routing_mode") {
        throw po::error("--set routing_mode: scsim compare sets it (use --modes)");
      }
      sets.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
  }
  auto loaded = scenario::load_scenario(files[0], sets);
  if (!loaded.scenario) {
    for (const auto& e : loaded.errors)
      std::cerr << e.to_string() << "\n";
    return kBadInput;
  }
  const scenario::Scenario& sc = *loaded.scenario;
  if (sc.cluster.workload.empty()) {
    std::cerr << "scsim: " << files[0]
              << ": the scenario has no workload (no calls to compare); add a `workload:` "
                 "section\n";
    return kBadInput;
  }
  o.seed = vm.count("seed") ? u64("seed", 0, UINT64_MAX) : sc.seed;
  o.end = sc.duration;
  if (vm.count("until")) {
    auto t = parse_time(vm["until"].as<std::string>());
    if (!t.value) throw po::error("--until: " + t.error);
    o.end = *t.value;
  }
  fs::path target = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                                    : fs::path("results") / stats::dir_name(sc.name) / "compare";
  const bool quiet = vm["quiet"].as<bool>();

  // Replication seeds: replication 0 uses the base seed itself, the others a hash of it.
  std::vector<Replication> reps(size_t(o.replications));
  for (size_t r = 0; r < reps.size(); ++r) {
    reps[r].seed = r == 0 ? o.seed : Rng(o.seed, "compare-replication", r).next_u64();
  }

  std::optional<stats::ResultsDir> maybe_results;
  try {
    maybe_results.emplace(target);
  } catch (const stats::ResultsRefused& e) {
    std::cerr << "scsim: " << (vm.count("out") ? "--out " : "") << e.what() << "\n";
    return kBadInput;
  }
  stats::ResultsDir& results = *maybe_results;
  if (!quiet) {
    for (const auto& line : results.cleaned())
      std::cerr << "scsim: " << line << "\n";
  }
  const fs::path scratch = results.temp() / ".runs";
  std::atomic<size_t> next{0};
  std::atomic<int> done{0};
  const bool tty = isatty(STDERR_FILENO) && !quiet;
  auto worker = [&] {
    while (true) {
      size_t r = next.fetch_add(1);
      if (r >= reps.size()) return;
      Replication& rep = reps[r];
      try {
        for (const auto& m : o.modes) {
          rep.modes.push_back(
              run_mode(sc, m, rep.seed, o, scratch / ("r" + std::to_string(r) + "-" + m)));
        }
      } catch (const std::exception& e) {
        rep.error = e.what();
      }
      int k = ++done;
      if (tty) {
        std::fprintf(stderr, "\rcompare: %d/%d replications done ", k, o.replications);
        std::fflush(stderr);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < o.jobs; ++j)
    threads.emplace_back(worker);
  worker();
  for (auto& t : threads)
    t.join();
  if (tty) std::fprintf(stderr, "\r%40s\r", "");
  std::error_code ec;
  fs::remove_all(scratch, ec);

  for (size_t r = 0; r < reps.size(); ++r) {
    if (!reps[r].error.empty()) {
      std::cerr << "scsim: " << files[0] << ": replication " << r << " (seed " << reps[r].seed
                << ") failed: " << reps[r].error << "\nscsim: results not written\n";
      return kRunFailed;
    }
    for (size_t m = 0; m < o.modes.size(); ++m) {
      StopReason why = reps[r].modes[m].reason;
      if (why != StopReason::until_reached && why != StopReason::empty) {
        std::cerr << "scsim: " << files[0] << ": replication " << r << " mode " << o.modes[m]
                  << " stopped early (" << to_string(why)
                  << "; see --max-events)\nscsim: results not written\n";
        return kRunFailed;
      }
    }
  }
  // Group names as the model numbers them (CallRecord::group).
  std::vector<std::string> group_names = stats::routing_groups(sc.cluster);
  write_results(results.temp(), sc, o, reps, group_names);
  if (vm["report"].as<bool>() &&
      !write_html_report(results.temp().string(), (results.temp() / "report.html").string(),
                         sc.name + " (compare)", true)) {
    std::cerr << "scsim: results not written (" << target.string() << " left as it was)\n";
    return kRunFailed;
  }
  results.commit();
  if (!quiet) {
    print_table(sc, o, reps);
    std::printf("\nresults: %s\n", target.string().c_str());
    if (vm["report"].as<bool>()) {
      std::printf("report: %s\n", (target / "report.html").string().c_str());
    }
  }
  return kOk;
}

}  // namespace scsim::cli
