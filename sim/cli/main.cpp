// The `scsim` command: run scenario files and write their results, or validate them.
//
//   scsim run FILE... [--seed N] [--set name=value]... [--out DIR] [--until T]
//             [--max-events N] [--trace] [--check-invariants] [--quiet]
//   scsim validate FILE... [--set name=value]...
//   scsim --help | scsim COMMAND --help | scsim --version
//
// Exit codes: 0 success; 1 run failed (a limit stopped it before the scenario's end, an
// invariant was violated, results could not be written); 2 bad input or usage.
//
// Invariants kept here: every input is loaded and validated before any run starts, so bad input
// never creates a results directory; results are written through stats::ResultsDir, so a failed
// or interrupted run never leaves a half-written results directory and never destroys the
// previous one; nothing written to results depends on the wall clock (only the progress line on
// a terminal's stderr does, through cli/wallclock.hpp).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/version.hpp"
#include "cli/wallclock.hpp"
#include "model/cluster.hpp"
#include "model/params.hpp"
#include "report/report.hpp"
#include "run/lint.hpp"
#include "run/recording_of.hpp"
#include "run/simulation.hpp"
#include "scenario/explain.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"
#include "stats/csv.hpp"
#include "stats/invariants.hpp"
#include "stats/liveness.hpp"
#include "stats/recorder.hpp"
#include "stats/recording.hpp"
#include "stats/results_dir.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {
namespace {

constexpr int kAbortHookExit = 3;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* const kTopHelp =
    "scsim " SCSIM_VERSION
    ": a deterministic discrete-event simulator of a Genesys SIP Cluster\n"
    "\n"
    "Usage:\n"
    "  scsim run FILE... [options]    run scenario files, write CSV results to results/<name>/\n"
    "  scsim validate FILE...         check scenario files: prints \"FILE: ok\" or every error\n"
    "  scsim compare FILE [options]   run FILE under each routing_mode (global vs local) with\n"
    "                                 replications; paired differences with 95% CIs\n"
    "  scsim erlang --rate L --aht S --agents C [--patience P] [--threshold T]\n"
    "                                 Erlang C / Erlang A figures of one queue\n"
    "  scsim swarm --seeds N [options]  random scenarios checked against DOMAIN's invariants\n"
    "                                 and liveness; failing ones written to results/swarm/\n"
    "  scsim shrink FILE --until P    delta-debug a scenario to a smaller one with property P\n"
    "  scsim sweep CAMPAIGN [options] a campaign: grid of settings x replications x routing\n"
    "                                 modes on every core or MPI ranks, into one SQLite file\n"
    "  scsim report DIR [-o FILE]     one self-contained HTML page (charts, tables) of a run's\n"
    "                                 or a compare's results; opens offline in any browser\n"
    "  scsim params [NAME]            every parameter: unit, defaults, reference, range, rules\n"
    "                                 and meaning (--format text|csv|markdown)\n"
    "  scsim COMMAND --help           the options of a command, with examples\n"
    "  scsim --help                   this text\n"
    "  scsim --version                version and git commit\n"
    "\n"
    "A run is a pure function of (scenario, seed): the same inputs give the same bytes.\n"
    "\n"
    "Exit codes:\n"
    "  0  success\n"
    "  1  run failed: a limit (--max-events, --max-calls, --max-pending, --max-rss) stopped it\n"
    "     before the scenario's end, an invariant was violated (--check-invariants), or the\n"
    "     results could not be written\n"
    "  2  bad input or usage: unknown option, bad --set, a scenario file with errors\n"
    "\n"
    "Examples:\n"
    "  scsim validate scenarios/*.yaml\n"
    "  scsim run scenarios/sc04-partition.yaml\n"
    "  scsim run scenarios/two-dc-day.yaml --seed 7 --set addp_timeout_s=20 --out results/day-7\n";

const char* const kRunExamples =
    "\n"
    "Results (in results/<scenario name>/, or --out DIR; with several FILEs, DIR/<name>/),\n"
    "by the --record table that writes them (default: kpis,calls,ownership,links):\n"
    "  kpis       intervals.csv  call KPIs per interval x row x group (DOMAIN 6.2); rows: per\n"
    "                            DC each node of arrival, none (no live node at the proxy)\n"
    "                            and the DC; then all\n"
    "             periods.csv    time and call KPIs per period (connected/undetected/...)\n"
    "             episodes.csv   per fault episode (cut, crash, GWS, WWE) and row: KPIs before,\n"
    "                            during and after it (DOMAIN 6.5)\n"
    "             call_summary.csv  the run's call KPIs per row x group, warm-up excluded\n"
    "             occupancy.csv  agent time per interval x agent DC x truth owner x group;\n"
    "                            held_by_r36_s: agent time held busy by R36 after the call\n"
    "                            really ended\n"
    "             view_series.csv   per interval and view (truth, view_N, SS_N): DNs in service\n"
    "                            and eligible, mean and at the interval's end\n"
    "  calls      calls.csv      one row per call (DOMAIN 6.1)\n"
    "  ownership  ownership.csv  every change of a DN's owner with its cause;\n"
    "             conflicts.csv  split brains\n"
    "  links      links.csv      per TC link end and GWS-node connection end: state intervals\n"
    "  routing    routing.csv    one row per routing decision (with the stale count)\n"
    "  views      dn_views.csv   per DN x view (truth, view_N, SS_N): intervals with owner,\n"
    "                            service, agent state (large: DNs x views x changes)\n"
    "  staleness  staleness.csv  per SS, DN and level: windows where SS_M disagrees with the\n"
    "                            truth as seen from M (DOMAIN 6.3; large)\n"
    "  events     events.csv     every executed event (also --trace; very large)\n"
    "  always     summary.csv    time InSrv/OOS/eligible per view, ownership per cause, links,\n"
    "                            staleness totals; run.csv: scenario, file hash, seed,\n"
    "                            parameters, version, events, fingerprint, what was recorded\n"
    "`all` is every table but events. With --compress every file but run.csv is FILE.csv.gz\n"
    "(zcat, pandas and R read it). A scenario's `results: {record: [...], compress: true}`\n"
    "chooses the same; --record and --compress override it. What is recorded never changes\n"
    "the events or the fingerprint. Every file carries the seed and scenario name. Files are\n"
    "written to a temporary directory and renamed into place when the run succeeds: a failed\n"
    "or interrupted run leaves the previous results untouched.\n"
    "\n"
    "Examples:\n"
    "  scsim run scenarios/sc01-registration.yaml\n"
    "  scsim run scenarios/sc04-partition.yaml --seed 42 --set addp_detection_model=max\n"
    "  scsim run scenarios/two-dc-day.yaml --until 01:00:00 --out /tmp/first-hour --quiet\n"
    "  scsim run scenarios/big-site.yaml --record all --compress\n"
    "  scsim run scenarios/sc*.yaml --check-invariants --trace\n";

const char* const kValidateExamples =
    "\n"
    "Prints \"FILE: ok\" on stdout for each valid file and every error of the others on stderr\n"
    "(file:line:column: key: message). Exit code 0 if all are valid, else 2.\n"
    "\n"
    "Examples:\n"
    "  scsim validate scenarios/*.yaml\n"
    "  scsim validate my.yaml --set tc_one_way_delay_ms=80\n"
    "  scsim validate scenarios/registration-storm.yaml --explain --first 3\n";

uint64_t u64_option(const po::variables_map& vm, const char* name) {
  const auto& text = vm[name].as<std::string>();
  auto v = parse_u64(text);
  if (!v) {
    throw UsageError(std::string("--") + name + " expects a non-negative integer, got \"" + text +
                     "\"");
  }
  return *v;
}

std::vector<std::pair<std::string, std::string>> parse_sets(const po::variables_map& vm) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!vm.count("set")) return out;
  for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError("--set expects name=value (e.g. --set addp_timeout_s=20), got \"" + s +
                       "\"");
    }
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

