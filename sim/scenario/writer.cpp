#include "scenario/writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "model/params.hpp"
#include "scenario/vocabulary.hpp"

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
  const ActionWord& w = action_word(a.kind);
  auto agent = [&] { return q(spec.agents.at(static_cast<size_t>(a.agent)).name); };
  auto node = [&] { return q(spec.nodes.at(static_cast<size_t>(a.node)).name); };
  auto dc = [&] { return q(spec.dcs.at(static_cast<size_t>(a.dc)).name); };
  std::string v;
  switch (w.form) {
    case Form::agent:
      v = "{agent: " + agent() + "}";
      break;
    case Form::agent_dc:
      v = "{agent: " + agent() + ", dc: " + dc() + "}";
      break;
    case Form::agent_ready:
      v = "{agent: " + agent() + ", ready: " + (a.ready ? "true" : "false") + "}";
      break;
    case Form::agent_node_client:
      v = "{agent: " + agent() + ", node: " + node() + ", client: " + q(a.client) + "}";
      break;
    case Form::pairs:
      v = "{a: " + node_list(spec, a.nodes_a, a.gws_a) +
          ", b: " + node_list(spec, a.nodes_b, a.gws_b) +
          ", one_way: " + (a.one_way ? "true" : "false") + "}";
      break;
    case Form::crash:
      v = "{node: " + node() + ", kind: " + crash_kind(a.crash) + "}";
      break;
    case Form::node:
      v = "{node: " + node() + "}";
      break;
    case Form::gws:
      v = "{gws: " + q(spec.gws.at(static_cast<size_t>(a.gws)).name) + "}";
      break;
    case Form::call:
      v = std::string("{") + (a.node >= 0 ? "node: " + node() : "dc: " + dc()) +
          ", group: " + q(a.group);
      if (a.handle) v += ", handle: " + t(*a.handle);
      if (a.acw) v += ", acw: " + t(*a.acw);
      if (a.patience)
        v += ", patience: " + (*a.patience == Time::max() ? q("infinite") : t(*a.patience));
      v += "}";
      break;
  }
  return "{at: " + t(a.at) + ", " + w.name + ": " + v + "}";
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

}  // namespace scsim::scenario
