// Rule tests of DOMAIN §3.1-§3.2 (R1-R18): ownership, and DN and agent state at the owner.
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
// 3.1 Ownership

TEST_CASE("R1: before any registration every DN has no owner and is OOS in the truth and views") {
  Sim s(spec(true));
  standard_start(s.c);
  s.add(wwe_login(2, A3));
  s.run(1.009);
  for (int d : {A1, A2, A3}) {
    CHECK(s.c.truth(d).owner == -1);
    CHECK_FALSE(s.c.truth(d).in_service);
    CHECK(s.c.claimants(d).empty());
    for (int n : {N1, N2, N3, N4}) {
      CHECK(s.c.view(n, d).owner == -1);
      CHECK_FALSE(s.c.view(n, d).in_service);
      CHECK(s.c.stat(n, d).owner == -1);
      CHECK_FALSE(s.c.stat(n, d).in_service);
    }
  }
  CHECK(s.r.views.empty());
  CHECK(s.r.owners.empty());
  s.run(1.010);
  CHECK(s.c.truth(A1).in_service);
}

TEST_CASE("R2: a TRegisterAddress, even from a GWS client, cannot create ownership of a sip DN") {
  Sim s(spec(false));
  s.add(treg(50, A1, N1, "GWS"));
  s.run(100);
  CHECK(s.c.claimants(A1).empty());
  CHECK(s.c.truth(A1).owner == -1);
  CHECK(s.changes(ViewLevel::view, N1, A1, 0, 100).empty());
}

// DOMAIN R2/R5: a pstn DN's ownership is created only by a GWS TRegisterAddress; the model's
// REGISTER path (phone_send_register / arrive_request) does not look at the DN's kind.
TEST_CASE("R2: a REGISTER cannot create ownership of a pstn DN", "") {
  Sim s(spec(false));
  s.add(act(50, ActionKind::phone_on, A3));
  s.run(100);
  CHECK(s.c.claimants(A3).empty());
  CHECK(s.c.truth(A3).owner == -1);
}

TEST_CASE("R3: a sip DN is owned by the node that accepted its phone's REGISTER") {
  Sim s(spec(true));
  standard_start(s.c);
  s.run(1.009);
  CHECK(s.c.truth_owner(A1) == -1);
  s.run(10);
  CHECK(s.truth(A1, owned_by(N1)) == at_s(1.010));
  CHECK(s.truth(A2, owned_by(N2)) == at_s(1.010));
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  CHECK(s.c.claimants(A2) == std::vector<int>{N2});
}

TEST_CASE("R4: sticky (default) picks round robin first, then keeps the node") {
  Sim s(with_a4(spec(true)));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(act(2, ActionKind::phone_on, A4));
  s.run(300);
  // Round robin from the lowest: A1 -> N1, A4 -> N3; the refreshes (61, 62, 121, ...) stay.
  CHECK(s.truth(A1, owned_by(N1)) == at_s(1.010));
  CHECK(s.truth(A4, owned_by(N3)) == at_s(2.010));
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  CHECK(s.c.claimants(A4) == std::vector<int>{N3});
  for (const auto& o : s.r.owners)
    CHECK(o.at < at_s(3));
}

TEST_CASE("R4: round_robin_each picks round robin for every REGISTER") {
  Sim s(spec(true, [](Params& p) {
    p.register_node_selection = RegisterNodeSelection::round_robin_each;
  }));
  s.add(act(1, ActionKind::phone_on, A1));
  s.run(200);
  CHECK(s.truth(A1, owned_by(N1)) == at_s(1.010));
  CHECK(s.truth(A1, owned_by(N3), 2) == at_s(61.010));
  CHECK(s.truth(A1, owned_by(N1), 62) == at_s(121.010));
  CHECK(s.truth(A1, owned_by(N3), 122) == at_s(181.010));
}