// The progress line: only while stderr is a terminal and the run has lasted a second.
class Progress : public model::Observer {
 public:
  Progress(model::Cluster& c, std::string name, Time end)
      : cluster_(c), name_(std::move(name)), end_(end) {
    start_ = last_ = wall_seconds();
  }
  bool wants_node_views() const override { return false; }
  void on_event(const FiredEvent& f) override {
    if ((++count_ & 0x3fff) != 0) return;
    double w = wall_seconds();
    if (w - start_ < 1.0 || w - last_ < 0.25) return;
    double rate = static_cast<double>(count_ - last_count_) / (w - last_);
    double pct = end_.micros() > 0 ? 100.0 * f.time.to_seconds() / end_.to_seconds() : 100.0;
    width_ =
        std::fprintf(stderr, "\r%s: t = %s / %s s (%5.1f%%), %.3g events/s, %llu events ",
                     name_.c_str(), format_time(f.time).c_str(), format_time(end_).c_str(), pct,
                     rate, static_cast<unsigned long long>(cluster_.scheduler().executed()));
    std::fflush(stderr);
    printed_ = true;
    last_ = w;
    last_count_ = count_;
  }
  void clear() {
    if (printed_) std::fprintf(stderr, "\r%*s\r", width_, "");
    printed_ = false;
  }

