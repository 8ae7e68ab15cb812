// One or more tests per routing and call rule of DOMAIN §3.8-3.9 (R50-R65) and the call parts of
// §3.5-3.6 (R35-R38), each asserting concrete times and outcomes so that it fails when the rule
// is broken. Reference settings (DOMAIN §5) unless a test says otherwise: TC 40 ms across DCs,
// 2 ms in a DC, Stat Server 20 ms, requests 10 ms, SIP delivery 20 ms, ADDP 10 s (min), answer
// 2 s, handle 20 s fixed, no ACW, infinite patience. Every run also carries the invariant
// checker (no offer to a DN its SS shows OOS or busy; every call ends once).
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../model/reference_fixture.hpp"
#include "stats/invariants.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {

struct CallLog : Observer {
  std::map<uint64_t, CallRecord> calls;
  std::vector<RoutingDecision> decisions;
  void on_call(const CallRecord& r) override { calls[r.id] = r; }
  void on_decision(const RoutingDecision& d) override { decisions.push_back(d); }

  // Decisions of one call with one result ("offer", "queued", "no_target", ...), in order.
  std::vector<RoutingDecision> of(uint64_t call, std::string_view result) const {
    std::vector<RoutingDecision> out;
    for (const auto& d : decisions) {
      if (d.call == call && result == to_string(d.result)) out.push_back(d);
    }
    return out;
  }
  std::optional<RoutingDecision> first(uint64_t call, std::string_view result,
                                       Time from = Time::zero()) const {
    for (const auto& d : decisions) {
      if (d.call == call && result == to_string(d.result) && d.at >= from) return d;
    }
    return std::nullopt;
  }
  // Time of the first such decision at or after from; Time::max() if none.
  Time time_of(uint64_t call, std::string_view result, Time from = Time::zero()) const {
    auto d = first(call, result, from);
    return d ? d->at : Time::max();
  }
  // The k-th such decision (0-based); a default one (chosen_dn -1) if there are fewer.
  RoutingDecision nth(uint64_t call, std::string_view result, size_t k = 0) const {
    auto v = of(call, result);
    return k < v.size() ? v[k] : RoutingDecision{};
  }
};

Action call_at(double t, int dc, const std::string& group = "all") {
  Action a;
  a.at = seconds(t);
  a.kind = ActionKind::call;
  a.dc = dc;
  a.group = group;
  return a;
}

// A call that arrives directly on one node (no proxy choice).
Action call_on(double t, int node, const std::string& group = "all") {
  Action a = call_at(t, -1, group);
  a.node = node;
  return a;
}

Action login(double t, int agent, bool ready = true) {
  Action a = act(t, ActionKind::agent_login, agent);
  a.ready = ready;
  return a;
}

Action on_node(double t, ActionKind k, int node) {
  Action a = act(t, k);
  a.node = node;
  return a;
}

Action on_gws(double t, ActionKind k, int gws) {
  Action a = act(t, k);
  a.gws = gws;
  return a;
}

std::string show(Time t) {
  return t == Time::max() ? std::string("never") : format_time(t);
}
std::string show(const std::optional<Time>& t) {
  return t ? show(*t) : std::string("never");
}

// CHECK(a == b) for Time and optional<Time>, printing both as times.
#define CHECK_T(a, b)                                                         \
  do {                                                                        \
    auto check_t_a_ = (a);                                                    \
    auto check_t_b_ = (b);                                                    \
    INFO(#a " is " << show(check_t_a_) << ", expected " << show(check_t_b_)); \
    CHECK(check_t_a_ == check_t_b_);                                          \
  } while (0)

// One model run with a call log, a view recorder and the invariant checker.
struct Run {
  Cluster c;
  CallLog log;
  Recorder rec;
  stats::InvariantChecker inv;
  bool finished = false;
  explicit Run(ClusterSpec s, uint64_t seed = 1) : c(std::move(s), seed), inv(c) {
    c.add_observer(&log);
    c.add_observer(&rec);
    c.add_observer(&inv);
  }
  void at(const Action& a) { c.schedule(a); }
  void until(double t) { c.run_until(at_s(t)); }
  // Ends the run: in-progress calls are reported; every call ended once; no bad decision.
  void finish() {
    if (finished) return;
    finished = true;
    c.finish_calls();
    inv.check_calls_reported(c.calls_arrived());
    INFO(inv.message());
    CHECK_FALSE(inv.violated());
  }
  // The call's record; a call not ended yet is reported in_progress by finish() first.
  const CallRecord& call(uint64_t id) {
    if (!log.calls.count(id)) finish();
    auto it = log.calls.find(id);
    if (it == log.calls.end()) FAIL("call " << id << " was not reported");
    return it->second;
  }
  // When view_N (or SS_N, or the truth) of the DN first entered agent state s at or after from.
  std::optional<Time> agent_at(ViewLevel l, int node, int dn, AgentState s, double from) const {
    return rec.when(l, node, dn, agent_is(s), at_s(from));
  }
};

ClusterSpec t2() {
  return reference_spec(false);
}

int failed_total(const CallRecord& r) {
  int n = 0;
  for (int k = 0; k < kFailCauses; ++k)
    n += r.failed[k];
  return n;
}

}  // namespace

// =============================================================================================
// R50: routed by the URS of the arrival node, from that node's Stat Server

TEST_CASE("R50: two calls at one instant on N1 and N2 are routed from SS1 and SS2 respectively") {
  // A1 NotReady at 8: N1 8.010, SS1 8.030, N2 8.050, SS2 8.070. At 8.050 SS1 shows A1
  // NotReady, SS2 still Ready: N1's URS picks A2, N2's URS picks A1 (stale: the offer reaches
  // N1 at 8.110 and is rejected as stale_view; back in N2's queue at 8.170).
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));
  w.at(call_on(8.050, N1));  // call 1
  w.at(call_on(8.050, N2));  // call 2
  w.until(60);
  auto o1 = w.log.first(1, "offer");
  auto o2 = w.log.first(2, "offer");
  REQUIRE(o1);
  REQUIRE(o2);
  CHECK(o1->node == N1);
  CHECK(o1->chosen_dn == A2);
  CHECK_T(o1->at, at_s(8.050));
  CHECK(o2->node == N2);
  CHECK(o2->chosen_dn == A1);
  CHECK_T(o2->at, at_s(8.050));
  for (const auto& d : w.log.decisions)
    CHECK(d.node == w.call(d.call).node);
  const CallRecord& c1 = w.call(1);
  CHECK(c1.outcome == CallOutcome::answered_remote);
  CHECK(c1.dn == A2);
  CHECK_T(c1.answered, at_s(10.110));
  const CallRecord& c2 = w.call(2);
  CHECK(c2.failed[int(FailCause::stale_view)] == 1);
  CHECK_T(w.log.time_of(2, "queued", at_s(8.051)), at_s(8.170));
  // A2 is free again at 30.110 (SS2 30.130): call 2 rings at 30.150, answered 32.150.
  CHECK(c2.outcome == CallOutcome::answered_local);
  CHECK(c2.dn == A2);
  CHECK_T(c2.answered, at_s(32.150));
  w.finish();
}

// =============================================================================================
// R51: eligibility = InSrv, logged in, Ready, not busy, in the call's group