TEST_CASE("R5: a pstn DN is owned by the node that accepted a GWS client's TRegisterAddress") {
  SECTION("default gws_client_names [GWS]") {
    Sim s(spec(false));
    s.add(treg(50, A3, N1, "GWS"));
    s.run(100);
    CHECK(s.view(N1, A3, state_is(N1, true, AgentState::logged_out)) == at_s(50.010));
    CHECK(s.c.claimants(A3) == std::vector<int>{N1});
    CHECK(s.view(N2, A3, owned_by(N1)) == at_s(50.050));
  }
  SECTION("gws_client_names [GWS2]: only GWS2 owns") {
    Sim s(spec(false,
               [](Params& p) { REQUIRE(set_param(p, "gws_client_names", "[GWS2]").empty()); }));
    s.add(treg(50, A3, N1, "GWS"));
    s.add(treg(60, A3, N2, "GWS2"));
    s.run(100);
    CHECK(s.truth(A3, owned_by(N1)) == std::nullopt);
    CHECK(s.truth(A3, owned_by(N2)) == at_s(60.010));
  }
}

TEST_CASE("R6: a TRegisterAddress from another client, or for a sip DN, never sets ownership") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(treg(50, A3, N1, "Monitor"));
  s.add(treg(50, A1, N2, "GWS"));  // sip DN owned by N1
  s.run(100);
  CHECK(s.c.claimants(A3).empty());
  CHECK(s.changes(ViewLevel::view, N1, A3, 0, 100).empty());
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  CHECK(s.changes(ViewLevel::view, N1, A1, 2, 100).empty());
  CHECK(s.changes(ViewLevel::view, N2, A1, 2, 100).empty());
}

TEST_CASE("R7: GWS registers a DN only while its WWE session is logged in or in its window") {
  Sim s(spec(false));
  s.add(wwe_login(100, A3));
  s.add(act(200, ActionKind::wwe_disconnect, A3));
  s.run(99.999);
  CHECK(s.c.claimants(A3).empty());  // G1 connected to N1 but no session: nothing registered
  s.run(259.999);
  CHECK(s.truth(A3, owned_by(N1)) == at_s(100.010));
  CHECK(s.c.truth(A3).in_service);  // within the 60 s window
  s.run(400);
  CHECK(s.view(N1, A3, no_owner_oos, 101) == at_s(260.010));
  CHECK(s.c.claimants(A3).empty());  // no other GWS node in DC1: nothing registers it again
}

TEST_CASE(
    "R8: seamless handover; a peer that still believes the old owner shows OOS until the "
    "new owner's announcement") {
  // T4 with N2-N3 slowed to 200 ms, so that N1's drop (N1->N3, 2 ms) overtakes N2's claim.
  ClusterSpec sp = spec(true);
  sp.link_delays.push_back(LinkDelaySpec{N2, N3, millis(200)});
  Sim s(sp);
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(login(5, A1));
  s.add(move(400, A1, DC2));  // DC2 proxy, round robin first: N2
  s.run(600);
  CHECK(s.view(N2, A1, state_is(N2, true, AgentState::logged_out), 399) == at_s(400.010));
  CHECK(s.truth(A1, owned_by(N2), 399) == at_s(400.010));
  // The old owner drops its claim on receipt (400.050) and adopts the new owner's state.
  CHECK(s.view(N1, A1, state_is(N2, true, AgentState::logged_out), 399) == at_s(400.050));
  CHECK(s.view(N4, A1, owned_by(N2), 399) == at_s(400.012));
  // N3 receives N1's drop at 400.052: no owner, OOS; N2's claim arrives at 400.210.
  CHECK(s.view(N3, A1, no_owner_oos, 399) == at_s(400.052));
  CHECK(s.view(N3, A1, state_is(N2, true, AgentState::logged_out), 399) == at_s(400.210));
  // No OOS gap elsewhere (seamless); N4 ignores N1's drop (it believes N2).
  for (int n : {N1, N2, N4})
    CHECK(s.view(n, A1, oos, 399) == std::nullopt);
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
  CHECK(s.r.conflicts.empty());  // a connected handover is no split brain (R67)
}

TEST_CASE("R8: peers ignore the old owner's updates that arrive after the new claim (R25)") {
  Sim s(spec(true));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(login(5, A1));
  // NotReady takes effect at N1 at 400.000 (N1 still owner), reaching N2/N4 at 400.040, after
  // N2's newer claim (400.010; N4 400.012).
  s.add(act(399.990, ActionKind::agent_not_ready, A1));
  s.add(move(400, A1, DC2));
  s.run(420);
  CHECK(s.view(N1, A1, not_ready, 399) == at_s(400.000));
  CHECK(s.view(N3, A1, not_ready, 399) == at_s(400.002));
  CHECK(s.view(N2, A1, not_ready, 399) == std::nullopt);
  CHECK(s.view(N4, A1, not_ready, 399) == std::nullopt);
  CHECK(s.c.view(N4, A1).owner == N2);
  CHECK(s.c.view(N2, A1).owner == N2);
  CHECK(s.c.view(N3, A1).owner == N2);
  CHECK(s.c.claimants(A1) == std::vector<int>{N2});
}

