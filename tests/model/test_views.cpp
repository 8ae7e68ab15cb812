// Rule tests of DOMAIN §3.3-§3.4 (R19-R29): views at non-owner nodes, propagation order and delays.
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
// 3.3 Views at non-owner nodes

TEST_CASE("R19: a node learns about another's DN only from the owner over their direct link") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(cut_between(100, {N1}, {N2}));  // N3 and N4 still reach both
  s.add(act(102, ActionKind::agent_not_ready, A1));
  s.run(300);
  CHECK(s.view(N1, A1, not_ready) == at_s(102.010));
  CHECK(s.view(N3, A1, not_ready) == at_s(102.012));
  CHECK(s.view(N4, A1, not_ready) == at_s(102.050));
  CHECK(s.view(N2, A1, not_ready) == std::nullopt);
  CHECK(s.c.view(N2, A1).agent == AgentState::ready);
  CHECK(s.c.view(N2, A1).owner == N1);
  CHECK_FALSE(s.c.view(N2, A1).in_service);
}

TEST_CASE("R20: SS_N gets every change of view_N local_stat_delay later, in order") {
  SECTION("reference 20 ms") {
    Sim s(spec(false));
    standard_start(s.c);
    s.add(act(10, ActionKind::agent_not_ready, A1));
    s.add(act(20, ActionKind::agent_ready, A1));
    s.add(act(30, ActionKind::phone_unregister, A1));
    s.run(100);
    for (int n : {N1, N2}) {
      auto v = s.changes(ViewLevel::view, n, A1, 0, 100);
      auto st = s.changes(ViewLevel::stat, n, A1, 0, 100);
      REQUIRE(v.size() == st.size());
      REQUIRE(v.size() >= 4);
      for (size_t i = 0; i < v.size(); ++i) {
        CHECK(st[i].at == v[i].at + millis(20));
        CHECK(st[i].after == v[i].after);
      }
    }
  }
  SECTION("local_stat_delay_ms 100") {
    Sim s(spec(false, [](Params& p) { p.local_stat_delay = millis(100); }));
    s.add(act(1, ActionKind::phone_on, A1));
    s.run(10);
    CHECK(s.stat(N1, A1, in_srv) == at_s(1.110));
    CHECK(s.view(N2, A1, in_srv) == at_s(1.050));
    CHECK(s.stat(N2, A1, in_srv) == at_s(1.150));
  }
}

TEST_CASE("R21: a DN whose owner's link N declared lost, or with no owner, is OOS in view_N") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(dc_cut(100, true));
  s.run(109.999);
  CHECK(s.c.view(N2, A1).in_service);
  s.run(200);
  for (int n : {N2, N4}) {
    CHECK(s.view(n, A1, state_is(N1, false, AgentState::ready), 100) == at_s(110.000));
    CHECK(s.stat(n, A1, oos, 100) == at_s(110.020));
  }
  for (int n : {N1, N3})
    CHECK(s.view(n, A2, state_is(N2, false, AgentState::ready), 100) == at_s(110.000));
  CHECK(s.changes(ViewLevel::view, N3, A1, 100, 200).empty());  // same side: unaffected
}

TEST_CASE("R22: oos_grace_after_link_loss_s 3: remote DNs go OOS 3 s after the declaration") {
  Sim s(spec(false, [](Params& p) { p.oos_grace_after_link_loss = seconds(3); }));
  standard_start(s.c);
  s.add(dc_cut(100, false));
  s.run(112.999);
  CHECK(s.c.link_end(N2, N1) == LinkEndState::declared_lost);
  CHECK(s.c.view(N2, A1).in_service);
  s.run(200);
  CHECK(s.view(N2, A1, oos, 100) == at_s(113.000));
  CHECK(s.stat(N2, A1, oos, 100) == at_s(113.020));
  CHECK(s.view(N1, A2, oos, 100) == at_s(113.000));
}

TEST_CASE("R23: no relaying through a third node: with N1-N2 lost, 1001 is OOS at N2 only") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(cut_between(100, {N1}, {N2}));
  s.run(300);
  CHECK(s.view(N2, A1, oos, 100) == at_s(110.000));
  CHECK_FALSE(s.c.view(N2, A1).in_service);
  CHECK_FALSE(s.c.stat(N2, A1).in_service);
  for (int n : {N3, N4}) {
    CHECK(s.c.view(n, A1).eligible());
    CHECK(s.changes(ViewLevel::view, n, A1, 100, 300).empty());
  }
}