 private:
  model::Cluster& cluster_;
  std::string name_;
  Time end_;
  double start_ = 0, last_ = 0;
  uint64_t count_ = 0, last_count_ = 0;
  bool printed_ = false;
  int width_ = 0;
};

// Test hook (--abort-after-events N, hidden): the process dies (exit code 3, no cleanup) after
// N events, while the results are being streamed into the temporary directory.
class AbortHook : public model::Observer {
 public:
  AbortHook(model::Cluster& c, stats::Recorder& r, uint64_t n) : cluster_(c), rec_(r), n_(n) {}
  bool wants_node_views() const override { return false; }
  void on_event(const FiredEvent&) override {
    if (cluster_.scheduler().executed() >= n_) {
      rec_.flush();
      std::fprintf(stderr, "scsim: --abort-after-events %llu: aborting (test hook)\n",
                   static_cast<unsigned long long>(n_));
      std::fflush(stderr);
      std::_Exit(kAbortHookExit);
    }
  }

 private:
  model::Cluster& cluster_;
  stats::Recorder& rec_;
  uint64_t n_;
};

struct RunOptions {
  std::optional<uint64_t> seed;
  std::optional<std::string> out;
  std::optional<Time> until;
  std::optional<uint64_t> max_events;  // default: from the scenario's estimate
  uint64_t max_calls = run::RunLimits{}.max_calls;
  uint64_t max_pending = run::RunLimits{}.max_pending;
  uint64_t max_rss_mb = 0;
  bool dry_run = false;
  bool trace = false;
  std::optional<uint32_t> record;  // --record: the tables (stats/recording.hpp)
  bool compress = false;           // --compress
  bool check_invariants = false;
  bool check_liveness = false;
  bool strict = false;  // warnings exit 2
  bool quiet = false;
  bool report = false;  // also write report.html with the results
  std::optional<uint64_t> abort_after_events;
  bool several = false;  // several FILEs: --out is a parent directory
};

// Where one scenario's results go: --out DIR, DIR/<name> with several files, or
// results/<name>.
fs::path target_of(const scenario::Scenario& sc, const RunOptions& o) {
  if (o.out) return o.several ? fs::path(*o.out) / stats::dir_name(sc.name) : fs::path(*o.out);
  return fs::path("results") / stats::dir_name(sc.name);
}

run::RunLimits limits_of(const scenario::Scenario& sc, const RunOptions& o) {
  run::RunLimits l;
  l.max_events = o.max_events
                     ? *o.max_events
                     : run::estimate_run(sc, o.until.value_or(sc.duration)).default_max_events();
  l.max_calls = o.max_calls;
  l.max_pending = o.max_pending;
  l.max_rss_mb = o.max_rss_mb;
  return l;
}

// What a run records: the scenario's `results:` section, then --record and --compress.
stats::Recording recording_for(const scenario::Scenario& sc, const RunOptions& o) {
  stats::Recording r;
  run::recording_of(sc, &r);  // checked when loaded
  if (o.record) r.tables = *o.record;
  if (o.compress) r.compress = true;
  if (o.trace) r.tables |= stats::Recording::bit(stats::Table::events);
  // The report's routing attribution reads routing.csv: --report records it (issue 14 §6).
  if (o.report) r.tables |= stats::Recording::bit(stats::Table::routing);
  return r;
}