// DOMAIN R8 release_then_claim: "the new node asks the old owner, which sets the DN OOS and
// announces it on receipt; the new node becomes owner and sets it InSrv when that announcement
// reaches it": N2 OOS at 400.050, N1 owner/InSrv at 400.090, N2 sees it at 400.130.
TEST_CASE(
    "R8: release_then_claim: the old owner sets OOS on the request, the new node InSrv "
    "when the release reaches it") {
  Sim s(spec(false, [](Params& p) { p.handover_mode = HandoverMode::release_then_claim; }));
  s.add(act(1, ActionKind::phone_on, A2));
  s.add(login(5, A2));
  s.add(move(400, A2, DC1));  // -> N1 accepts at 400.010, asks N2 (arrives 400.050)
  s.run(420);
  CHECK(s.view(N1, A2, in_srv, 399) == at_s(400.090));  // no InSrv (nor owner) at N1 before
  CHECK(s.view(N2, A2, oos, 399) == at_s(400.050));
  CHECK(s.view(N1, A2, both(owned_by(N1), in_srv), 399) == at_s(400.090));
  CHECK(s.view(N2, A2, both(owned_by(N1), in_srv), 399) == at_s(400.130));
  CHECK(s.c.claimants(A2) == std::vector<int>{N1});
}

TEST_CASE("R8: equal registration times: the lower-numbered node wins") {
  Sim s(spec(true));
  s.add(treg(50, A3, N3, "GWS"));
  s.add(treg(50, A3, N1, "GWS"));
  s.run(50.011);
  CHECK(s.c.claimants(A3) == (std::vector<int>{N1, N3}));
  CHECK(s.c.truth_owner(A3) == N1);
  s.run(60);
  CHECK(s.view(N3, A3, state_is(N1, true, AgentState::logged_out)) == at_s(50.012));
  CHECK(s.c.claimants(A3) == std::vector<int>{N1});
  for (int n : {N1, N2, N3, N4}) {
    CHECK(s.c.view(n, A3).owner == N1);
    CHECK(s.c.stat(n, A3).owner == N1);
  }
}

TEST_CASE("R9: an ended registration releases the DN; the last owner keeps the agent state") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(login(5, A1));
  s.add(act(50, ActionKind::phone_unregister, A1));
  s.add(act(60, ActionKind::agent_not_ready, A1));  // no live owner: rejected (R16)
  s.run(100);
  CHECK(s.view(N1, A1, state_is(-1, false, AgentState::ready), 49) == at_s(50.010));
  CHECK(s.view(N2, A1, state_is(-1, false, AgentState::ready), 49) == at_s(50.050));
  CHECK(s.c.claimants(A1).empty());
  CHECK(s.c.truth(A1).owner == -1);
  CHECK(s.c.truth(A1).agent == AgentState::ready);
  CHECK(s.view(N1, A1, not_ready) == std::nullopt);
}

TEST_CASE("R9: release_ownership_on_unregister=false keeps the claim, OOS") {
  Sim s(spec(false, [](Params& p) { p.release_ownership_on_unregister = false; }));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(login(5, A1));
  s.add(act(50, ActionKind::phone_unregister, A1));
  s.add(act(60, ActionKind::agent_not_ready, A1));
  s.run(100);
  CHECK(s.view(N1, A1, state_is(N1, false, AgentState::ready), 49) == at_s(50.010));
  CHECK(s.view(N2, A1, state_is(N1, false, AgentState::ready), 49) == at_s(50.050));
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  CHECK(s.view(N1, A1, state_is(N1, false, AgentState::not_ready), 49) == at_s(60.010));
}

