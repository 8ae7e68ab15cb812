// `scsim shrink`: delta debugging of a scenario file down to a smaller one with the same
// property (scenario/shrink.hpp), checked by run::check_scenario.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "run/simulation.hpp"
#include "run/swarm.hpp"
#include "scenario/shrink.hpp"
#include "scenario/writer.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace scsim::cli {
namespace {

const char* const kShrinkHelp =
    "\n"
    "Properties (--until):\n"
    "  invariant              the run violates an invariant of the same class as FILE's run\n"
    "                         (R10, R26, R29, routing, calls, time); the run's end is first\n"
    "                         cut to just after the violation\n"
    "  liveness               the views have not converged at the end of the run (same class:\n"
    "                         owner, service or agent); the heal phase (every action from the\n"
    "                         last `heal` on) is kept, or the failure would be trivial\n"
    "  fingerprint:HEX        the run's fingerprint is HEX, as `scsim run FILE` prints it (every\n"
    "                         event counts, so little goes)\n"
    "  outcome:CALL=OUTCOME   call number CALL (in arrival order) ends as OUTCOME\n"
    "                         (answered_local, answered_remote, abandoned, routing_failure,\n"
    "                         lost_node_failure, in_progress), in the plain run\n"
    "\n"
    "Passes: the run's end (invariant), timeline actions (ddmin), agents (with their actions),\n"
    "DCs and nodes (only where the result stays a valid scenario; nodes are renumbered),\n"
    "parameters set back to DOMAIN's defaults, then each action's time moved earlier to a\n"
    "whole minute, ten seconds or second. Every candidate is written and read back by the\n"
    "loader, so the result replays what was tested.\n"
    "Writes FILE.min.yaml (or --out), through a temporary file renamed into place; an existing\n"
    "target that shrink did not write is refused (exit 2). Exit 1 if the property does not\n"
    "hold for FILE itself. Deterministic.\n"
    "\n"
    "Examples:\n"
    "  scsim shrink results/swarm/swarm-2902.yaml --until invariant\n"
    "  scsim shrink results/swarm/swarm-17.yaml --until liveness --out /tmp/small.yaml\n"
    "  scsim shrink scenarios/sc04-partition.yaml --until outcome:3=answered_local\n";

constexpr const char* kStampLine = "# scsim shrink";

struct Property {
  enum class Kind { invariant, liveness, fingerprint, outcome } kind = Kind::invariant;
  std::string cls;  // invariant/liveness class of the input's run
  std::string hex;
  uint64_t call = 0;
  std::string outcome;
};

Property parse_property(const std::string& p) {
  Property out;
  if (p == "invariant") {
    out.kind = Property::Kind::invariant;
  } else if (p == "liveness") {
    out.kind = Property::Kind::liveness;
  } else if (p.rfind("fingerprint:", 0) == 0) {
    out.kind = Property::Kind::fingerprint;
    out.hex = p.substr(12);
    if (out.hex.rfind("0x", 0) == 0) out.hex = out.hex.substr(2);
    for (char& c : out.hex)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (out.hex.empty() || out.hex.size() > 16 ||
        out.hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
      throw po::error("--until fingerprint:HEX expects up to 16 hex digits, got \"" + p + "\"");
    }
    out.hex = std::string(16 - out.hex.size(), '0') + out.hex;
  } else if (p.rfind("outcome:", 0) == 0) {
    out.kind = Property::Kind::outcome;
    auto eq = p.find('=');
    std::string id = p.substr(8, eq == std::string::npos ? std::string::npos : eq - 8);
    try {
      size_t used = 0;
      out.call = std::stoull(id, &used);
      if (used != id.size()) throw std::invalid_argument(id);
    } catch (const std::exception&) {
      throw po::error("--until outcome:CALL=OUTCOME expects a call number, got \"" + p + "\"");
    }
    if (eq == std::string::npos || eq + 1 == p.size()) {
      throw po::error("--until outcome:CALL=OUTCOME expects an outcome, got \"" + p + "\"");
    }
    out.outcome = p.substr(eq + 1);
  } else {
    throw po::error(
        "--until expects invariant, liveness, fingerprint:HEX or outcome:CALL=OUTCOME, got \"" + p +
        "\"");
  }
  return out;
}

bool holds(const Property& p, const run::CheckResult& r) {
  switch (p.kind) {
    case Property::Kind::invariant:
      return r.failure == "invariant" && (p.cls.empty() || r.failure_class == p.cls);
    case Property::Kind::liveness:
      return r.failure == "liveness" && (p.cls.empty() || r.failure_class == p.cls);
    case Property::Kind::fingerprint:
      return r.failure != "error" && stats::hex64(r.fingerprint) == p.hex;
    case Property::Kind::outcome: {
      auto it = r.outcomes.find(p.call);
      return it != r.outcomes.end() && it->second == p.outcome;
    }
  }
  return false;
}

}  // namespace

