#include "scenario/writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "model/params.hpp"

namespace scsim::scenario {
namespace {

// A YAML double-quoted scalar: every name and text is quoted, so no value can be read back as
// another type (a DN "1001" stays a string, a name "yes" stays a name).
std::string q(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string t(Time x) {
  return q(std::to_string(x.micros()) + "us");
}

std::string node_list(const model::ClusterSpec& spec, const std::vector<int>& nodes,
                      const std::vector<int>& gws = {}) {
  std::string s = "[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    s += (i ? ", " : "") + q(spec.nodes.at(static_cast<size_t>(nodes[i])).name);
  }
  for (size_t i = 0; i < gws.size(); ++i) {
    s += (i || !nodes.empty() ? ", " : "") + q(spec.gws.at(static_cast<size_t>(gws[i])).name);
  }
  return s + "]";
}

const char* crash_kind(model::CrashKind k) {
  return k == model::CrashKind::process ? "process" : "host";
}

}  // namespace

std::string action_to_yaml(const model::ClusterSpec& spec, const model::Action& a) {
  using K = model::ActionKind;
  auto agent = [&] { return q(spec.agents.at(static_cast<size_t>(a.agent)).name); };
  auto node = [&] { return q(spec.nodes.at(static_cast<size_t>(a.node)).name); };
  auto gws = [&] { return q(spec.gws.at(static_cast<size_t>(a.gws)).name); };
  std::string v;
  switch (a.kind) {
    case K::phone_on:
    case K::phone_off:
    case K::phone_unregister:
    case K::phone_register:
    case K::agent_logout:
    case K::agent_ready:
    case K::agent_not_ready:
    case K::wwe_logout:
    case K::wwe_disconnect:
    case K::wwe_reconnect:
      v = "{agent: " + agent() + "}";
      break;
    case K::phone_move:
      v = "{agent: " + agent() + ", dc: " + q(spec.dcs.at(static_cast<size_t>(a.dc)).name) + "}";
      break;
    case K::agent_login:
    case K::wwe_login:
      v = "{agent: " + agent() + ", ready: " + (a.ready ? "true" : "false") + "}";
      break;
    case K::tregister:
      v = "{agent: " + agent() + ", node: " + node() + ", client: " + q(a.client) + "}";
      break;
    case K::cut:
    case K::heal:
      v = "{a: " + node_list(spec, a.nodes_a, a.gws_a) +
          ", b: " + node_list(spec, a.nodes_b, a.gws_b) +
          ", one_way: " + (a.one_way ? "true" : "false") + "}";
      break;
    case K::crash:
      v = "{node: " + node() + ", kind: " + crash_kind(a.crash) + "}";
      break;
    case K::restart:
      v = "{node: " + node() + "}";
      break;
    case K::gws_fail:
    case K::gws_restart:
    case K::gws_cut:
    case K::gws_heal:
      v = "{gws: " + gws() + "}";
      break;
    case K::call:
      v = std::string("{") +
          (a.node >= 0 ? "node: " + node()
                       : "dc: " + q(spec.dcs.at(static_cast<size_t>(a.dc)).name)) +
          ", group: " + q(a.group) + "}";
      break;
  }
  return "{at: " + t(a.at) + ", " + model::to_string(a.kind) + ": " + v + "}";
}

std::string scenario_to_yaml(const Scenario& sc, const std::string& comment) {
  const auto& spec = sc.cluster;
  // The workload (arrival streams, traces) is copied from the scenario's own file as written
  // there, re-emitted by yaml-cpp: it only names DCs, nodes and groups, which are kept.
  std::string workload = "{}";
  if (!spec.workload.empty()) {
    YAML::Node w;
    try {
      w = YAML::LoadFile(sc.file)["workload"];
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot copy the workload from " + sc.file + ": " + e.what());
    }
    if (!w || w.IsNull()) throw std::runtime_error("no workload in " + sc.file + " to copy");
    std::string text = YAML::Dump(w);
    workload.clear();
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line))
      workload += "\n  " + line;
  }
  std::ostringstream o;
  if (!comment.empty()) {
    std::istringstream lines(comment);
    std::string line;
    while (std::getline(lines, line))
      o << "# " << line << "\n";
  }
  o << "name: " << q(sc.name) << "\n";
  o << "description: " << q(sc.description) << "\n";
  o << "seed: " << sc.seed << "\n";
  o << "duration: " << t(sc.duration) << "\n";
  o << "settings: defaults\n";
  o << "parameters:\n";
  for (const auto& info : model::param_table()) {
    o << "  " << info.name << ": " << q(model::get_param(spec.params, info.name)) << "\n";
  }
  o << "topology:\n";
  o << "  dcs: [";
  for (size_t i = 0; i < spec.dcs.size(); ++i)
    o << (i ? ", " : "") << q(spec.dcs[i].name);
  o << "]\n";
  o << "  nodes: {";
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    o << (i ? ", " : "") << q(spec.nodes[i].name) << ": "
      << q(spec.dcs.at(static_cast<size_t>(spec.nodes[i].dc)).name);
  }
  o << "}\n";
  if (!spec.gws.empty()) {
    o << "  gws:\n";
    for (const auto& g : spec.gws) {
      o << "    " << q(g.name) << ": {dc: " << q(spec.dcs.at(static_cast<size_t>(g.dc)).name);
      if (g.node >= 0) o << ", node: " << q(spec.nodes.at(static_cast<size_t>(g.node)).name);
      o << ", client: " << q(g.client_name) << "}\n";
    }
  }
  if (!spec.link_delays.empty()) {
    o << "  link_delays:\n";
    for (const auto& d : spec.link_delays) {
      o << "    - {between: [" << q(spec.nodes.at(static_cast<size_t>(d.a)).name) << ", "
        << q(spec.nodes.at(static_cast<size_t>(d.b)).name) << "], one_way: " << t(d.one_way)
        << "}\n";
    }
  }
  o << "population:\n";
  if (spec.agents.empty()) {
    o << "  agents: []\n";
  } else {
    o << "  agents:\n";
    for (const auto& a : spec.agents) {
      o << "    - {name: " << q(a.name) << ", dn: " << q(a.dn)
        << ", kind: " << (a.kind == model::DnKind::pstn ? "pstn" : "sip")
        << ", dc: " << q(spec.dcs.at(static_cast<size_t>(a.dc)).name);
      if (!a.groups.empty()) {
        o << ", groups: [";
        for (size_t i = 0; i < a.groups.size(); ++i)
          o << (i ? ", " : "") << q(a.groups[i]);
        o << "]";
      }
      if (a.gws >= 0) o << ", gws: " << q(spec.gws.at(static_cast<size_t>(a.gws)).name);
      o << "}\n";
    }
  }
  o << "workload: " << workload << "\n";
  if (sc.timeline.empty()) {
    o << "timeline: []\n";
  } else {
    o << "timeline:\n";
    for (const auto& a : sc.timeline)
      o << "  - " << action_to_yaml(spec, a) << "\n";
  }
  return o.str();
}

