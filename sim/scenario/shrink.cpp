#include "scenario/shrink.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "model/params.hpp"
#include "scenario/ddmin.hpp"
#include "scenario/writer.hpp"

namespace scsim::scenario {
namespace {

using model::Action;
using model::ActionKind;

bool uses_agent(const Action& a) {
  switch (a.kind) {
    case ActionKind::cut:
    case ActionKind::heal:
    case ActionKind::crash:
    case ActionKind::restart:
    case ActionKind::gws_fail:
    case ActionKind::gws_restart:
    case ActionKind::gws_cut:
    case ActionKind::gws_heal:
    case ActionKind::call:
      return false;
    default:
      return true;
  }
}

bool uses_node(const Action& a) {
  return a.kind == ActionKind::crash || a.kind == ActionKind::restart ||
         a.kind == ActionKind::tregister || (a.kind == ActionKind::call && a.node >= 0);
}

// Drops calls of groups that no agent and no workload stream has any more.
void drop_orphan_calls(Scenario& sc) {
  std::set<std::string> groups;
  for (const auto& a : sc.cluster.agents)
    groups.insert(a.groups.begin(), a.groups.end());
  for (const auto& s : sc.cluster.workload.streams)
    groups.insert(s.group);
  for (const auto& t : sc.cluster.workload.trace)
    groups.insert(t.group);
  std::erase_if(sc.timeline, [&](const Action& a) {
    return a.kind == ActionKind::call && !groups.count(a.group);
  });
}

Scenario keep_agents(const Scenario& in, const std::vector<int>& keep) {
  Scenario sc = in;
  std::vector<int> map(in.cluster.agents.size(), -1);
  sc.cluster.agents.clear();
  for (int a : keep) {
    map[static_cast<size_t>(a)] = static_cast<int>(sc.cluster.agents.size());
    sc.cluster.agents.push_back(in.cluster.agents[static_cast<size_t>(a)]);
  }
  std::vector<Action> tl;
  for (Action a : in.timeline) {
    if (uses_agent(a)) {
      if (a.agent < 0 || map[static_cast<size_t>(a.agent)] < 0) continue;
      a.agent = map[static_cast<size_t>(a.agent)];
    }
    tl.push_back(a);
  }
  sc.timeline = std::move(tl);
  drop_orphan_calls(sc);
  return sc;
}

// Keeps the given nodes (renamed N1, N2, ... in order); nullopt if a DC would have none.
std::optional<Scenario> keep_nodes(const Scenario& in, const std::vector<int>& keep) {
  Scenario sc = in;
  auto& c = sc.cluster;
  std::vector<int> map(in.cluster.nodes.size(), -1);
  c.nodes.clear();
  for (int n : keep) {
    map[static_cast<size_t>(n)] = static_cast<int>(c.nodes.size());
    model::NodeSpec ns = in.cluster.nodes[static_cast<size_t>(n)];
    ns.name = "N" + std::to_string(c.nodes.size() + 1);
    c.nodes.push_back(ns);
  }
  for (size_t d = 0; d < c.dcs.size(); ++d) {
    bool any = std::any_of(c.nodes.begin(), c.nodes.end(),
                           [&](const model::NodeSpec& n) { return n.dc == int(d); });
    if (!any) return std::nullopt;
  }
  auto mapped = [&](int n) { return n < 0 ? -1 : map[static_cast<size_t>(n)]; };
  std::vector<model::LinkDelaySpec> delays;
  for (auto ld : c.link_delays) {
    ld.a = mapped(ld.a);
    ld.b = mapped(ld.b);
    if (ld.a >= 0 && ld.b >= 0) delays.push_back(ld);
  }
  c.link_delays = std::move(delays);
  for (auto& g : c.gws)
    g.node = mapped(g.node);
  for (auto& s : c.workload.streams) {
    if (s.node >= 0 && (s.node = mapped(s.node)) < 0) return std::nullopt;
  }
  std::vector<Action> tl;
  for (Action a : in.timeline) {
    if (uses_node(a)) {
      a.node = mapped(a.node);
      if (a.node < 0) continue;
    }
    if (a.kind == ActionKind::cut || a.kind == ActionKind::heal) {
      auto fix = [&](std::vector<int>& v) {
        std::vector<int> out;
        for (int n : v) {
          if (mapped(n) >= 0) out.push_back(mapped(n));
        }
        v = out;
      };
      fix(a.nodes_a);
      fix(a.nodes_b);
      bool pairs = (!a.nodes_a.empty() || !a.gws_a.empty()) && !a.nodes_b.empty();
      if (!pairs && (a.gws_b.empty() || a.nodes_a.empty())) continue;
    }
    tl.push_back(a);
  }
  sc.timeline = std::move(tl);
  return sc;
}

// Keeps the given DCs with their nodes, GWS nodes and agents.
std::optional<Scenario> keep_dcs(const Scenario& in, const std::vector<int>& keep) {
  if (keep.empty()) return std::nullopt;
  Scenario sc = in;
  auto& c = sc.cluster;
  std::vector<int> dmap(in.cluster.dcs.size(), -1);
  c.dcs.clear();
  for (int d : keep) {
    dmap[static_cast<size_t>(d)] = static_cast<int>(c.dcs.size());
    c.dcs.push_back(in.cluster.dcs[static_cast<size_t>(d)]);
  }
  // GWS nodes of removed DCs go, with the actions on them.
  std::vector<int> gmap(in.cluster.gws.size(), -1);
  c.gws.clear();
  for (size_t g = 0; g < in.cluster.gws.size(); ++g) {
    const auto& gs = in.cluster.gws[g];
    if (dmap[static_cast<size_t>(gs.dc)] < 0) continue;
    gmap[g] = static_cast<int>(c.gws.size());
    c.gws.push_back(gs);
    c.gws.back().dc = dmap[static_cast<size_t>(gs.dc)];
  }
  std::vector<Action> tl;
  for (Action a : in.timeline) {
    if (a.gws >= 0) {
      a.gws = gmap[static_cast<size_t>(a.gws)];
      if (a.gws < 0) continue;
    }
    for (auto* side : {&a.gws_a, &a.gws_b}) {
      std::vector<int> out;
      for (int g : *side) {
        if (gmap[static_cast<size_t>(g)] >= 0) out.push_back(gmap[static_cast<size_t>(g)]);
      }
      *side = out;
    }
    if ((a.kind == ActionKind::phone_move || (a.kind == ActionKind::call && a.node < 0)) &&
        a.dc >= 0) {
      a.dc = dmap[static_cast<size_t>(a.dc)];
      if (a.dc < 0) continue;
    }
    tl.push_back(a);
  }
  sc.timeline = std::move(tl);
  for (auto& s : c.workload.streams) {
    if ((s.dc = dmap[static_cast<size_t>(s.dc)]) < 0) return std::nullopt;
  }
  for (auto& t : c.workload.trace) {
    if ((t.dc = dmap[static_cast<size_t>(t.dc)]) < 0) return std::nullopt;
  }
  // Agents of removed DCs go (with their actions).
  std::vector<int> agents;
  for (size_t a = 0; a < c.agents.size(); ++a) {
    auto& ag = c.agents[a];
    if (dmap[static_cast<size_t>(ag.dc)] < 0) continue;
    ag.dc = dmap[static_cast<size_t>(ag.dc)];
    if (ag.gws >= 0) ag.gws = gmap[static_cast<size_t>(ag.gws)];
    agents.push_back(static_cast<int>(a));
  }
  sc = keep_agents(sc, agents);
  // Nodes of removed DCs go.
  std::vector<int> nodes;
  for (size_t n = 0; n < c.nodes.size(); ++n) {
    int d = dmap[static_cast<size_t>(in.cluster.nodes[n].dc)];
    if (d >= 0) nodes.push_back(static_cast<int>(n));
    sc.cluster.nodes[n].dc = std::max(d, 0);
  }
  return keep_nodes(sc, nodes);
}

class Shrinker {
 public:
  Shrinker(const std::function<bool(const Scenario&)>& holds, const ShrinkOptions& opt,
           ShrinkReport& rep)
      : holds_(holds), opt_(opt), rep_(rep) {}

