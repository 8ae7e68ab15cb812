// DOMAIN §5's reference scenarios, ownership and view parts, asserted to the microsecond.
#include "reference_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

TEST_CASE("SC1 (R1, R3, R11, R20, R25): a SIP registration reaches N1, SS1, N2, SS2 in order") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  c.schedule(act(1, ActionKind::phone_on, A1));
  c.run_until(at_s(0.5));
  // R1: before any registration every DN has no owner and is OOS everywhere.
  for (int d = 0; d < 3; ++d) {
    CHECK(c.truth(d).owner == -1);
    CHECK_FALSE(c.truth(d).in_service);
    for (int n : {N1, N2}) {
      CHECK_FALSE(c.view(n, d).in_service);
      CHECK_FALSE(c.stat(n, d).in_service);
    }
  }
  c.run_until(at_s(100));
  CHECK(r.when(ViewLevel::truth, -1, A1, owned_by(N1)) == at_s(1.010));
  CHECK(r.when(ViewLevel::view, N1, A1, in_srv) == at_s(1.010));
  CHECK(r.when(ViewLevel::stat, N1, A1, in_srv) == at_s(1.030));
  CHECK(r.when(ViewLevel::view, N2, A1, in_srv) == at_s(1.050));
  CHECK(r.when(ViewLevel::view, N2, A1, owned_by(N1)) == at_s(1.050));
  CHECK(r.when(ViewLevel::stat, N2, A1, in_srv) == at_s(1.070));
  // R14: the REGISTER at 61 changes nothing that anyone sees.
  CHECK(r.changes(ViewLevel::view, N1, A1, at_s(2), at_s(100)).empty());
  CHECK(r.changes(ViewLevel::view, N2, A1, at_s(2), at_s(100)).empty());
}

TEST_CASE("SC1 (R13, R14): the refresh at 61 moves the expiry to 181.010") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  c.schedule(act(1, ActionKind::phone_on, A1));
  c.schedule(act(100, ActionKind::phone_off, A1));  // no REGISTER after 61
  c.run_until(at_s(300));
  CHECK(r.when(ViewLevel::view, N1, A1, oos, at_s(2)) == at_s(181.010));
}

TEST_CASE(
    "SC2 (R5, R6, R7, R45, R46): a PSTN DN is owned only while its WWE session is logged in") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  Action mon = act(50, ActionKind::tregister, A3);
  mon.node = N1;
  mon.client = "Monitor";
  c.schedule(mon);
  c.schedule(act(100, ActionKind::wwe_login, A3));
  c.schedule(act(200, ActionKind::wwe_logout, A3));
  c.run_until(at_s(99));
  // R6/R7: no WWE session, a monitoring client's registration: still no owner, OOS.
  CHECK(c.truth(A3).owner == -1);
  CHECK_FALSE(c.view(N1, A3).in_service);
  CHECK(r.changes(ViewLevel::view, N1, A3, Time::zero(), at_s(99)).empty());
  c.run_until(at_s(300));
  CHECK(r.when(ViewLevel::view, N1, A3, state_is(N1, true, AgentState::ready)) == at_s(100.010));
  CHECK(r.when(ViewLevel::stat, N1, A3, eligible) == at_s(100.030));
  CHECK(r.when(ViewLevel::view, N2, A3, state_is(N1, true, AgentState::ready)) == at_s(100.050));
  CHECK(r.when(ViewLevel::stat, N2, A3, eligible) == at_s(100.070));
  auto gone = state_is(-1, false, AgentState::logged_out);
  CHECK(r.when(ViewLevel::view, N1, A3, gone, at_s(101)) == at_s(200.010));
  CHECK(r.when(ViewLevel::stat, N1, A3, gone, at_s(101)) == at_s(200.030));
  CHECK(r.when(ViewLevel::stat, N2, A3, gone, at_s(101)) == at_s(200.070));
}