std::string save_scenario(const std::string& path, const Scenario& sc, const std::string& comment) {
  std::string text;
  try {
    text = scenario_to_yaml(sc, comment);
  } catch (const std::exception& e) {
    return std::string("cannot write the scenario: ") + e.what();
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return "cannot open " + path + " for writing";
  f << text;
  f.close();
  if (!f) return "cannot write " + path;
  return {};
}

ActionsResult load_actions(const Scenario& base, const std::string& path) {
  ActionsResult out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.errors.push_back(LoadError{path, 0, 0, "", "cannot open the actions file"});
    return out;
  }
  std::string actions((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The actions are read by the scenario loader itself, against the base scenario's names:
  // the base written without its timeline, followed by the actions file's `timeline:`.
  Scenario head = base;
  head.timeline.clear();
  head.cluster.workload = {};  // only the names matter here
  std::string text = scenario_to_yaml(head);
  text.erase(text.rfind("timeline: []\n"));
  const int head_lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  text += actions;
  if (!text.empty() && text.back() != '\n') text += '\n';

  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text)
    h = (h ^ c) * 0x100000001b3ull;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec) / ("scsim-actions-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(h) + ".yaml");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) {
      out.errors.push_back(LoadError{path, 0, 0, "", "cannot write " + tmp.string()});
      return out;
    }
  }
  LoadResult r = load_scenario(tmp.string());
  fs::remove(tmp, ec);
  if (r.scenario) {
    out.actions = std::move(r.scenario->timeline);
    return out;
  }
  for (auto e : r.errors) {
    e.file = path;
    e.line = e.line > head_lines ? e.line - head_lines : 0;
    if (e.line == 0) e.column = 0;
    out.errors.push_back(std::move(e));
  }
  return out;
}

}  // namespace scsim::scenario
