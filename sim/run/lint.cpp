#include "run/lint.hpp"

#include <algorithm>
#include <set>

namespace scsim::run {

namespace {
using model::ActionKind;

std::string at_text(Time t) {
  return format_time(t) + " s";
}

std::string group_where(const scenario::Scenario& sc, const std::string& g) {
  auto it = sc.source.groups.find(g);
  return it == sc.source.groups.end() ? std::string() : it->second;
}

std::string node_name(const scenario::Scenario& sc, int n) {
  return n >= 0 && n < int(sc.cluster.nodes.size()) ? sc.cluster.nodes[size_t(n)].name
                                                    : std::to_string(n);
}
}  // namespace

std::string Warning::to_string(const std::string& file) const {
  return (where.empty() ? file : where) + ": warning: " + text;
}

std::vector<Warning> lint_scenario(const scenario::Scenario& sc, std::optional<Time> until) {
  std::vector<Warning> out;
  const auto& agents = sc.cluster.agents;
  const size_t A = agents.size();
  // Which agents can ever have their DN in service, log in, become Ready.
  std::vector<char> registers(A, 0), logs_in(A, 0), ready(A, 0);
  std::vector<Time> first_login(A, Time::max());
  for (const auto& a : sc.timeline) {
    if (a.agent < 0 || size_t(a.agent) >= A) continue;
    const size_t i = size_t(a.agent);
    const bool sip = agents[i].kind == model::DnKind::sip;
    switch (a.kind) {
      case ActionKind::phone_on:
      case ActionKind::phone_move:
        if (sip) registers[i] = 1;
        break;
      case ActionKind::tregister:
        registers[i] = 1;
        break;
      case ActionKind::wwe_login:
        if (!sip) registers[i] = 1;
        logs_in[i] = 1;
        first_login[i] = std::min(first_login[i], a.at);
        if (a.ready) ready[i] = 1;
        break;
      case ActionKind::agent_login:
        logs_in[i] = 1;
        first_login[i] = std::min(first_login[i], a.at);
        if (a.ready) ready[i] = 1;
        break;
      case ActionKind::agent_ready:
        ready[i] = 1;
        break;
      default:
        break;
    }
  }
  for (size_t i = 0; i < A; ++i) {
    if (!logs_in[i] || registers[i]) continue;
    const bool sip = agents[i].kind == model::DnKind::sip;
    out.push_back(
        {sc.where_agent(i), "agent " + agents[i].name + " logs in at " + at_text(first_login[i]) +
                                " but its DN " + agents[i].dn + " is never in service: " +
                                (sip ? "no phone_on, phone_move or tregister for it in the timeline"
                                     : "no wwe_login or tregister for it in the timeline")});
  }
  // Groups offered calls, and whether one of their agents is ever Ready.
  std::set<std::string> offered;
  for (const auto& st : sc.cluster.workload.streams)
    offered.insert(st.group);
  for (const auto& c : sc.cluster.workload.trace)
    offered.insert(c.group);
  for (const auto& a : sc.timeline) {
    if (a.kind == ActionKind::call && !a.group.empty()) offered.insert(a.group);
  }
  for (const auto& g : offered) {
    bool any = false;
    for (size_t i = 0; i < A && !any; ++i) {
      const auto& gs = agents[i].groups;
      any = ready[i] && registers[i] && std::find(gs.begin(), gs.end(), g) != gs.end();
    }
    if (!any) {
      out.push_back({group_where(sc, g),
                     "calls are offered to group " + g +
                         ", but no agent of that group is ever Ready with its DN in service: "
                         "every such call waits, abandons or fails"});
    }
  }
  // Actions that can have no effect, replaying the timeline literally.
  const int N = int(sc.cluster.nodes.size());
  std::vector<char> alive(size_t(N), 1), gws_alive(sc.cluster.gws.size(), 1), logged(A, 0);
  std::set<std::pair<int, int>> cut;  // directed a -> b
  for (size_t k = 0; k < sc.timeline.size(); ++k) {
    const model::Action& a = sc.timeline[k];
    const std::string when = std::string(model::to_string(a.kind)) + " at " + at_text(a.at);
    auto no_effect = [&](const std::string& why) {
      out.push_back({sc.where_action(k), when + ": " + why + "; the action has no effect"});
    };
    switch (a.kind) {
      case ActionKind::crash:
        if (a.node >= 0 && a.node < N) {
          if (!alive[size_t(a.node)]) {
            no_effect(node_name(sc, a.node) + " is already down");
          }
          alive[size_t(a.node)] = 0;
        }
        break;
      case ActionKind::restart:
        if (a.node >= 0 && a.node < N) {
          if (alive[size_t(a.node)]) {
            no_effect(node_name(sc, a.node) + " is not down");
          }
          alive[size_t(a.node)] = 1;
        }
        break;
      case ActionKind::cut:
      case ActionKind::heal: {
        bool any_cut = false;
        for (int x : a.nodes_a) {
          for (int y : a.nodes_b) {
            if (x == y) continue;
            for (auto d : {std::make_pair(x, y), std::make_pair(y, x)}) {
              if (a.kind == ActionKind::cut && a.one_way && d.first != x) continue;
              if (a.kind == ActionKind::cut) {
                cut.insert(d);
              } else if (cut.erase(d)) {
                any_cut = true;
              }
            }
          }
        }
        if (a.kind == ActionKind::heal && !any_cut && a.gws_a.empty() && a.gws_b.empty()) {
          no_effect("none of the links it names is cut");
        }
        break;
      }
      case ActionKind::agent_login:
      case ActionKind::wwe_login:
        if (a.agent >= 0 && size_t(a.agent) < A) logged[size_t(a.agent)] = 1;
        break;
      case ActionKind::agent_logout:
      case ActionKind::wwe_logout:
        if (a.agent >= 0 && size_t(a.agent) < A) {
          if (!logged[size_t(a.agent)]) {
            no_effect("agent " + agents[size_t(a.agent)].name + " is not logged in");
          }
          logged[size_t(a.agent)] = 0;
        }
        break;
      case ActionKind::gws_fail:
      case ActionKind::gws_restart:
        if (a.gws >= 0 && size_t(a.gws) < gws_alive.size()) {
          const bool fail = a.kind == ActionKind::gws_fail;
          if (bool(gws_alive[size_t(a.gws)]) != fail) {
            no_effect("GWS node " + sc.cluster.gws[size_t(a.gws)].name +
                      (fail ? " has already failed" : " has not failed"));
          }
          gws_alive[size_t(a.gws)] = fail ? 0 : 1;
        }
        break;
      default:
        break;
    }
  }
  if (until && *until > sc.duration) {
    out.push_back({"", "--until " + at_text(*until) + " is beyond the scenario's end at " +
                           at_text(sc.duration) +
                           ": it extends the run past the scenario's duration"});
  }
  return out;
}

std::vector<Warning> lint_results(const scenario::Scenario& sc, const stats::CallStats& cs,
                                  const std::vector<std::string>& group_names) {
  std::vector<Warning> out;
  const stats::Kpis all = cs.kpis();
  if (all.offered > 0 && all.answered == 0) {
    out.push_back({"", "0 of " + std::to_string(uint64_t(all.offered)) +
                           " calls answered: no agent took a call (is any agent Ready with its "
                           "DN in service?)"});
    return out;
  }
  for (size_t g = 0; g < group_names.size(); ++g) {
    const stats::Kpis k = cs.kpis(-1, int(g));
    const double failed = k.routing_failures + k.lost_node_failures;
    if (k.offered > 0 && failed * 2 > k.offered) {
      out.push_back({group_where(sc, group_names[g]),
                     "group " + group_names[g] + ": " + std::to_string(uint64_t(failed)) + " of " +
                         std::to_string(uint64_t(k.offered)) +
                         " calls failed (routing failures and calls lost with their node)"});
    }
  }
  return out;
}

}  // namespace scsim::run