TEST_CASE("R24 (TCport part; URS/default port not modelled): every Stat Server sees every DN") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(wwe_login(5, A3));
  s.run(10);
  for (int n : {N1, N2, N3, N4}) {
    for (int d : {A1, A2, A3})
      CHECK(s.c.stat(n, d).eligible());
  }
}

// ------------------------------------------------------------------------------------------
// 3.4 Propagation order and delays

TEST_CASE("R25: a change reaches view_O at t0, SS_O +20 ms, peers +d, their SS +20 ms more") {
  SECTION("reference delays on T4") {
    Sim s(spec(true));
    s.add(act(1, ActionKind::phone_on, A1));
    s.run(10);
    CHECK(s.view(N1, A1, in_srv) == at_s(1.010));
    CHECK(s.stat(N1, A1, in_srv) == at_s(1.030));
    CHECK(s.view(N3, A1, in_srv) == at_s(1.012));
    CHECK(s.stat(N3, A1, in_srv) == at_s(1.032));
    for (int n : {N2, N4}) {
      CHECK(s.view(n, A1, in_srv) == at_s(1.050));
      CHECK(s.stat(n, A1, in_srv) == at_s(1.070));
    }
  }
  SECTION("tc delays 100/7 ms, N1-N4 overridden to 300 ms") {
    ClusterSpec sp = spec(true, [](Params& p) {
      p.tc_one_way_delay = millis(100);
      p.tc_one_way_delay_same_dc = millis(7);
    });
    sp.link_delays.push_back(LinkDelaySpec{N1, N4, millis(300)});
    Sim s(sp);
    s.add(act(1, ActionKind::phone_on, A1));
    s.run(10);
    CHECK(s.view(N3, A1, in_srv) == at_s(1.017));
    CHECK(s.view(N2, A1, in_srv) == at_s(1.110));
    CHECK(s.stat(N2, A1, in_srv) == at_s(1.130));
    CHECK(s.view(N4, A1, in_srv) == at_s(1.310));
  }
}

TEST_CASE("R26: a TC link is FIFO; updates sent after a snapshot queue behind it") {
  SECTION("back-to-back updates arrive in order") {
    Sim s(spec(false));
    standard_start(s.c);
    s.add(act(50, ActionKind::agent_not_ready, A1));
    s.add(act(50.001, ActionKind::agent_ready, A1));
    s.run(60);
    auto ch = s.changes(ViewLevel::view, N2, A1, 50, 60);
    REQUIRE(ch.size() == 2);
    CHECK(ch[0].at == at_s(50.050));
    CHECK(ch[0].after.agent == AgentState::not_ready);
    CHECK(ch[1].at == at_s(50.051));
    CHECK(ch[1].after.agent == AgentState::ready);
  }
  SECTION(
      "resync_per_dn_us 10000: an update sent 2 ms after the link is up waits for the "
      "snapshot") {
    Sim s(spec(false, [](Params& p) { p.resync_per_dn = micros(10000); }));
    standard_start(s.c);
    s.add(dc_cut(100, false));
    s.add(dc_cut(202, false, true));
    // Retry 205 -> up 205.080; N1's snapshot (1 DN) lands at 205.080+0.040+0.010 = 205.130.
    s.add(act(205.072, ActionKind::agent_not_ready, A1));  // at N1 205.082, alone 205.122
    s.run(300);
    auto ch = s.changes(ViewLevel::view, N2, A1, 200, 300);
    REQUIRE(ch.size() == 2);
    CHECK(ch[0].at == at_s(205.130));
    CHECK(ch[0].after ==
          DnView{N1, true, AgentState::ready, ch[0].after.ready_since, ch[0].after.claim_time});
    CHECK(ch[1].at == at_s(205.130));
    CHECK(ch[1].after.agent == AgentState::not_ready);
  }
}

TEST_CASE("R27: agent state changes travel like service state changes") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(act(50, ActionKind::agent_not_ready, A1));
  s.run(60);
  CHECK(s.view(N1, A1, not_ready) == at_s(50.010));
  CHECK(s.stat(N1, A1, not_ready) == at_s(50.030));
  CHECK(s.view(N3, A1, not_ready) == at_s(50.012));
  CHECK(s.stat(N3, A1, not_ready) == at_s(50.032));
  CHECK(s.view(N2, A1, not_ready) == at_s(50.050));
  CHECK(s.stat(N2, A1, not_ready) == at_s(50.070));
  CHECK(s.view(N4, A1, not_ready) == at_s(50.050));
}

