// Shared fixture for the reference scenarios of DOMAIN §5: the reference settings, the
// population (P1/A1 DN 1001 in DC1, P2/A2 DN 2001 in DC2, A3 PSTN DN 3001 on WWE via G1),
// and a recorder that answers "when did this view first show that?".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catch.hpp"
#include "model/cluster.hpp"

// Readable failure messages for views (here so that every test TU sees the same specialization;
// not for Time or optional<Time>: tests/core instantiates Catch's default for those).
namespace Catch {
template <>
struct StringMaker<scsim::model::DnView> {
  static std::string convert(const scsim::model::DnView& v) {
    return "{owner " + std::to_string(v.owner) + (v.in_service ? " InSrv " : " OOS ") +
           scsim::model::to_string(v.agent) + " ready_since " + scsim::format_time(v.ready_since) +
           " claim " + scsim::format_time(v.claim_time) + "}";
  }
};
}  // namespace Catch

namespace scsim::test {

using namespace scsim::model;

inline constexpr int A1 = 0, A2 = 1, A3 = 2;
inline constexpr int N1 = 0, N2 = 1, N3 = 2, N4 = 3;
inline constexpr int DC1 = 0, DC2 = 1;

inline Time at_s(double s) {
  return seconds(s);
}

// T2 or T4 with the reference population. G1 (DC1) on N1; in T4 also G2 (DC1) on N3.
inline ClusterSpec reference_spec(bool t4) {
  ClusterSpec c = t4 ? topology_t4() : topology_t2();
  c.params = reference_params();
  c.gws.push_back(GwsSpec{"G1", DC1, "GWS", N1});
  if (t4) c.gws.push_back(GwsSpec{"G2", DC1, "GWS", N3});
  c.agents.push_back(AgentSpec{"A1", "1001", DnKind::sip, DC1, {"all"}, -1});
  c.agents.push_back(AgentSpec{"A2", "2001", DnKind::sip, DC2, {"all"}, -1});
  c.agents.push_back(AgentSpec{"A3", "3001", DnKind::pstn, DC1, {"all"}, 0});
  return c;
}

inline Action act(double t, ActionKind k, int agent = -1) {
  Action a;
  a.at = seconds(t);
  a.kind = k;
  a.agent = agent;
  return a;
}

inline Action cut_between(double t, std::vector<int> a, std::vector<int> b, bool heal = false) {
  Action x;
  x.at = seconds(t);
  x.kind = heal ? ActionKind::heal : ActionKind::cut;
  x.nodes_a = std::move(a);
  x.nodes_b = std::move(b);
  return x;
}

// Records every observation in order.
struct Recorder : Observer {
  std::vector<DnViewChange> views;
  std::vector<OwnershipChange> owners;
  std::vector<LinkChange> links;
  std::vector<Conflict> conflicts;
  void on_dn_view(const DnViewChange& c) override { views.push_back(c); }
  void on_ownership(const OwnershipChange& c) override { owners.push_back(c); }
  void on_link(const LinkChange& c) override { links.push_back(c); }
  void on_conflict(const Conflict& c) override { conflicts.push_back(c); }

  // First time >= from at which (level, node, dn) changed to a state satisfying pred.
  std::optional<Time> when(ViewLevel level, int node, int dn,
                           const std::function<bool(const DnView&)>& pred,
                           Time from = Time::zero()) const {
    for (const auto& c : views) {
      if (c.at < from || c.level != level || c.dn != dn) continue;
      if (level != ViewLevel::truth && c.node != node) continue;
      if (pred(c.after)) return c.at;
    }
    return std::nullopt;
  }
  // Every change of (level, node, dn) in [from, to].
  std::vector<DnViewChange> changes(ViewLevel level, int node, int dn, Time from, Time to) const {
    std::vector<DnViewChange> out;
    for (const auto& c : views) {
      if (c.at < from || c.at > to || c.level != level || c.dn != dn) continue;
      if (level != ViewLevel::truth && c.node != node) continue;
      out.push_back(c);
    }
    return out;
  }
};

inline bool in_srv(const DnView& v) {
  return v.in_service;
}
inline bool oos(const DnView& v) {
  return !v.in_service;
}
inline bool eligible(const DnView& v) {
  return v.eligible();
}
inline std::function<bool(const DnView&)> owned_by(int n) {
  return [n](const DnView& v) { return v.owner == n; };
}
inline std::function<bool(const DnView&)> agent_is(AgentState s) {
  return [s](const DnView& v) { return v.agent == s; };
}
inline std::function<bool(const DnView&)> state_is(int owner, bool insrv, AgentState s) {
  return [=](const DnView& v) { return v.owner == owner && v.in_service == insrv && v.agent == s; };
}

// Standard start: phones of A1 and A2 on at 1 (REGISTER every 60 s), both log in Ready at 5.
inline void standard_start(Cluster& c) {
  c.schedule(act(1, ActionKind::phone_on, A1));
  c.schedule(act(1, ActionKind::phone_on, A2));
  Action l1 = act(5, ActionKind::agent_login, A1);
  Action l2 = act(5, ActionKind::agent_login, A2);
  c.schedule(l1);
  c.schedule(l2);
}

}  // namespace scsim::test