namespace {
// SC3's agent actions and SC4/SC5 (T2), without the calls (those belong to routing).
void sc4_timeline(Cluster& c) {
  standard_start(c);
  c.schedule(act(8, ActionKind::agent_not_ready, A2));
  c.schedule(act(20, ActionKind::agent_ready, A2));
  c.schedule(act(90, ActionKind::agent_not_ready, A1));
  c.schedule(cut_between(100, {N1}, {N2}));
  c.schedule(act(102, ActionKind::agent_not_ready, A2));
  c.schedule(act(115, ActionKind::agent_ready, A1));
  c.schedule(act(125, ActionKind::agent_ready, A2));
  c.schedule(act(150, ActionKind::agent_logout, A2));
  c.schedule(cut_between(202, {N1}, {N2}, true));
}
}  // namespace

TEST_CASE("SC4 (R21, R28, R31, R32): a partition is invisible until ADDP declares it at 110") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  sc4_timeline(c);
  c.run_until(at_s(109.999));
  // R28/R31: no view changes at the cut; A2's NotReady at 102 reaches SS2 only.
  CHECK(r.when(ViewLevel::stat, N2, A2, agent_is(AgentState::not_ready), at_s(100)) ==
        at_s(102.030));
  CHECK(c.stat(N1, A2).agent == AgentState::ready);
  CHECK(c.stat(N1, A2).in_service);
  CHECK(c.stat(N2, A1).in_service);
  c.run_until(at_s(200));
  CHECK(r.when(ViewLevel::view, N1, A2, oos, at_s(100)) == at_s(110.000));
  CHECK(r.when(ViewLevel::view, N2, A1, oos, at_s(100)) == at_s(110.000));
  CHECK(r.when(ViewLevel::stat, N1, A2, oos, at_s(100)) == at_s(110.020));
  CHECK(r.when(ViewLevel::stat, N2, A1, oos, at_s(100)) == at_s(110.020));
  CHECK(c.link_end(N1, N2) == LinkEndState::declared_lost);
  CHECK(c.link_end(N2, N1) == LinkEndState::declared_lost);
  // R32: local changes still reach the local Stat Server; the lost update never arrives.
  CHECK(r.when(ViewLevel::stat, N1, A1, eligible, at_s(100)) == at_s(115.030));
  CHECK(r.changes(ViewLevel::view, N1, A2, at_s(110.001), at_s(200)).empty());
}

TEST_CASE(
    "SC5 (R33, R34): after the heal, the link is up at 205.080 and snapshots land at 205.120") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  sc4_timeline(c);
  c.run_until(at_s(300));
  CHECK(r.when(ViewLevel::view, N1, A2, in_srv, at_s(200)) == at_s(205.120));
  CHECK(c.view(N1, A2).agent == AgentState::logged_out);  // changed during the partition
  CHECK(r.when(ViewLevel::view, N1, A2, state_is(N2, true, AgentState::logged_out), at_s(200)) ==
        at_s(205.120));
  CHECK(r.when(ViewLevel::view, N2, A1, state_is(N1, true, AgentState::ready), at_s(200)) ==
        at_s(205.120));
  CHECK(r.when(ViewLevel::stat, N1, A2, in_srv, at_s(200)) == at_s(205.140));
  CHECK(r.when(ViewLevel::stat, N2, A1, eligible, at_s(200)) == at_s(205.140));
  bool up_at_205_080 = false;
  for (const auto& l : r.links) {
    if (l.at == at_s(205.080) && l.after == LinkEndState::resyncing) up_at_205_080 = true;
  }
  CHECK(up_at_205_080);
  CHECK(c.link_end(N1, N2) == LinkEndState::up);
  CHECK(c.link_end(N2, N1) == LinkEndState::up);
}

