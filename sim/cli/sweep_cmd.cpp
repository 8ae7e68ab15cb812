// `scsim sweep CAMPAIGN.yaml`: a campaign (issue 13) — grid points x replications x routing
// modes — on every core (--jobs) or on MPI ranks (--mpi), into DIR/campaign.sqlite plus
// summary.csv and paired.csv (run/campaign.hpp, run/campaign_db.hpp).
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/sweep.hpp"
#include "cli/version.hpp"
#include "cli/wallclock.hpp"
#include "report/table.hpp"
#include "run/campaign_db.hpp"
#include "run/simulation.hpp"
#include "stats/results_dir.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {
namespace {

// calls.csv as written in `dir`, without the seed and scenario columns (runs has them).
run::CallRows read_calls(const fs::path& dir) {
  run::CallRows out;
  std::vector<int> keep;
  report::Table::scan(dir, "calls", [&](const report::Table& t, const std::vector<std::string>& f) {
    if (keep.empty()) {
      for (size_t i = 0; i < t.header().size(); ++i) {
        if (t.header()[i] == "seed" || t.header()[i] == "scenario") continue;
        keep.push_back(int(i));
        out.columns.push_back(t.header()[i]);
      }
    }
    std::vector<std::string> row;
    row.reserve(keep.size());
    for (int i : keep)
      row.push_back(size_t(i) < f.size() ? f[size_t(i)] : std::string());
    out.rows.push_back(std::move(row));
  });
  return out;
}

// A rough single-core speed of the model with the call statistics, for --dry-run's estimate.
constexpr double kEventsPerSecond = 1.5e6;

const char* const kSweepHelp =
    "\n"
    "Runs every grid point of the campaign (the cross product of its `vary:` knobs, zip\n"
    "groups varying together, minus `where:` exclusions) x replication x routing mode. The\n"
    "seed of a run is a hash of (campaign seed, the point's knob values, replication): every\n"
    "mode of one point and replication gets the same calls (common random numbers), and the\n"
    "results are the same bytes whatever --jobs, the number of MPI ranks or the order runs\n"
    "finish in. The campaign format is in scenarios/README.md.\n"
    "\n"
    "Results (DIR, default results/<campaign name>; replaced only if scsim wrote it):\n"
    "  campaign.sqlite  tables campaign, knobs, runs, kpis (per run x period x DC x node\n"
    "                   x group: the rows of a run's periods.csv), episodes; intervals and\n"
    "                   calls with --store (README)\n"
    "  summary.csv      point x DC x node x mode x period x KPI: mean, 95% CI half-width, n\n"
    "  paired.csv       point x DC x node x period x KPI: first mode - each other mode, paired by\n"
    "                   replication: mean difference and its 95% CI (Student t)\n"
    "While it runs, finished runs are kept in DIR's hidden sibling .<DIR>.sweep.sqlite;\n"
    "after a crash or kill, --resume continues from there and gives the same results.\n"
    "\n"
    "A run that fails (a limit, an error) is recorded with its reason (runs.status, error)\n"
    "and the campaign goes on; the exit code is then 1.\n"
    "\n"
    "MPI (when built with SCSIM_WITH_MPI): one rank per core, rank 0 writes the results:\n"
    "  mpirun -n 8 --hostfile hosts scsim sweep CAMPAIGN.yaml --mpi\n"
    "  srun -n 64 scsim sweep CAMPAIGN.yaml --mpi          (under Slurm)\n"
    "  (as root add --allow-run-as-root; more ranks than cores needs --oversubscribe)\n"
    "\n"
    "Examples:\n"
    "  scsim sweep scenarios/campaigns/load.yaml --dry-run\n"
    "  scsim sweep scenarios/campaigns/addp-vs-partition.yaml --jobs 2\n"
    "  scsim sweep scenarios/campaigns/load.yaml --out results/load --resume\n"
    "  sqlite3 results/campaign-load/campaign.sqlite 'SELECT mode, avg(sl) FROM runs JOIN kpis\n"
    "    USING(run_id) WHERE period = \"all\" AND dc = \"all\" AND grp = \"all\" GROUP BY "
    "mode'\n";

std::string point_text(const scenario::Campaign& c, const std::vector<int>& point) {
  std::string s;
  for (size_t k = 0; k < c.knobs.size(); ++k)
    s += (s.empty() ? "" : ", ") + c.knobs[k].name + "=" + c.knobs[k].values[size_t(point[k])];
  return s.empty() ? "(no knobs)" : s;
}

fs::path sibling(const fs::path& target, const std::string& suffix) {
  fs::path t = target.lexically_normal();
  if (t.filename().empty()) t = t.parent_path();
  return t.parent_path() / ("." + t.filename().string() + suffix);
}

void remove_work_db(const fs::path& db) {
  std::error_code ec;
  for (const char* s : {"", "-wal", "-shm", "-journal"})
    fs::remove(db.string() + s, ec);
}

struct Progress {
  bool tty = false;
  size_t total = 0, done = 0, failed = 0;
  double start = 0, last = -1;
  void update() {
    if (!tty) return;
    const double now = wall_seconds();
    if (now - last < 0.2 && done < total) return;
    last = now;
    const double rate = done / std::max(1e-9, now - start);
    const double eta = rate > 0 ? double(total - done) / rate : 0;
    std::fprintf(stderr, "\rsweep: %zu/%zu runs, %zu failed, %.2f runs/s, ETA %.0f s   ", done,
                 total, failed, rate, eta);
    std::fflush(stderr);
  }
};

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description d("scsim sweep CAMPAIGN.yaml [options]", 100, 50);
  d.add_options()                   //
      ("help,h", "show this help")  //
      ("jobs,j", po::value<std::string>()->value_name("J"),
       "worker threads (default: the number of cores); with --mpi one per rank")  //
      ("out,o", po::value<std::string>()->value_name("DIR"),
       "results directory (default results/<campaign name>)")  //
      ("resume", po::bool_switch(),
       "keep the runs already recorded by an interrupted (or finished) sweep into DIR and run "
       "the rest")                                                                              //
      ("dry-run", po::bool_switch(), "print the grid, the number of runs and a time estimate")  //
      ("mpi", po::bool_switch(), "hand runs to MPI ranks (start with mpirun or srun)")          //
      ("store", po::value<std::string>()->value_name("LIST"),
       "also store these tables in the database, comma-separated: `intervals` (per stats "
       "interval x row KPIs), `calls` (every call, calls.csv's columns)")                         //
      ("report", po::bool_switch(), "also write DIR/report.html (scsim report's campaign page)")  //
      ("quiet,q", po::bool_switch(), "no progress and no final line");
  po::options_description hidden;
  hidden.add_options()("test-kill-after", po::value<std::string>(),
                       "test hook: SIGKILL after recording N runs");
  po::variables_map vm = parse_command(args, d, hidden);
  if (vm.count("help")) {
    std::cout << d << kSweepHelp;
    return kOk;
  }
  if (!vm.count("file")) throw po::error("scsim sweep: no CAMPAIGN file given (see --help)");
  auto files = vm["file"].as<std::vector<std::string>>();
  if (files.size() != 1) throw po::error("scsim sweep takes one CAMPAIGN file");
  const bool quiet = vm["quiet"].as<bool>(), dry = vm["dry-run"].as<bool>();
  const bool resume = vm["resume"].as<bool>(), use_mpi = vm["mpi"].as<bool>();
  int jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  if (vm.count("jobs")) {
    auto j = parse_u64(vm["jobs"].as<std::string>());
    if (!j || *j < 1 || *j > 256) throw po::error("--jobs expects a whole number from 1 to 256");
    jobs = int(*j);
  }
  run::Store store;
  if (vm.count("store")) {
    std::string list = vm["store"].as<std::string>() + ",";
    for (size_t at = 0, comma; (comma = list.find(',', at)) != std::string::npos; at = comma + 1) {
      const std::string word = list.substr(at, comma - at);
      if (word == "intervals") {
        store.intervals = true;
      } else if (word == "calls") {
        store.calls = true;
        store.read_calls = read_calls;
      } else {
        throw po::error("--store: `" + word + "` is not a table it can store (intervals, calls)");
      }
    }
  }
  uint64_t kill_after = 0;
  if (vm.count("test-kill-after"))
    kill_after = parse_u64(vm["test-kill-after"].as<std::string>()).value_or(0);
#ifndef SCSIM_WITH_MPI
  if (use_mpi) {
    std::cerr << "scsim: --mpi: this scsim was built without MPI (SCSIM_WITH_MPI=OFF; install "
                 "libopenmpi-dev and rebuild)\n";
    return kBadInput;
  }
#endif