// Warnings before a run: a limit that the scenario's own estimate says will stop it.
void warn_limits(const scenario::Scenario& sc, const RunOptions& o) {
  const Time end = o.until.value_or(sc.duration);
  const auto e = run::estimate_run(sc, end);
  const auto l = limits_of(sc, o);
  if (e.peak_calls > double(l.max_calls)) {
    std::fprintf(stderr,
                 "scsim: warning: %s: %.3g calls/s offered against a capacity of about %.3g/s: "
                 "calls in the system may reach %.3g, above --max-calls %llu, which will stop "
                 "the run\n",
                 sc.file.c_str(), e.offered_per_s, e.capacity_per_s, e.peak_calls,
                 static_cast<unsigned long long>(l.max_calls));
  }
  if (e.events > double(l.max_events)) {
    std::fprintf(stderr,
                 "scsim: warning: %s: about %.3g events expected (%.3g calls), above --max-events "
                 "%llu, which will stop the run\n",
                 sc.file.c_str(), e.events, e.arrivals,
                 static_cast<unsigned long long>(l.max_events));
  }
}

void print_dry_run(const scenario::Scenario& sc, const RunOptions& o) {
  const Time end = o.until.value_or(sc.duration);
  const auto e = run::estimate_run(sc, end);
  const auto l = limits_of(sc, o);
  std::printf(
      "%s: %zu nodes, %zu agents, %zu timeline actions, end %s s -> %s\n"
      "  estimate: %.0f calls (%.3g/s offered, capacity about %.3g/s), at most about %.0f in "
      "the system at once, about %.3g events\n"
      "  limits: --max-events %llu, --max-calls %llu, --max-pending %llu, --max-rss %s\n"
      "  record: %s%s\n",
      sc.file.c_str(), sc.cluster.nodes.size(), sc.cluster.agents.size(), sc.timeline.size(),
      format_time(end).c_str(), target_of(sc, o).string().c_str(), e.arrivals, e.offered_per_s,
      e.capacity_per_s, e.peak_calls, e.events, static_cast<unsigned long long>(l.max_events),
      static_cast<unsigned long long>(l.max_calls), static_cast<unsigned long long>(l.max_pending),
      l.max_rss_mb ? (std::to_string(l.max_rss_mb) + " MB").c_str() : "none",
      recording_for(sc, o).names().c_str(), recording_for(sc, o).compress ? " (compressed)" : "");
}

// --max-rss: reads the resident set size every 65536 events and stops the run above the limit
// (Observer::stop_requested).
class RssGuard : public model::Observer {
 public:
  explicit RssGuard(uint64_t max_mb) : max_kb_(max_mb * 1024) {}
  bool wants_node_views() const override { return false; }
  void on_event(const FiredEvent&) override {
    if ((++count_ & 0xffff) != 0) return;
    uint64_t kb = rss_kb();
    if (kb > max_kb_) {
      peak_kb_ = kb;
      request_stop(StopReason::memory_limit);
    }
  }
  uint64_t seen_kb() const { return peak_kb_; }
  static uint64_t rss_kb() {
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    int got = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    if (got != 2) return 0;
    return resident * uint64_t(sysconf(_SC_PAGESIZE)) / 1024;
  }

 private:
  uint64_t max_kb_;
  uint64_t count_ = 0, peak_kb_ = 0;
};

// What stopped a run early, for the user.
std::string stop_text(StopReason reason, const model::Cluster& cluster, const RunOptions& o) {
  switch (reason) {
    case StopReason::event_limit:
      return "event limit (--max-events " + std::to_string(cluster.scheduler().event_limit()) + ")";
    case StopReason::call_limit:
      return "limit of calls in the system (--max-calls " + std::to_string(o.max_calls) +
             "; more calls arrive than the agents serve)";
    case StopReason::pending_limit:
      return "limit of pending events (--max-pending " + std::to_string(o.max_pending) + ")";
    case StopReason::memory_limit:
      return "memory limit (--max-rss " + std::to_string(o.max_rss_mb) + " MB)";
    default:
      return to_string(reason);
  }
}