TEST_CASE("R51: a Ready local agent outside the call's group is not eligible") {
  ClusterSpec s = t2();
  s.agents[A1].groups = {"sales"};
  Run w(std::move(s));
  standard_start(w.c);
  w.at(call_on(10, N1, "all"));    // A1 (local, Ready) is not in "all": goes to A2
  w.at(call_on(40, N1, "sales"));  // only A1 serves "sales"
  w.until(100);
  CHECK(w.call(1).dn == A2);
  CHECK(w.call(1).outcome == CallOutcome::answered_remote);
  CHECK_T(w.call(1).answered, at_s(12.060));
  CHECK(w.log.nth(1, "offer").eligible == 1);
  CHECK(w.call(2).dn == A1);
  CHECK_T(w.call(2).answered, at_s(42.020));
  w.finish();
}

TEST_CASE("R51: a logged-out, a NotReady, an OOS or a busy agent is not eligible") {
  Run w(t2());
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(login(5, A2));
  SECTION("logged out (A1 InSrv, never logged in)") {}
  SECTION("NotReady") {
    w.at(login(5, A1, false));
  }
  SECTION("OOS but logged in and Ready (R17: unregistered, agent stays Ready)") {
    w.at(login(5, A1));
    w.at(act(8, ActionKind::phone_unregister, A1));  // OOS at N1 8.010, SS1 8.030
  }
  SECTION("busy with another call") {
    w.at(login(5, A1));
    w.at(call_on(9, N1));  // id 1... but then the tested call is id 2
  }
  w.at(call_on(10, N1));
  w.until(60);
  const uint64_t id = w.c.calls_arrived();
  const CallRecord& r = w.call(id);
  CHECK(r.dn == A2);
  CHECK(r.outcome == CallOutcome::answered_remote);
  CHECK_T(r.answered, at_s(12.060));
  auto o = w.log.first(id, "offer");
  REQUIRE(o);
  CHECK(o->eligible == 1);
  w.finish();
}

// =============================================================================================
// R52: reservation in SS_N (agent_reservation_enabled)

TEST_CASE("R52: with reservation two calls in one routing pass on N1 pick different DNs") {
  Run w(t2());
  standard_start(w.c);
  w.at(call_on(10, N1));
  w.at(call_on(10, N1));
  w.until(60);
  CHECK(w.call(1).dn == A1);  // tie at 5.010: lower number (R55)
  CHECK_T(w.call(1).answered, at_s(12.020));
  CHECK(w.call(2).dn == A2);  // A1 Reserved in SS1 at once
  CHECK_T(w.call(2).answered, at_s(12.060));
  CHECK(failed_total(w.call(1)) == 0);
  CHECK(failed_total(w.call(2)) == 0);
  w.finish();
}

TEST_CASE(
    "R52: with zero delays an answered offer keeps its Reserved mark until SS_N's update: a "
    "second call of the same instant takes another DN without a failed offer") {
  ClusterSpec s = t2();
  s.params.local_stat_delay = Time::zero();
  s.params.sip_delivery_delay = Time::zero();
  s.params.agent_answer_delay = Time::zero();
  s.params.tc_one_way_delay = Time::zero();
  s.params.tc_one_way_delay_same_dc = Time::zero();
  Run w(std::move(s));
  standard_start(w.c);
  w.at(call_on(10, N1));
  w.at(call_on(10, N1));
  w.until(60);
  // Call 1 rings and is answered at 10.000 in one event; SS1 hears of it later in that instant.
  CHECK(w.call(1).dn == A1);
  CHECK_T(w.call(1).answered, at_s(10));
  // The mark survives the answer (it is no failure), so call 2 does not offer A1 again.
  CHECK(w.log.of(2, "offer").size() == 1);
  CHECK(w.call(2).dn == A2);
  CHECK_T(w.call(2).answered, at_s(10));
  CHECK(failed_total(w.call(2)) == 0);
  w.finish();
}

TEST_CASE(
    "R52: agent_reservation_enabled false: two calls in one pass pick the same DN, the later "
    "offer fails as race") {
  ClusterSpec s = t2();
  s.params.agent_reservation_enabled = false;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(call_on(10, N1));
  w.at(call_on(10, N1));
  w.until(60);
  REQUIRE(w.log.of(1, "offer").size() >= 1);
  REQUIRE(w.log.of(2, "offer").size() == 2);
  CHECK(w.log.nth(1, "offer", 0).chosen_dn == A1);
  CHECK(w.log.nth(2, "offer", 0).chosen_dn == A1);
  CHECK_T(w.log.nth(2, "offer", 0).at, at_s(10));
  CHECK_T(w.call(1).answered, at_s(12.020));
  // Call 2's offer reaches N1 at 10.020, after call 1's: race; back at 10.040; then A2.
  CHECK(w.call(2).failed[int(FailCause::race)] == 1);
  CHECK(w.call(2).failed[int(FailCause::collision)] == 0);
  CHECK_T(w.log.nth(2, "offer", 1).at, at_s(10.040));
  CHECK(w.call(2).dn == A2);
  CHECK_T(w.call(2).answered, at_s(12.100));
  w.finish();
}

TEST_CASE(
    "R52: when N1 and N2 offer the same agent, the first offer to arrive wins; the other fails "
    "as collision (race without reservation)") {
  ClusterSpec s = t2();
  bool reservation = true;
  SECTION("reservation enabled") {}
  SECTION("reservation disabled") {
    reservation = false;
  }
  s.params.agent_reservation_enabled = reservation;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(call_on(10, N1));  // -> A1, rings at 10.020
  w.at(call_on(10, N2));  // -> A1 too (SS2: tie, lower number), arrives 10.060
  w.until(60);
  CHECK(w.call(1).dn == A1);
  CHECK_T(w.call(1).answered, at_s(12.020));
  const CallRecord& c2 = w.call(2);
  CHECK(w.log.nth(2, "offer", 0).chosen_dn == A1);
  CHECK(c2.failed[int(reservation ? FailCause::collision : FailCause::race)] == 1);
  CHECK(failed_total(c2) == 1);
  // Back in N2's queue one round trip after sending (10.120), then A2 locally.
  CHECK_T(w.log.nth(2, "offer", 1).at, at_s(10.120));
  CHECK(c2.dn == A2);
  CHECK(c2.outcome == CallOutcome::answered_local);
  CHECK_T(c2.answered, at_s(12.140));
  w.finish();
}

// =============================================================================================
// R53: global routing while connected, local in a partition, with no switch

TEST_CASE("R53: the eligible set spans the cluster while connected and shrinks after R21") {
  Run w(t2());
  standard_start(w.c);
  w.at(call_on(50, N1));  // connected: A1 and A2 eligible in SS1
  w.at(cut_between(100, {N1}, {N2}));
  w.at(call_on(120, N1));  // declared at 110, SS1 110.020: only A1
  w.at(call_on(120, N2));  // only A2
  w.until(200);
  CHECK(w.log.nth(1, "offer").eligible == 2);
  CHECK(w.log.nth(2, "offer").eligible == 1);
  CHECK(w.log.nth(3, "offer").eligible == 1);
  CHECK(w.call(2).dn == A1);
  CHECK(w.call(2).outcome == CallOutcome::answered_local);
  CHECK_T(w.call(2).answered, at_s(122.020));
  CHECK(w.call(3).dn == A2);
  CHECK(w.call(3).outcome == CallOutcome::answered_local);
  CHECK_T(w.call(3).answered, at_s(122.020));
  w.finish();
}

// =============================================================================================
// R54: routing_mode auto / local_node / local_dc

namespace {
// T4 with A1 (DC1, owned by N1), A2 (DC2, owned by N2) and A4 (DC1, owned by N3: the DC1
// proxy's second REGISTER goes round robin to N3, R4).
ClusterSpec t4_three() {
  ClusterSpec c = topology_t4();
  c.params = reference_params();
  c.agents.push_back(AgentSpec{"A1", "1001", DnKind::sip, DC1, {"all"}, -1});
  c.agents.push_back(AgentSpec{"A2", "2001", DnKind::sip, DC2, {"all"}, -1});
  c.agents.push_back(AgentSpec{"A4", "1002", DnKind::sip, DC1, {"all"}, -1});
  return c;
}
constexpr int A4 = 2;
}  // namespace

