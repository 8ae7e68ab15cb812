// Non-transitive and one-way partitions, and the randomised invariant run (R10, the call and
// routing invariants, liveness).
#include <string>

#include "reference_fixture.hpp"
#include "stats/invariants.hpp"
#include "stats/liveness.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {
// Three nodes in three DCs, one SIP agent each (A1 on N1, A2 on N2, A3 on N3).
ClusterSpec three_node_spec() {
  ClusterSpec c;
  c.dcs = {DcSpec{"DC1"}, DcSpec{"DC2"}, DcSpec{"DC3"}};
  c.nodes = {NodeSpec{"N1", 0}, NodeSpec{"N2", 1}, NodeSpec{"N3", 2}};
  c.params = reference_params();
  c.agents.push_back(AgentSpec{"A1", "1001", DnKind::sip, 0, {"all"}, -1});
  c.agents.push_back(AgentSpec{"A2", "2001", DnKind::sip, 1, {"all"}, -1});
  c.agents.push_back(AgentSpec{"A3", "3001", DnKind::sip, 2, {"all"}, -1});
  return c;
}
}  // namespace

TEST_CASE(
    "R21, R23: in a non-transitive partition each node loses only the DNs beyond its own cut "
    "link") {
  // N1-N2 is cut while both still reach N3 (a bridge). With tc_relay_via_peers false (R23)
  // N1 learns about N2's DNs only over the N1-N2 link (R19), so when N1 declares it lost
  // (R31: ADDP 10 s, min model) 2001 goes OOS at N1 (R21) although N3 still sees it; the same
  // for 1001 at N2. N3's links are whole, so N3 keeps all three InSrv, and both N1 and N2 keep
  // 3001 InSrv.
  Cluster c(three_node_spec(), 1);
  Recorder r;
  c.add_observer(&r);
  for (int a = 0; a < 3; ++a)
    c.schedule(act(1, ActionKind::phone_on, a));
  c.schedule(cut_between(100, {N1}, {N2}));
  c.run_until(at_s(150));
  CHECK(r.when(ViewLevel::view, N1, A2, oos, at_s(2)) == at_s(110));
  CHECK(r.when(ViewLevel::view, N2, A1, oos, at_s(2)) == at_s(110));
  CHECK(c.view(N3, A1).in_service);
  CHECK(c.view(N3, A2).in_service);
  CHECK(c.view(N1, A3).in_service);
  CHECK(c.view(N2, A3).in_service);
  CHECK_FALSE(r.when(ViewLevel::view, N3, A1, oos, at_s(2)).has_value());
  CHECK(c.link_end(N1, N3) == LinkEndState::up);
  CHECK(c.link_end(N1, N2) == LinkEndState::declared_lost);
  // The graph says: no direct N1-N2 edge, but a path through N3; all in one component.
  Reachability reach = c.reachability();
  CHECK_FALSE(reach.direct(N1, N2));
  CHECK(reach.via_peers(N1, N2));
  CHECK(reach.component(N1) == reach.component(N2));
  CHECK(reach.partitioned());
}

TEST_CASE(
    "R28, R31: a one-way cut is a cut of the pair for ADDP but holds back updates one way only") {
  // N1 -> N2 cut at 100 (N2 -> N1 still works). A1 NotReady at 102: held back on N1 -> N2 and
  // lost when the link is declared at 110 (R28). A2 NotReady at 103: N2 -> N1 is not cut, so
  // it reaches N1 at 103.050 as usual. Both ends declare at 110 (a cut either way counts,
  // R31): each marks the other's DN OOS.
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  Action cut = cut_between(100, {N1}, {N2});
  cut.one_way = true;
  c.schedule(cut);
  c.schedule(act(102, ActionKind::agent_not_ready, A1));
  c.schedule(act(103, ActionKind::agent_not_ready, A2));
  c.run_until(at_s(140));
  CHECK(r.when(ViewLevel::view, N1, A2, agent_is(AgentState::not_ready), at_s(100)) ==
        at_s(103.050));
  CHECK_FALSE(r.when(ViewLevel::view, N2, A1, agent_is(AgentState::not_ready), at_s(100)));
  CHECK(r.when(ViewLevel::view, N1, A2, oos, at_s(100)) == at_s(110));
  CHECK(r.when(ViewLevel::view, N2, A1, oos, at_s(100)) == at_s(110));
  Reachability reach = c.reachability();
  CHECK_FALSE(reach.direct(N1, N2));
  CHECK(reach.direct(N2, N1));
}