// Runs one loaded scenario; returns the exit code.
int run_one(const scenario::Scenario& sc, const RunOptions& o) {
  const uint64_t seed = o.seed.value_or(sc.seed);
  const Time end = o.until.value_or(sc.duration);
  const fs::path target = target_of(sc, o);

  // Refuses (exit 2) a target that scsim did not write, or that another run is writing,
  // before anything runs; says which leftovers of killed runs it removed.
  stats::ResultsDir results(target);
  if (!o.quiet) {
    for (const auto& line : results.cleaned())
      std::cerr << "scsim: " << line << "\n";
  }

  // The one run facade (run/simulation.hpp): the same set-up, observers and end-of-run order
  // as the GUI's and compare's, so the same fingerprint and bytes.
  run::Simulation sim(sc, seed, end, limits_of(sc, o));
  model::Cluster& cluster = sim.cluster();
  sim.record_to(results.temp(), o.trace, false, recording_for(sc, o));
  if (o.check_invariants) sim.check_invariants();
  std::optional<Progress> progress;
  if (isatty(STDERR_FILENO) && !o.quiet) {
    progress.emplace(cluster, sc.name, end);
    sim.observe(&*progress);
  }
  std::optional<RssGuard> rss_guard;
  if (o.max_rss_mb > 0) {
    rss_guard.emplace(o.max_rss_mb);
    sim.observe(&*rss_guard);
  }
  std::optional<AbortHook> abort_hook;
  if (o.abort_after_events) {
    abort_hook.emplace(cluster, *sim.recorder(), *o.abort_after_events);
    sim.observe(&*abort_hook);
  }

  StopReason reason = sim.run();
  if (progress) progress->clear();
  const bool complete = sim.finish();
  const stats::InvariantChecker* checker = sim.checker();

  if (checker && checker->violated()) {
    std::cerr << "scsim: " << sc.file << ": invariant violated: " << checker->message()
              << "\nscsim: " << sc.file << ": run failed; results not written (" << target.string()
              << " left as it was)\n";
    return kRunFailed;
  }
  if (o.check_liveness && complete) {
    auto diffs = stats::check_converged(cluster, 5);
    if (!diffs.empty()) {
      std::cerr << "scsim: " << sc.file << ": liveness violated at " << format_time(cluster.now())
                << ": the views have not converged:\n";
      for (const auto& d : diffs)
        std::cerr << "  " << d << "\n";
      std::cerr << "scsim: " << sc.file << ": run failed; results not written (" << target.string()
                << " left as it was)\n";
      return kRunFailed;
    }
  }
  if (!complete) {
    std::cerr << "scsim: " << sc.file << ": stopped by the " << stop_text(reason, cluster, o)
              << " at " << format_time(cluster.now()) << " s, before the end at "
              << format_time(end) << " s, after " << cluster.scheduler().executed()
              << " events\nscsim: " << sc.file << ": run failed; results not written ("
              << target.string() << " left as it was)\n";
    return kRunFailed;
  }

  // Warnings: before the run (printed by cmd_run) and after it, from the call statistics.
  std::vector<run::Warning> warnings = run::lint_scenario(sc, o.until);
  const size_t before_run = warnings.size();
  for (auto& w : run::lint_results(sc, *sim.call_stats(), cluster.groups()))
    warnings.push_back(std::move(w));
  for (size_t i = before_run; i < warnings.size(); ++i)
    std::cerr << "scsim: " << warnings[i].to_string(sc.file) << "\n";

  run::RunInfo info;
  info.warnings = warnings.size();
  info.until = o.until;
  info.trace = o.trace;
  info.check_invariants = o.check_invariants;
  info.version = SCSIM_VERSION;
  info.git_commit = SCSIM_GIT_COMMIT;
  sim.write_run_csv(results.temp(), info);
  // The report goes into the results before they are renamed into place: a run that fails to
  // write it leaves no half-written results.
  if (o.report && !write_html_report(results.temp().string(),
                                     (results.temp() / "report.html").string(), sc.name, true)) {
    std::cerr << "scsim: " << sc.file << ": results not written (" << target.string()
              << " left as it was)\n";
    return kRunFailed;
  }
  results.commit();

  if (!o.quiet) {
    const stats::Recorder& recorder = *sim.recorder();
    std::cout << sc.name << ": seed " << seed << ", " << cluster.scheduler().executed()
              << " events, end " << format_time(cluster.now()) << " s, fingerprint "
              << stats::hex64(cluster.scheduler().fingerprint()) << ", "
              << recorder.ownership_changes() << " ownership changes, " << recorder.conflicts()
              << " conflicts, " << recorder.staleness_windows() << " staleness windows"
              << (checker ? ", invariants ok" : "") << "\n"
              << "results: " << target.string() << "\n";
    for (const auto& line : report::terminal_summary(target))
      std::cout << line << "\n";
    if (o.report) {
      std::cout << "report: " << (target / "report.html").string() << "\n";
    }
  }
  return o.strict && warnings.size() > before_run ? kBadInput : kOk;
}

