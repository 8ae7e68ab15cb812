// Rule tests of DOMAIN §3.6 (R39-R45): node crash and restart.
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
// 3.6 Node crash and restart

TEST_CASE(
    "R38 (DN part; calls not modelled): a crash ends ownership at once; its view and "
    "Stat Server are cleared") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(wwe_login(5, A3));
  s.add(node_act(302, ActionKind::crash, N1));
  s.run(302);
  CHECK_FALSE(s.c.node_alive(N1));
  for (int d : {A1, A3}) {
    CHECK(s.c.truth(d).owner == -1);
    CHECK_FALSE(s.c.truth(d).in_service);
    CHECK(s.c.claimants(d).empty());
    CHECK(s.truth(d, oos, 300) == at_s(302));
  }
  for (int d : {A1, A2, A3}) {
    CHECK(s.c.view(N1, d) == DnView{});
    CHECK(s.c.stat(N1, d) == DnView{});
  }
  // The peers do not know yet (R39).
  CHECK(s.c.view(N2, A1).in_service);
  CHECK(s.c.stat(N3, A1).eligible());
}

TEST_CASE("R39: host crash: peers mark the DNs OOS at ADDP; GWS fails over after declaring") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(wwe_login(5, A3));
  s.add(node_act(302, ActionKind::crash, N1));
  s.run(400);
  for (int n : {N2, N3, N4}) {
    CHECK(s.view(n, A1, oos, 300) == at_s(312));
    CHECK(s.view(n, A3, oos, 300) == at_s(312));
    CHECK(s.stat(n, A1, oos, 300) == at_s(312.020));
  }
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::ready), 300) == at_s(322.010));
  CHECK(s.c.gws_node(0) == N3);
}

TEST_CASE("R39: crash_kind process: peers declare the node lost at once") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(wwe_login(5, A3));
  s.add(node_act(302, ActionKind::crash, N1, CrashKind::process));
  s.run(400);
  for (int n : {N2, N3, N4}) {
    CHECK(s.link(n, N1, LinkEndState::declared_lost, 300) == at_s(302));
    CHECK(s.view(n, A1, oos, 300) == at_s(302));
    CHECK(s.stat(n, A1, oos, 300) == at_s(302.020));
  }
  // G1 declares at once too, reconnects 10 s later to N3.
  CHECK(s.view(N3, A3, state_is(N3, true, AgentState::ready), 300) == at_s(312.010));
}

TEST_CASE("R40 (HA pairs not modelled): model_ha_pairs accepts only false") {
  Params p;
  CHECK(set_param(p, "model_ha_pairs", "false").empty());
  CHECK_FALSE(set_param(p, "model_ha_pairs", "true").empty());
  CHECK_FALSE(p.model_ha_pairs);
  CHECK(get_param(p, "model_ha_pairs") == "false");
}

TEST_CASE(
    "R41: a crash on a probe multiple is seen by that probe; a REGISTER then goes "
    "elsewhere") {
  Sim s(spec(true));
  s.add(act(5, ActionKind::phone_on, A1));  // REGISTERs at 5, 65, ..., 305
  s.add(node_act(305, ActionKind::crash, N1));
  s.run(400);
  CHECK(s.truth(A1, owned_by(N3), 300) == at_s(305.010));
}

TEST_CASE(
    "R41: the proxy takes a restarted node back at the next multiple of "
    "sip_proxy_oos_force_s") {
  Sim s(spec(false, [](Params& p) { p.register_retry_interval = seconds(2); }));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(node_act(302, ActionKind::crash, N1));
  s.add(node_act(401, ActionKind::restart, N1));
  s.run(500);
  // REGISTER 361 rejected (no live node believed in DC1), retries every 2 s: 401 and 403 still
  // rejected (N1 not yet taken back), 405 accepted.
  CHECK(s.truth(A1, owned_by(N1), 303) == at_s(405.010));
}

