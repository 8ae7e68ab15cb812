// Helpers shared by the rule tests (one file per DOMAIN §3 section: test_ownership.cpp,
// test_views.cpp, test_partition.cpp, test_crash.cpp, test_gws.cpp, test_split_brain.cpp) and the
// fidelity tests (test_fidelity_*.cpp): a cluster with a recorder, action builders and view
// predicates on the reference population.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "reference_fixture.hpp"

namespace scsim::test {

inline constexpr int A4 = 3;  // extra SIP agent of DC1 (DN 1002) where a test adds it

using Pred = std::function<bool(const DnView&)>;

// What a recorder query found: a time or never. A type of this file only, so that Catch prints it
// with the StringMaker below (tests/core instantiates Catch's default for optional<Time>).
struct When {
  std::optional<Time> t;
  bool operator==(const Time& x) const { return t == x; }
  bool operator==(std::nullopt_t) const { return !t; }
  bool operator==(const When&) const = default;
};

struct Sim {
  Cluster c;
  Recorder r;
  explicit Sim(const ClusterSpec& s, uint64_t seed = 1) : c(s, seed) { c.add_observer(&r); }
  void add(const Action& a) { c.schedule(a); }
  void run(double t) { c.run_until(at_s(t)); }
  When when(ViewLevel l, int n, int d, const Pred& p, double from = 0) const {
    return When{r.when(l, n, d, p, at_s(from))};
  }
  When view(int n, int d, const Pred& p, double from = 0) const {
    return when(ViewLevel::view, n, d, p, from);
  }
  When stat(int n, int d, const Pred& p, double from = 0) const {
    return when(ViewLevel::stat, n, d, p, from);
  }
  When truth(int d, const Pred& p, double from = 0) const {
    return when(ViewLevel::truth, -1, d, p, from);
  }
  std::vector<DnViewChange> changes(ViewLevel l, int n, int d, double from, double to) const {
    return r.changes(l, n, d, at_s(from), at_s(to));
  }
  // First time >= from at which end (n, p) of a TC link entered state s.
  When link(int n, int p, LinkEndState s, double from = 0) const {
    for (const auto& l : r.links) {
      if (l.at >= at_s(from) && l.node == n && l.peer == p && l.after == s) return When{l.at};
    }
    return When{};
  }
};

inline ClusterSpec spec(bool t4, const std::function<void(Params&)>& tweak = {}) {
  ClusterSpec s = reference_spec(t4);
  if (tweak) tweak(s.params);
  return s;
}

inline ClusterSpec with_a4(ClusterSpec s) {
  s.agents.push_back(AgentSpec{"A4", "1002", DnKind::sip, DC1, {"all"}, -1});
  return s;
}

inline Action node_act(double t, ActionKind k, int node, CrashKind ck = CrashKind::host) {
  Action a = act(t, k);
  a.node = node;
  a.crash = ck;
  return a;
}
inline Action gws_act(double t, ActionKind k, int g) {
  Action a = act(t, k);
  a.gws = g;
  return a;
}
inline Action move(double t, int agent, int dc) {
  Action a = act(t, ActionKind::phone_move, agent);
  a.dc = dc;
  return a;
}
inline Action treg(double t, int agent, int node, const std::string& client) {
  Action a = act(t, ActionKind::tregister, agent);
  a.node = node;
  a.client = client;
  return a;
}
inline Action login(double t, int agent, bool ready = true) {
  Action a = act(t, ActionKind::agent_login, agent);
  a.ready = ready;
  return a;
}
inline Action wwe_login(double t, int agent, bool ready = true) {
  Action a = act(t, ActionKind::wwe_login, agent);
  a.ready = ready;
  return a;
}
inline Action one_way(double t, int from, int to, bool heal = false) {
  Action a = cut_between(t, {from}, {to}, heal);
  a.one_way = true;
  return a;
}
// All pairs across the two DCs of T2/T4.
inline Action dc_cut(double t, bool t4, bool heal = false) {
  return t4 ? cut_between(t, {N1, N3}, {N2, N4}, heal) : cut_between(t, {N1}, {N2}, heal);
}

// S5 (R18, R65) on T2 with transfer_agent_state_on_move: A1 on N1 answers a call on N1 (rings
// 20.020, answered 22.020, ends 42.020), then P1 moves to DC2 at 25: N2 owns A1 from 25.010
// and adopts Talking.
inline void add_adopted_call(Sim& s) {
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(login(5, A1));
  Action c = act(20, ActionKind::call);
  c.node = N1;
  s.add(c);
  s.add(move(25, A1, DC2));
}

inline Pred both(Pred a, Pred b) {
  return [a, b](const DnView& v) { return a(v) && b(v); };
}
inline const Pred no_owner_oos = [](const DnView& v) { return v.owner == -1 && !v.in_service; };
inline const Pred not_ready = agent_is(AgentState::not_ready);
inline const Pred ready = agent_is(AgentState::ready);

// Compares what routing and staleness look at: owner, service, agent state.
inline bool same_state(const DnView& a, const DnView& b) {
  return a.owner == b.owner && a.in_service == b.in_service && a.agent == b.agent;
}

}  // namespace scsim::test

namespace Catch {
template <>
struct StringMaker<scsim::test::When> {
  static std::string convert(const scsim::test::When& w) {
    return w.t ? format_time(*w.t) : "never";
  }
};
}  // namespace Catch