bool load_all(const std::vector<std::string>& files,
              const std::vector<std::pair<std::string, std::string>>& sets,
              std::vector<scenario::Scenario>& out, bool print_ok) {
  bool all_ok = true;
  for (const auto& f : files) {
    auto r = scenario::load_scenario(f, sets);
    if (r.scenario) {
      stats::Recording unused;
      r.errors = run::recording_of(*r.scenario, &unused);
      if (!r.errors.empty()) r.scenario.reset();
    }
    if (r.scenario) {
      if (print_ok) std::cout << f << ": ok\n";
      out.push_back(std::move(*r.scenario));
      continue;
    }
    all_ok = false;
    for (const auto& e : r.errors)
      std::cerr << e.to_string() << "\n";
    if (r.errors.empty()) std::cerr << f << ": invalid scenario\n";
  }
  return all_ok;
}

po::options_description run_options() {
  po::options_description d("scsim run FILE... [options]", 100, 50);
  d.add_options()                   //
      ("help,h", "show this help")  //
      ("seed", po::value<std::string>()->value_name("N"),
       "run seed (default: the scenario's `seed`); e.g. --seed 42")  //
      ("set", po::value<std::vector<std::string>>()->value_name("NAME=VALUE")->composing(),
       "override a parameter of DOMAIN section 4 after the file's `parameters` (repeatable);"
       " e.g. --set addp_timeout_s=20 --set partition_scope=tc_layer")  //
      ("out,o", po::value<std::string>()->value_name("DIR"),
       "results directory (default results/<scenario name>); with several FILEs, the results"
       " go to DIR/<scenario name>; e.g. --out /tmp/sc04")  //
      ("until", po::value<std::string>()->value_name("T"),
       "end the run at simulated time T instead of the scenario's duration (12.5, 250ms,"
       " 01:30:00); e.g. --until 600")  //
      ("max-events", po::value<std::string>()->value_name("N"),
       "stop (exit 1, no results) after N events: a guard against runaway scenarios"
       " (default: 4 x the scenario's estimated events, at least 50000000; --dry-run prints"
       " the estimate); e.g. --max-events 1000000")  //
      ("max-calls", po::value<std::string>()->value_name("N"),
       "stop (exit 1, no results) when more than N calls are in the system at once (queued,"
       " ringing, talking or in ACW): a guard against overload that would exhaust memory"
       " (default 1000000)")  //
      ("max-pending", po::value<std::string>()->value_name("N"),
       "stop (exit 1, no results) when more than N events wait in the queue"
       " (default 10000000)")  //
      ("max-rss", po::value<std::string>()->value_name("MB"),
       "stop (exit 1, no results) when the process's resident memory exceeds MB megabytes"
       " (checked every 65536 events; default: no limit)")  //
      ("dry-run", po::bool_switch(),
       "load and check everything, print the estimated calls and events and the limits in"
       " force, and run nothing")                                                  //
      ("trace", po::bool_switch(), "also write events.csv: every executed event")  //
      ("record", po::value<std::string>()->value_name("LIST"),
       "the result tables to write, comma-separated: kpis, calls, ownership, links (the"
       " default), routing, views, staleness, events; all (every table but events); default;"
       " see the list below; e.g. --record default,routing")  //
      ("compress", po::bool_switch(),
       "write FILE.csv.gz (gzip, streamed) instead of FILE.csv, except run.csv")  //
      ("check-invariants", po::bool_switch(),
       "check DOMAIN's invariants at every instant: time never goes backwards; two live nodes"
       " whose TC link is up never both claim a DN for longer than one TC delay (R10);"
       " a violation stops the run with exit code 1")  //
      ("strict", po::bool_switch(),
       "treat warnings (an agent whose DN is never in service, a group never Ready, an action"
       " with no effect, --until beyond the end, no call answered) as errors: exit 2")  //
      ("check-liveness", po::bool_switch(),
       "at the end of the run, check that every live node's view and Stat Server agree with"
       " the truth (owner, service, agent state): for scenarios that heal everything and end"
       " quietly, such as those `scsim swarm` writes; exit code 1 if not")  //
      ("report", po::bool_switch(),
       "also write report.html in the results directory: one self-contained HTML page with"
       " charts (see scsim report --help); also records the routing table, which its routing"
       " attribution reads")  //
      ("quiet,q", po::bool_switch(),
       "print nothing on success (errors still go to stderr); without it, the run ends with"
       " its calls, SL, ASA and abandonment per period");
  return d;
}