TEST_CASE("R54: routing_mode auto, local_dc and local_node on N3 of T4") {
  ClusterSpec s = t4_three();
  RoutingMode mode = RoutingMode::auto_;
  SECTION("auto") {}
  SECTION("local_dc") {
    mode = RoutingMode::local_dc;
  }
  SECTION("local_node") {
    mode = RoutingMode::local_node;
  }
  s.params.routing_mode = mode;
  Run w(std::move(s));
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(act(1, ActionKind::phone_on, A4));
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(login(5, A2));         // Ready 5.010: longest
  w.at(login(6, A1));         // Ready 6.010
  w.at(login(6, A4, false));  // NotReady: staffed, not eligible
  w.at(call_on(10, N3));
  w.at(act(20, ActionKind::agent_ready, A4));
  w.until(60);
  REQUIRE(w.c.truth_owner(A1) == N1);
  REQUIRE(w.c.truth_owner(A2) == N2);
  REQUIRE(w.c.truth_owner(A4) == N3);
  const CallRecord& r = w.call(1);
  CHECK(r.node == N3);
  switch (mode) {
    case RoutingMode::auto_:  // A2 in DC2: 20 + 40 ms
      CHECK(r.dn == A2);
      CHECK(r.outcome == CallOutcome::answered_remote);
      CHECK_FALSE(r.same_dc);
      CHECK_T(r.answered, at_s(12.060));
      break;
    case RoutingMode::local_dc:  // A1 on N1, same DC: 20 + 2 ms
      CHECK(r.dn == A1);
      CHECK(r.outcome == CallOutcome::answered_remote);
      CHECK(r.same_dc);
      CHECK_T(r.answered, at_s(12.022));
      break;
    case RoutingMode::local_node:  // waits for A4: Ready at N3 20.010, SS3 20.030
      CHECK(r.dn == A4);
      CHECK(r.outcome == CallOutcome::answered_local);
      CHECK_T(r.answered, at_s(22.050));
      CHECK_T(w.log.time_of(1, "offer"), at_s(20.030));
      break;
  }
  w.finish();
}

TEST_CASE("R54: local_node with no staffed local DN ends as no_target (R63) where auto answers") {
  ClusterSpec s = t2();
  bool local = false;
  SECTION("local false") {}
  SECTION("local true") {
    local = true;
  }
  s.params.routing_mode = local ? RoutingMode::local_node : RoutingMode::auto_;
  Run w(std::move(s));
  w.at(act(1, ActionKind::phone_on, A1));  // InSrv, never logged in: not staffed
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(login(5, A2));
  w.at(call_on(10, N1));
  w.until(60);
  const CallRecord& r = w.call(1);
  if (local) {
    CHECK(r.outcome == CallOutcome::routing_failure);
    CHECK(r.failure == RoutingFailureCause::no_target);
    CHECK_T(r.ended, at_s(20));
  } else {
    CHECK(r.outcome == CallOutcome::answered_remote);
    CHECK_T(r.answered, at_s(12.060));
  }
  w.finish();
}

// =============================================================================================
// R55: target_selection

TEST_CASE("R55: longest_ready picks the DN Ready longest (owner's time), ties to the lowest") {
  Run w(t2());
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(act(1, ActionKind::phone_on, A2));
  SECTION("A2 Ready longer: N1's call goes to the remote A2") {
    w.at(login(5, A2));
    w.at(login(6, A1));
    w.at(call_on(10, N1));
    w.until(60);
    CHECK(w.call(1).dn == A2);
    CHECK_T(w.call(1).answered, at_s(12.060));
  }
  SECTION("tie at 5.010: N2's call goes to the lower-numbered remote A1") {
    w.at(login(5, A1));
    w.at(login(5, A2));
    w.at(call_on(10, N2));
    w.until(60);
    CHECK(w.call(1).dn == A1);
    CHECK_T(w.call(1).answered, at_s(12.060));
  }
  SECTION("a finished call restarts the Ready time (R64): the next call alternates") {
    w.at(login(5, A1));
    w.at(login(5, A2));
    w.at(call_on(10, N1));  // A1 (tie), Ready again 32.020
    w.at(call_on(40, N1));  // A2 (5.010 < 32.020)
    w.at(call_on(70, N1));  // A1 (32.020 < 62.060)
    w.until(120);
    CHECK(w.call(1).dn == A1);
    CHECK(w.call(2).dn == A2);
    CHECK(w.call(3).dn == A1);
    CHECK_T(w.call(3).answered, at_s(72.020));
  }
  w.finish();
}

TEST_CASE("R55: prefer_local picks a DN owned by the call's node first") {
  ClusterSpec s = t2();
  s.params.target_selection = TargetSelection::prefer_local;
  Run w(std::move(s));
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(login(5, A2));  // Ready longer than A1
  w.at(login(6, A1));
  w.at(call_on(10, N1));                           // local A1 despite A2 Ready longer
  w.at(act(40, ActionKind::agent_not_ready, A1));  // SS1 40.030
  w.at(call_on(50, N1));                           // no local one: longest_ready -> A2
  w.until(100);
  CHECK(w.call(1).dn == A1);
  CHECK(w.call(1).outcome == CallOutcome::answered_local);
  CHECK_T(w.call(1).answered, at_s(12.020));
  CHECK(w.call(2).dn == A2);
  CHECK_T(w.call(2).answered, at_s(52.060));
  w.finish();
}

namespace {
std::vector<int> random_choices(uint64_t seed) {
  ClusterSpec s = t2();
  s.params.target_selection = TargetSelection::random;
  Run w(std::move(s), seed);
  standard_start(w.c);
  for (int k = 0; k < 24; ++k)
    w.at(call_on(10 + 40 * k, N1));
  w.until(10 + 40 * 24);
  std::vector<int> out;
  for (uint64_t id = 1; id <= 24; ++id)
    out.push_back(w.call(id).dn);
  w.finish();
  return out;
}
}  // namespace

TEST_CASE("R55: random selection draws from the node's routing stream, deterministic per seed") {
  std::vector<int> a = random_choices(7);
  CHECK(a == random_choices(7));
  CHECK(std::count(a.begin(), a.end(), A1) > 0);
  CHECK(std::count(a.begin(), a.end(), A2) > 0);
  // longest_ready would alternate A1, A2, A1, ... (every call ends before the next): random
  // does not.
  bool alternates = true;
  for (size_t k = 0; k < a.size(); ++k)
    alternates = alternates && a[k] == (k % 2 == 0 ? A1 : A2);
  CHECK_FALSE(alternates);
  bool other_seed_differs = false;
  for (uint64_t seed = 8; seed <= 12 && !other_seed_differs; ++seed)
    other_seed_differs = random_choices(seed) != a;
  CHECK(other_seed_differs);
}

// =============================================================================================
// R56: call_node_selection