TEST_CASE(
    "R42: a REGISTER sent to a dead node before the proxy noticed fails; the phone "
    "retries 30 s after sending and refreshes from the retry") {
  Sim s(spec(true));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(node_act(302, ActionKind::crash, N1));
  s.add(act(303, ActionKind::phone_off, A1));
  s.add(act(303, ActionKind::phone_on, A1));   // REGISTER 303 -> sticky N1, proxy notices at 305
  s.add(act(394, ActionKind::phone_off, A1));  // after the refresh at 333 + 60 = 393
  s.run(600);
  CHECK(s.truth(A1, owned_by(N3), 300) == at_s(333.010));
  CHECK(s.truth(A1, owned_by(-1), 334) == at_s(513.010));
}

TEST_CASE("R42: with no live node in its DC the proxy rejects REGISTERs; the phone retries") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(node_act(302, ActionKind::crash, N1));
  s.add(node_act(380, ActionKind::restart, N1));  // taken back at 380
  s.run(500);
  // 361 rejected -> 391 accepted.
  CHECK(s.truth(A1, owned_by(N1), 303) == at_s(391.010));
}

TEST_CASE("R42: proxy_replays_registrations true: the proxy replays the dead node's bindings") {
  Sim s(spec(true, [](Params& p) { p.proxy_replays_registrations = true; }));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(node_act(302, ActionKind::crash, N1));
  s.run(400);
  CHECK(s.truth(A1, owned_by(N3), 300) == at_s(305.010));
}

TEST_CASE("R43: a restarted node owns nothing, reconnects at once, takes snapshots") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(node_act(302, ActionKind::crash, N1));
  s.add(node_act(401, ActionKind::restart, N1));
  s.run(421.009);
  CHECK(s.link(N1, N2, LinkEndState::resyncing, 400) == at_s(401.080));
  CHECK(s.view(N1, A2, state_is(N2, true, AgentState::ready), 400) == at_s(401.120));
  CHECK(s.view(N2, A1, no_owner_oos, 400) == at_s(401.120));  // N1's snapshot is empty
  CHECK(s.c.claimants(A1).empty());
  s.run(500);
  // REGISTERs 361 and 391 rejected (no live node), 421 accepted (N1 taken back at 405).
  CHECK(s.truth(A1, owned_by(N1), 400) == at_s(421.010));
}

// DOMAIN R43: "a reconnect attempt at the restart instant: up one round trip later (R33); a
// peer that has not declared the node lost declares it when that attempt reaches it (R31)".
TEST_CASE(
    "R43: a restart before the peers declared the node lost: they declare when its "
    "attempt reaches them; up one round trip after the restart") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(node_act(302, ActionKind::crash, N1));
  s.add(node_act(305, ActionKind::restart, N1));
  s.run(400);
  CHECK(s.link(N2, N1, LinkEndState::declared_lost, 300) == at_s(305.040));
  CHECK(s.view(N2, A1, oos, 300) == at_s(305.040));
  CHECK(s.link(N1, N2, LinkEndState::resyncing, 300) == at_s(305.080));
  CHECK(s.view(N2, A1, no_owner_oos, 300) == at_s(305.120));
  CHECK(s.view(N1, A2, state_is(N2, true, AgentState::ready), 300) == at_s(305.120));
}

TEST_CASE("R43: failback_on_restart false keeps the phone on its new node; true brings it back") {
  SECTION("false (default)") {
    Sim s(spec(true));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(node_act(302, ActionKind::crash, N1));
    s.add(node_act(401, ActionKind::restart, N1));
    s.run(500);
    CHECK(s.truth(A1, owned_by(N3), 300) == at_s(361.010));
    CHECK(s.c.claimants(A1) == std::vector<int>{N3});
  }
  SECTION("true: taken back at 405, the REGISTER at 421 goes to N1") {
    Sim s(spec(true, [](Params& p) { p.failback_on_restart = true; }));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(node_act(302, ActionKind::crash, N1));
    s.add(node_act(401, ActionKind::restart, N1));
    s.run(500);
    CHECK(s.truth(A1, owned_by(N3), 300) == at_s(361.010));
    CHECK(s.truth(A1, owned_by(N1), 362) == at_s(421.010));
  }
}
