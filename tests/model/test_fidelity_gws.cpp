// Issue 21 §2: GWS and WWE session classes found against the independent reference model
// (R7, R12, R28, R30, R31, R46-R49). T2 has G1 (DC1) on N1 only; T4 adds G2 (DC1) on N3.
#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

TEST_CASE(
    "S6 R49: with no other GWS node in the DC the session stays on the failed GWS node, "
    "which re-registers it at its restart") {
  Sim s(spec(false));
  s.add(wwe_login(5, A3));
  s.add(gws_act(50, ActionKind::gws_fail, 0));
  s.add(gws_act(70, ActionKind::gws_restart, 0));
  s.run(200);
  CHECK(s.truth(A3, no_owner_oos, 50) == at_s(60));  // N1 declares G1 lost (R31, R12)
  CHECK(s.truth(A3, state_is(N1, true, AgentState::ready), 61) == at_s(70.010));
}

TEST_CASE(
    "A2 R48: gws_auto_relogin false: the manual login is sent agent_relogin_delay_s after "
    "GWS re-registers, in the last Ready/NotReady state") {
  Sim s(spec(false, [](Params& p) { p.gws_auto_relogin = false; }));
  s.add(wwe_login(5, A3, false));
  s.add(node_act(10, ActionKind::crash, N1));
  s.add(node_act(15, ActionKind::restart, N1));
  // G1 declares N1 lost at 20 (R31), reconnects at 30 to N1 and re-registers 3001 (R47).
  s.run(120);
  CHECK(s.truth(A3, both(owned_by(N1), in_srv), 16) == at_s(30.010));
  CHECK(s.truth(A3, both(owned_by(N1), not_ready), 16) == at_s(60.020));
  CHECK(s.truth(A3, ready, 16) == std::nullopt);
}

TEST_CASE(
    "A2 R48: gws_auto_relogin false with transfer_agent_state_on_move true still logs in "
    "by hand after the re-registration") {
  Sim s(spec(false, [](Params& p) {
    p.gws_auto_relogin = false;
    p.transfer_agent_state_on_move = true;
  }));
  s.add(wwe_login(5, A3));
  s.add(node_act(10, ActionKind::crash, N1));
  s.add(node_act(15, ActionKind::restart, N1));
  s.run(120);
  CHECK(s.truth(A3, both(owned_by(N1), ready), 16) == at_s(60.020));
}

TEST_CASE(
    "S8 R49 R46 R7: a logged-out WWE session is not logged in when it is moved at the "
    "reconnect window's end") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(act(10, ActionKind::wwe_logout, A3));
  s.add(act(20, ActionKind::wwe_disconnect, A3));
  s.run(300);
  CHECK(s.truth(A3, no_owner_oos, 6) == at_s(10.010));
  CHECK(s.truth(A3, in_srv, 11) == std::nullopt);
}

TEST_CASE(
    "S2 R12: declaring G1's old connection after W3 re-registered through G2 (on the same "
    "node) leaves 3001 registered") {
  ClusterSpec sp = spec(true, [](Params& p) {
    p.addp_timeout = seconds(60);
    p.agent_relogin_delay = seconds(5);
  });
  sp.gws[1].node = N1;  // G2 on N1 too
  Sim s(sp);
  s.add(wwe_login(5, A3));
  s.add(gws_act(50, ActionKind::gws_fail, 0));  // W3 logs in via G2 at 55; N1 declares G1 at 110
  s.run(200);
  CHECK(s.truth(A3, both(owned_by(N1), in_srv)) == at_s(5.010));
  CHECK(s.truth(A3, oos, 6) == std::nullopt);
}

TEST_CASE(
    "A1 R31 R12: a GWS node restarted before the node declares its old connection keeps "
    "the DNs it re-registered on the new one") {
  Sim s(spec(false, [](Params& p) { p.addp_timeout = seconds(60); }));
  s.add(wwe_login(5, A3));
  s.add(gws_act(50, ActionKind::gws_fail, 0));
  s.add(gws_act(60, ActionKind::gws_restart, 0));  // new connection; N1 declares the old at 110
  s.run(200);
  CHECK(s.truth(A3, oos, 61) == std::nullopt);
  CHECK(s.c.truth(A3).owner == N1);
  CHECK(s.c.truth(A3).in_service);
}

TEST_CASE(
    "A9 R28: a WWE login while G1-N1 is cut but not declared is held back and delivered "
    "client_request_delay_ms after the heal") {
  Sim s(spec(false));
  s.add(gws_act(20, ActionKind::gws_cut, 0));
  s.add(wwe_login(22, A3));
  s.add(gws_act(25, ActionKind::gws_heal, 0));
  s.run(40);
  CHECK(s.truth(A3, both(owned_by(N1), in_srv)) == at_s(25.010));
}

TEST_CASE(
    "S10 R49: a moved session awaiting its re-login whose new GWS node fails is moved "
    "again") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(gws_act(50, ActionKind::gws_fail, 0));  // W3 -> G2, re-login at 80
  s.add(gws_act(60, ActionKind::gws_fail, 1));  // G2 fails; no other GWS node: stays on G2
  s.add(gws_act(70, ActionKind::gws_restart, 1));
  s.run(200);
  // G2 restarts at 70 and re-registers the session still on it, logged in (R47, R49).
  CHECK(s.truth(A3, both(owned_by(N3), in_srv), 61) == at_s(70.010));
}