TEST_CASE("R56: round_robin gives DC calls to the DC's nodes in turn, with its own counter") {
  Run w(reference_spec(true));
  standard_start(w.c);  // A1's REGISTER used the DC1 proxy's REGISTER counter (N1)
  w.at(call_at(10, DC1));
  w.at(call_at(11, DC1));
  w.at(call_at(12, DC1));
  w.at(call_at(13, DC1));
  w.at(call_at(10.5, DC2));
  w.at(call_at(11.5, DC2));
  // N1 crashes at 100; the DC1 proxy's probe at 105 notices (R41): then only N3.
  w.at(on_node(100, ActionKind::crash, N1));
  w.at(call_at(106, DC1));
  w.at(call_at(107, DC1));
  w.until(200);
  CHECK(w.call(1).node == N1);
  CHECK(w.call(2).node == N2);
  CHECK(w.call(3).node == N3);
  CHECK(w.call(4).node == N4);
  CHECK(w.call(5).node == N1);
  CHECK(w.call(6).node == N3);
  CHECK(w.call(7).node == N3);
  CHECK(w.call(8).node == N3);
  // A call stays on its node to its end: every decision about it is made there.
  for (const auto& d : w.log.decisions)
    CHECK(d.node == w.call(d.call).node);
  w.finish();
}

TEST_CASE("R56: random node selection uses both DC nodes, deterministic per seed") {
  auto nodes_of = [](uint64_t seed) {
    ClusterSpec s = reference_spec(true);
    s.params.call_node_selection = CallNodeSelection::random;
    Run w(std::move(s), seed);
    for (int k = 0; k < 30; ++k)
      w.at(call_at(10 + k, DC1));
    w.until(60);
    std::vector<int> out;
    for (uint64_t id = 1; id <= 30; ++id)
      out.push_back(w.call(id).node);  // nobody is staffed: routing_failure, on its node
    w.finish();
    return out;
  };
  std::vector<int> a = nodes_of(3);
  CHECK(a == nodes_of(3));
  CHECK(std::count(a.begin(), a.end(), N1) > 0);
  CHECK(std::count(a.begin(), a.end(), N3) > 0);
  CHECK(std::count(a.begin(), a.end(), N1) + std::count(a.begin(), a.end(), N3) == 30);
}

// =============================================================================================
// R57: queueing (fifo)

TEST_CASE("R57: a call arriving while a DN is eligible is routed at its arrival instant") {
  Run w(t2());
  standard_start(w.c);
  w.at(call_on(10.123456, N2));
  w.until(60);
  CHECK_T(w.log.time_of(1, "offer"), at_s(10.123456));
  CHECK(w.log.of(1, "queued").size() == 1);  // queued at arrival, left it at once
  w.finish();
}

TEST_CASE("R57: a DN becoming eligible goes to the longest-waiting call") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));                       // C1
  w.at(call_on(11, N1));                       // C2
  w.at(act(20, ActionKind::agent_ready, A1));  // SS1 20.030
  w.at(act(30, ActionKind::agent_ready, A2));  // SS1 30.070
  w.until(100);
  CHECK(w.call(1).dn == A1);
  CHECK_T(w.call(1).answered, at_s(22.050));
  CHECK(w.call(2).dn == A2);
  CHECK_T(w.log.time_of(2, "offer"), at_s(30.070));
  CHECK_T(w.call(2).answered, at_s(32.130));
  w.finish();
}

TEST_CASE(
    "R57: DNs eligible at one instant go to the waiting calls in arrival order, each by R55") {
  // A2 Ready at N2 29.970 (SS1 30.030), A1 Ready at N1 30.010 (SS1 30.030): one pass at 30.030.
  // C1 (first) picks A2 (Ready longest), C2 gets A1.
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));  // C1
  w.at(call_on(11, N1));  // C2
  w.at(act(29.960, ActionKind::agent_ready, A2));
  w.at(act(30, ActionKind::agent_ready, A1));
  w.until(100);
  CHECK_T(w.log.time_of(1, "offer"), at_s(30.030));
  CHECK_T(w.log.time_of(2, "offer"), at_s(30.030));
  CHECK(w.call(1).dn == A2);
  CHECK_T(w.call(1).answered, at_s(32.090));
  CHECK(w.call(2).dn == A1);
  CHECK_T(w.call(2).answered, at_s(32.050));
  w.finish();
}

// =============================================================================================
// R58: offers, ringing, answer

TEST_CASE(
    "R58: an offer reaches the owner sip_delivery_delay + d after the decision and is answered "
    "agent_answer_delay after ringing") {
  ClusterSpec s = t2();
  double sip = 0.020;
  SECTION("reference 20 ms") {}
  SECTION("sip_delivery_delay_ms 100") {
    sip = 0.100;
    s.params.sip_delivery_delay = millis(100);
  }
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));  // local A1: d = 0
  w.at(call_on(50, N2));  // remote A1 (Ready again at 32.020 + sip): d = 40 ms
  w.until(100);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ringing, 9), at_s(10 + sip));
  CHECK_T(w.call(1).answered, at_s(12 + sip));
  CHECK(w.call(1).outcome == CallOutcome::answered_local);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ringing, 40), at_s(50.040 + sip));
  CHECK_T(w.call(2).answered, at_s(52.040 + sip));
  CHECK(w.call(2).outcome == CallOutcome::answered_remote);
  w.finish();
}

TEST_CASE("R58: an offer reaching a node that is no longer the truth owner is rejected") {
  // N1's URS offers A1 at 29.995 (arrives at N1 30.015). P1 moves to DC2 at 30.000: N2 owner
  // at 30.010. N1 no longer owns A1 when the offer arrives: rejected (race: A1 was available at
  // decision), back at 30.035; A1 skipped, A2 answers.
  Run w(t2());
  standard_start(w.c);
  Action mv = act(30, ActionKind::phone_move, A1);
  mv.dc = DC2;
  w.at(mv);
  w.at(call_on(29.995, N1));
  w.until(100);
  REQUIRE(w.c.truth_owner(A1) == N2);
  const CallRecord& r = w.call(1);
  CHECK(w.log.nth(1, "offer", 0).chosen_dn == A1);
  CHECK(r.failed[int(FailCause::race)] == 1);
  CHECK(failed_total(r) == 1);
  CHECK_FALSE(w.agent_at(ViewLevel::view, N1, A1, AgentState::ringing, 29).has_value());
  CHECK_FALSE(w.agent_at(ViewLevel::view, N2, A1, AgentState::ringing, 29).has_value());
  CHECK_T(w.log.nth(1, "offer", 1).at, at_s(30.035));
  CHECK(r.dn == A2);
  CHECK_T(r.answered, at_s(32.095));
  w.finish();
}

// =============================================================================================
// R59: rejected offers: requeue at the old place after one round trip, cause, skip

TEST_CASE(
    "R59: a stale offer fails as stale_view, the call is back one round trip later at its old "
    "place") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(6, ActionKind::agent_not_ready, A2));
  w.at(act(9.990, ActionKind::agent_not_ready, A1));  // N1 10.000, SS2 10.060
  w.at(call_on(10, N2));                              // C1: SS2 still shows A1 Ready
  w.at(call_on(10.050, N2));                          // C2: nobody eligible, waits
  w.at(act(20, ActionKind::agent_ready, A2));         // SS2 20.030
  w.at(act(30, ActionKind::agent_ready, A1));         // SS2 30.070
  w.until(100);
  const CallRecord& c1 = w.call(1);
  CHECK(w.log.nth(1, "offer", 0).chosen_dn == A1);
  CHECK(c1.failed[int(FailCause::stale_view)] == 1);
  CHECK(c1.misrouted);
  CHECK_T(w.log.time_of(1, "queued", at_s(10.001)), at_s(10.120));
  // C1 is ahead of C2 (arrived earlier): it gets A2 at 20.030.
  CHECK(c1.dn == A2);
  CHECK_T(c1.answered, at_s(22.050));
  CHECK(w.call(2).dn == A1);
  CHECK_T(w.call(2).answered, at_s(32.130));
  CHECK(failed_total(w.call(2)) == 0);
  w.finish();
}

