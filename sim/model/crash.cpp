// Node crashes and restarts (DOMAIN §3.6, R38-R43): a crash ends the node's claims, clears its
// view and Stat Server and breaks its links; a restart owns nothing and retries its links.
#include <algorithm>
#include <cassert>

#include "model/cluster_impl.hpp"

namespace scsim::model {

void Cluster::Impl::act_crash(int n, CrashKind kind) {
  if (!nodes[n].alive) return;
  Time now = sched.now();
  calls_on_crash(n);
  // R38: the node's DNs lose their owner at once; its view and Stat Server are cleared.
  std::vector<int> owned;
  for (int dd = 0; dd < D; ++dd) {
    if (claim(n, dd).active) owned.push_back(dd);
  }
  for (int dd : owned) {
    with_truth(dd, OwnershipCause::release, [&] {
      Claim& c = claim(n, dd);
      set_claim_active(n, dd, false);
      ++c.gen;
      crashed_owner[dd] = 1;
    });
  }
  set_node_alive(n, false);
  ++nodes[n].epoch;
  nodes[n].ss_q.clear();
  nodes[n].deferred.clear();
  for (int dd = 0; dd < D; ++dd) {
    set_view_silent_clear(n, dd);
    if (truth_last_owner[dd] == n) truth_last_owner[dd] = -1;
  }
  for (int p = 0; p < N; ++p) {
    if (p == n) continue;
    LinkEnd& mine = end(n, p);
    ++mine.gen;
    update_pair(n, p);
    if (kind == CrashKind::process && nodes[p].alive) {
      // R39: a process crash is seen at once.
      sched.schedule_at(now, kTimer,
                        Event{uint32_t(Ev::addp_declare), uint32_t(p * N + n), end(p, n).gen});
    }
  }
  for (int g = 0; g < G; ++g) {
    if (gws[g].node != n || !gws[g].alive) continue;
    Gws& gw = gws[g];
    ++gw.cut_gen;
    gw.lost_conn = gw.conn;
    // The GWS end declares its node lost: at once after a process crash (R39), else by ADDP
    // (the draw is made either way, so the stream does not depend on the crash kind).
    Time at = addp_detect_at(now, "addp-gws", uint64_t(g) * 2);
    if (kind == CrashKind::process) at = now;
    sched.schedule_at(
        at, kTimer,
        Event{uint32_t(Ev::gws_declare), uint32_t(g), gws_declare_arg(0, 0, gw.cut_gen)});
  }
  sched.schedule_at(ceil_multiple(now, P.sip_proxy_oos_check), kTimer,
                    Event{uint32_t(Ev::proxy_detect), uint32_t(n), nodes[n].epoch});
}

void Cluster::Impl::act_restart(int n) {
  if (nodes[n].alive) return;
  Time now = sched.now();
  set_node_alive(n, true);
  ++nodes[n].epoch;
  // R43: owns nothing, retries its links to reachable peers at once.
  for (int p = 0; p < N; ++p) {
    if (p == n) continue;
    LinkEnd& e = end(n, p);
    set_link_end(n, p, LinkEndState::declared_lost);
    e.declared_at = now;
    ++e.gen;
    update_pair(n, p);
    tc_retry_now(n, p);
    // ... and keeps retrying every tc_reconnect_interval from the restart (R33).
    schedule_retry(n, p, now + P.tc_reconnect_interval);
  }
  sched.schedule_at(ceil_multiple(now, P.sip_proxy_oos_force), kTimer,
                    Event{uint32_t(Ev::proxy_take_back), uint32_t(n), nodes[n].epoch});
}

}  // namespace scsim::model