TEST_CASE("A5 R30 R31 R12: a partition between DCs cuts a GWS-node connection across it") {
  Sim s(spec(false, [](Params& p) { p.gws_failover_scope = GwsFailoverScope::any_dc; }));
  s.add(wwe_login(5, A3));
  s.add(node_act(10, ActionKind::crash, N1));  // G1 declares N1 at 20, connects to N2 at 30
  s.add(cut_between(50, {N1}, {N2}));          // DC1 | DC2: G1 (DC1) - N2 (DC2) cut
  s.run(100);
  CHECK(s.truth(A3, both(owned_by(N2), in_srv), 11) == at_s(30.010));
  CHECK(s.truth(A3, no_owner_oos, 31) == at_s(60));  // N2 declares G1 lost (R31, R12)
}

// The reference model's S11 did not fail here (a login made without a live connection already
// sets the session's last state); kept as a guard of R48's "last state".
TEST_CASE(
    "S11 R48: a WWE login made while its GWS node has no live connection is not forgotten: "
    "the later re-login uses it") {
  Sim s(spec(false, [](Params& p) { p.gws_auto_relogin = false; }));
  s.add(wwe_login(5, A3, false));
  s.add(node_act(10, ActionKind::crash, N1));
  s.add(node_act(15, ActionKind::restart, N1));
  s.add(wwe_login(22, A3, true));  // G1 declared N1 lost at 20, reconnects at 30
  s.run(120);
  CHECK(s.truth(A3, both(owned_by(N1), in_srv), 16) == at_s(30.010));
  CHECK(s.truth(A3, both(owned_by(N1), ready), 16) == at_s(60.020));
  CHECK(s.truth(A3, not_ready, 16) == std::nullopt);
}

TEST_CASE(
    "S11 R48: with gws_auto_relogin (default) GWS logs the agent in again, at its "
    "re-registration, in the state of a WWE login made while it had no connection") {
  Sim s(spec(false));
  s.add(wwe_login(5, A3, false));
  s.add(node_act(10, ActionKind::crash, N1));
  s.add(node_act(15, ActionKind::restart, N1));
  s.add(wwe_login(22, A3, true));  // G1 declared N1 lost at 20, reconnects at 30
  s.run(120);
  CHECK(s.truth(A3, both(owned_by(N1), not_ready), 5) == at_s(5.010));
  CHECK(s.truth(A3, state_is(N1, true, AgentState::ready), 16) == at_s(30.010));
  CHECK(s.truth(A3, not_ready, 16) == std::nullopt);
}

TEST_CASE(
    "S11 R48 R49: a WWE login made while its only GWS node is down is what that node "
    "re-registers at its restart") {
  Sim s(spec(false));
  s.add(wwe_login(5, A3, false));
  s.add(gws_act(50, ActionKind::gws_fail, 0));  // no other GWS node in DC1: stays on G1
  s.add(wwe_login(55, A3, true));
  s.add(gws_act(70, ActionKind::gws_restart, 0));
  s.run(70.010);
  CHECK(s.truth(A3, no_owner_oos, 50) == at_s(60));  // N1 declares G1 lost (R31, R12)
  // R45: the TRegisterAddress and the login arrive together; at the end of 70.010 the agent
  // is Ready (the login made at 55), not the NotReady of the login at 5.
  CHECK(state_is(N1, true, AgentState::ready)(s.c.truth(A3)));
  s.run(200);
  CHECK(s.truth(A3, not_ready, 70.011) == std::nullopt);
}

TEST_CASE(
    "S11 R48 R49: a WWE login made while NGINX's re-login is pending replaces it: the "
    "re-login does not bring back the older state") {
  Sim s(spec(true));  // T4: G1 on N1, G2 on N3
  s.add(wwe_login(5, A3, false));
  s.add(gws_act(50, ActionKind::gws_fail, 0));  // NGINX moves W3 to G2; re-login at 80
  s.add(wwe_login(60, A3, true));               // the agent logs in on G2 first
  s.run(200);
  CHECK(s.truth(A3, state_is(N3, true, AgentState::ready), 51) == at_s(60.010));
  CHECK(s.truth(A3, not_ready, 61) == std::nullopt);
}

TEST_CASE(
    "S11 R48 R49: NGINX's re-login uses the session's last Ready/NotReady state, set after "
    "the move") {
  Sim s(spec(true));  // T4: G1 on N1, G2 on N3
  s.add(wwe_login(5, A3, true));
  s.add(gws_act(50, ActionKind::gws_fail, 0));      // NGINX moves W3 to G2; re-login at 80
  s.add(act(65, ActionKind::agent_not_ready, A3));  // no owner: rejected, but the last state
  s.run(200);
  CHECK(s.truth(A3, both(owned_by(N3), not_ready), 51) == at_s(80.010));
  CHECK(s.truth(A3, both(owned_by(N3), ready), 51) == std::nullopt);
}