namespace {
// tc_layer cut at 100 (offers get through, TC updates do not): A2 NotReady at 102 never
// reaches SS1, so SS1 keeps showing 2001 Ready until the link is declared lost at 110 (SS1
// 110.020). A call on N1 at 103 (A1 NotReady since 90) is offered to 2001 and rejected as
// stale_view at N2 (103.060), back at 103.120. A1 Ready at 115: answered 117.050.
ClusterSpec tc_layer_spec() {
  ClusterSpec s = t2();
  s.params.partition_scope = PartitionScope::tc_layer;
  return s;
}
void tc_layer_script(Run& w) {
  standard_start(w.c);
  w.at(act(90, ActionKind::agent_not_ready, A1));
  w.at(cut_between(100, {N1}, {N2}));
  w.at(act(102, ActionKind::agent_not_ready, A2));
  w.at(call_on(103, N1));
  w.at(act(115, ActionKind::agent_ready, A1));
}
}  // namespace

TEST_CASE("R59: avoid_failed_target true skips the failed DN while SS_N shows no new update") {
  Run w(tc_layer_spec());
  tc_layer_script(w);
  w.until(200);
  const CallRecord& r = w.call(1);
  CHECK(r.failed[int(FailCause::stale_view)] == 1);
  CHECK(failed_total(r) == 1);
  CHECK(w.log.of(1, "offer").size() == 2);
  CHECK(r.dn == A1);
  CHECK(r.outcome == CallOutcome::answered_local);
  CHECK_T(r.answered, at_s(117.050));
  w.finish();
}

TEST_CASE(
    "R59, R62: avoid_failed_target false re-offers the same DN every round trip (redirection "
    "limit 0: until SS1 shows it OOS)") {
  ClusterSpec s = tc_layer_spec();
  s.params.avoid_failed_target = false;
  s.params.redirection_limit = 0;
  Run w(std::move(s));
  tc_layer_script(w);
  w.until(200);
  const CallRecord& r = w.call(1);
  // Offers at 103 + 0.120 k while SS1 shows 2001 Ready (k = 0..58: the last at 109.960).
  auto offers = w.log.of(1, "offer");
  REQUIRE(offers.size() >= 3);
  CHECK_T(offers[1].at, at_s(103.120));
  CHECK_T(offers[2].at, at_s(103.240));
  CHECK(r.failed[int(FailCause::stale_view)] == 59);
  CHECK(r.dn == A1);
  CHECK_T(r.answered, at_s(117.050));
  w.finish();
}

// =============================================================================================
// R60: out of reach, OOS in view_N, silent phones, deadlines

TEST_CASE(
    "R60: an offer to an owner out of reach fails when view_N shows the DN OOS (before the "
    "INVITE timeout)") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(90, ActionKind::agent_not_ready, A1));
  w.at(cut_between(100, {N1}, {N2}));
  w.at(act(102, ActionKind::agent_not_ready, A2));
  w.at(call_on(103, N1));
  w.at(act(115, ActionKind::agent_ready, A1));
  w.until(200);
  const CallRecord& r = w.call(1);
  CHECK(w.log.nth(1, "offer", 0).chosen_dn == A2);
  CHECK(r.failed[int(FailCause::stale_view)] == 1);
  CHECK_T(w.log.time_of(1, "queued", at_s(103.001)), at_s(110));
  CHECK_T(r.answered, at_s(117.050));
  w.finish();
}

TEST_CASE("R60: an offer out of reach fails at sip_invite_timeout when that comes first") {
  ClusterSpec s = t2();
  s.params.addp_timeout = seconds(30);  // declared at 130
  s.params.sip_invite_timeout = seconds(5);
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(90, ActionKind::agent_not_ready, A1));
  w.at(cut_between(100, {N1}, {N2}));
  w.at(act(102, ActionKind::agent_not_ready, A2));
  w.at(call_on(103, N1));
  w.at(act(115, ActionKind::agent_ready, A1));
  w.until(200);
  const CallRecord& r = w.call(1);
  CHECK(r.failed[int(FailCause::stale_view)] == 1);
  CHECK(failed_total(r) == 1);  // 2001 skipped: SS1 hears nothing more about it
  CHECK_T(w.log.time_of(1, "queued", at_s(103.001)), at_s(108));
  CHECK_T(r.answered, at_s(117.050));
  w.finish();
}

TEST_CASE(
    "R60: if view_N already shows the DN OOS the offer fails at once and the DN is skipped "
    "whatever avoid_failed_target says") {
  ClusterSpec s = t2();
  bool avoid = true;
  SECTION("avoid true") {}
  SECTION("avoid false") {
    avoid = false;
  }
  s.params.avoid_failed_target = avoid;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(act(20, ActionKind::phone_unregister, A1));  // view_N1 OOS 20.010, SS1 20.030
  w.at(call_on(20.020, N1));
  w.at(act(30, ActionKind::agent_ready, A2));  // SS1 30.070
  w.until(100);
  const CallRecord& r = w.call(1);
  CHECK(w.log.nth(1, "offer", 0).chosen_dn == A1);
  CHECK(r.failed[int(FailCause::stale_view)] == 1);
  CHECK(failed_total(r) == 1);
  CHECK(w.log.of(1, "queued").size() == 2);
  CHECK_T(w.log.nth(1, "queued", 1).at, at_s(20.020));
  CHECK(r.dn == A2);
  CHECK_T(r.answered, at_s(32.130));
  w.finish();
}

TEST_CASE("R58, R60: a silent phone rings until the INVITE timeout: no_answer, agent Ready again") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(500, ActionKind::phone_off, A1));
  w.at(call_on(520, N2));
  w.until(600);
  const CallRecord& r = w.call(1);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ringing, 519), at_s(520.060));
  CHECK(r.failed[int(FailCause::no_answer)] == 1);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 520.1), at_s(552));
  CHECK_T(w.c.view(N1, A1).ready_since, at_s(552));
  CHECK_T(w.log.nth(1, "offer", 1).at, at_s(552));
  CHECK(r.dn == A2);
  CHECK_T(r.answered, at_s(554.020));
  w.finish();
}

TEST_CASE("R60: a ringing offer at a phone that is on is not subject to sip_invite_timeout") {
  ClusterSpec s = t2();
  s.params.agent_answer_delay = seconds(40);
  Run w(std::move(s));
  standard_start(w.c);
  w.at(call_on(10, N1));
  w.until(100);
  CHECK(w.call(1).dn == A1);
  CHECK(failed_total(w.call(1)) == 0);
  CHECK_T(w.call(1).answered, at_s(50.020));
  w.finish();
}

TEST_CASE(
    "R60: an offer ringing when a cut starts is out of reach: it fails when view_N shows the "
    "DN OOS, or at once if the deadline has passed; the agent is Ready again at the owner") {
  ClusterSpec s = t2();
  double cut = 11, fail_at = 21;
  SECTION("cut while ringing, answer due at 12.060: fails at the declaration, 21") {}
  SECTION("answer delay 40 s, cut at 45 after the 42 s deadline: fails at once") {
    s.params.agent_answer_delay = seconds(40);
    cut = 45;
    fail_at = 45;
  }
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));
  w.at(call_on(10, N1));  // A2 rings at N2 10.060
  w.at(cut_between(cut, {N1}, {N2}));
  w.until(100);
  const CallRecord& r = w.call(1);
  CHECK_T(w.agent_at(ViewLevel::view, N2, A2, AgentState::ringing, 9), at_s(10.060));
  CHECK_T(r.answered, Time::max());
  CHECK(r.failed[int(FailCause::stale_view)] == 1);
  CHECK_T(w.log.time_of(1, "queued", at_s(10.001)), at_s(fail_at));
  CHECK_T(w.agent_at(ViewLevel::view, N2, A2, AgentState::ready, 10.1), at_s(fail_at));
  w.finish();
}