TEST_CASE("R10: linked nodes both claim a DN for no longer than one TC delay") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(move(400, A2, DC1));
  s.run(400.009);
  CHECK(s.c.claimants(A2) == std::vector<int>{N2});
  s.run(400.010);
  CHECK(s.c.claimants(A2) == (std::vector<int>{N1, N2}));
  s.run(400.049999);
  CHECK(s.c.claimants(A2) == (std::vector<int>{N1, N2}));
  s.run(400.050);
  CHECK(s.c.claimants(A2) == std::vector<int>{N1});
}

// ------------------------------------------------------------------------------------------
// 3.2 DN and agent state at the owner

TEST_CASE("R11: the owner sets the DN InSrv when it accepts the registration") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(treg(20, A3, N2, "GWS"));
  s.run(1.009);
  CHECK_FALSE(s.c.view(N1, A1).in_service);
  s.run(30);
  CHECK(s.view(N1, A1, both(owned_by(N1), in_srv)) == at_s(1.010));
  CHECK(s.truth(A1, in_srv) == at_s(1.010));
  CHECK(s.view(N2, A3, both(owned_by(N2), in_srv)) == at_s(20.010));
}

TEST_CASE("R12: the owner sets the DN OOS when the registration ends") {
  SECTION("expiry") {
    Sim s(spec(false));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(act(100, ActionKind::phone_off, A1));  // last REGISTER 61
    s.run(300);
    CHECK(s.view(N1, A1, no_owner_oos, 2) == at_s(181.010));
    CHECK(s.truth(A1, oos, 2) == at_s(181.010));
  }
  SECTION("REGISTER with Expires 0") {
    Sim s(spec(false));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(act(50, ActionKind::phone_unregister, A1));
    s.run(100);
    CHECK(s.view(N1, A1, no_owner_oos, 2) == at_s(50.010));
  }
  SECTION("GWS unregistering it") {
    Sim s(spec(false));
    s.add(wwe_login(100, A3));
    s.add(act(200, ActionKind::wwe_logout, A3));
    s.run(300);
    CHECK(s.view(N1, A3, no_owner_oos, 101) == at_s(200.010));
  }
  SECTION("the GWS connection declared lost") {
    Sim s(spec(false));
    s.add(wwe_login(100, A3));
    s.add(gws_act(700, ActionKind::gws_cut, 0));
    s.run(715);
    CHECK(s.view(N1, A3, no_owner_oos, 101) == at_s(710.000));
    CHECK(s.view(N2, A3, no_owner_oos, 101) == at_s(710.040));
  }
  SECTION("an expiry at a node that no longer owns the DN does nothing") {
    Sim s(spec(false));
    standard_start(s.c);
    s.add(move(400, A2, DC1));  // N2's registration from 361.010 would expire at 481.010
    s.run(600);
    CHECK(s.changes(ViewLevel::view, N1, A2, 470, 600).empty());
    CHECK(s.changes(ViewLevel::view, N2, A2, 470, 600).empty());
    CHECK(s.c.truth_owner(A2) == N1);
    CHECK(s.c.view(N1, A2).in_service);
  }
}

TEST_CASE("R13: REGISTER at switch-on then every ratio x expires; acceptance +10 ms; expiry") {
  SECTION("reference: expires 120, ratio 0.5 -> REGISTERs at 1, 61, 121") {
    Sim s(spec(false));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(act(60.5, ActionKind::phone_off, A1));
    s.run(300);
    CHECK(s.view(N1, A1, in_srv) == at_s(1.010));
    CHECK(s.view(N1, A1, oos, 2) == at_s(121.010));
  }
  SECTION("the REGISTER at 61 moves the expiry") {
    Sim s(spec(false));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(act(62, ActionKind::phone_off, A1));
    s.run(300);
    CHECK(s.view(N1, A1, oos, 2) == at_s(181.010));
  }
  SECTION("ratio 0.9, expires 100 s, request delay 100 ms -> REGISTERs at 1, 91, 181") {
    Sim s(spec(false, [](Params& p) {
      p.register_refresh_ratio = 0.9;
      p.register_expires = seconds(100);
      p.client_request_delay = millis(100);
    }));
    s.add(act(1, ActionKind::phone_on, A1));
    s.add(act(95, ActionKind::phone_off, A1));
    s.run(300);
    CHECK(s.view(N1, A1, in_srv) == at_s(1.100));
    CHECK(s.view(N1, A1, oos, 2) == at_s(191.100));
  }
}