TEST_CASE("R28: a cut that heals before ADDP delivers the held updates d after it ends") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(cut_between(100, {N1}, {N2}));
  c.schedule(act(102, ActionKind::agent_not_ready, A1));
  c.schedule(cut_between(105, {N1}, {N2}, true));
  c.run_until(at_s(200));
  CHECK(r.when(ViewLevel::view, N2, A1, agent_is(AgentState::not_ready), at_s(100)) ==
        at_s(105.040));
  CHECK_FALSE(r.when(ViewLevel::view, N2, A1, oos, at_s(100)).has_value());
  for (const auto& l : r.links)
    CHECK(l.after != LinkEndState::declared_lost);
}

namespace {

// T4, 6 SIP agents and 6 PSTN agents on WWE through G1 (DC1) and G2 (DC2).
ClusterSpec random_spec() {
  ClusterSpec c = topology_t4();
  c.gws.push_back(GwsSpec{"G1", DC1, "GWS", N1});
  c.gws.push_back(GwsSpec{"G2", DC2, "GWS", N2});
  for (int i = 0; i < 12; ++i) {
    bool sip = i < 6;
    int dc = i % 2;
    c.agents.push_back(AgentSpec{"A" + std::to_string(i + 1),
                                 std::to_string(1000 + i),
                                 sip ? DnKind::sip : DnKind::pstn,
                                 dc,
                                 {"all"},
                                 sip ? -1 : dc});
  }
  c.params.register_expires = seconds(120);
  c.params.agent_relogin_delay = seconds(20);
  // Calls: Poisson arrivals in both DCs while faults happen and after (R56-R65), with
  // patience, handle time and ACW drawn per call.
  for (int dc = 0; dc < 2; ++dc) {
    ArrivalStream st;
    st.dc = dc;
    st.group = "all";
    st.rate_per_s = 0.08;
    st.start = seconds(5);
    st.end = seconds(700);
    st.patience.kind = Distribution::Kind::exponential;
    st.patience.mean = 60;
    st.handle.kind = Distribution::Kind::exponential;
    st.handle.mean = 30;
    st.acw.kind = Distribution::Kind::exponential;
    st.acw.mean = 3;
    c.workload.streams.push_back(st);
  }
  return c;
}

// Counts the calls reported by on_call.
struct CallCounter : Observer {
  uint64_t reported = 0, in_progress = 0, answered = 0;
  void on_call(const CallRecord& r) override {
    ++reported;
    if (r.outcome == CallOutcome::in_progress) ++in_progress;
    if (r.answered != Time::max()) ++answered;
  }
};

struct RandomRun {
  bool ok = true;
  std::string why;
  uint64_t calls = 0, answered = 0, decisions = 0;
};

RandomRun random_run(uint64_t seed, bool with_calls) {
  ClusterSpec spec = random_spec();
  if (!with_calls) spec.workload = Workload{};
  Cluster c(spec, seed);
  stats::InvariantChecker checker(c);
  c.add_observer(&checker);
  CallCounter counter;
  c.add_observer(&counter);
  Rng rng(seed, "random-actions");
  const int agents = 12;
  for (int a = 0; a < agents; ++a) {
    if (a < 6) {
      c.schedule(act(1, ActionKind::phone_on, a));
      c.schedule(act(5, ActionKind::agent_login, a));
    } else {
      c.schedule(act(5, ActionKind::wwe_login, a));
    }
  }
  double t = 10;
  const double fault_end = 600;
  while (true) {
    t += 1 + draw_exponential(rng, 6);
    if (t > fault_end) break;
    int a = int(rng.below(agents));
    int n = int(rng.below(4));
    Action x = act(t, ActionKind::agent_ready, a);
    switch (rng.below(12)) {
      case 0:
        x.kind = ActionKind::agent_not_ready;
        break;
      case 1:
        x.kind = a < 6 ? ActionKind::phone_move : ActionKind::wwe_logout;
        x.dc = int(rng.below(2));
        break;
      case 2:
        x.kind = a < 6 ? ActionKind::phone_off : ActionKind::wwe_login;
        break;
      case 3:
        x.kind = a < 6 ? ActionKind::phone_on : ActionKind::wwe_disconnect;
        break;
      case 4:
        x.kind = ActionKind::cut;
        x.nodes_a = {n};
        x.nodes_b = {int((n + 1 + rng.below(3)) % 4)};
        x.one_way = rng.below(3) == 0;
        break;
      case 5:
        x.kind = ActionKind::heal;
        x.nodes_a = {0, 1, 2, 3};
        x.nodes_b = {0, 1, 2, 3};
        break;
      case 6:
        x.kind = ActionKind::cut;
        x.nodes_a = {0, 2};
        x.nodes_b = {1, 3};
        break;
      case 7:
        x.kind = ActionKind::crash;
        x.node = n;
        x.crash = rng.below(2) ? CrashKind::host : CrashKind::process;
        break;
      case 8:
        x.kind = ActionKind::restart;
        x.node = n;
        break;
      case 9:
        x.kind = rng.below(2) ? ActionKind::gws_cut : ActionKind::gws_heal;
        x.gws = int(rng.below(2));
        break;
      case 10:
        x.kind = ActionKind::agent_login;
        break;
      default:
        break;
    }
    c.schedule(x);
    if (rng.below(3) == 0 && with_calls) {
      // A scripted call on a random node (handle time, patience from the parameters).
      Action call = act(t + 0.5, ActionKind::call);
      call.node = int(rng.below(4));
      call.group = "all";
      c.schedule(call);
    }
  }
  // Heal everything: links, nodes, GWS; every phone on and every WWE agent logged in.
  Action heal = act(fault_end + 1, ActionKind::heal);
  heal.nodes_a = heal.nodes_b = {0, 1, 2, 3};
  c.schedule(heal);
  for (int n = 0; n < 4; ++n) {
    Action rs = act(fault_end + 1, ActionKind::restart);
    rs.node = n;
    c.schedule(rs);
  }
  for (int g = 0; g < 2; ++g) {
    Action gh = act(fault_end + 1, ActionKind::gws_heal);
    gh.gws = g;
    c.schedule(gh);
    Action gr = act(fault_end + 1, ActionKind::gws_restart);
    gr.gws = g;
    c.schedule(gr);
  }
  for (int a = 0; a < agents; ++a) {
    if (a < 6) {
      c.schedule(act(fault_end + 2, ActionKind::phone_on, a));
    } else {
      c.schedule(act(fault_end + 2, ActionKind::wwe_reconnect, a));
      c.schedule(act(fault_end + 200, ActionKind::wwe_login, a));
    }
  }
  // Quiet period: ADDP (<= 20 s), retries (5 s), resync, relogins and refreshes all settle.
  c.scheduler().set_event_limit(2'000'000);
  c.run_until(at_s(fault_end + 400));
  checker.finish(c.now());
  c.finish_calls();
  checker.check_calls_reported(c.calls_arrived());
  RandomRun out;
  out.calls = c.calls_arrived();
  out.answered = counter.answered;
  out.decisions = checker.decisions_checked();
  if (!checker.violated() && counter.reported != c.calls_arrived()) {
    out.ok = false;
    out.why = std::to_string(c.calls_arrived()) + " calls arrived but " +
              std::to_string(counter.reported) + " were reported (ended or in_progress)";
    return out;
  }
  if (checker.violated()) {
    out.ok = false;
    out.why = checker.message();
    return out;
  }
  auto diffs = stats::check_converged(c, 5);
  if (!diffs.empty()) {
    out.ok = false;
    for (auto& d : diffs)
      out.why += d + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "R10 and liveness: 200 random T4 fault sequences never double-own a DN and converge after "
    "healing") {
  int failures = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    RandomRun r = random_run(seed, false);
    if (!r.ok) {
      ++failures;
      if (failures <= 3) {
        INFO("seed " << seed << ":\n" << r.why);
        CHECK(r.ok);
      }
    }
  }
  CHECK(failures == 0);
}

TEST_CASE(
    "R10, call invariants and liveness: 200 random T4 fault sequences with calls never "
    "double-own a DN, never offer a DN their SS shows OOS or busy, end every call once, and "
    "converge after healing") {
  int failures = 0;
  uint64_t calls = 0, answered = 0, decisions = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    RandomRun r = random_run(seed, true);
    calls += r.calls;
    answered += r.answered;
    decisions += r.decisions;
    if (!r.ok) {
      ++failures;
      if (failures <= 3) {
        INFO("seed " << seed << ":\n" << r.why);
        CHECK(r.ok);
      }
    }
  }
  CHECK(failures == 0);
  // The runs did carry calls, most answered, with offers checked.
  CHECK(calls > 200 * 100);
  CHECK(answered > calls / 2);
  CHECK(decisions >= answered);
}
