// Rule tests of DOMAIN §3.7 (R46-R49): GWS and WWE.
// One or more tests per rule, each asserting concrete times and states on T2/T4 with the
// reference settings of DOMAIN §5 (TC 40 ms across DCs, 2 ms within, Stat Server +20 ms, requests
// +10 ms, ADDP min 10 s, reconnect every 5 s), plus the non-default MODEL CHOICE values.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "sim_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

// ------------------------------------------------------------------------------------------
// 3.7 GWS and WWE

TEST_CASE("R44: a WWE session uses one GWS node of its DC; a GWS node one node of its DC") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.run(10);
  CHECK(s.c.gws_node(0) == N1);
  CHECK(s.c.gws_node(1) == N3);
  CHECK(s.c.claimants(A3) == std::vector<int>{N1});  // through G1 only
}

TEST_CASE("R45: WWE login: TRegisterAddress then the login, both 10 ms later") {
  SECTION("Ready") {
    Sim s(spec(false));
    s.add(wwe_login(100, A3));
    s.run(200);
    auto ch = s.changes(ViewLevel::view, N1, A3, 0, 200);
    REQUIRE(ch.size() == 2);
    CHECK(ch[0].at == at_s(100.010));
    CHECK(ch[0].after.owner == N1);
    CHECK(ch[0].after.in_service);
    CHECK(ch[0].after.agent == AgentState::logged_out);
    CHECK(ch[1].at == at_s(100.010));
    CHECK(ch[1].after.agent == AgentState::ready);
  }
  SECTION("NotReady") {
    Sim s(spec(false));
    s.add(wwe_login(100, A3, false));
    s.run(200);
    CHECK(s.view(N1, A3, state_is(N1, true, AgentState::not_ready)) == at_s(100.010));
    CHECK(s.view(N2, A3, state_is(N1, true, AgentState::not_ready)) == at_s(100.050));
  }
}

TEST_CASE("R46: WWE logout: the agent is logged out and the DN unregistered, OOS") {
  Sim s(spec(true));
  s.add(wwe_login(100, A3));
  s.add(act(200, ActionKind::wwe_logout, A3));
  s.run(300);
  auto gone = state_is(-1, false, AgentState::logged_out);
  CHECK(s.view(N1, A3, gone, 101) == at_s(200.010));
  CHECK(s.view(N3, A3, gone, 101) == at_s(200.012));
  CHECK(s.view(N2, A3, gone, 101) == at_s(200.050));
  CHECK(s.stat(N4, A3, gone, 101) == at_s(200.070));
  CHECK(s.c.claimants(A3).empty());
}

TEST_CASE("R47: a GWS that lost its node reconnects 10 s later to the previous node if back") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(gws_act(700, ActionKind::gws_cut, 0));
  s.add(gws_act(715, ActionKind::gws_heal, 0));
  s.run(800);
  CHECK(s.view(N1, A3, no_owner_oos, 690) == at_s(710));
  CHECK(s.view(N1, A3, state_is(N1, true, AgentState::ready), 690) == at_s(720.010));
  CHECK(s.view(N3, A3, owned_by(N3), 690) == std::nullopt);
}

TEST_CASE("R47: same_dc waits for a node of its DC; any_dc takes the lowest reachable node") {
  SECTION("same_dc (default): retries every 10 s until N1 is back") {
    Sim s(spec(false));
    s.add(wwe_login(5, A3));
    s.add(node_act(300, ActionKind::crash, N1, CrashKind::process));
    s.add(node_act(335, ActionKind::restart, N1));
    s.run(400);
    CHECK(s.c.truth(A3).owner == N1);
    CHECK(s.truth(A3, owned_by(N2), 300) == std::nullopt);
    CHECK(s.truth(A3, state_is(N1, true, AgentState::ready), 301) == at_s(340.010));
  }
  SECTION("any_dc: N2 at the first reconnect") {
    Sim s(spec(false, [](Params& p) { p.gws_failover_scope = GwsFailoverScope::any_dc; }));
    s.add(wwe_login(5, A3));
    s.add(node_act(300, ActionKind::crash, N1, CrashKind::process));
    s.run(400);
    CHECK(s.truth(A3, state_is(N2, true, AgentState::ready), 300) == at_s(310.010));
    CHECK(s.c.gws_node(0) == N2);
  }
}

TEST_CASE("R48: gws_auto_relogin true re-logs the agent in its last Ready/NotReady state") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(act(600, ActionKind::agent_not_ready, A3));
  s.add(gws_act(700, ActionKind::gws_cut, 0));
  s.run(800);
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::not_ready), 690) == at_s(720.010));
  CHECK(s.view(N3, A3, ready, 690) == std::nullopt);
}

TEST_CASE("R48: gws_auto_relogin false: manual login agent_relogin_delay_s later") {
  Sim s(spec(true, [](Params& p) { p.gws_auto_relogin = false; }));
  s.add(wwe_login(5, A3));
  s.add(gws_act(700, ActionKind::gws_cut, 0));
  s.run(800);
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::logged_out), 690) == at_s(720.010));
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::ready), 690) == at_s(750.020));
}

TEST_CASE(
    "R49: a WWE whose GWS node is down moves to another GWS node; the agent logs in "
    "again agent_relogin_delay_s after the loss") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(gws_act(800, ActionKind::gws_fail, 0));
  s.run(900);
  CHECK(s.view(N1, A3, no_owner_oos, 790) == at_s(810));
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::ready), 790) == at_s(830.010));
}

TEST_CASE("R49: wwe_reconnect_window_s 20: a broken W-GWS path unregisters at the window's end") {
  Sim s(spec(true, [](Params& p) { p.wwe_reconnect_window = seconds(20); }));
  s.add(wwe_login(5, A3));
  s.add(act(800, ActionKind::wwe_disconnect, A3));
  s.run(900);
  CHECK(s.view(N1, A3, no_owner_oos, 790) == at_s(820.010));
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::ready), 790) == at_s(850.010));
}

TEST_CASE("R49: a W-GWS path back within the window changes nothing") {
  Sim s(spec(true));
  s.add(wwe_login(5, A3));
  s.add(act(800, ActionKind::wwe_disconnect, A3));
  s.add(act(830, ActionKind::wwe_reconnect, A3));
  s.run(1000);
  for (int n : {N1, N2, N3, N4})
    CHECK(s.changes(ViewLevel::view, n, A3, 790, 1000).empty());
  CHECK(s.c.claimants(A3) == std::vector<int>{N1});
}