TEST_CASE("R60: an offer ringing when its owner crashes fails when view_N shows the DN OOS") {
  ClusterSpec s = t2();
  s.params.agent_answer_delay = seconds(40);
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));
  w.at(call_on(10, N1));                     // A2 rings at N2 10.060
  w.at(on_node(11, ActionKind::crash, N2));  // N1 declares N2 lost at 21 (host, min)
  w.until(100);
  const CallRecord& r = w.call(1);
  CHECK_T(r.answered, Time::max());
  CHECK(r.failed[int(FailCause::stale_view)] == 1);
  CHECK_T(w.log.time_of(1, "queued", at_s(10.001)), at_s(21));
  w.finish();
}

// =============================================================================================
// R61: ringing_oos_policy

TEST_CASE(
    "R61: a DN going OOS while ringing: requeue withdraws the offer (race), continue rings on") {
  // A3 (PSTN, via G1 on N1) rings for a call on N1 from 10.020 (answer delay 40 s). G1's
  // connection is cut at 12; N1 declares it lost at 22 and sets 3001 OOS (R12; the owner kept:
  // release_ownership_on_unregister false). A1 is logged in NotReady (staffed: no R63).
  ClusterSpec s = t2();
  s.params.agent_answer_delay = seconds(40);
  s.params.release_ownership_on_unregister = false;
  bool requeue = true;
  SECTION("requeue true") {}
  SECTION("requeue false") {
    requeue = false;
  }
  s.params.ringing_oos_policy = requeue ? RingingOosPolicy::requeue : RingingOosPolicy::continue_;
  Run w(std::move(s));
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(login(5, A1, false));
  w.at(act(5, ActionKind::wwe_login, A3));
  w.at(call_on(10, N1));
  w.at(on_gws(12, ActionKind::gws_cut, 0));
  w.until(100);
  REQUIRE(w.rec.when(ViewLevel::view, N1, A3, oos, at_s(12)) == at_s(22));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A3, AgentState::ringing, 9), at_s(10.020));
  if (requeue) {
    w.finish();
    const CallRecord& r = w.call(1);
    CHECK(r.outcome == CallOutcome::in_progress);
    CHECK(r.failed[int(FailCause::race)] == 1);
    CHECK(failed_total(r) == 1);
    CHECK_T(w.log.time_of(1, "queued", at_s(10.001)), at_s(22));
    CHECK_T(w.agent_at(ViewLevel::view, N1, A3, AgentState::ready, 10.1), at_s(22));
  } else {
    const CallRecord& r = w.call(1);
    CHECK(failed_total(r) == 0);
    CHECK(r.dn == A3);
    CHECK_T(r.answered, at_s(50.020));
    CHECK(r.outcome == CallOutcome::answered_local);
    w.finish();
  }
}

// =============================================================================================
// R62: redirection_limit

TEST_CASE("R62: after redirection_limit failed offers the call ends as routing_failure") {
  // As R59's tc_layer case with avoid_failed_target false: a stale offer every 0.120 s.
  ClusterSpec s = tc_layer_spec();
  s.params.avoid_failed_target = false;
  int limit = 2;
  SECTION("limit 2") {}
  SECTION("limit 4") {
    limit = 4;
  }
  s.params.redirection_limit = limit;
  Run w(std::move(s));
  tc_layer_script(w);
  w.until(200);
  const CallRecord& r = w.call(1);
  CHECK(r.outcome == CallOutcome::routing_failure);
  CHECK(r.failure == RoutingFailureCause::redirection_limit);
  CHECK(r.failed[int(FailCause::stale_view)] == limit);
  CHECK_T(r.ended, at_s(103 + 0.120 * limit));
  CHECK(w.log.of(1, "offer").size() == size_t(limit));
  REQUIRE(w.log.first(1, "redirection_limit"));
  CHECK_T(w.log.time_of(1, "redirection_limit"), at_s(103 + 0.120 * limit));
  w.finish();
}

// =============================================================================================
// R63: router_timeout

TEST_CASE("R63: with no staffed DN for router_timeout_s the call ends as no_target; 0 disables") {
  ClusterSpec s = t2();
  bool disabled = false;
  SECTION("disabled false") {}
  SECTION("disabled true") {
    disabled = true;
  }
  if (disabled) s.params.router_timeout = Time::zero();
  Run w(std::move(s));
  w.at(act(1, ActionKind::phone_on, A1));  // InSrv, never logged in
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(login(5, A2));
  w.at(act(8, ActionKind::agent_logout, A2));  // SS2 8.030: nobody staffed
  w.at(call_on(10, N2));
  w.at(login(30, A2));  // SS2 30.030
  w.until(100);
  const CallRecord& r = w.call(1);
  if (disabled) {
    CHECK(r.dn == A2);
    CHECK_T(r.answered, at_s(32.050));
  } else {
    CHECK(r.outcome == CallOutcome::routing_failure);
    CHECK(r.failure == RoutingFailureCause::no_target);
    CHECK_T(r.ended, at_s(20));
    CHECK_T(w.log.time_of(1, "no_target"), at_s(20));
  }
  w.finish();
}

TEST_CASE("R63: a staffed DN breaks the router clock; it starts afresh when none is left") {
  Run w(t2());
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(call_on(10, N2));
  w.at(login(15, A2, false));                   // staffed in SS2 15.030
  w.at(act(18, ActionKind::agent_logout, A2));  // none in SS2 18.030
  w.until(100);
  const CallRecord& r = w.call(1);
  CHECK(r.outcome == CallOutcome::routing_failure);
  CHECK(r.failure == RoutingFailureCause::no_target);
  CHECK_T(r.ended, at_s(28.030));
  w.finish();
}

TEST_CASE("R63: the clock runs only in the queue: a requeue after a failed offer starts it") {
  // A2 logs out at 9.995 (N2 10.005, SS1 10.065); the call on N1 at 10 is offered to A2 from
  // SS1, rejected at N2 (race), back at 10.120 with nobody staffed: no_target at 20.120 (not
  // 20.000 from arrival, nor 20.065 from SS1 showing nobody staffed).
  Run w(t2());
  w.at(act(1, ActionKind::phone_on, A1));
  w.at(act(1, ActionKind::phone_on, A2));
  w.at(login(5, A2));
  w.at(act(9.995, ActionKind::agent_logout, A2));
  w.at(call_on(10, N1));
  w.until(100);
  const CallRecord& r = w.call(1);
  // A2 was still Ready at N2 at the decision (10.000 < 10.005): race, not stale_view (R59).
  CHECK(r.failed[int(FailCause::race)] == 1);
  CHECK(failed_total(r) == 1);
  CHECK(r.outcome == CallOutcome::routing_failure);
  CHECK(r.failure == RoutingFailureCause::no_target);
  CHECK_T(r.ended, at_s(20.120));
  w.finish();
}

// =============================================================================================
// R64: patience

