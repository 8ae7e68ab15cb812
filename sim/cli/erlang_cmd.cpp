// `scsim erlang`: the Erlang C (M/M/c) and Erlang A (M/M/c+M) figures of one queue, from
// stats/erlang.hpp: what a long fault-free, zero-delay single-node run should approach.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "stats/erlang.hpp"

namespace po = boost::program_options;

namespace scsim::cli {
namespace {

const char* const kErlangHelp =
    "\n"
    "Prints the steady-state KPIs of one queue of C identical agents, Poisson arrivals at\n"
    "L calls/s and exponential handle times of mean S seconds:\n"
    "  without --patience: Erlang C (callers wait forever; needs L*S < C);\n"
    "  with --patience P:  Erlang A (exponential patience of mean P seconds).\n"
    "P(wait) = P(all agents busy at arrival); ASA = mean wait of answered calls (zero waits\n"
    "included); SL(T) = answered within T / offered; P(abandon) = abandoned / offered;\n"
    "occupancy = busy agents / C. Rates may also be given per hour (--rate-per-hour).\n"
    "\n"
    "Examples:\n"
    "  scsim erlang --rate 0.25 --aht 180 --agents 50\n"
    "  scsim erlang --rate-per-hour 900 --aht 180 --agents 50 --patience 300 --threshold 20\n";

double positive(const po::variables_map& vm, const char* name, bool allow_zero, bool allow_inf) {
  const std::string& text = vm[name].as<std::string>();
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  bool ok = !text.empty() && end == text.c_str() + text.size() && !std::isnan(v) &&
            (allow_inf || std::isfinite(v)) && (allow_zero ? v >= 0 : v > 0);
  if (!ok) {
    throw po::error(std::string("--") + name + " expects a number " +
                    (allow_zero ? ">= 0" : "> 0") + ", got \"" + text + "\"");
  }
  return v;
}

}  // namespace

int cmd_erlang(const std::vector<std::string>& args) {
  po::options_description d("scsim erlang --rate L --aht S --agents C [options]", 100, 50);
  d.add_options()                                                                            //
      ("help,h", "show this help")                                                           //
      ("rate", po::value<std::string>()->value_name("L"), "arrival rate, calls per second")  //
      ("rate-per-hour", po::value<std::string>()->value_name("L"),
       "arrival rate, calls per hour (instead of --rate)")                                   //
      ("aht", po::value<std::string>()->value_name("S"), "mean handle time, seconds")        //
      ("agents", po::value<std::string>()->value_name("C"), "number of agents (1..100000)")  //
      ("patience", po::value<std::string>()->value_name("P"),
       "mean patience, seconds (exponential): Erlang A; inf: Erlang C")  //
      ("threshold", po::value<std::string>()->value_name("T")->default_value("20"),
       "service-level threshold, seconds");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << d << kErlangHelp;
    return 0;
  }
  auto need = [&](const char* n) {
    if (!vm.count(n)) throw po::error(std::string("scsim erlang: missing --") + n);
  };
  if (vm.count("rate") && vm.count("rate-per-hour")) {
    throw po::error("scsim erlang: give either --rate or --rate-per-hour, not both");
  }
  double rate = 0;
  if (vm.count("rate-per-hour")) {
    rate = positive(vm, "rate-per-hour", false, false) / 3600.0;
  } else {
    need("rate");
    rate = positive(vm, "rate", false, false);
  }
  need("aht");
  need("agents");
  double aht = positive(vm, "aht", false, false);
  double agents_d = positive(vm, "agents", false, false);
  if (agents_d != std::floor(agents_d) || agents_d > 100000) {
    throw po::error("--agents expects a whole number from 1 to 100000, got \"" +
                    vm["agents"].as<std::string>() + "\"");
  }
  int agents = static_cast<int>(agents_d);
  double threshold = positive(vm, "threshold", true, false);
  std::optional<double> patience;
  if (vm.count("patience")) {
    double p = positive(vm, "patience", false, true);
    if (std::isfinite(p)) patience = p;
  }
  const double load = rate * aht;
  std::printf(
      "offered load %.4f Erlangs (%.6g calls/s = %.6g calls/h, AHT %g s), %d agents, "
      "T = %g s\n",
      load, rate, rate * 3600.0, aht, agents, threshold);
  std::printf("%-8s %10s %12s %10s %12s %10s %14s\n", "model", "P(wait)", "ASA s", "SL(T)",
              "P(abandon)", "occupancy", "mean wait s");
  stats::ErlangResult c = stats::erlang_c(rate, aht, agents, threshold);
  if (load >= agents) {
    std::printf("%-8s unstable: offered load >= agents, the queue grows without bound%s\n",
                "Erlang C", patience ? "" : " (give --patience for Erlang A)");
  } else {
    std::printf("%-8s %10.6f %12.4f %10.6f %12.6f %10.6f %14.4f\n", "ErlangC", c.p_wait, c.asa_s,
                c.service_level, c.p_abandon, c.occupancy, c.mean_wait_s);
  }
  if (patience) {
    stats::ErlangResult a = stats::erlang_a(rate, aht, agents, *patience, threshold);
    std::printf("%-8s %10.6f %12.4f %10.6f %12.6f %10.6f %14.4f   (patience %g s)\n", "ErlangA",
                a.p_wait, a.asa_s, a.service_level, a.p_abandon, a.occupancy, a.mean_wait_s,
                *patience);
  }
  return 0;
}

}  // namespace scsim::cli
