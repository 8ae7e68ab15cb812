// scsim-bench sweep (issue 13): one 64-run campaign (8 grid points x 4 replications x 2 modes of
// global-vs-local, each run two simulated hours) timed as `scsim sweep --jobs 1` and
// `--jobs 2`, and, when scsim was built with MPI and mpirun is present, `mpirun -n 1` and
// `-n 2 --mpi`, each in its own process in one session; then, in this process on one thread,
// the time the database takes per run (insert, plus the final copy and CSVs spread over the
// runs) against the time of the runs themselves. Goals: jobs 2 / jobs 1 >= 1.8, mpirun -n 2 /
// -n 1 >= 1.7, database < 5 % of a run.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench.hpp"
#include "run/campaign_db.hpp"

namespace fs = std::filesystem;

namespace scsim::bench {
namespace {

std::string campaign_text(bool quick) {
  return std::string(
             "name: bench-sweep\n"
             "scenario: " SCSIM_SOURCE_DIR
             "/scenarios/global-vs-local.yaml\n"
             "seed: 3\n") +
         (quick ? "replications: 1\nuntil: \"00:20:00\"\n"
                : "replications: 4\nuntil: \"02:00:00\"\n") +
         "modes: [auto, local_node]\n"
         "vary:\n"
         "  addp_timeout_s: [5, 30]\n"
         "  workload.rate_factor: [0.8, 1, 1.2, 1.4]\n" +
         // Runs long enough (20 copies of the roster and load) that the speed-up measures the
         // runs, not process start-up and the database.
         (quick ? ""
                : "  timeline.cut[0].at: [\"00:20:00\"]\n  timeline.cut[0].duration: [300]\n"
                  "  agents.copies: [20]\n");
}

// Wall seconds of one shell command; -1 when it fails.
double timed(const std::string& cmd) {
  const double t0 = wall_seconds();
  const int rc = std::system(cmd.c_str());
  const double el = wall_seconds() - t0;
  return rc == 0 ? el : -1;
}

}  // namespace

int run_sweep(const Options& opt) {
  const fs::path dir =
      fs::temp_directory_path() / ("scsim-bench-sweep." + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path camp = dir / "campaign.yaml";
  std::ofstream(camp) << campaign_text(opt.quick);
  char self[4096] = {0};
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  const fs::path scsim =
      (n > 0 ? fs::path(std::string(self, size_t(n))).parent_path() : fs::path(".")) / "scsim";

  auto l = scenario::load_campaign(camp.string(), run::kpi_names());
  if (!l.campaign) {
    for (const auto& e : l.errors)
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 2;
  }
  const run::Plan plan = run::plan_campaign(*l.campaign);
  const double runs = double(plan.runs.size());

  auto sweep = [&](const std::string& prefix, const std::string& args, const std::string& out) {
    return timed(prefix + "'" + scsim.string() + "' sweep '" + camp.string() + "' --quiet --out '" +
                 (dir / out).string() + "' " + args + " >/dev/null 2>&1");
  };
  double j1 = sweep("", "--jobs 1", "j1"), j2 = sweep("", "--jobs 2", "j2");
  const bool same_j = std::system(("cmp -s '" + (dir / "j1/campaign.sqlite").string() + "' '" +
                                   (dir / "j2/campaign.sqlite").string() + "'")
                                      .c_str()) == 0;
  double m1 = -1, m2 = -1;
  const bool have_mpi = std::system(("command -v mpirun >/dev/null && '" + scsim.string() +
                                     "' sweep --help | grep -q -- --mpi")
                                        .c_str()) == 0;
  if (have_mpi) {
    const std::string mpirun = "mpirun --allow-run-as-root --oversubscribe ";
    m1 = sweep(mpirun + "-n 1 ", "--mpi", "m1");
    m2 = sweep(mpirun + "-n 2 ", "--mpi", "m2");
  }

  // Database overhead, in this process, one thread.
  double t_run = 0, t_db = 0;
  {
    const fs::path work = dir / "work.sqlite";
    run::CampaignDb db(work, *l.campaign, plan, run::Provenance{});
    for (const auto& r : plan.runs) {
      double t0 = wall_seconds();
      run::RunResult res = run::execute_run(*l.campaign, plan, r, dir / "scratch", run::Store{});
      double t1 = wall_seconds();
      db.insert(res);
      t_run += t1 - t0;
      t_db += wall_seconds() - t1;
    }
    fs::create_directories(dir / "final");
    double t0 = wall_seconds();
    db.finalize(dir / "final");
    t_db += wall_seconds() - t0;
  }
  const double overhead = t_db / t_run;
  std::error_code ec;
  fs::remove_all(dir, ec);

  auto rate = [&](double s) { return s > 0 ? runs / s : 0.0; };
  if (opt.csv) {
    std::printf(
        "benchmark,runs,jobs1_runs_per_s,jobs2_runs_per_s,jobs_speedup,mpi1_runs_per_s,"
        "mpi2_runs_per_s,mpi_speedup,db_overhead_pct,identical\n");
    std::printf("sweep,%.0f,%.2f,%.2f,%.3f,%.2f,%.2f,%.3f,%.2f,%s\n", runs, rate(j1), rate(j2),
                j2 > 0 ? j1 / j2 : 0, rate(m1), rate(m2), m2 > 0 ? m1 / m2 : 0, 100 * overhead,
                same_j ? "yes" : "no");
  } else {
    std::printf("sweep: %.0f runs (8 points x %d replications x 2 modes), run mean %.3f s\n", runs,
                l.campaign->replications, t_run / runs);
    std::printf("  --jobs 1       %8.2f s  %6.2f runs/s\n", j1, rate(j1));
    std::printf("  --jobs 2       %8.2f s  %6.2f runs/s  speed-up %.2f (goal >= 1.8)%s\n", j2,
                rate(j2), j2 > 0 ? j1 / j2 : 0, same_j ? ", same database bytes" : ", DIFFERENT");
    if (have_mpi) {
      std::printf("  mpirun -n 1    %8.2f s  %6.2f runs/s\n", m1, rate(m1));
      std::printf("  mpirun -n 2    %8.2f s  %6.2f runs/s  speed-up %.2f (goal >= 1.7)\n", m2,
                  rate(m2), m2 > 0 ? m1 / m2 : 0);
    } else {
      std::printf("  mpirun: skipped (scsim built without MPI, or no mpirun)\n");
    }
    std::printf("  database: %.2f ms per run = %.2f %% of a run (goal < 5 %%)\n",
                1000 * t_db / runs, 100 * overhead);
  }
  return j1 > 0 && j2 > 0 ? 0 : 1;
}

}  // namespace scsim::bench
