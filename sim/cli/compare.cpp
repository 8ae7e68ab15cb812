// `scsim compare FILE`: global versus local routing (DOMAIN §6.4, 2): the command line and the
// printed table. The experiment runner and its result files are run/compare.hpp; the
// statistics over replications stats/replication_stats.hpp.
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
#include "run/compare.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"
#include "stats/replication_stats.hpp"
#include "stats/results_dir.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {
namespace {

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
    "  (means, differences and kpis have rows per dc and node: all, then per DC each node\n"
    "   of arrival, none (calls that found no live node) and the DC's total, node all)\n"
    "  runs.csv         every replication and mode: seed, events, fingerprint, calls\n"
    "  choices.csv      the model choices in force (open questions Q1-Q17), marked where\n"
    "                   they differ from the default\n"
    "  call_diff.csv    calls (matched by id) whose outcome, wait (beyond --tolerance) or\n"
    "                   answering node differ between the first mode and another\n"
    "\n"
    "Examples:\n"
    "  scsim compare scenarios/global-vs-local.yaml\n"
    "  scsim compare scenarios/global-vs-local.yaml --modes auto,local_node,local_dc "
    "--replications 10 --seed 7\n";

using run::CompareOptions;
using run::kScopes;
using run::Replication;
using run::scope_name;

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

// DOMAIN 6.4 item 2: the capacity R36 held in the partitioned scope, per DC and mode, so that
// a gap between auto and local routing is attributed.
void print_r36(const scenario::Scenario& sc, const CompareOptions& o,
               const std::vector<Replication>& reps, bool r36) {
  const size_t M = o.modes.size();
  const int scope = 1 + int(stats::Period::partitioned);
  bool any = false;
  for (size_t dc = 0; dc < sc.cluster.dcs.size(); ++dc) {
    for (size_t m = 0; m < M; ++m) {
      std::vector<double> xs;
      for (const auto& rep : reps) {
        const auto& mr = rep.modes[m];
        xs.push_back(run::kpi_value(mr, scope, run::kpi_row(mr, sc.cluster.dcs[dc].name, "all"),
                                    "held_by_r36_s"));
      }
      const double mean = stats::summarize(xs).mean;
      if (!(mean > 0)) continue;
      any = true;
      std::printf(
          "R36 (stuck_busy_until_resync=true) held %.0f agent-minutes in %s during the "
          "partition under %s\n",
          mean / 60, sc.cluster.dcs[dc].name.c_str(), o.modes[m].c_str());
    }
  }
  if (any) {
    std::printf(
        "  (mean per replication: agents whose call ended across the cut stay busy at their "
        "owner until the resync;\n   auto loses capacity that local routing keeps. Rerun with "
        "--set stuck_busy_until_resync=false\n   to see the routing effect alone.)\n");
  } else if (r36) {
    std::printf("R36 (stuck_busy_until_resync=true) held no agent time in this scope\n");
  } else {
    std::printf("R36 off (stuck_busy_until_resync=false): no agent is held busy past its call\n");
  }
}

void print_table(const scenario::Scenario& sc, const CompareOptions& o,
                 const std::vector<Replication>& reps) {
  const size_t M = o.modes.size();
  static const char* const shown[] = {
      "arrivals",      "offered",          "in_progress_at_end",   "sl",
      "asa_s",         "abandonment_rate", "routing_failure_rate", "remote_share",
      "misroute_rate", "occupancy",        "held_by_r36_s"};
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
          per[m].push_back(stats::kpi_fields(rep.modes[m].kpis[size_t(s)][0])[k].value);
      }
      for (size_t m = 0; m < M; ++m)
        std::printf(" %12.4f", stats::summarize(per[m]).mean);
      for (size_t m = 1; m < M; ++m) {
        std::vector<double> d;
        for (size_t r = 0; r < reps.size(); ++r) {
          double x = per[0][r], y = per[m][r];
          d.push_back(std::isnan(x) || std::isnan(y) ? NAN : x - y);
        }
        stats::Sample sd = stats::summarize(d);
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
    if (s == 1 + int(stats::Period::partitioned)) {
      print_r36(sc, o, reps, r36);
      // The choices a partition's answer rests on (ADDP, partition scope, R36, reservations),
      // and any other that differs from its default: the full list is above.
      std::printf("Model choices behind this scope (* differs from the default):\n");
      for (const auto& c : model::model_choices()) {
        const std::string q = c.question;
        const bool differs = model::choice_differs(sc.cluster.params, c);
        if (!differs && q != "Q3" && q != "Q4" && q != "Q12" && q != "Q15") continue;
        std::printf("%s %-4s %s\n", differs ? "*" : " ", c.question,
                    model::describe_choice(sc.cluster.params, c).c_str());
      }
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
  const bool tty = isatty(STDERR_FILENO) && !quiet;
  auto progress = [&](int k) {
    if (!tty) return;
    std::fprintf(stderr, "\rcompare: %d/%d replications done ", k, o.replications);
    std::fflush(stderr);
  };
  const std::vector<Replication> reps = run::run_replications(sc, o, scratch, progress);
  if (tty) std::fprintf(stderr, "\r%40s\r", "");

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
  run::write_compare_results(results.temp(), sc, o, reps);
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