int cmd_shrink(const std::vector<std::string>& args) {
  po::options_description d("scsim shrink FILE --until PROPERTY [options]", 100, 50);
  d.add_options()                   //
      ("help,h", "show this help")  //
      ("until", po::value<std::string>()->value_name("P"),
       "the property to keep: invariant | liveness | fingerprint:HEX | outcome:CALL=OUTCOME")  //
      ("out", po::value<std::string>()->value_name("FILE"),
       "where the result goes (default FILE.min.yaml next to FILE)")  //
      ("max-events", po::value<std::string>()->value_name("N")->default_value("5000000"),
       "event limit of each run");
  po::variables_map vm = parse_command(args, d);
  if (vm.count("help")) {
    std::cout << d << kShrinkHelp;
    return 0;
  }
  if (!vm.count("file") || vm["file"].as<std::vector<std::string>>().size() != 1) {
    throw po::error("scsim shrink: give exactly one FILE (see scsim shrink --help)");
  }
  if (!vm.count("until")) throw po::error("scsim shrink: missing --until PROPERTY");
  const std::string file = vm["file"].as<std::vector<std::string>>()[0];
  Property prop = parse_property(vm["until"].as<std::string>());
  run::CheckOptions copt;
  try {
    copt.max_events = std::stoull(vm["max-events"].as<std::string>());
  } catch (const std::exception&) {
    throw po::error("--max-events expects a whole number");
  }
  copt.liveness = prop.kind == Property::Kind::liveness;
  copt.outcomes = prop.kind == Property::Kind::outcome;
  // A fingerprint or an outcome is that of the plain run (`scsim run FILE`), which an
  // invariant violation does not stop.
  copt.invariants = prop.kind == Property::Kind::invariant || prop.kind == Property::Kind::liveness;

  fs::path target;
  if (vm.count("out")) {
    target = vm["out"].as<std::string>();
  } else {
    fs::path f(file);
    std::string stem = f.extension() == ".yaml" || f.extension() == ".yml" ? f.stem().string()
                                                                           : f.filename().string();
    target = f.parent_path() / (stem + ".min.yaml");
  }
  // Never replace what shrink did not write.
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target, ec))) {
    std::ifstream in(target, std::ios::binary);
    std::string first;
    std::getline(in, first);
    if (!fs::is_regular_file(fs::symlink_status(target, ec)) || first.rfind(kStampLine, 0) != 0) {
      std::cerr << "scsim: " << target.string()
                << " exists and was not written by scsim shrink; refusing to replace it (give"
                   " --out another file)\n";
      return 2;
    }
  }

  auto loaded = scenario::load_scenario(file);
  if (!loaded.scenario) {
    for (const auto& e : loaded.errors)
      std::cerr << e.to_string() << "\n";
    return 2;
  }
  const scenario::Scenario& sc = *loaded.scenario;
  run::CheckResult base = run::check_scenario(sc, copt);
  if (prop.kind == Property::Kind::invariant || prop.kind == Property::Kind::liveness) {
    prop.cls = base.failure_class;
  }
  if (!holds(prop, base)) {
    std::cerr << "scsim: " << file << ": the property " << vm["until"].as<std::string>()
              << " does not hold for the file itself ("
              << (base.passed() ? std::string("its run passes every check")
                                : base.failure_class + ": " + base.message)
              << ", fingerprint " << stats::hex64(base.fingerprint) << ")\n";
    return 1;
  }
  std::cout << "shrinking " << file << " (" << sc.timeline.size() << " actions, "
            << sc.cluster.agents.size() << " agents, " << sc.cluster.nodes.size() << " nodes, "
            << sc.cluster.dcs.size() << " DCs), property " << vm["until"].as<std::string>()
            << (prop.cls.empty() ? "" : " (" + prop.cls + ")") << std::endl;

  scenario::ShrinkOptions sopt;
  if (prop.kind == Property::Kind::liveness) {
    for (const auto& a : sc.timeline) {
      if (a.kind == model::ActionKind::heal) sopt.keep_from = a.at;
    }
  }
  if (prop.kind == Property::Kind::invariant) sopt.cut_end = base.end + seconds(1);
  sopt.scratch = (target.parent_path() / ("." + target.filename().string() + ".scratch." +
                                          std::to_string(::getpid()) + ".yaml"))
                     .string();
  scenario::ShrinkReport rep;
  run::CheckResult last;
  auto pred = [&](const scenario::Scenario& c) {
    run::CheckResult r = run::check_scenario(c, copt);
    bool ok = holds(prop, r);
    if (ok) last = r;
    return ok;
  };
  scenario::Scenario small = scenario::shrink_scenario(sc, pred, sopt, rep);
  fs::remove(sopt.scratch, ec);
  run::CheckResult fin = run::check_scenario(small, copt);

  std::string comment = std::string(kStampLine + 2) + " of " + file + " --until " +
                        vm["until"].as<std::string>() + "\n";
  for (const auto& line : rep.removed)
    comment += line + "\n";
  if (!fin.passed()) comment += fin.failure_class + ": " + fin.message + "\n";
  comment += "fingerprint " + stats::hex64(fin.fingerprint) + "\nreproduce: scsim run " +
             target.filename().string() + " --check-invariants" +
             (prop.kind == Property::Kind::liveness ? " --check-liveness" : "");
  small.name = sc.name + "-min";
  std::string text;
  try {
    text = scenario::scenario_to_yaml(small, comment);
  } catch (const std::exception& e) {
    std::cerr << "scsim: cannot write the result: " << e.what() << "\n";
    return 1;
  }
  fs::path tmp = target.parent_path() /
                 ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) {
      std::cerr << "scsim: cannot write " << tmp.string() << "\n";
      fs::remove(tmp, ec);
      return 1;
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::cerr << "scsim: cannot rename " << tmp.string() << " to " << target.string() << ": "
              << ec.message() << "\n";
    fs::remove(tmp, ec);
    return 1;
  }
  for (const auto& line : rep.removed)
    std::cout << "  " << line << "\n";
  std::cout << "result: " << rep.actions_after << " actions, " << rep.agents_after << " agents, "
            << rep.nodes_after << " nodes, " << rep.dcs_after << " DCs, run end "
            << format_time(rep.duration_after) << " s (" << rep.tests << " runs)\n";
  if (!fin.passed()) std::cout << fin.failure_class << ": " << fin.message << "\n";
  std::cout << "written: " << target.string() << "\n";
  return 0;
}

}  // namespace scsim::cli
