// Issue 21 §1 and §5: causality and call classes found against the independent reference model
// (R8, R36, R37, R52, R59). T2 with the reference settings: SIP 20 ms, TC 40 ms across DCs,
// answer 2 s, handle 20 s fixed.
#include <vector>

#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {

struct Calls : Observer {
  std::vector<CallRecord> recs;
  void on_call(const CallRecord& r) override { recs.push_back(r); }
  int failed(FailCause f) const {
    int n = 0;
    for (const auto& r : recs)
      n += r.failed[int(f)];
    return n;
  }
};

Action call_on(double t, int node) {
  Action a = act(t, ActionKind::call);
  a.node = node;
  return a;
}

}  // namespace

TEST_CASE(
    "S1 R52 R59: the Reserved mark at the call's node holds until the failure is known "
    "there (one round trip) or SS_N gets an update") {
  Sim s(spec(false));
  Calls calls;
  s.c.add_observer(&calls);
  s.add(act(1, ActionKind::phone_on, A2));  // N2
  s.add(login(5, A2));
  s.add(call_on(20, N2));  // C1 reserves A2 at N2 first
  s.add(call_on(20, N1));  // C2: offer reaches N2 at 20.060, collides
  s.add(call_on(20, N1));  // C3: A2 Reserved in SS_N1
  s.run(21);
  s.c.finish_calls();
  REQUIRE(calls.recs.size() == 3);
  CHECK(calls.failed(FailCause::collision) == 1);
  CHECK(calls.failed(FailCause::stale_view) == 0);
}

TEST_CASE("X1 R8: an old owner that drops its claim withdraws the offer ringing there (race)") {
  Sim s(spec(false));
  Calls calls;
  s.c.add_observer(&calls);
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(login(5, A1));
  s.add(call_on(20, N1));      // rings at 20.020, would be answered at 22.020
  s.add(move(20.5, A1, DC2));  // N2 accepts 20.510; N1 drops its claim at 20.550
  s.run(100);
  s.c.finish_calls();
  REQUIRE(calls.recs.size() == 1);
  CHECK(calls.recs[0].failed[int(FailCause::race)] == 1);
  CHECK(calls.recs[0].answered != at_s(22.020));
}

TEST_CASE("R37 R36: the owner across a cut misses the end of a call dropped at the cut") {
  Sim s(spec(false, [](Params& p) { p.cross_partition_call_drop_prob = 1; }));
  s.add(act(1, ActionKind::phone_on, A2));  // N2
  s.add(login(5, A2));
  s.add(call_on(20, N1));  // answered by A2 at 22.060
  s.add(cut_between(25, {N1}, {N2}));
  s.run(60);
  CHECK(s.truth(A2, agent_is(AgentState::talking), 20) == at_s(22.060));
  CHECK(s.truth(A2, ready, 23) == std::nullopt);
}