TEST_CASE("R14: a REGISTER accepted by the current owner changes nothing visible, sends nothing") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A1));
  s.add(login(5, A1));
  s.run(200);
  // REGISTERs at 61 and 121 (accepted 61.010, 121.010).
  for (int n : {N1, N2}) {
    CHECK(s.changes(ViewLevel::view, n, A1, 6, 200).empty());
    CHECK(s.changes(ViewLevel::stat, n, A1, 6, 200).empty());
  }
  CHECK(s.changes(ViewLevel::truth, -1, A1, 6, 200).empty());
  for (const auto& o : s.r.owners)
    CHECK(o.at < at_s(2));
}

TEST_CASE(
    "R15: dn_oos_check_s 30: OOS at the next probe, owner kept; InSrv at the first "
    "successful probe") {
  Sim s(spec(false, [](Params& p) { p.dn_oos_check = seconds(30); }));
  standard_start(s.c);
  s.add(act(500, ActionKind::phone_off, A1));
  s.add(act(520, ActionKind::phone_on, A1));
  s.run(515);
  CHECK(s.view(N1, A1, state_is(N1, false, AgentState::ready), 490) == at_s(510));
  CHECK(s.view(N2, A1, state_is(N1, false, AgentState::ready), 490) == at_s(510.040));
  CHECK(s.c.claimants(A1) == std::vector<int>{N1});
  s.run(600);
  // The REGISTER at 520 (accepted 520.010) does not end the probe's OOS; the 540 probe does.
  CHECK(s.view(N1, A1, in_srv, 511) == at_s(540));
  CHECK(s.view(N2, A1, in_srv, 511) == at_s(540.040));
}

TEST_CASE("R15: a probe's OOS keeps the registration; expiry still releases the DN") {
  Sim s(spec(false, [](Params& p) { p.dn_oos_check = seconds(30); }));
  standard_start(s.c);
  s.add(act(500, ActionKind::phone_off, A1));  // last REGISTER 481 -> expiry 601.010
  s.run(700);
  CHECK(s.view(N1, A1, oos, 490) == at_s(510));
  CHECK(s.view(N1, A1, owned_by(-1), 490) == at_s(601.010));
}

TEST_CASE("R15: default dn_oos_check_s 0: a switched-off phone's DN stays InSrv until expiry") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(act(500, ActionKind::phone_off, A1));
  s.run(700);
  CHECK(s.view(N1, A1, oos, 490) == at_s(601.010));
}

TEST_CASE(
    "R16 (busy hold needs calls, not checked): requests take effect at the truth owner "
    "10 ms after sending; rejected without a live owner") {
  Sim s(spec(true));
  s.add(login(0.5, A1));  // no owner yet: rejected, not queued
  standard_start(s.c);
  s.add(move(400, A2, DC1));  // DC1 proxy: A1 took N1 first -> N3
  s.add(login(410, A2, false));
  s.run(420);
  CHECK(s.view(N1, A1, ready) == at_s(5.010));  // from the login at 5, not the one at 0.5
  CHECK(s.view(N2, A2, ready) == at_s(5.010));
  // A2's agent stays in DC2; its request is relayed to the new owner N3 at no extra delay.
  CHECK(s.view(N3, A2, state_is(N3, true, AgentState::not_ready), 399) == at_s(410.010));
}

TEST_CASE("R16: a request with no live owner (crashed) is rejected") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(node_act(302, ActionKind::crash, N1));
  s.add(act(303, ActionKind::agent_not_ready, A1));
  s.add(node_act(350, ActionKind::restart, N1));
  s.run(500);
  // 1001 comes back with the REGISTER at 361 (accepted at N1 361.010), A1 LoggedOut (R18).
  CHECK(s.view(N1, A1, not_ready, 300) == std::nullopt);
  CHECK(s.view(N1, A1, state_is(N1, true, AgentState::logged_out), 300) == at_s(361.010));
}

TEST_CASE("R17: logout_on_oos false (default) leaves the agent logged in, unroutable") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(act(50, ActionKind::phone_unregister, A1));
  s.run(100);
  CHECK(s.view(N1, A1, state_is(-1, false, AgentState::ready), 49) == at_s(50.010));
  CHECK_FALSE(s.c.stat(N2, A1).eligible());
}