po::options_description run_hidden() {
  po::options_description d;
  d.add_options()("file", po::value<std::vector<std::string>>())(
      "abort-after-events", po::value<std::string>(),
      "test hook: exit(3) after N events, results half written");
  return d;
}

po::options_description validate_options() {
  po::options_description d("scsim validate FILE... [options]", 100, 50);
  d.add_options()("help,h", "show this help")(
      "set", po::value<std::vector<std::string>>()->value_name("NAME=VALUE")->composing(),
      "validate with a parameter override, as `scsim run --set`; e.g. --set"
      " tc_one_way_delay_ms=80")("strict", po::bool_switch(),
                                 "treat warnings as errors: exit 2 when any is printed")(
      "explain", po::bool_switch(),
      "print what the timeline and shifts expanded into: actions per kind, per entry and shift "
      "(what its selector selected), and the first actions of each kind")(
      "first", po::value<std::string>()->value_name("N")->default_value("5"),
      "with --explain: how many actions of each kind to list");
  return d;
}

po::options_description file_only() {
  po::options_description d;
  d.add_options()("file", po::value<std::vector<std::string>>());
  return d;
}

std::vector<std::string> files_of(const po::variables_map& vm, const char* command) {
  if (!vm.count("file")) {
    throw UsageError(std::string("scsim ") + command + ": no FILE given (see scsim " + command +
                     " --help)");
  }
  return vm["file"].as<std::vector<std::string>>();
}

int cmd_run(const std::vector<std::string>& args) {
  auto visible = run_options();
  auto vm = parse_command(args, visible, run_hidden());
  if (vm.count("help")) {
    std::cout << visible << kRunExamples;
    return kOk;
  }
  auto files = files_of(vm, "run");
  RunOptions o;
  if (vm.count("seed")) o.seed = u64_option(vm, "seed");
  if (vm.count("max-events")) o.max_events = u64_option(vm, "max-events");
  if (vm.count("max-calls")) o.max_calls = u64_option(vm, "max-calls");
  if (vm.count("max-pending")) o.max_pending = u64_option(vm, "max-pending");
  if (vm.count("max-rss")) o.max_rss_mb = u64_option(vm, "max-rss");
  o.dry_run = vm["dry-run"].as<bool>();
  if (vm.count("abort-after-events")) o.abort_after_events = u64_option(vm, "abort-after-events");
  if (vm.count("out")) {
    o.out = vm["out"].as<std::string>();
    auto name = fs::path(*o.out).lexically_normal().filename().string();
    if (o.out->empty() || (files.size() == 1 && (name == "." || name == ".."))) {
      throw UsageError("--out expects a directory with a name (e.g. --out results/run1), got \"" +
                       *o.out + "\"");
    }
  }
  if (vm.count("until")) {
    const auto& text = vm["until"].as<std::string>();
    auto t = parse_time(text);
    if (!t.value) throw UsageError("--until: " + t.error);
    if (*t.value < Time::zero()) throw UsageError("--until must not be negative");
    o.until = *t.value;
  }
  o.trace = vm["trace"].as<bool>();
  if (vm.count("record")) {
    uint32_t tables = 0;
    const std::string err = stats::parse_record_list(vm["record"].as<std::string>(), &tables);
    if (!err.empty()) throw UsageError("--record: " + err);
    o.record = tables;
  }
  o.compress = vm["compress"].as<bool>();
  o.check_invariants = vm["check-invariants"].as<bool>();
  o.check_liveness = vm["check-liveness"].as<bool>();
  o.strict = vm["strict"].as<bool>();
  o.quiet = vm["quiet"].as<bool>();
  o.report = vm["report"].as<bool>();
  o.several = files.size() > 1;
  auto sets = parse_sets(vm);

  // Every file is loaded and checked before anything runs: bad input creates no results.
  std::vector<scenario::Scenario> scenarios;
  if (!load_all(files, sets, scenarios, false)) return kBadInput;

  // Every target is checked before anything runs: a user's folder or file is never replaced.
  bool refused = false;
  for (const auto& sc : scenarios) {
    if (auto why = stats::ResultsDir::check_target(target_of(sc, o)); !why.empty()) {
      std::cerr << "scsim: " << (o.out && !o.several ? "--out " : "") << why << "\n";
      refused = true;
    }
  }
  if (refused) return kBadInput;
  if (o.dry_run) {
    for (const auto& sc : scenarios)
      print_dry_run(sc, o);
    return kOk;
  }
  if (!o.quiet) {
    for (const auto& sc : scenarios)
      warn_limits(sc, o);
  }
  bool warned = false;
  for (const auto& sc : scenarios) {
    for (const auto& w : run::lint_scenario(sc, o.until)) {
      std::cerr << "scsim: " << w.to_string(sc.file) << "\n";
      warned = true;
    }
  }
  if (warned && o.strict) {
    std::cerr << "scsim: --strict: warnings are errors; nothing was run\n";
    return kBadInput;
  }

  int rc = kOk;
  for (const auto& sc : scenarios) {
    int r = kRunFailed;
    try {
      r = run_one(sc, o);
    } catch (const stats::ResultsRefused& e) {
      std::cerr << "scsim: " << (o.out && !o.several ? "--out " : "") << e.what() << "\n";
      r = kBadInput;
    } catch (const std::exception& e) {
      std::cerr << "scsim: " << sc.file << ": run failed: " << e.what() << "\n";
    }
    if (r != kOk) rc = r;
  }
  return rc;
}