TEST_CASE("R64: an unanswered call is abandoned at arrival + its exponential patience") {
  ClusterSpec s = t2();
  s.params.patience_infinite = false;
  s.params.patience_mean = seconds(5);
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));  // both staffed, nobody Ready: calls wait
  w.at(act(8, ActionKind::agent_not_ready, A2));
  const int calls = 200;
  for (int k = 0; k < calls; ++k)
    w.at(call_on(10 + 0.25 * k, k % 2 == 0 ? N1 : N2));
  w.until(200);
  double sum = 0;
  std::vector<Time> seen;
  for (uint64_t id = 1; id <= uint64_t(calls); ++id) {
    const CallRecord& r = w.call(id);
    CHECK(r.outcome == CallOutcome::abandoned);
    CHECK(r.patience > Time::zero());
    CHECK(r.patience != Time::max());
    CHECK_T(r.ended, r.arrival + r.patience);
    CHECK(r.wait == r.patience);
    sum += r.patience.to_seconds();
    seen.push_back(r.patience);
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());  // drawn per call
  CHECK(sum / calls > 4.0);  // mean 5 s; 200 draws: standard error 0.35 s
  CHECK(sum / calls < 6.0);
  // Exponential: about e^-1 = 37 % of draws exceed the mean.
  auto above = std::count_if(seen.begin(), seen.end(), [](Time t) { return t > seconds(5); });
  CHECK(above > 50);
  CHECK(above < 100);
  w.finish();
}

TEST_CASE(
    "R64: abandoning a ringing offer cancels it; the agent is Ready again, its Ready time "
    "restarted") {
  ClusterSpec s = t2();
  s.params.patience_infinite = false;
  s.params.patience_mean = seconds(5);
  s.params.agent_answer_delay = seconds(60);
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));  // A1 rings at 10.020, would answer at 70.020
  w.until(100);
  const CallRecord& r = w.call(1);
  REQUIRE(r.patience > seconds(0.020));
  REQUIRE(r.patience < seconds(60));
  Time gone = r.arrival + r.patience;
  CHECK(r.outcome == CallOutcome::abandoned);
  CHECK_T(r.ended, gone);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ringing, 9), at_s(10.020));
  CHECK_T(w.rec.when(ViewLevel::view, N1, A1, agent_is(AgentState::ready), at_s(10.021)), gone);
  CHECK_T(w.c.view(N1, A1).ready_since, gone);
  CHECK(w.c.view(N1, A1).agent == AgentState::ready);
  w.finish();
}

TEST_CASE("R64: an offer rejected before it rings changes nothing at the owner") {
  // R59's stale offer: A1 NotReady at N1 at 10.000; N2's offer reaches N1 at 10.060.
  Run w(t2());
  standard_start(w.c);
  w.at(act(6, ActionKind::agent_not_ready, A2));
  w.at(act(9.990, ActionKind::agent_not_ready, A1));
  w.at(call_on(10, N2));
  w.until(30);
  w.finish();
  CHECK(w.call(1).outcome == CallOutcome::in_progress);
  CHECK(w.log.of(1, "offer").size() == 1);
  CHECK(w.rec.changes(ViewLevel::view, N1, A1, at_s(10.001), at_s(30)).empty());
  CHECK(w.rec.changes(ViewLevel::truth, -1, A1, at_s(10.001), at_s(30)).empty());
}

// =============================================================================================
// R65: talk, ACW, Ready

TEST_CASE("R65: an answered call lasts its handle time, then ACW, then Ready (acw fixed 5 s)") {
  ClusterSpec s = t2();
  s.params.acw_time_mean = seconds(5);
  s.params.acw_time_law = DurationLaw::fixed;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));  // local A1: answered 12.020
  w.at(call_on(50, N2));  // remote A1 (Ready 37.020): answered 52.060
  w.until(100);
  CHECK_T(w.call(1).answered, at_s(12.020));
  CHECK_T(w.call(1).ended, at_s(32.020));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::talking, 9), at_s(12.020));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::acw, 9), at_s(32.020));
  CHECK_T(w.agent_at(ViewLevel::stat, N1, A1, AgentState::acw, 9), at_s(32.040));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1), at_s(37.020));
  CHECK_T(w.call(2).answered, at_s(52.060));
  CHECK_T(w.call(2).ended, at_s(72.060));
  // The owner sets ACW from the real end of the remote call.
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::acw, 40), at_s(72.060));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 72.1), at_s(77.060));
  CHECK_T(w.c.view(N1, A1).ready_since, at_s(77.060));
  w.finish();
}

TEST_CASE("R65, R16: a NotReady request during ACW is held and applied at ACW's end") {
  ClusterSpec s = t2();
  s.params.acw_time_mean = seconds(5);
  s.params.acw_time_law = DurationLaw::fixed;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));
  w.at(act(33, ActionKind::agent_not_ready, A1));  // at N1 33.010, during ACW
  w.until(100);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::not_ready, 12), at_s(37.020));
  CHECK_FALSE(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1).has_value());
  w.finish();
}

TEST_CASE("R65: the handle time runs whatever happens to the DN's state or owner") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  SECTION("the DN unregisters (OOS) during the talk") {
    w.at(call_on(10, N1));
    w.at(act(15, ActionKind::phone_unregister, A1));
    w.until(100);
    CHECK_T(w.call(1).answered, at_s(12.020));
    CHECK_T(w.call(1).ended, at_s(32.020));
    CHECK(w.call(1).outcome == CallOutcome::answered_local);
  }
  SECTION("the agent's owner crashes during a remote talk (R38 leaves this call alone)") {
    w.at(call_on(10, N2));
    w.at(on_node(15, ActionKind::crash, N1));
    w.until(100);
    CHECK_T(w.call(1).answered, at_s(12.060));
    CHECK_T(w.call(1).ended, at_s(32.060));
    CHECK(w.call(1).outcome == CallOutcome::answered_remote);
    CHECK_FALSE(w.call(1).dropped_after_answer);
  }
  w.finish();
}

// =============================================================================================
// R35-R38: calls across partitions and crashes

TEST_CASE("R35: a partition ends no call: answered calls go on, waiting calls stay on their node") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));  // A1 (remote), answered 12.060
  w.at(cut_between(15, {N1}, {N2}));
  w.at(call_on(16, N2));  // waits: A2 NotReady, staffed
  w.at(act(60, ActionKind::agent_ready, A2));
  w.until(100);
  CHECK(w.call(1).outcome == CallOutcome::answered_remote);
  CHECK_T(w.call(1).ended, at_s(32.060));
  CHECK_FALSE(w.call(1).dropped_after_answer);
  CHECK(w.call(2).node == N2);
  CHECK(w.call(2).dn == A2);
  CHECK(w.call(2).outcome == CallOutcome::answered_local);
  CHECK_T(w.call(2).answered, at_s(62.050));
  w.finish();
}

TEST_CASE(
    "R36: stuck_busy_until_resync: the owner misses the end of a call across a cut; true keeps "
    "the agent busy until the snapshot, false frees it at the real end") {
  // Call on N2 talks to A1 (owned by N1) from 12.060 to 32.060; cut at 15, declared at 25;
  // retries at 30, 35, ...; heal at 52: link up 55.080, snapshots applied 55.120.
  ClusterSpec s = t2();
  bool stuck = true;
  SECTION("stuck true") {}
  SECTION("stuck false") {
    stuck = false;
  }
  s.params.stuck_busy_until_resync = stuck;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));
  w.at(cut_between(15, {N1}, {N2}));
  w.at(cut_between(52, {N1}, {N2}, true));
  w.until(100);
  CHECK_T(w.call(1).ended, at_s(32.060));
  CHECK(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1) ==
        at_s(stuck ? 55.120 : 32.060));
  w.finish();
}

//  model: frees the agent at the heal instant (35.000), see report.
TEST_CASE(
    "R36, R28: a cut that heals before any declaration delivers the call's end d after the "
    "heal",
    "") {
  // Cut at 30 (call ends 32.060), healed at 35 before ADDP (40): the end, held back, reaches
  // N1 at 35.040 (R28, R27).
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));
  w.at(cut_between(30, {N1}, {N2}));
  w.at(cut_between(35, {N1}, {N2}, true));
  w.until(100);
  CHECK_T(w.call(1).ended, at_s(32.060));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1), at_s(35.040));
  w.finish();
}