TEST_CASE("SC6 (R38, R39, R41, R42, R43, R47, R48): node crash, recovery elsewhere, restart") {
  Cluster c(reference_spec(true), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(act(5, ActionKind::wwe_login, A3));
  Action crash = act(302, ActionKind::crash);
  crash.node = N1;
  c.schedule(crash);
  Action restart = act(501, ActionKind::restart);
  restart.node = N1;
  c.schedule(restart);
  c.run_until(at_s(301));
  REQUIRE(c.truth(A1).owner == N1);
  REQUIRE(c.truth(A3).owner == N1);
  REQUIRE(c.stat(N2, A3).eligible());
  c.run_until(at_s(600));
  // R38: OOS in the truth at once.
  CHECK(r.when(ViewLevel::truth, -1, A1, oos, at_s(300)) == at_s(302));
  CHECK(r.when(ViewLevel::truth, -1, A3, oos, at_s(300)) == at_s(302));
  // R39: peers mark them OOS when they declare N1 lost (ADDP 10 s).
  for (int n : {N2, N3, N4}) {
    CHECK(r.when(ViewLevel::view, n, A1, oos, at_s(300)) == at_s(312));
    CHECK(r.when(ViewLevel::stat, n, A1, oos, at_s(300)) == at_s(312.020));
  }
  // R47/R48: G1 reconnects to N3 at 322 and re-registers 3001, Ready.
  CHECK(r.when(ViewLevel::view, N3, A3, state_is(N3, true, AgentState::ready), at_s(300)) ==
        at_s(322.010));
  CHECK(r.when(ViewLevel::stat, N3, A3, eligible, at_s(300)) == at_s(322.030));
  CHECK(r.when(ViewLevel::view, N2, A3, eligible, at_s(300)) == at_s(322.050));
  CHECK(r.when(ViewLevel::view, N4, A3, eligible, at_s(300)) == at_s(322.050));
  CHECK(r.when(ViewLevel::stat, N2, A3, eligible, at_s(300)) == at_s(322.070));
  CHECK(r.when(ViewLevel::stat, N4, A3, eligible, at_s(300)) == at_s(322.070));
  // R42/R18: P1's next REGISTER (361) goes to N3: owner, InSrv, agent LoggedOut.
  CHECK(r.when(ViewLevel::view, N3, A1, state_is(N3, true, AgentState::logged_out), at_s(300)) ==
        at_s(361.010));
  CHECK(r.when(ViewLevel::stat, N2, A1, in_srv, at_s(300)) == at_s(361.070));
  // R18: re-login after 30 s: Ready at N3 391.020, in SS2 391.080.
  CHECK(r.when(ViewLevel::view, N3, A1, eligible, at_s(300)) == at_s(391.020));
  CHECK(r.when(ViewLevel::stat, N2, A1, eligible, at_s(300)) == at_s(391.080));
  // R43: N1 restarts owning nothing; link to N3 up 501.004, to N2/N4 501.080; N3's snapshot
  // reaches N1 at 501.006, SS1 501.026.
  CHECK(c.claimants(A1) == std::vector<int>{N3});
  CHECK(r.when(ViewLevel::view, N1, A1, state_is(N3, true, AgentState::ready), at_s(500)) ==
        at_s(501.006));
  CHECK(r.when(ViewLevel::view, N1, A3, owned_by(N3), at_s(500)) == at_s(501.006));
  CHECK(r.when(ViewLevel::stat, N1, A1, eligible, at_s(500)) == at_s(501.026));
  auto up_at = [&](int a, int b) -> std::optional<Time> {
    for (const auto& l : r.links) {
      if (l.at >= at_s(500) && l.node == a && l.peer == b && l.after == LinkEndState::resyncing) {
        return l.at;
      }
    }
    return std::nullopt;
  };
  CHECK(up_at(N1, N3) == at_s(501.004));
  CHECK(up_at(N1, N2) == at_s(501.080));
  CHECK(up_at(N4, N1) == at_s(501.080));
}

TEST_CASE(
    "SC6 (R41): the proxy stops using a crashed node from its next probe and takes it back at the "
    "next force multiple") {
  Cluster c(reference_spec(true), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  Action crash = act(302, ActionKind::crash);
  crash.node = N1;
  c.schedule(crash);
  // R42: P1 switched off and on at 303: its sticky node N1 is dead, but the proxy only
  // notices at the 305 probe, so the REGISTER fails at once; the retry 30 s after sending
  // (333) goes to N3.
  c.schedule(act(303, ActionKind::phone_off, A1));
  c.schedule(act(303, ActionKind::phone_on, A1));
  c.run_until(at_s(340));
  CHECK(r.when(ViewLevel::view, N3, A1, owned_by(N3), at_s(300)) == at_s(333.010));
}

TEST_CASE("SC7 (R8, R18): a phone moving while connected hands its DN over with no OOS gap") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  Action mv = act(400, ActionKind::phone_move, A2);
  mv.dc = DC1;
  c.schedule(mv);
  c.run_until(at_s(500));
  CHECK(r.when(ViewLevel::view, N1, A2, state_is(N1, true, AgentState::logged_out), at_s(399)) ==
        at_s(400.010));
  CHECK(r.when(ViewLevel::stat, N1, A2, owned_by(N1), at_s(399)) == at_s(400.030));
  CHECK(r.when(ViewLevel::view, N2, A2, state_is(N1, true, AgentState::logged_out), at_s(399)) ==
        at_s(400.050));
  CHECK(r.when(ViewLevel::stat, N2, A2, owned_by(N1), at_s(399)) == at_s(400.070));
  CHECK(c.claimants(A2) == std::vector<int>{N1});
  // seamless: no view or Stat Server shows 2001 OOS.
  for (int n : {N1, N2}) {
    CHECK_FALSE(r.when(ViewLevel::view, n, A2, oos, at_s(399)).has_value());
    CHECK_FALSE(r.when(ViewLevel::stat, n, A2, oos, at_s(399)).has_value());
  }
  CHECK(r.when(ViewLevel::view, N1, A2, eligible, at_s(399)) == at_s(430.020));
}

TEST_CASE("SC7 variant (R18): with transfer_agent_state_on_move the agent stays Ready at N1") {
  ClusterSpec s = reference_spec(false);
  s.params.transfer_agent_state_on_move = true;
  Cluster c(s, 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  Action mv = act(400, ActionKind::phone_move, A2);
  mv.dc = DC1;
  c.schedule(mv);
  c.run_until(at_s(500));
  CHECK(r.when(ViewLevel::view, N1, A2, state_is(N1, true, AgentState::ready), at_s(399)) ==
        at_s(400.010));
  CHECK_FALSE(r.when(ViewLevel::view, N1, A2, agent_is(AgentState::logged_out), at_s(399)));
}

TEST_CASE(
    "SC8 (R66, R67): a split brain during a partition is resolved at the heal by the latest "
    "registration") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(cut_between(100, {N1}, {N2}));
  Action mv = act(130, ActionKind::phone_move, A1);
  mv.dc = DC2;
  c.schedule(mv);
  c.schedule(cut_between(202, {N1}, {N2}, true));
  c.run_until(at_s(140));
  // R66: two claims; the truth owner is the latest registration (N2).
  CHECK(c.claimants(A1) == std::vector<int>{N1, N2});
  CHECK(c.truth_owner(A1) == N2);
  c.run_until(at_s(300));
  CHECK(r.when(ViewLevel::view, N2, A1, state_is(N2, true, AgentState::logged_out), at_s(120)) ==
        at_s(130.010));
  CHECK(r.when(ViewLevel::view, N2, A1, eligible, at_s(120)) == at_s(160.020));
  CHECK(r.when(ViewLevel::stat, N2, A1, eligible, at_s(120)) == at_s(160.040));
  // R67: at the snapshot (205.120) N1 drops its claim and adopts N2's state.
  CHECK(r.when(ViewLevel::view, N1, A1, owned_by(N2), at_s(120)) == at_s(205.120));
  CHECK(r.when(ViewLevel::stat, N1, A1, owned_by(N2), at_s(120)) == at_s(205.140));
  CHECK(c.stat(N1, A1).eligible());
  CHECK(c.claimants(A1) == std::vector<int>{N2});
  REQUIRE(r.conflicts.size() == 1);
  CHECK(r.conflicts[0].winner == N2);
  CHECK(r.conflicts[0].loser == N1);
  CHECK(r.conflicts[0].since == at_s(130.010));
  CHECK(r.conflicts[0].at == at_s(205.120));
}

TEST_CASE("SC8 variant (R68): a claim that lapsed before the heal causes no conflict") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(cut_between(100, {N1}, {N2}));
  Action mv = act(130, ActionKind::phone_move, A1);
  mv.dc = DC2;
  c.schedule(mv);
  c.schedule(cut_between(250, {N1}, {N2}, true));
  c.run_until(at_s(400));
  CHECK(r.when(ViewLevel::view, N1, A1, oos, at_s(200)) == at_s(241.010));
  CHECK(r.conflicts.empty());
  CHECK(c.claimants(A1) == std::vector<int>{N2});
  CHECK(c.view(N1, A1).owner == N2);
}