  auto loaded = scenario::load_campaign(files[0], run::kpi_names());
  if (!loaded.campaign) {
    for (const auto& e : loaded.errors)
      std::cerr << e.to_string() << "\n";
    return kBadInput;
  }
  const scenario::Campaign& c = *loaded.campaign;
  const run::Plan plan = run::plan_campaign(c);

  // Every grid point's scenario must load before anything runs.
  double events = 0;
  for (size_t p = 0; p < plan.grid.size(); ++p) {
    auto r = scenario::campaign_point_scenario(c, plan.grid[p]);
    if (!r.scenario) {
      std::cerr << "scsim: " << files[0] << ": grid point " << p << " ("
                << point_text(c, plan.grid[p]) << "):\n";
      for (const auto& e : r.errors)
        std::cerr << e.to_string() << "\n";
      return kBadInput;
    }
    if (r.scenario->cluster.workload.empty()) {
      std::cerr << "scsim: " << files[0]
                << ": the scenario has no workload (no calls to compare); add a `workload:` "
                   "section\n";
      return kBadInput;
    }
    events += run::estimate_run(*r.scenario, c.until ? *c.until : r.scenario->duration).events;
  }
  const size_t per_point = size_t(c.replications) * c.modes.size();
  if (dry) {
    std::printf("%s: %zu knobs, %zu grid points x %d replications x %zu modes = %zu runs\n",
                c.name.c_str(), c.knobs.size(), plan.grid.size(), c.replications, c.modes.size(),
                plan.runs.size());
    for (const auto& k : c.knobs) {
      std::printf("  %s:", k.name.c_str());
      for (const auto& v : k.values)
        std::printf(" %s", v.c_str());
      std::printf("%s\n",
                  k.zip >= 0 ? ("  (zip group " + std::to_string(k.zip) + ")").c_str() : "");
    }
    const double total = events * double(per_point);
    std::printf("about %.3g events; at ~%.1f M events/s per core: ~%.0f s on %d cores\n", total,
                kEventsPerSecond / 1e6, total / kEventsPerSecond / jobs, jobs);
    return kOk;
  }