TEST_CASE(
    "R28: updates on a cut link are held back and delivered d after a heal that comes "
    "before any declaration") {
  SECTION("ADDP min: heal at 105, before 110") {
    Sim s(spec(false));
    standard_start(s.c);
    s.add(dc_cut(100, false));
    s.add(act(101, ActionKind::agent_not_ready, A1));
    s.add(act(102, ActionKind::agent_ready, A1));
    s.add(act(103, ActionKind::agent_not_ready, A2));
    s.add(dc_cut(105, false, true));
    s.run(200);
    auto ch = s.changes(ViewLevel::view, N2, A1, 100, 200);
    REQUIRE(ch.size() == 2);
    CHECK(ch[0].at == at_s(105.040));
    CHECK(ch[0].after.agent == AgentState::not_ready);
    CHECK(ch[1].at == at_s(105.040));
    CHECK(ch[1].after.agent == AgentState::ready);
    CHECK(ch[1].after.in_service);
    CHECK(s.view(N1, A2, not_ready, 100) == at_s(105.040));
    CHECK(s.stat(N1, A2, not_ready, 100) == at_s(105.060));
    // Nothing declared, nothing OOS.
    CHECK(s.link(N1, N2, LinkEndState::declared_lost) == std::nullopt);
    CHECK(s.link(N2, N1, LinkEndState::declared_lost) == std::nullopt);
    CHECK(s.view(N2, A1, oos, 100) == std::nullopt);
    CHECK(s.c.link_end(N1, N2) == LinkEndState::up);
    CHECK(s.c.link_end(N2, N1) == LinkEndState::up);
  }
  SECTION("ADDP max (20 s): heal at 115") {
    Sim s(spec(false, [](Params& p) { p.addp_detection_model = AddpDetection::max; }));
    standard_start(s.c);
    s.add(dc_cut(100, false));
    s.add(act(101, ActionKind::agent_not_ready, A1));
    s.add(dc_cut(115, false, true));
    s.run(200);
    CHECK(s.view(N2, A1, not_ready, 100) == at_s(115.040));
    CHECK(s.link(N2, N1, LinkEndState::declared_lost) == std::nullopt);
  }
}

TEST_CASE(
    "R28: once the link is declared lost, held and later updates are lost; only the "
    "resync repairs the view") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(dc_cut(100, false));
  s.add(act(102, ActionKind::agent_not_ready, A1));
  s.add(act(150, ActionKind::agent_ready, A1));
  s.add(dc_cut(202, false, true));
  s.run(300);
  CHECK(s.view(N2, A1, not_ready, 100) == std::nullopt);
  auto ch = s.changes(ViewLevel::view, N2, A1, 100, 300);
  REQUIRE(ch.size() == 2);
  CHECK(ch[0].at == at_s(110));
  CHECK(ch[1].at == at_s(205.120));
  CHECK(ch[1].after.in_service);
  CHECK(ch[1].after.agent == AgentState::ready);
}

TEST_CASE("R29: a remote view is never ahead of the owner") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(wwe_login(5, A3));
  s.add(act(20, ActionKind::agent_not_ready, A1));
  s.add(act(30, ActionKind::agent_ready, A1));
  s.add(dc_cut(100, true));
  s.add(act(120, ActionKind::agent_not_ready, A2));
  s.add(dc_cut(150, true, true));
  s.add(move(300, A2, DC1));
  s.add(act(350, ActionKind::wwe_logout, A3));
  s.run(500);
  int checked = 0;
  for (const auto& ch : s.r.views) {
    if (ch.level != ViewLevel::view) continue;
    int o = ch.after.owner;
    if (o < 0 || o == ch.node) continue;
    bool found = false;
    for (const auto& oc : s.r.views) {
      if (oc.level == ViewLevel::view && oc.node == o && oc.dn == ch.dn &&
          oc.at + s.c.one_way_delay(o, ch.node) <= ch.at && oc.after.owner == o &&
          oc.after.in_service == ch.after.in_service && oc.after.agent == ch.after.agent) {
        found = true;
      }
    }
    // An OOS caused locally by R21 is the receiver's own judgement, not the owner's state.
    if (!ch.after.in_service && ch.before.in_service && ch.before.owner == o &&
        ch.before.agent == ch.after.agent) {
      found = true;
    }
    CHECK(found);
    ++checked;
  }
  CHECK(checked > 10);
}
