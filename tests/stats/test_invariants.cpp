// The call and routing invariants of stats::InvariantChecker (DOMAIN §3 "Invariants": every
// call ends once, with one outcome; no decision picks a DN its Stat Server shows OOS or busy),
// fed with hand-made violating sequences.
#include <string>

#include "../model/reference_fixture.hpp"
#include "stats/invariants.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {

#define CHECK_HAS(text, part)                      \
  do {                                             \
    INFO("message: " << (text));                   \
    CHECK((text).find(part) != std::string::npos); \
  } while (0)

CallRecord ended(uint64_t id, CallOutcome o, double arrival, double end) {
  CallRecord r;
  r.id = id;
  r.arrival = at_s(arrival);
  r.ended = at_s(end);
  r.outcome = o;
  r.wait = r.ended - r.arrival;
  if (o == CallOutcome::answered_local || o == CallOutcome::answered_remote) {
    r.answered = r.arrival + (r.ended - r.arrival) / 2;
  }
  if (o == CallOutcome::routing_failure) r.failure = RoutingFailureCause::no_target;
  return r;
}

CallRecord in_progress(uint64_t id, double arrival) {
  CallRecord r;
  r.id = id;
  r.arrival = at_s(arrival);
  r.outcome = CallOutcome::in_progress;
  return r;
}

RoutingDecision offer(double t, uint64_t call, int node, int dn) {
  RoutingDecision d;
  d.at = at_s(t);
  d.call = call;
  d.node = node;
  d.group = 0;
  d.chosen_dn = dn;
  d.result = DecisionResult::offer;
  return d;
}

}  // namespace

TEST_CASE("Invariants: calls that end once each, and in-progress ones at the end, pass") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_call(ended(1, CallOutcome::answered_local, 10, 32));
  inv.on_call(ended(2, CallOutcome::abandoned, 11, 15));
  inv.on_call(ended(3, CallOutcome::routing_failure, 12, 22));
  inv.on_call(ended(4, CallOutcome::lost_node_failure, 13, 13));
  inv.on_call(in_progress(5, 14));
  inv.check_calls_reported(5);
  CHECK_FALSE(inv.violated());
  CHECK(inv.calls_reported() == 5);
}

TEST_CASE("Invariants: a call that ends twice is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_call(ended(7, CallOutcome::abandoned, 10, 20));
  CHECK_FALSE(inv.violated());
  inv.on_call(ended(7, CallOutcome::answered_remote, 10, 40));
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(), "call 7 reported again as answered_remote");
  CHECK_HAS(inv.message(), "after it had ended as abandoned");
  CHECK_HAS(inv.message(), "every call ends once");
}

TEST_CASE("Invariants: an in_progress record for a call that ended is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_call(ended(3, CallOutcome::answered_local, 10, 32));
  inv.on_call(in_progress(3, 10));
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(),
            "call 3 reported again as in_progress after it had ended as "
            "answered_local");
}

TEST_CASE("Invariants: nothing may follow a call's in_progress record") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_call(in_progress(4, 10));
  CHECK_FALSE(inv.violated());
  SECTION("an end") {
    inv.on_call(ended(4, CallOutcome::abandoned, 10, 50));
  }
  SECTION("a second in_progress") {
    inv.on_call(in_progress(4, 10));
  }
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(), "call 4 reported again");
  CHECK_HAS(inv.message(), "after its in_progress record at the run's end");
}

TEST_CASE("Invariants: a record whose fields contradict its outcome is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  CallRecord r = ended(9, CallOutcome::answered_local, 10, 30);
  std::string expect;
  SECTION("answered without an answer time") {
    r.answered = Time::max();
    expect = "call 9 (answered_local) is answered without an answer time";
  }
  SECTION("routing_failure without a cause") {
    r = ended(9, CallOutcome::routing_failure, 10, 20);
    r.failure = RoutingFailureCause::none;
    expect = "call 9 (routing_failure) is a routing_failure without a cause";
  }
  SECTION("abandoned with an answer time") {
    r = ended(9, CallOutcome::abandoned, 10, 20);
    r.answered = at_s(12);
    expect = "call 9 (abandoned) has an answer time";
  }
  SECTION("ended but no end time") {
    r.ended = Time::max();
    expect = "call 9 (answered_local) has no end time";
  }
  inv.on_call(r);
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(), expect);
}

TEST_CASE("Invariants: a call that arrived but was never reported is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_call(ended(1, CallOutcome::abandoned, 10, 20));
  inv.on_call(ended(3, CallOutcome::abandoned, 12, 20));
  inv.check_calls_reported(3);
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(), "call 2 of 3 arrived but was never reported");
}