// DOMAIN R17 + R9/R27: the last owner logs the agent out and announces it like an owner; the
// truth of an unowned DN holds the state the last owner retains (§2). The model's
// end_registration (release branch) sends a MsgKind::release that carries no state, and on_tc's
// release/drop case keeps the receiver's agent state: N2 keeps showing A1 Ready. with_truth only
// refreshes last_agent while the DN has an owner, so the truth keeps Ready as well.
TEST_CASE("R17: logout_on_oos true: a release logs the agent out, and peers learn it", "") {
  Sim s(spec(false, [](Params& p) { p.logout_on_oos = true; }));
  standard_start(s.c);
  s.add(act(50, ActionKind::phone_unregister, A1));
  s.run(100);
  CHECK(s.view(N1, A1, state_is(-1, false, AgentState::logged_out), 49) == at_s(50.010));
  CHECK(s.view(N2, A1, agent_is(AgentState::logged_out), 49) == at_s(50.050));
  CHECK(s.c.truth(A1).agent == AgentState::logged_out);
}

TEST_CASE("R17: logout_on_oos true logs the agent out at the owner when the DN goes OOS") {
  SECTION("probe OOS (dn_oos_check_s 30)") {
    Sim s(spec(false, [](Params& p) {
      p.logout_on_oos = true;
      p.dn_oos_check = seconds(30);
    }));
    standard_start(s.c);
    s.add(act(500, ActionKind::phone_off, A1));
    s.run(520);
    CHECK(s.view(N1, A1, state_is(N1, false, AgentState::logged_out), 490) == at_s(510));
    CHECK(s.view(N2, A1, state_is(N1, false, AgentState::logged_out), 490) == at_s(510.040));
  }
  SECTION("expiry: LoggedOut at the owner at 601.010") {
    Sim s(spec(false, [](Params& p) { p.logout_on_oos = true; }));
    standard_start(s.c);
    s.add(act(500, ActionKind::phone_off, A1));
    s.run(700);
    CHECK(s.view(N1, A1, state_is(-1, false, AgentState::logged_out), 490) == at_s(601.010));
  }
}

TEST_CASE("R18: at a new owner the agent is LoggedOut and logs in again after 30 s") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(move(400, A2, DC1));
  s.run(500);
  CHECK(s.view(N1, A2, state_is(N1, true, AgentState::logged_out), 399) == at_s(400.010));
  CHECK(s.view(N1, A2, state_is(N1, true, AgentState::ready), 399) == at_s(430.020));
}

TEST_CASE("R18: an agent that was not logged in does not log in at the new owner") {
  Sim s(spec(false));
  s.add(act(1, ActionKind::phone_on, A2));
  s.add(move(400, A2, DC1));
  s.run(500);
  CHECK(s.c.view(N1, A2).owner == N1);
  CHECK(s.c.view(N1, A2).agent == AgentState::logged_out);
  CHECK(s.changes(ViewLevel::view, N1, A2, 401, 500).empty());
}

TEST_CASE("R18: transfer_agent_state_on_move true: the new owner adopts the last state") {
  Sim s(spec(false, [](Params& p) { p.transfer_agent_state_on_move = true; }));
  standard_start(s.c);
  s.add(move(400, A2, DC1));
  s.run(500);
  CHECK(s.view(N1, A2, state_is(N1, true, AgentState::ready), 399) == at_s(400.010));
  CHECK(s.view(N1, A2, agent_is(AgentState::logged_out), 399) == std::nullopt);
}

TEST_CASE("R18: the last owner keeps the agent's state if the DN re-registers there") {
  Sim s(spec(false));
  standard_start(s.c);
  s.add(act(40, ActionKind::agent_not_ready, A1));
  s.add(act(50, ActionKind::phone_unregister, A1));
  s.add(act(60, ActionKind::phone_on, A1));
  s.run(200);
  CHECK(s.view(N1, A1, state_is(N1, true, AgentState::not_ready), 55) == at_s(60.010));
  CHECK(s.view(N1, A1, agent_is(AgentState::logged_out), 55) == std::nullopt);
  CHECK(s.view(N1, A1, ready, 55) == std::nullopt);  // no automatic re-login
}