namespace {
Cluster& sc9_run(Cluster& c, Recorder& r) {
  c.add_observer(&r);
  standard_start(c);
  c.schedule(act(500, ActionKind::phone_off, A1));
  c.schedule(act(700, ActionKind::phone_on, A1));
  c.run_until(at_s(800));
  return c;
}
}  // namespace

TEST_CASE(
    "SC9 (R9, R12, R13, R17, R18): an expired registration releases the DN; the owner keeps the "
    "agent") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  sc9_run(c, r);
  auto released_ready = state_is(-1, false, AgentState::ready);
  CHECK(r.when(ViewLevel::view, N1, A1, released_ready, at_s(490)) == at_s(601.010));
  CHECK(r.when(ViewLevel::stat, N1, A1, released_ready, at_s(490)) == at_s(601.030));
  CHECK(r.when(ViewLevel::view, N2, A1, released_ready, at_s(490)) == at_s(601.050));
  CHECK(r.when(ViewLevel::stat, N2, A1, released_ready, at_s(490)) == at_s(601.070));
  CHECK(r.when(ViewLevel::view, N1, A1, eligible, at_s(602)) == at_s(700.010));
  CHECK(r.when(ViewLevel::stat, N1, A1, eligible, at_s(602)) == at_s(700.030));
  CHECK(r.when(ViewLevel::stat, N2, A1, eligible, at_s(602)) == at_s(700.070));
}

