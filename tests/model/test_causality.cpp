// Issue 21 §1: a node acts only on what has reached it (DOMAIN §1, R19, R25, R28). The node-side
// rules see one node through a NodeCtx (sim/model/node_ctx.hpp); these are the behaviours the
// audit found reading the truth or another node's state, each failing before its fix.
#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

TEST_CASE(
    "R25: a node ignores an older claim's update while it believes an owner that crashed but "
    "that it has not declared lost") {
  Sim s(spec(true));
  s.add(act(1, ActionKind::phone_on, A1));  // N1, claim 1.010
  s.add(cut_between(5, {N1}, {N2}));        // N1 never hears of N2's claim
  s.add(move(6, A1, DC2));                  // N2, claim 6.010: N3 believes N2 from 6.050
  s.add(node_act(7, ActionKind::crash, N2));
  s.add(login(8, A1));  // at N1, the only live claimant: its update reaches N3 at 8.012
  s.run(60);
  CHECK(s.view(N3, A1, owned_by(N2), 6) == at_s(6.050));
  const When declared = s.link(N3, N2, LinkEndState::declared_lost, 7);
  REQUIRE(declared.t.has_value());
  // Before: applied at 8.012, because N2 was dead in the truth. N3 learns it only by its ADDP
  // declaration; until then N1's older claim is ignored.
  const When n1_seen = s.view(N3, A1, owned_by(N1), 6);
  CHECK(n1_seen != at_s(8.012));
  CHECK((!n1_seen.t || *n1_seen.t >= *declared.t));
}

TEST_CASE(
    "R18 R28: the end of a call sent to the node that adopted the busy state is held by a cut "
    "and delivered when it heals, not dropped because the pair is cut in the truth") {
  Sim s(spec(false, [](Params& p) { p.transfer_agent_state_on_move = true; }));
  add_adopted_call(s);  // N2 owns A1 from 25.010, adopts Talking; the call ends 42.020
  s.add(cut_between(40, {N1}, {N2}));        // the end is sent on the cut link (R28)
  s.add(cut_between(45, {N1}, {N2}, true));  // healed before either end declares (ADDP 10 s)
  s.run(100);
  CHECK(s.truth(A1, state_is(N2, true, AgentState::talking), 25) == at_s(25.010));
  // Before: never sent (the pair was cut in the truth at 42.020); the agent stayed Talking.
  CHECK(s.truth(A1, state_is(N2, true, AgentState::ready), 26) == at_s(45.040));
}

TEST_CASE(
    "R9 R18: a last owner that has not heard of a newer claim keeps the agent's state when "
    "the phone registers with it again") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A1));  // N1
  s.add(login(5, A1));
  s.add(act(10, ActionKind::phone_unregister, A1));  // N1 releases, keeps Ready (R9)
  s.add(cut_between(12, {N1}, {N2}));                // N1 never hears of N2's claim
  s.add(move(13, A1, DC2));                          // N2 claims at 13.010
  s.add(move(20, A1, DC1));                          // back to N1 (sticky) at 20.010
  s.run(60);
  CHECK(s.view(N1, A1, both(no_owner_oos, ready), 10) == at_s(10.010));
  // Before: LoggedOut at 20.010 (the truth's last owner was N2, which N1 cannot know), Ready
  // only with N2's re-login at 43.020.
  CHECK(s.view(N1, A1, state_is(N1, true, AgentState::ready), 11) == at_s(20.010));
  CHECK(s.view(N1, A1, agent_is(AgentState::logged_out), 11) == std::nullopt);
}
