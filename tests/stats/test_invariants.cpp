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
  d.result = "offer";
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
      q.result = "queued";
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