TEST_CASE("SC9 variants (R12, R15, R17): Expires 0, owner probing, logout on OOS") {
  SECTION("REGISTER with Expires 0 at 500: OOS at 500.010") {
    Cluster c(reference_spec(false), 1);
    Recorder r;
    c.add_observer(&r);
    standard_start(c);
    c.schedule(act(500, ActionKind::phone_unregister, A1));
    c.run_until(at_s(600));
    CHECK(r.when(ViewLevel::view, N1, A1, oos, at_s(490)) == at_s(500.010));
    CHECK(c.truth(A1).owner == -1);
  }
  SECTION("dn_oos_check_s 30: OOS at the 510 probe, owner kept") {
    ClusterSpec s = reference_spec(false);
    s.params.dn_oos_check = seconds(30);
    Cluster c(s, 1);
    Recorder r;
    sc9_run(c, r);
    CHECK(r.when(ViewLevel::view, N1, A1, state_is(N1, false, AgentState::ready), at_s(490)) ==
          at_s(510));
  }
  SECTION("logout_on_oos: LoggedOut at 601.010 and not eligible after the next REGISTER") {
    ClusterSpec s = reference_spec(false);
    s.params.logout_on_oos = true;
    Cluster c(s, 1);
    Recorder r;
    sc9_run(c, r);
    CHECK(r.when(ViewLevel::view, N1, A1, agent_is(AgentState::logged_out), at_s(490)) ==
          at_s(601.010));
    CHECK_FALSE(c.view(N1, A1).eligible());
    CHECK(c.view(N1, A1).in_service);
  }
}

