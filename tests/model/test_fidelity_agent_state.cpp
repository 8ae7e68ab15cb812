// Issue 21 §4: agent state across owners (R9, R18, R27, R65), found against the independent
// reference model. T2 with the reference settings.
#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

TEST_CASE(
    "S7 R9 R18 R27: release_then_claim with transfer_agent_state_on_move true: the "
    "release carries the agent state and the new owner adopts it") {
  Sim s(spec(false, [](Params& p) {
    p.handover_mode = HandoverMode::release_then_claim;
    p.transfer_agent_state_on_move = true;
  }));
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(login(5, A1, false));
  s.add(move(10, A1, DC2));  // N2 asks N1 at 10.010; N1's OOS reaches N2 at 10.090
  s.run(60);
  CHECK(s.truth(A1, state_is(N2, true, AgentState::not_ready), 10) == at_s(10.090));
  CHECK(s.truth(A1, agent_is(AgentState::logged_out), 10) == std::nullopt);
}

TEST_CASE(
    "A10 R18: with transfer_agent_state_on_move true a new owner that received no state "
    "for the agent acts as with false") {
  Sim s(spec(false, [](Params& p) { p.transfer_agent_state_on_move = true; }));
  s.add(cut_between(0.5, {N1}, {N2}));      // N2 never hears of 1001
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(login(5, A1));
  s.add(move(20, A1, DC2));  // N2 (declared N1 lost at 10.5) accepts at 20.010
  s.run(60);
  CHECK(s.view(N2, A1, state_is(N2, true, AgentState::logged_out), 20) == at_s(20.010));
  CHECK(s.view(N2, A1, state_is(N2, true, AgentState::ready), 20) == at_s(50.020));
}

TEST_CASE("S5 R18 R65: an adopted busy state ends when the call's end reaches the new owner") {
  Sim s(spec(false, [](Params& p) { p.transfer_agent_state_on_move = true; }));
  add_adopted_call(s);  // N2 owns A1 from 25.010, adopts Talking; the call ends 42.020
  s.run(100);
  CHECK(s.truth(A1, state_is(N2, true, AgentState::talking), 25) == at_s(25.010));
  CHECK(s.truth(A1, state_is(N2, true, AgentState::ready), 26) == at_s(42.060));
}