  // The candidate as the loader reads it back from the writer's text, if valid.
  std::optional<Scenario> round_trip(const Scenario& sc) {
    std::string text;
    try {
      text = scenario_to_yaml(sc);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    {
      std::ofstream f(opt_.scratch, std::ios::binary | std::ios::trunc);
      f << text;
      if (!f) return std::nullopt;
    }
    LoadResult r = load_scenario(opt_.scratch);
    if (!r.scenario) return std::nullopt;
    r.scenario->file = sc.file;  // the workload is copied from the original file
    return r.scenario;
  }

  // Tests a candidate; on success it becomes the current scenario.
  bool accept(const Scenario& cand, Scenario& current) {
    auto rt = round_trip(cand);
    if (!rt) return false;
    ++rep_.tests;
    if (!holds_(*rt)) return false;
    current = std::move(*rt);
    return true;
  }

  bool test(const Scenario& cand) {
    auto rt = round_trip(cand);
    if (!rt) return false;
    ++rep_.tests;
    return holds_(*rt);
  }

 private:
  const std::function<bool(const Scenario&)>& holds_;
  const ShrinkOptions& opt_;
  ShrinkReport& rep_;
};

std::vector<int> iota_n(size_t n) {
  std::vector<int> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<int>(i);
  return v;
}

}  // namespace

Scenario shrink_scenario(const Scenario& input, const std::function<bool(const Scenario&)>& holds,
                         const ShrinkOptions& opt, ShrinkReport& rep) {
  Shrinker s(holds, opt, rep);
  Scenario cur = input;
  rep.actions_before = input.timeline.size();
  rep.agents_before = input.cluster.agents.size();
  rep.nodes_before = input.cluster.nodes.size();
  rep.dcs_before = input.cluster.dcs.size();
  rep.duration_before = input.duration;

  // 1. The run's end.
  if (opt.cut_end && *opt.cut_end < cur.duration) {
    Scenario c = cur;
    c.duration = *opt.cut_end;
    std::erase_if(c.timeline, [&](const Action& a) { return a.at > c.duration; });
    if (s.accept(c, cur)) {
      rep.removed.push_back(
          "run end: " + format_time(input.duration) + " -> " + format_time(cur.duration) + " s (" +
          std::to_string(input.timeline.size() - cur.timeline.size()) + " later actions dropped)");
    }
  }

  // 2. Timeline actions.
  {
    std::vector<int> removable, fixed;
    for (size_t i = 0; i < cur.timeline.size(); ++i) {
      bool keep = opt.keep_from && cur.timeline[i].at >= *opt.keep_from;
      (keep ? fixed : removable).push_back(static_cast<int>(i));
    }
    const Scenario base = cur;
    auto build = [&](const std::vector<int>& keep) {
      Scenario c = base;
      c.timeline.clear();
      std::vector<char> on(base.timeline.size(), 0);
      for (int i : keep)
        on[static_cast<size_t>(i)] = 1;
      for (int i : fixed)
        on[static_cast<size_t>(i)] = 1;
      for (size_t i = 0; i < base.timeline.size(); ++i) {
        if (on[i]) c.timeline.push_back(base.timeline[i]);
      }
      return c;
    };
    std::function<bool(const std::vector<int>&)> t = [&](const std::vector<int>& keep) {
      return s.test(build(keep));
    };
    auto kept = ddmin<int>(removable, t);
    if (kept.size() < removable.size()) s.accept(build(kept), cur);
    rep.removed.push_back(
        "actions: removed " + std::to_string(base.timeline.size() - cur.timeline.size()) + " of " +
        std::to_string(base.timeline.size()) +
        (fixed.empty() ? std::string()
                       : " (" + std::to_string(fixed.size()) + " of the heal phase kept)"));
  }

  // 3. Agents.
  {
    const Scenario base = cur;
    std::function<bool(const std::vector<int>&)> t = [&](const std::vector<int>& keep) {
      return s.test(keep_agents(base, keep));
    };
    auto kept = ddmin<int>(iota_n(base.cluster.agents.size()), t);
    if (kept.size() < base.cluster.agents.size()) s.accept(keep_agents(base, kept), cur);
    std::string names;
    std::set<std::string> left;
    for (const auto& a : cur.cluster.agents)
      left.insert(a.name);
    for (const auto& a : base.cluster.agents) {
      if (!left.count(a.name)) names += (names.empty() ? " (" : ", ") + a.name;
    }
    rep.removed.push_back("agents: removed " +
                          std::to_string(base.cluster.agents.size() - cur.cluster.agents.size()) +
                          " of " + std::to_string(base.cluster.agents.size()) +
                          (names.empty() ? "" : names + ")"));
  }

  // 4. DCs, then nodes.
  {
    const Scenario base = cur;
    std::function<bool(const std::vector<int>&)> t = [&](const std::vector<int>& keep) {
      auto c = keep_dcs(base, keep);
      return c && s.test(*c);
    };
    auto kept = ddmin<int>(iota_n(base.cluster.dcs.size()), t);
    if (kept.size() < base.cluster.dcs.size()) {
      if (auto c = keep_dcs(base, kept)) s.accept(*c, cur);
    }
    rep.removed.push_back("DCs: removed " +
                          std::to_string(base.cluster.dcs.size() - cur.cluster.dcs.size()) +
                          " of " + std::to_string(base.cluster.dcs.size()));
  }
  {
    const Scenario base = cur;
    std::function<bool(const std::vector<int>&)> t = [&](const std::vector<int>& keep) {
      auto c = keep_nodes(base, keep);
      return c && s.test(*c);
    };
    auto kept = ddmin<int>(iota_n(base.cluster.nodes.size()), t);
    if (kept.size() < base.cluster.nodes.size()) {
      if (auto c = keep_nodes(base, kept)) s.accept(*c, cur);
    }
    rep.removed.push_back(
        "nodes: removed " + std::to_string(base.cluster.nodes.size() - cur.cluster.nodes.size()) +
        " of " + std::to_string(base.cluster.nodes.size()) + " (the rest renumbered N1, N2, ...)");
  }

  // 5. Parameters: each one that differs from DOMAIN's default goes back to it, one at a time,
  // if the property survives (what remains is what the failure needs).
  {
    const model::Params defaults;
    std::string names;
    for (const auto& info : model::param_table()) {
      const std::string def = model::get_param(defaults, info.name);
      if (model::get_param(cur.cluster.params, info.name) == def) continue;
      Scenario c = cur;
      if (!model::set_param(c.cluster.params, info.name, def).empty()) continue;
      if (s.accept(c, cur)) {
        ++rep.params_reset;
        names += (names.empty() ? " (" : ", ") + info.name;
      }
    }
    rep.removed.push_back("parameters: " + std::to_string(rep.params_reset) +
                          " set back to DOMAIN's default" + (names.empty() ? "" : names + ")"));
  }

  // 6. Time values: each action earlier, to a round time, if the property survives.
  for (size_t i = 0; i < cur.timeline.size(); ++i) {
    const Action orig = cur.timeline[i];
    if (opt.keep_from && orig.at >= *opt.keep_from) continue;
    const Time lo = i > 0 ? cur.timeline[i - 1].at : Time::zero();
    for (int64_t step : {60'000'000, 10'000'000, 1'000'000}) {
      Time t = Time::from_micros(orig.at.micros() / step * step);
      if (t == orig.at || t < lo) continue;
      Scenario c = cur;
      c.timeline[i].at = t;
      if (s.accept(c, cur)) {
        ++rep.times_moved;
        break;
      }
    }
  }
  rep.removed.push_back("times: " + std::to_string(rep.times_moved) +
                        " actions moved earlier to a round time");

  rep.actions_after = cur.timeline.size();
  rep.agents_after = cur.cluster.agents.size();
  rep.nodes_after = cur.cluster.nodes.size();
  rep.dcs_after = cur.cluster.dcs.size();
  rep.duration_after = cur.duration;
  return cur;
}

}  // namespace scsim::scenario