int cmd_validate(const std::vector<std::string>& args) {
  auto visible = validate_options();
  auto vm = parse_command(args, visible, file_only());
  if (vm.count("help")) {
    std::cout << visible << kValidateExamples;
    return kOk;
  }
  auto files = files_of(vm, "validate");
  auto sets = parse_sets(vm);
  std::vector<scenario::Scenario> scenarios;
  if (!load_all(files, sets, scenarios, true)) return kBadInput;
  if (vm["explain"].as<bool>()) {
    const uint64_t first = u64_option(vm, "first");
    for (const auto& sc : scenarios)
      std::cout << scenario::explain(sc, first);
  }
  size_t warnings = 0;
  for (const auto& sc : scenarios) {
    for (const auto& w : run::lint_scenario(sc)) {
      std::cerr << w.to_string(sc.file) << "\n";
      ++warnings;
    }
  }
  return warnings > 0 && vm["strict"].as<bool>() ? kBadInput : kOk;
}

int main_impl(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kTopHelp;
    return kBadInput;
  }
  const std::string first = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (first == "--help" || first == "-h" || first == "help") {
    if (!rest.empty() && rest[0] == "run") return cmd_run({"--help"});
    if (!rest.empty() && rest[0] == "validate") return cmd_validate({"--help"});
    if (!rest.empty() && rest[0] == "compare") return cmd_compare({"--help"});
    if (!rest.empty() && rest[0] == "erlang") return cmd_erlang({"--help"});
    if (!rest.empty() && rest[0] == "swarm") return cmd_swarm({"--help"});
    if (!rest.empty() && rest[0] == "shrink") return cmd_shrink({"--help"});
    if (!rest.empty() && rest[0] == "sweep") return cmd_sweep({"--help"});
    if (!rest.empty() && rest[0] == "report") return cmd_report({"--help"});
    if (!rest.empty() && rest[0] == "params") return cmd_params({"--help"});
    std::cout << kTopHelp;
    return kOk;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "scsim " << SCSIM_VERSION << " (git " << SCSIM_GIT_COMMIT << ")\n";
    return kOk;
  }
  if (first == "run") return cmd_run(rest);
  if (first == "validate") return cmd_validate(rest);
  if (first == "compare") return cmd_compare(rest);
  if (first == "erlang") return cmd_erlang(rest);
  if (first == "swarm") return cmd_swarm(rest);
  if (first == "shrink") return cmd_shrink(rest);
  if (first == "sweep") return cmd_sweep(rest);
  if (first == "report") return cmd_report(rest);
  if (first == "params") return cmd_params(rest);
  throw UsageError(
      "unknown command \"" + first +
      "\" (commands: run, validate, params, compare, erlang, swarm, shrink, sweep, report; see "
      "scsim --help)");
}

}  // namespace
}  // namespace scsim::cli

int main(int argc, char** argv) {
  try {
    return scsim::cli::main_impl(argc, argv);
  } catch (const scsim::cli::UsageError& e) {
    std::cerr << "scsim: " << e.what() << "\n";
    return scsim::cli::kBadInput;
  } catch (const po::error& e) {
    std::cerr << "scsim: " << e.what() << " (see scsim --help)\n";
    return scsim::cli::kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "scsim: " << e.what() << "\n";
    return scsim::cli::kRunFailed;
  }
}