  const fs::path target = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                                          : fs::path("results") / stats::dir_name(c.name);
  const fs::path work_db = sibling(target, ".sweep.sqlite");
  const fs::path scratch = sibling(target, ".sweep-scratch");

  auto writer = [&](const SweepExecutor& exec) -> int {
    std::optional<stats::ResultsDir> results;
    try {
      results.emplace(target);
    } catch (const stats::ResultsRefused& e) {
      std::cerr << "scsim: " << (vm.count("out") ? "--out " : "") << e.what() << "\n";
      return kBadInput;
    }
    if (!quiet) {
      for (const auto& line : results->cleaned())
        std::cerr << "scsim: " << line << "\n";
    }
    if (fs::exists(work_db) && !resume) {
      if (!run::CampaignDb::is_work_db(work_db)) {
        std::cerr << "scsim: " << work_db.string()
                  << " exists and is not an scsim campaign database; not touching it\n";
        return kBadInput;
      }
      remove_work_db(work_db);
    }
    if (resume && !fs::exists(work_db) && fs::exists(target / "campaign.sqlite")) {
      fs::copy_file(target / "campaign.sqlite", work_db);  // a finished campaign: re-finalise
    }
    std::optional<run::CampaignDb> db;
    try {
      db.emplace(work_db, c, plan, run::Provenance{SCSIM_VERSION, SCSIM_GIT_COMMIT});
    } catch (const run::CampaignDbRefused& e) {
      std::cerr << "scsim: " << e.what() << "\n";
      return kBadInput;
    }
    std::vector<char> have(plan.runs.size(), 0);
    for (uint64_t id : db->recorded())
      have[id] = 1;
    std::vector<size_t> todo;
    for (size_t i = 0; i < plan.runs.size(); ++i) {
      if (!have[i]) todo.push_back(i);
    }
    Progress pr;
    pr.tty = !quiet && isatty(STDERR_FILENO);
    pr.total = plan.runs.size();
    pr.done = plan.runs.size() - todo.size();
    pr.start = wall_seconds();
    size_t this_session = 0;
    exec(todo, [&](const run::RunResult& r) {
      db->insert(r);
      ++pr.done;
      if (!r.ok) ++pr.failed;
      pr.update();
      if (kill_after && ++this_session >= kill_after) std::raise(SIGKILL);
    });
    const double elapsed = wall_seconds() - pr.start;
    if (pr.tty) std::fprintf(stderr, "\r%78s\r", "");
    db->finalize(results->temp());
    const uint64_t failed = db->failed();
    db.reset();
    if (vm["report"].as<bool>() &&
        !write_html_report(results->temp().string(), (results->temp() / "report.html").string(),
                           c.name, true)) {
      std::cerr << "scsim: results not written (" << target.string()
                << " left as it was; --resume keeps the runs)\n";
      return kRunFailed;
    }
    results->commit();
    remove_work_db(work_db);
    std::error_code ec;
    fs::remove_all(scratch, ec);
    if (!quiet) {
      std::fprintf(stderr,
                   "sweep: %zu runs (%zu now, %zu already recorded), %llu failed, %.1f s, "
                   "%.2f runs/s -> %s\n",
                   plan.runs.size(), todo.size(), plan.runs.size() - todo.size(),
                   (unsigned long long)failed, elapsed, todo.size() / std::max(1e-9, elapsed),
                   (target / "campaign.sqlite").string().c_str());
      if (vm["report"].as<bool>())
        std::fprintf(stderr, "report: %s\n", (target / "report.html").string().c_str());
    }
    if (failed > 0) {
      std::cerr << "scsim: " << failed
                << " runs failed (see runs.status and runs.error in the database)\n";
      return kRunFailed;
    }
    return kOk;
  };

#ifdef SCSIM_WITH_MPI
  if (use_mpi) return sweep_mpi(c, plan, store, scratch, writer);
#endif
  return writer([&](const std::vector<size_t>& todo,
                    const std::function<void(const run::RunResult&)>& sink) {
    run::run_on_threads(c, plan, todo, std::min<int>(jobs, int(std::max<size_t>(1, todo.size()))),
                        scratch, store, sink);
  });
}

}  // namespace scsim::cli