TEST_CASE("SC10 (R12, R31, R47, R48): GWS loses its node; the DN moves to N3") {
  Cluster c(reference_spec(true), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(act(5, ActionKind::wwe_login, A3));
  Action cut = act(700, ActionKind::gws_cut);
  cut.gws = 0;
  c.schedule(cut);
  c.run_until(at_s(709.999));
  CHECK(c.stat(N2, A3).eligible());
  c.run_until(at_s(800));
  auto released = [](const DnView& v) { return v.owner == -1 && !v.in_service; };
  CHECK(r.when(ViewLevel::view, N1, A3, released, at_s(690)) == at_s(710.000));
  CHECK(c.truth(A3).agent == AgentState::ready);
  CHECK(r.when(ViewLevel::stat, N1, A3, oos, at_s(690)) == at_s(710.020));
  CHECK(r.when(ViewLevel::view, N3, A3, oos, at_s(690)) == at_s(710.002));
  CHECK(r.when(ViewLevel::stat, N3, A3, oos, at_s(690)) == at_s(710.022));
  CHECK(r.when(ViewLevel::view, N2, A3, oos, at_s(690)) == at_s(710.040));
  CHECK(r.when(ViewLevel::stat, N4, A3, oos, at_s(690)) == at_s(710.060));
  CHECK(r.when(ViewLevel::view, N3, A3, state_is(N3, true, AgentState::ready), at_s(690)) ==
        at_s(720.010));
  CHECK(r.when(ViewLevel::stat, N3, A3, eligible, at_s(690)) == at_s(720.030));
  CHECK(r.when(ViewLevel::view, N1, A3, owned_by(N3), at_s(690)) == at_s(720.012));
  CHECK(r.when(ViewLevel::stat, N1, A3, eligible, at_s(690)) == at_s(720.032));
  CHECK(r.when(ViewLevel::view, N2, A3, eligible, at_s(690)) == at_s(720.050));
  CHECK(r.when(ViewLevel::stat, N4, A3, eligible, at_s(690)) == at_s(720.070));
}

TEST_CASE("SC11 (R49): WWE loses its GWS node; the agent logs in again through G2") {
  Cluster c(reference_spec(true), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(act(5, ActionKind::wwe_login, A3));
  Action fail = act(800, ActionKind::gws_fail);
  fail.gws = 0;
  c.schedule(fail);
  c.run_until(at_s(900));
  CHECK(r.when(ViewLevel::view, N1, A3, oos, at_s(790)) == at_s(810.000));
  CHECK(r.when(ViewLevel::view, N3, A3, state_is(N3, true, AgentState::ready), at_s(790)) ==
        at_s(830.010));
}

TEST_CASE("SC11 variant (R49): with G1 up but W3-G1 broken, G1 unregisters at the window's end") {
  Cluster c(reference_spec(true), 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  c.schedule(act(5, ActionKind::wwe_login, A3));
  c.schedule(act(800, ActionKind::wwe_disconnect, A3));
  c.run_until(at_s(950));
  CHECK_FALSE(r.when(ViewLevel::view, N1, A3, oos, at_s(790)) < at_s(860));
  CHECK(r.when(ViewLevel::view, N1, A3, oos, at_s(790)) == at_s(860.010));
  CHECK(r.when(ViewLevel::view, N3, A3, state_is(N3, true, AgentState::ready), at_s(790)) ==
        at_s(890.010));
}

TEST_CASE(
    "SC7 variant (R8 release_then_claim): the new node claims only when the old owner's release "
    "reaches it") {
  ClusterSpec s = reference_spec(false);
  s.params.handover_mode = HandoverMode::release_then_claim;
  Cluster c(s, 1);
  Recorder r;
  c.add_observer(&r);
  standard_start(c);
  Action mv = act(400, ActionKind::phone_move, A2);
  mv.dc = DC1;
  c.schedule(mv);
  c.run_until(at_s(500));
  // 400.010 N1 accepts the REGISTER and asks N2; 400.050 N2 sets 2001 OOS and releases it;
  // 400.090 the release reaches N1, which becomes owner, InSrv; 400.130 N2 learns it.
  CHECK(r.when(ViewLevel::view, N2, A2, state_is(-1, false, AgentState::ready), at_s(399)) ==
        at_s(400.050));
  CHECK(r.when(ViewLevel::view, N1, A2, state_is(N1, true, AgentState::logged_out), at_s(399)) ==
        at_s(400.090));
  CHECK(r.when(ViewLevel::view, N2, A2, owned_by(N1), at_s(399)) == at_s(400.130));
  CHECK(c.claimants(A2) == std::vector<int>{N1});
}
