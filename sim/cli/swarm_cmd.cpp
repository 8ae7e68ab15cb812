// `scsim swarm`: random scenarios (scenario/generator.hpp), each run with the invariant checker
// at every instant and the liveness check at the end (stats/swarm.hpp). Seeds run on --jobs
// threads, each independent; everything printed or written is in seed order, whatever J.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/wallclock.hpp"
#include "run/simulation.hpp"
#include "run/swarm.hpp"
#include "scenario/generator.hpp"
#include "scenario/writer.hpp"
#include "stats/results_dir.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {
namespace {

const char* const kSwarmHelp =
    "\n"
    "For each seed S in [first, first + N): generates a random valid scenario (2-6 nodes in\n"
    "1-3 DCs with random per-pair TC delays, SIP and PSTN/WWE agents over 1-3 GWS nodes; the\n"
    "seed first picks which fault kinds it uses (swarm testing): symmetric, one-way, partial\n"
    "and DC cuts, heals, host and process crashes, restarts, GWS failures and cuts, WWE\n"
    "disconnects, phone moves, phones off until REGISTER expiry, Expires 0, agent state churn,\n"
    "Poisson calls with patience), then heals everything and stays quiet. Each run is checked\n"
    "at every instant against DOMAIN's invariants (R10, R26, R29, routing decisions, every call\n"
    "ends once, time) and, at its end, for convergence (every live node's view and Stat Server\n"
    "agree with the truth). Every run is bounded by --max-events.\n"
    "\n"
    "Output (stdout, in seed order): one line per failing seed, then\n"
    "  swarm: N seeds, F failed, X seeds/s\n"
    "  P passed, F failed\n"
    "and failures by class. DIR (default results/swarm) receives swarm.csv (one row per seed:\n"
    "result, class, events, fault kinds, message) and each failing scenario as an ordinary\n"
    "scenario file swarm-S.yaml that reproduces it:\n"
    "  scsim run DIR/swarm-S.yaml --check-invariants --check-liveness\n"
    "  scsim shrink DIR/swarm-S.yaml --until invariant      (or --until liveness)\n"
    "DIR is replaced only if scsim wrote it (exit 2 otherwise). Exit code 1 if any seed failed.\n"
    "\n"
    "Examples:\n"
    "  scsim swarm --seeds 300\n"
    "  scsim swarm --seeds 10000 --jobs 2 --out results/swarm-10k\n"
    "  scsim swarm --seeds 1 --first 4711 --quiet\n"
    "  scsim swarm --seeds 2000 --model-choices --out results/swarm-choices\n";

uint64_t whole(const po::variables_map& vm, const char* name, uint64_t lo, uint64_t hi) {
  const std::string& text = vm[name].as<std::string>();
  uint64_t v = 0;
  size_t used = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-' || v < lo || v > hi) {
    throw po::error(std::string("--") + name + " expects a whole number from " +
                    std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" + text + "\"");
  }
  return v;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct SeedRun {
  uint64_t seed = 0;
  run::CheckResult result;
  std::vector<std::string> features;
  std::string yaml;  // the failing scenario's file text
  bool done = false;
};

}  // namespace