TEST_CASE("R37: cross_partition_call_drop_prob 1: an answered call across the cut is dropped") {
  ClusterSpec s = t2();
  s.params.cross_partition_call_drop_prob = 1.0;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(call_on(10, N2));    // A1 (remote, tie), answered 12.060
  w.at(call_on(10.5, N2));  // A2 (local), answered 12.520
  w.at(cut_between(15, {N1}, {N2}));
  w.until(100);
  const CallRecord& across = w.call(1);
  CHECK(across.dn == A1);
  CHECK(across.dropped_after_answer);
  CHECK(across.outcome == CallOutcome::answered_remote);
  CHECK_T(across.answered, at_s(12.060));
  CHECK_T(across.ended, at_s(15));
  const CallRecord& local = w.call(2);
  CHECK(local.dn == A2);
  CHECK_FALSE(local.dropped_after_answer);
  CHECK_T(local.ended, at_s(32.520));
  w.finish();
}

TEST_CASE("R38: a crash ends the node's unanswered calls as lost_node_failure at once") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A1));
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));
  w.at(call_on(11, N2));
  w.at(on_node(20, ActionKind::crash, N1));
  w.until(100);
  CHECK(w.call(1).outcome == CallOutcome::lost_node_failure);
  CHECK_T(w.call(1).ended, at_s(20));
  CHECK(w.call(2).outcome == CallOutcome::in_progress);  // N2's call is not touched
  w.finish();
}

TEST_CASE(
    "R38: an answered call on the crashed node is dropped_after_answer; its agent, owned "
    "elsewhere, is freed when the owner declares the node lost") {
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));                     // A1 owned by N1, answered 12.060
  w.at(on_node(15, ActionKind::crash, N2));  // N1 declares N2 lost at 25 (host, min)
  w.until(100);
  const CallRecord& r = w.call(1);
  CHECK(r.dropped_after_answer);
  CHECK(r.outcome == CallOutcome::answered_remote);
  CHECK_T(r.ended, at_s(15));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1), at_s(25));
  w.finish();
}

//  model: Ready at the declaration, no ACW (free_agent from Impl::declare).
TEST_CASE("R38: with ACW the owner moves the freed agent to ACW at the declaration, then Ready",
          "") {
  ClusterSpec s = t2();
  s.params.acw_time_mean = seconds(5);
  s.params.acw_time_law = DurationLaw::fixed;
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));
  w.at(on_node(15, ActionKind::crash, N2));
  w.until(100);
  CHECK(w.call(1).dropped_after_answer);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::acw, 12.1), at_s(25));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1), at_s(30));
  w.finish();
}

TEST_CASE(
    "R38: a call of the crashed node ringing at an agent owned elsewhere is lost; the owner "
    "frees the agent at the declaration") {
  ClusterSpec s = t2();
  s.params.agent_answer_delay = seconds(40);
  Run w(std::move(s));
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));  // A1 rings at N1 from 10.060
  w.at(on_node(15, ActionKind::crash, N2));
  w.until(100);
  CHECK(w.call(1).outcome == CallOutcome::lost_node_failure);
  CHECK_T(w.call(1).ended, at_s(15));
  CHECK_FALSE(w.call(1).dropped_after_answer);
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 10.1), at_s(25));
  w.finish();
}

TEST_CASE(
    "R38: if the owner had already declared the crashed node lost, it frees the agent when it "
    "applies the restarted node's snapshot") {
  // Cut at 13 (declared at 23); N2 crashes at 30 (call dropped); heal at 40; N2 restarts at 50:
  // link up 50.080, snapshot applied at N1 50.120.
  Run w(t2());
  standard_start(w.c);
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N2));
  w.at(cut_between(13, {N1}, {N2}));
  w.at(on_node(30, ActionKind::crash, N2));
  w.at(cut_between(40, {N1}, {N2}, true));
  w.at(on_node(50, ActionKind::restart, N2));
  w.until(100);
  const CallRecord& r = w.call(1);
  CHECK(r.dropped_after_answer);
  CHECK_T(r.ended, at_s(30));
  CHECK_T(w.agent_at(ViewLevel::view, N1, A1, AgentState::ready, 12.1), at_s(50.120));
  w.finish();
}

// =============================================================================================
// R20, R50, R51 after a restart: URS_N routes only from SS_N, which the crash cleared

TEST_CASE(
    "R50, R51, R38: after a restart SS_N is empty: nothing is eligible until the snapshots "
    "arrive") {
  // N1 crashes at 20 (its view and Stat Server cleared, R38) and restarts at 30: link up
  // 30.080, N2's snapshot (2001) applied at N1 30.120, SS1 30.140. A call arriving directly on
  // N1 at 30.050 finds SS1 empty and waits; 2001 is offered at 30.140 (ringing 30.200).
  Run w(t2());
  standard_start(w.c);
  w.at(on_node(20, ActionKind::crash, N1));
  w.at(on_node(30, ActionKind::restart, N1));
  w.at(call_on(30.050, N1));
  w.until(30.100);
  CHECK_FALSE(w.c.stat(N1, A1).eligible());
  CHECK_FALSE(w.c.stat(N1, A2).eligible());
  CHECK(w.c.queue_length(N1) == 1);
  w.until(100);
  auto o = w.log.first(1, "offer");
  REQUIRE(o);
  CHECK_T(o->at, at_s(30.140));
  CHECK(o->chosen_dn == A2);
  CHECK_T(w.call(1).answered, at_s(32.200));
  w.finish();
}

TEST_CASE(
    "R65, R9, R25: when the DN moves to another owner during a talk, the former owner does not "
    "set the agent's state at the call's end; views converge") {
  // A1 talks on a local call on N1 from 12.020 to 32.020. P1 moves to DC2 at 15: N2 owner at
  // 15.010 (A1 LoggedOut there, R18), N1 drops its claim at 15.050 and adopts N2's state.
  ClusterSpec s = t2();
  bool relogin = false;
  SECTION("no ACW") {}
  SECTION("ACW 5 s") {
    s.params.acw_time_mean = seconds(5);
    s.params.acw_time_law = DurationLaw::fixed;
  }
  SECTION("ACW 5 s, A1 logs in again at N2 during the talk") {
    s.params.acw_time_mean = seconds(5);
    s.params.acw_time_law = DurationLaw::fixed;
    relogin = true;
  }
  Run w(std::move(s));
  standard_start(w.c);
  if (relogin) w.at(login(20, A1));
  w.at(act(8, ActionKind::agent_not_ready, A2));
  w.at(call_on(10, N1));
  Action mv = act(15, ActionKind::phone_move, A1);
  mv.dc = DC2;
  w.at(mv);
  w.until(45);
  REQUIRE(w.c.truth_owner(A1) == N2);
  CHECK_T(w.call(1).ended, at_s(32.020));
  CHECK(w.c.view(N1, A1).owner == N2);
  CHECK(w.c.view(N1, A1).agent == w.c.truth(A1).agent);
  CHECK(w.c.view(N2, A1).agent == w.c.truth(A1).agent);
  for (const auto& ch : w.rec.changes(ViewLevel::view, N1, A1, at_s(32.020), at_s(45)))
    UNSCOPED_INFO("view_N1 at " << format_time(ch.at) << ": " << to_string(ch.after.agent));
  CHECK(w.rec.changes(ViewLevel::view, N1, A1, at_s(32.020), at_s(45)).empty());
  w.finish();
}