TEST_CASE("Invariants: an offer to a DN its Stat Server shows OOS or busy is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  c.add_observer(&inv);
  standard_start(c);
  c.schedule(act(8, ActionKind::agent_not_ready, A2));  // SS1 8.070
  SECTION("OOS: SS1 at time 0 shows 1001 OOS") {
    inv.on_decision(offer(0, 1, N1, A1));
    REQUIRE(inv.violated());
    CHECK_HAS(inv.message(), "URS of N1 offered call 1 to DN 1001, which SS_N1 shows OOS");
  }
  SECTION("eligible: 1001 Ready in SS1 at 6") {
    c.run_until(at_s(6));
    inv.on_decision(offer(6, 1, N1, A1));
    CHECK_FALSE(inv.violated());
    CHECK(inv.decisions_checked() == 1);
    SECTION("a decision other than an offer is not checked") {
      RoutingDecision q = offer(6, 2, N1, A3);
      q.result = DecisionResult::queued;
      inv.on_decision(q);
      CHECK_FALSE(inv.violated());
    }
  }
  SECTION("not Ready: 2001 NotReady in SS1 at 9") {
    c.run_until(at_s(9));
    inv.on_decision(offer(9, 2, N1, A2));
    REQUIRE(inv.violated());
    CHECK_HAS(inv.message(), "to DN 2001, which SS_N1 shows not Ready");
    CHECK_HAS(inv.message(), "no decision may pick a DN its Stat Server");
  }
  SECTION("busy: 1001 ringing in SS1") {
    Action call;
    call.at = at_s(10);
    call.kind = ActionKind::call;
    call.node = N1;
    call.group = "all";
    c.schedule(call);
    c.run_until(at_s(11));
    REQUIRE(c.stat(N1, A1).agent == AgentState::ringing);
    CHECK_FALSE(inv.violated());  // the real decision at 10 was fine
    inv.on_decision(offer(11, 2, N1, A1));
    REQUIRE(inv.violated());
    CHECK_HAS(inv.message(), "to DN 1001, which SS_N1 shows busy (Ringing)");
  }
}

namespace {

DnViewChange view_change(double t, int node, int dn, int owner, AgentState agent, double ready) {
  DnViewChange c;
  c.at = at_s(t);
  c.level = ViewLevel::view;
  c.node = node;
  c.dn = dn;
  c.after.owner = owner;
  c.after.in_service = true;
  c.after.agent = agent;
  c.after.ready_since = at_s(ready);
  return c;
}

}  // namespace

TEST_CASE("R29: a remote view showing a state its owner has had passes") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  // N1 owns 1001 and makes it Ready at 5, then NotReady at 8; N2 applies both later.
  inv.on_dn_view(view_change(5, N1, A1, N1, AgentState::ready, 5));
  inv.on_dn_view(view_change(8, N1, A1, N1, AgentState::not_ready, 5));
  inv.on_dn_view(view_change(5.04, N2, A1, N1, AgentState::ready, 5));
  inv.on_dn_view(view_change(8.04, N2, A1, N1, AgentState::not_ready, 5));
  // An OOS mark at N2 is N2's own deduction (R21, R22): not compared.
  DnViewChange oos_mark = view_change(20, N2, A1, N1, AgentState::not_ready, 5);
  oos_mark.after.in_service = false;
  oos_mark.after.agent = AgentState::talking;
  inv.on_dn_view(oos_mark);
  CHECK_FALSE(inv.violated());
}

TEST_CASE("R29: a remote view ahead of the owner is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_dn_view(view_change(5, N1, A1, N1, AgentState::ready, 5));
  // N2 shows 1001 Talking at N1, which N1 has not made yet.
  inv.on_dn_view(view_change(6, N2, A1, N1, AgentState::talking, 5));
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(), "R29 violated at 6.000000");
  CHECK_HAS(inv.message(), "view_N2 shows DN 1001 owned by N1");
}

TEST_CASE("R29: a Ready time the owner never set is a view ahead of the owner") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_dn_view(view_change(5, N1, A1, N1, AgentState::ready, 5));
  inv.on_dn_view(view_change(30, N2, A1, N1, AgentState::ready, 29));
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(), "R29");
}

TEST_CASE("R26: a link's messages applied in sending order pass, gaps (R28 losses) included") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_tc_apply(TcApply{at_s(1), N1, N2, 1, "update"});
  inv.on_tc_apply(TcApply{at_s(2), N1, N2, 2, "update"});
  inv.on_tc_apply(TcApply{at_s(30), N1, N2, 7, "snapshot"});
  inv.on_tc_apply(TcApply{at_s(30), N2, N1, 1, "snapshot"});  // the other direction
  CHECK_FALSE(inv.violated());
}

TEST_CASE("R26: a message applied after a later one of the same link is a violation") {
  Cluster c(reference_spec(false), 1);
  stats::InvariantChecker inv(c);
  inv.on_tc_apply(TcApply{at_s(1), N1, N2, 1, "update"});
  inv.on_tc_apply(TcApply{at_s(2), N1, N2, 3, "update"});
  inv.on_tc_apply(TcApply{at_s(2), N1, N2, 2, "update"});
  REQUIRE(inv.violated());
  CHECK_HAS(inv.message(),
            "R26 violated at 2.000000: N2 applied N1's message #2 (update) after #3");
}

TEST_CASE("R26, R29: a real run with faults passes both checks") {
  Cluster c(reference_spec(true), 1);
  stats::InvariantChecker inv(c);
  c.add_observer(&inv);
  standard_start(c);
  c.schedule(cut_between(100, {N1, N3}, {N2, N4}));
  c.schedule(act(105, ActionKind::agent_not_ready, A1));
  c.schedule(cut_between(130, {N1, N3}, {N2, N4}, true));
  c.run_until(at_s(200));
  CHECK_FALSE(inv.violated());
  CHECK(inv.checks() > 0);
}