int cmd_swarm(const std::vector<std::string>& args) {
  po::options_description d("scsim swarm --seeds N [options]", 100, 50);
  d.add_options()                                                                             //
      ("help,h", "show this help")                                                            //
      ("seeds", po::value<std::string>()->value_name("N"), "number of seeds to run")          //
      ("first", po::value<std::string>()->value_name("S")->default_value("1"), "first seed")  //
      ("jobs,j", po::value<std::string>()->value_name("J")->default_value("1"),
       "threads (each seed runs on one; output order is by seed whatever J)")  //
      ("out", po::value<std::string>()->value_name("DIR")->default_value("results/swarm"),
       "where swarm.csv and the failing scenarios go")  //
      ("max-events", po::value<std::string>()->value_name("N")->default_value("5000000"),
       "event limit of each run (a run that hits it fails as event_limit)")  //
      ("model-choices", po::bool_switch(),
       "also draw DOMAIN's model choices per seed (handover_mode, split_brain_policy,"
       " partition_scope, failback_on_restart, ...); default: DOMAIN's defaults")  //
      ("quiet,q", po::bool_switch(), "no progress line and no per-seed lines; only the summary");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << d << kSwarmHelp;
    return 0;
  }
  if (!vm.count("seeds"))
    throw po::error("scsim swarm: missing --seeds N (see scsim swarm --help)");
  const uint64_t n = whole(vm, "seeds", 1, 100'000'000);
  const uint64_t first = whole(vm, "first", 0, UINT64_MAX - n);
  const unsigned jobs = static_cast<unsigned>(whole(vm, "jobs", 1, 256));
  run::CheckOptions copt;
  copt.max_events = whole(vm, "max-events", 1, UINT64_MAX);
  const bool quiet = vm["quiet"].as<bool>();
  scenario::GeneratorOptions gopt;
  gopt.model_choices = vm["model-choices"].as<bool>();
  const fs::path out_dir = vm["out"].as<std::string>();

  std::unique_ptr<stats::ResultsDir> results;
  try {
    results = std::make_unique<stats::ResultsDir>(out_dir);
  } catch (const stats::ResultsRefused& e) {
    std::cerr << "scsim: --out " << e.what() << "\n";
    return 2;
  }

  std::vector<SeedRun> runs(static_cast<size_t>(n));
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<uint64_t> next{0};
  auto worker = [&] {
    while (true) {
      uint64_t i = next.fetch_add(1);
      if (i >= n) return;
      SeedRun r;
      r.seed = first + i;
      scenario::Generated g = scenario::generate_scenario(r.seed, gopt);
      r.features = g.features;
      r.result = run::check_scenario(g.scenario, copt);
      if (!r.result.passed()) {
        g.scenario.file = "swarm-" + std::to_string(r.seed) + ".yaml";
        std::string comment = "scsim swarm, seed " + std::to_string(r.seed) + ": " +
                              r.result.failure_class + "\n" + r.result.message + "\nfault kinds: ";
        for (size_t k = 0; k < g.features.size(); ++k)
          comment += (k ? ", " : "") + g.features[k];
        comment += "\nheal phase from " + format_time(g.heal_at) + " s\nreproduce: scsim run " +
                   g.scenario.file +
                   " --check-invariants --check-liveness\nshrink:    scsim shrink " +
                   g.scenario.file + " --until " +
                   (r.result.failure == "liveness" ? "liveness" : "invariant");
        r.yaml = scenario::scenario_to_yaml(g.scenario, comment);
      }
      r.done = true;
      std::lock_guard<std::mutex> lock(mu);
      runs[static_cast<size_t>(i)] = std::move(r);
      cv.notify_all();
    }
  };
  const double start = wall_seconds();
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::min<uint64_t>(jobs, n); ++j)
    threads.emplace_back(worker);

  const bool tty = !quiet && isatty(STDERR_FILENO);
  uint64_t failed = 0;
  std::map<std::string, uint64_t> classes;
  std::ofstream csv(results->temp() / "swarm.csv", std::ios::binary);
  csv << "seed,result,class,events,fingerprint,features,message\n";
  double last_progress = 0;
  for (uint64_t i = 0; i < n; ++i) {
    SeedRun r;
    {
      std::unique_lock<std::mutex> lock(mu);
      while (!runs[static_cast<size_t>(i)].done) {
        if (tty) {
          cv.wait_for(lock, std::chrono::milliseconds(200));
        } else {
          cv.wait(lock);
        }
        if (tty && wall_seconds() - last_progress > 0.2) {
          last_progress = wall_seconds();
          double el = last_progress - start;
          std::fprintf(stderr, "\rswarm: %llu/%llu seeds, %llu failed, %.1f seeds/s   ",
                       static_cast<unsigned long long>(i), static_cast<unsigned long long>(n),
                       static_cast<unsigned long long>(failed), el > 0 ? double(i) / el : 0.0);
        }
      }
      r = std::move(runs[static_cast<size_t>(i)]);
      runs[static_cast<size_t>(i)] = SeedRun{};
      runs[static_cast<size_t>(i)].done = true;
    }
    std::string feats;
    for (size_t k = 0; k < r.features.size(); ++k)
      feats += (k ? " " : "") + r.features[k];
    csv << r.seed << "," << (r.result.passed() ? "pass" : "fail") << ","
        << csv_field(r.result.failure_class) << "," << r.result.events << ","
        << stats::hex64(r.result.fingerprint) << "," << csv_field(feats) << ","
        << csv_field(r.result.message) << "\n";
    if (r.result.passed()) continue;
    ++failed;
    ++classes[r.result.failure_class];
    const std::string file = "swarm-" + std::to_string(r.seed) + ".yaml";
    {
      std::ofstream f(results->temp() / file, std::ios::binary);
      f << r.yaml;
    }
    if (!quiet) {
      if (tty) std::fprintf(stderr, "\r%70s\r", "");
      std::cout << "seed " << r.seed << ": FAIL " << r.result.failure_class << ": "
                << r.result.message << "\n  -> " << (out_dir / file).string() << std::endl;
    }
  }
  for (auto& t : threads)
    t.join();
  const double elapsed = wall_seconds() - start;
  if (tty) std::fprintf(stderr, "\r%70s\r", "");
  csv.close();
  if (!csv) {
    std::cerr << "scsim: cannot write " << (results->temp() / "swarm.csv").string() << "\n";
    return 1;
  }
  results->commit();
  std::printf("swarm: %llu seeds, %llu failed, %.1f seeds/s\n", static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(failed), elapsed > 0 ? double(n) / elapsed : 0.0);
  std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(n - failed),
              static_cast<unsigned long long>(failed));
  if (!classes.empty()) {
    std::printf("failures by class:");
    for (const auto& [k, v] : classes)
      std::printf(" %s %llu;", k.c_str(), static_cast<unsigned long long>(v));
    std::printf("\nresults: %s\n", out_dir.string().c_str());
  }
  return failed ? 1 : 0;
}

}  // namespace scsim::cli
