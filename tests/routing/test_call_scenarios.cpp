// The call parts of DOMAIN §5's reference scenarios (SC3-SC9), to the microsecond.
#include <map>

#include "../model/reference_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {

struct CallLog : Observer {
  std::map<uint64_t, CallRecord> calls;
  std::vector<RoutingDecision> decisions;
  void on_call(const CallRecord& r) override { calls[r.id] = r; }
  void on_decision(const RoutingDecision& d) override { decisions.push_back(d); }
};

Action call_at(double t, int dc) {
  Action a;
  a.at = seconds(t);
  a.kind = ActionKind::call;
  a.dc = dc;
  a.group = "all";
  return a;
}

// SC3: A2 NotReady at 8, C1 on N2 at 10, C2 on N1 at 11, A2 Ready at 20.
void sc3(Cluster& c) {
  standard_start(c);
  c.schedule(act(8, ActionKind::agent_not_ready, A2));
  c.schedule(call_at(10, DC2));
  c.schedule(call_at(11, DC1));
  c.schedule(act(20, ActionKind::agent_ready, A2));
}

void sc4(Cluster& c) {
  sc3(c);
  c.schedule(act(90, ActionKind::agent_not_ready, A1));
  c.schedule(cut_between(100, {N1}, {N2}));
  c.schedule(act(102, ActionKind::agent_not_ready, A2));
  c.schedule(call_at(103, DC1));  // C3
  c.schedule(act(115, ActionKind::agent_ready, A1));
  c.schedule(call_at(120, DC2));  // C4
  c.schedule(act(125, ActionKind::agent_ready, A2));
  c.schedule(act(150, ActionKind::agent_logout, A2));
  c.schedule(call_at(160, DC2));  // C5
}

}  // namespace

TEST_CASE("SC3 (R50-R53, R55, R57, R58): global routing answers both calls remotely") {
  Cluster c(reference_spec(false), 1);
  CallLog log;
  Recorder r;
  c.add_observer(&log);
  c.add_observer(&r);
  sc3(c);
  c.run_until(at_s(60));
  REQUIRE(log.calls.size() == 2);
  const CallRecord& c1 = log.calls.at(1);
  const CallRecord& c2 = log.calls.at(2);
  CHECK(c1.node == N2);
  CHECK(c1.outcome == CallOutcome::answered_remote);
  CHECK(c1.dn == A1);
  CHECK(c1.wait == at_s(2.060));
  CHECK(c1.answered == at_s(12.060));
  CHECK(c1.ended == at_s(32.060));
  CHECK(c2.node == N1);
  CHECK(c2.outcome == CallOutcome::answered_remote);
  CHECK(c2.dn == A2);
  CHECK(c2.wait == at_s(11.130));
  CHECK(c2.ended == at_s(42.130));
  // R58: A1 rings at N1 at 10.060; busy in SS1 10.080, N2 10.100, SS2 10.120.
  CHECK(r.when(ViewLevel::view, N1, A1, agent_is(AgentState::ringing)) == at_s(10.060));
  CHECK(r.when(ViewLevel::stat, N1, A1, agent_is(AgentState::ringing)) == at_s(10.080));
  CHECK(r.when(ViewLevel::view, N2, A1, agent_is(AgentState::ringing)) == at_s(10.100));
  CHECK(r.when(ViewLevel::stat, N2, A1, agent_is(AgentState::ringing)) == at_s(10.120));
}

