#include "scenario/explain.hpp"

#include <cstdio>
#include <map>
#include <vector>

#include "scenario/vocabulary.hpp"

namespace scsim::scenario {

namespace {

std::string clock(Time t) {
  const int64_t us = t.micros();
  char buf[48];
  std::snprintf(
      buf, sizeof buf, "%02lld:%02lld:%02lld.%06lld", static_cast<long long>(us / 3'600'000'000),
      static_cast<long long>(us / 60'000'000 % 60), static_cast<long long>(us / 1'000'000 % 60),
      static_cast<long long>(us % 1'000'000));
  return buf;
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

// The action's target as the file names it.
std::string target(const Scenario& sc, const model::Action& a) {
  const auto& c = sc.cluster;
  std::string s;
  auto add = [&s](const std::string& x) { s += (s.empty() ? "" : " ") + x; };
  if (a.agent >= 0) add(c.agents[size_t(a.agent)].name);
  if (a.node >= 0) add(c.nodes[size_t(a.node)].name);
  if (a.gws >= 0) add(c.gws[size_t(a.gws)].name);
  if (a.dc >= 0) add((a.kind == model::ActionKind::call ? "" : "to ") + c.dcs[size_t(a.dc)].name);
  if (!a.group.empty()) add("group " + a.group);
  if (a.kind == model::ActionKind::agent_login || a.kind == model::ActionKind::wwe_login) {
    add(a.ready ? "ready" : "not ready");
  }
  auto names = [&](const std::vector<int>& v, const std::vector<int>& g) {
    std::string x;
    for (int n : v)
      x += (x.empty() ? "" : ",") + c.nodes[size_t(n)].name;
    for (int n : g)
      x += (x.empty() ? "" : ",") + c.gws[size_t(n)].name;
    return x;
  };
  if (!a.nodes_a.empty() || !a.gws_a.empty()) {
    add(names(a.nodes_a, a.gws_a) + (a.one_way ? " -> " : " x ") + names(a.nodes_b, a.gws_b));
  }
  return s;
}

}  // namespace

std::string explain(const Scenario& sc, size_t first) {
  struct Kind {
    size_t n = 0;
    Time lo, hi;
    std::vector<const model::Action*> firsts;
  };
  std::map<int, Kind> kinds;  // by ActionKind: vocabulary order
  for (const auto& a : sc.timeline) {
    Kind& k = kinds[static_cast<int>(a.kind)];
    if (k.n == 0) k.lo = a.at;
    k.hi = a.at;
    ++k.n;
    if (k.firsts.size() < first) k.firsts.push_back(&a);
  }
  std::string out = sc.file + ": " + std::to_string(sc.cluster.agents.size()) + " agents, " +
                    std::to_string(sc.timeline.size()) + " timeline actions\n";
  out += "\nActions per kind (count, first, last):\n";
  for (const auto& [k, v] : kinds) {
    out += "  " + pad(action_word(static_cast<model::ActionKind>(k)).name, 18) +
           pad(std::to_string(v.n), 9) + clock(v.lo) + "  " + clock(v.hi) + "\n";
  }
  out += "\nPer timeline entry and shift (line, action, selector: selected -> actions):\n";
  for (const auto& x : sc.expansions) {
    out += "  " + pad(x.source, 14) + " line " + pad(std::to_string(x.line), 6) +
           pad(x.action, 17) + (x.selector.empty() ? "" : x.selector + ": ") +
           (x.targets ? std::to_string(x.targets) + " selected -> " : "") +
           std::to_string(x.actions) + (x.actions == 1 ? " action" : " actions") + "\n";
  }
  out += "\nFirst " + std::to_string(first) + " actions of each kind:\n";
  for (const auto& [k, v] : kinds) {
    out += "  " + std::string(action_word(static_cast<model::ActionKind>(k)).name) + "\n";
    for (const auto* a : v.firsts)
      out += "    " + clock(a->at) + "  " + target(sc, *a) + "\n";
    if (v.n > v.firsts.size())
      out += "    ... " + std::to_string(v.n - v.firsts.size()) + " more\n";
  }
  return out;
}

}  // namespace scsim::scenario