TEST_CASE(
    "SC4 (R32, R59, R60, R63): local routing in a partition, a stale-view misroute, no target") {
  Cluster c(reference_spec(false), 1);
  CallLog log;
  c.add_observer(&log);
  sc4(c);
  c.run_until(at_s(199));
  REQUIRE(log.calls.size() == 5);
  const CallRecord& c3 = log.calls.at(3);
  CHECK(c3.node == N1);
  CHECK(c3.outcome == CallOutcome::answered_local);
  CHECK(c3.dn == A1);
  CHECK(c3.wait == at_s(14.050));
  CHECK(c3.failed[int(FailCause::stale_view)] == 1);
  CHECK(c3.misrouted);
  const CallRecord& c4 = log.calls.at(4);
  CHECK(c4.node == N2);
  CHECK(c4.outcome == CallOutcome::answered_local);
  CHECK(c4.answered == at_s(127.050));
  const CallRecord& c5 = log.calls.at(5);
  CHECK(c5.outcome == CallOutcome::routing_failure);
  CHECK(c5.failure == RoutingFailureCause::no_target);
  CHECK(c5.ended == at_s(170));
}

TEST_CASE("SC5 (R34): after the resync C6 on N2 is answered remotely by A1") {
  Cluster c(reference_spec(false), 1);
  CallLog log;
  c.add_observer(&log);
  sc4(c);
  c.schedule(cut_between(202, {N1}, {N2}, true));
  c.schedule(call_at(206, DC2));  // C6
  c.run_until(at_s(300));
  const CallRecord& c6 = log.calls.at(6);
  CHECK(c6.node == N2);
  CHECK(c6.dn == A1);
  CHECK(c6.outcome == CallOutcome::answered_remote);
  CHECK(c6.answered == at_s(208.060));
}

TEST_CASE(
    "SC8 (R59, R60, R66, R67): a call offered across the split brain fails as stale_view and goes "
    "to 2001 after the heal") {
  Cluster c(reference_spec(false), 1);
  CallLog log;
  c.add_observer(&log);
  standard_start(c);
  c.schedule(cut_between(100, {N1}, {N2}));
  Action mv = act(130, ActionKind::phone_move, A1);
  mv.dc = DC2;
  c.schedule(mv);
  c.schedule(call_at(140, DC1));  // C7 on N1
  c.schedule(cut_between(202, {N1}, {N2}, true));
  c.run_until(at_s(300));
  REQUIRE(log.calls.count(1));
  const CallRecord& c7 = log.calls.at(1);
  CHECK(c7.node == N1);
  CHECK(c7.failed[int(FailCause::stale_view)] == 1);
  CHECK(c7.misrouted);
  CHECK(c7.dn == A2);
  CHECK(c7.outcome == CallOutcome::answered_remote);
  CHECK(c7.answered == at_s(207.200));
  CHECK(c7.wait == at_s(67.200));
}

TEST_CASE(
    "SC9 (R55, R57, R58, R60): an unanswered ring at a silent phone fails as no_answer at 552, "
    "then 2001 answers") {
  Cluster c(reference_spec(false), 1);
  CallLog log;
  c.add_observer(&log);
  standard_start(c);
  c.schedule(act(500, ActionKind::phone_off, A1));
  c.schedule(call_at(520, DC2));
  c.run_until(at_s(600));
  REQUIRE(log.calls.count(1));
  const CallRecord& call = log.calls.at(1);
  CHECK(call.failed[int(FailCause::no_answer)] == 1);
  CHECK(call.dn == A2);
  CHECK(call.outcome == CallOutcome::answered_local);
  CHECK(call.answered == at_s(554.020));
  CHECK(call.wait == at_s(34.020));
}

TEST_CASE("SC6 (R38): a crash ends the node's unanswered calls as lost_node_failure") {
  Cluster c(reference_spec(true), 1);
  CallLog log;
  c.add_observer(&log);
  standard_start(c);
  c.schedule(act(100, ActionKind::agent_not_ready, A1));
  c.schedule(act(100, ActionKind::agent_not_ready, A2));
  c.schedule(call_at(300, DC1));  // waits on N1 (round robin: first call goes to N1)
  Action crash = act(302, ActionKind::crash);
  crash.node = N1;
  c.schedule(crash);
  c.run_until(at_s(400));
  REQUIRE(log.calls.count(1));
  CHECK(log.calls.at(1).node == N1);
  CHECK(log.calls.at(1).outcome == CallOutcome::lost_node_failure);
  CHECK(log.calls.at(1).ended == at_s(302));
}
