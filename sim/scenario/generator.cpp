#include "scenario/generator.hpp"

#include <algorithm>
#include <cmath>

#include "core/random.hpp"
#include "model/params.hpp"

namespace scsim::scenario {
namespace {

using model::Action;
using model::ActionKind;

// Fault kinds a seed may enable (swarm testing): each is on with probability 1/2.
enum Feature {
  f_cut,            // symmetric cut of one pair
  f_one_way,        // one-way cut of one pair
  f_partial,        // cut of a random set of pairs (non-transitive partitions)
  f_dc_cut,         // cut between two DCs (or one DC and the rest)
  f_heal,           // random heals during the fault phase
  f_host_crash,     // host crash
  f_process_crash,  // process crash
  f_restart,        // restarts during the fault phase
  f_gws_fail,       // GWS node down and back
  f_gws_cut,        // GWS-node connection cut and healed
  f_wwe,            // WWE disconnects, reconnects, logouts, logins
  f_move,           // phone moves to another DC
  f_phone_off,      // phone off (long enough: REGISTER expiry) and on again
  f_unregister,     // REGISTER with Expires 0
  f_churn,          // agent Ready / NotReady / logout / login
  f_tregister,      // TRegisterAddress from a monitoring client (R6)
  f_calls,          // Poisson calls with patience
  kFeatures
};

const char* const kFeatureNames[kFeatures] = {
    "cut",           "one_way_cut", "partial_cut", "dc_cut",    "heal", "host_crash",
    "process_crash", "restart",     "gws_fail",    "gws_cut",   "wwe",  "phone_move",
    "phone_off",     "unregister",  "churn",       "tregister", "calls"};

Time ms_time(double s) {
  return millis(static_cast<int64_t>(std::llround(s * 1000.0)));
}

int pick(Rng& r, int n) {
  return static_cast<int>(r.below(static_cast<uint64_t>(n)));
}

}  // namespace

Generated generate_scenario(uint64_t seed, const GeneratorOptions& opt) {
  Generated out;
  Scenario& sc = out.scenario;
  sc.name = "swarm-" + std::to_string(seed);
  sc.description = "scsim swarm: generated from seed " + std::to_string(seed);
  sc.seed = seed;
  model::ClusterSpec& c = sc.cluster;

  // ---- topology: 1-3 DCs, 2-6 nodes, every DC with at least one node.
  Rng topo(seed, "swarm-topology");
  const int ndc = 1 + pick(topo, 3);
  const int nnodes = std::max(ndc, 2 + pick(topo, 5));
  for (int d = 0; d < ndc; ++d)
    c.dcs.push_back(model::DcSpec{"DC" + std::to_string(d + 1)});
  for (int n = 0; n < nnodes; ++n) {
    int dc = n < ndc ? n : pick(topo, ndc);
    c.nodes.push_back(model::NodeSpec{"N" + std::to_string(n + 1), dc});
  }
  std::vector<std::vector<int>> dc_nodes(static_cast<size_t>(ndc));
  for (int n = 0; n < nnodes; ++n)
    dc_nodes[static_cast<size_t>(c.nodes[static_cast<size_t>(n)].dc)].push_back(n);
  // Per-pair TC delays (topology link_delays), for about half the pairs.
  for (int a = 0; a < nnodes; ++a) {
    for (int b = a + 1; b < nnodes; ++b) {
      if (topo.below(2) == 0) continue;
      bool same = c.nodes[static_cast<size_t>(a)].dc == c.nodes[static_cast<size_t>(b)].dc;
      int ms = same ? pick(topo, 21) : 1 + pick(topo, 200);
      c.link_delays.push_back(model::LinkDelaySpec{a, b, millis(ms)});
    }
  }
  // 1-3 GWS nodes, each in a DC, on a node of it (or the default: its lowest-numbered node).
  const int ngws = 1 + pick(topo, 3);
  for (int g = 0; g < ngws; ++g) {
    int dc = pick(topo, ndc);
    const auto& dn = dc_nodes[static_cast<size_t>(dc)];
    int node = topo.below(2) ? dn[static_cast<size_t>(pick(topo, int(dn.size())))] : -1;
    c.gws.push_back(model::GwsSpec{"G" + std::to_string(g + 1), dc, "GWS", node});
  }
  // ---- population: 3-10 agents, SIP or PSTN on WWE (through a GWS node of their DC).
  const int nagents = 3 + pick(topo, 10);
  const int ngroups = 1 + pick(topo, 2);
  for (int i = 0; i < nagents; ++i) {
    model::AgentSpec a;
    a.name = "A" + std::to_string(i + 1);
    a.dn = std::to_string(1001 + i);
    a.dc = pick(topo, ndc);
    std::vector<int> gws_here;
    for (int g = 0; g < ngws; ++g) {
      if (c.gws[static_cast<size_t>(g)].dc == a.dc) gws_here.push_back(g);
    }
    bool pstn = !gws_here.empty() && topo.below(2) == 0;
    a.kind = pstn ? model::DnKind::pstn : model::DnKind::sip;
    if (pstn) a.gws = gws_here[static_cast<size_t>(pick(topo, int(gws_here.size())))];
    uint64_t mask = ngroups == 1 ? 1 : 1 + topo.below(3);
    for (int g = 0; g < ngroups; ++g) {
      if (mask & (uint64_t(1) << g)) a.groups.push_back("g" + std::to_string(g + 1));
    }
    c.agents.push_back(a);
  }
  // ---- parameters: defaults, with short registrations (expiry happens) and fixed laws for
  // what must settle in the quiet period.
  model::Params& p = c.params;
  p.register_expires = seconds(60 + pick(topo, 121));
  const model::AddpDetection addp[] = {model::AddpDetection::uniform, model::AddpDetection::min,
                                       model::AddpDetection::max};
  p.addp_detection_model = addp[pick(topo, 3)];
  p.agent_relogin_delay = seconds(5 + pick(topo, 26));
  p.agent_relogin_delay_law = model::DurationLaw::fixed;
  p.handle_time_mean = seconds(10 + pick(topo, 51));
  p.handle_time_law = model::DurationLaw::fixed;
  p.acw_time_mean = seconds(pick(topo, 6));
  p.acw_time_law = model::DurationLaw::fixed;
  p.patience_mean = seconds(20 + pick(topo, 101));

  if (opt.model_choices) {
    Rng mc(seed, "swarm-params");
    auto flip = [&] { return mc.below(2) == 1; };
    if (flip()) p.handover_mode = model::HandoverMode::release_then_claim;
    if (flip()) {
      p.split_brain_policy = mc.below(2) ? model::SplitBrainPolicy::earliest_registration
                                         : model::SplitBrainPolicy::lowest_node_id;
    }
    if (flip()) p.partition_scope = model::PartitionScope::tc_layer;
    if (flip()) p.register_node_selection = model::RegisterNodeSelection::round_robin_each;
    if (flip()) p.failback_on_restart = true;
    if (flip()) p.gws_failover_scope = model::GwsFailoverScope::any_dc;
    if (flip()) p.gws_auto_relogin = false;
    if (flip()) p.transfer_agent_state_on_move = true;
    if (flip()) p.logout_on_oos = true;
    if (flip()) p.release_ownership_on_unregister = false;
    if (flip()) p.dn_oos_check = seconds(5 + pick(mc, 26));
    if (flip()) p.oos_grace_after_link_loss = seconds(pick(mc, 6));
    if (flip()) p.stuck_busy_until_resync = false;
    if (flip()) p.agent_reservation_enabled = false;
    if (flip()) p.ringing_oos_policy = model::RingingOosPolicy::continue_;
    if (flip()) p.avoid_failed_target = false;
    if (flip()) {
      p.target_selection =
          mc.below(2) ? model::TargetSelection::prefer_local : model::TargetSelection::random;
    }
    if (flip()) p.call_node_selection = model::CallNodeSelection::random;
    if (flip()) p.cross_partition_call_drop_prob = 0.5;
    if (flip()) p.proxy_replays_registrations = true;
  }

  // ---- which fault kinds this seed uses.
  Rng feat(seed, "swarm-features");
  bool on[kFeatures];
  for (int f = 0; f < kFeatures; ++f) {
    on[f] = feat.below(2) == 1;
  }
  std::vector<int> sip, wwe;
  for (int i = 0; i < nagents; ++i) {
    (c.agents[static_cast<size_t>(i)].gws >= 0 ? wwe : sip).push_back(i);
  }
  if (sip.empty()) on[f_move] = on[f_phone_off] = on[f_unregister] = false;
  if (wwe.empty()) on[f_wwe] = false;
  if (ndc < 2) on[f_dc_cut] = false;
  std::vector<int> enabled;
  for (int f = 0; f < kFeatures; ++f) {
    if (on[f]) out.features.push_back(kFeatureNames[f]);
    if (on[f] && f != f_calls) enabled.push_back(f);
  }

  std::vector<Action> tl;
  auto add = [&](Time at, ActionKind k) -> Action& {
    Action a;
    a.at = at;
    a.kind = k;
    tl.push_back(a);
    return tl.back();
  };
  auto all_nodes = [&] {
    std::vector<int> v(static_cast<size_t>(nnodes));
    for (int n = 0; n < nnodes; ++n)
      v[static_cast<size_t>(n)] = n;
    return v;
  };
  auto heal_all = [&](Time at) {
    for (int n = 0; n + 1 < nnodes; ++n) {
      Action& h = add(at, ActionKind::heal);
      h.nodes_a = {n};
      for (int m = n + 1; m < nnodes; ++m)
        h.nodes_b.push_back(m);
    }
  };

  // ---- start: phones on and desk logins (SIP), WWE logins (PSTN).
  for (int a : sip)
    add(seconds(1), ActionKind::phone_on).agent = a;
  for (int a : sip)
    add(seconds(5), ActionKind::agent_login).agent = a;
  for (int a : wwe)
    add(seconds(5), ActionKind::wwe_login).agent = a;

  // ---- faults.
  Rng r(seed, "swarm-timeline");
  const double fault_end = opt.fault_end.to_seconds();
  const double gap = 2 + r.uniform(0, 8);
  double t = 10;
  while (!enabled.empty()) {
    t += 0.5 + draw_exponential(r, gap);
    if (t > fault_end) break;
    const Time at = ms_time(t);
    const int f = enabled[static_cast<size_t>(pick(r, int(enabled.size())))];
    const int n = pick(r, nnodes);
    auto other = [&](int x) { return (x + 1 + pick(r, nnodes - 1)) % nnodes; };
    auto later = [&](double lo, double span) {
      return ms_time(std::min(t + lo + r.uniform(0, span), fault_end));
    };
    switch (f) {
      case f_cut:
      case f_one_way: {
        Action& x = add(at, ActionKind::cut);
        x.nodes_a = {n};
        x.nodes_b = {other(n)};
        x.one_way = f == f_one_way;
        if (r.below(2)) {  // healed later (else by a random heal or the heal phase)
          Action h = x;
          h.kind = ActionKind::heal;
          h.at = later(1, 40);
          tl.push_back(h);
        }
        break;
      }
      case f_partial: {
        std::vector<int> nodes = all_nodes();
        std::vector<int> a, b;
        for (int m : nodes)
          (r.below(2) ? a : b).push_back(m);
        if (a.empty() || b.empty()) break;
        Action& x = add(at, ActionKind::cut);
        x.nodes_a = a;
        x.nodes_b = b;
        x.one_way = r.below(4) == 0;
        break;
      }
      case f_dc_cut: {
        int d1 = pick(r, ndc);
        int d2 = (d1 + 1 + pick(r, ndc - 1)) % ndc;
        Action& x = add(at, ActionKind::cut);
        x.nodes_a = dc_nodes[static_cast<size_t>(d1)];
        x.nodes_b = dc_nodes[static_cast<size_t>(d2)];
        if (r.below(2)) {
          Action h = x;
          h.kind = ActionKind::heal;
          h.at = later(5, 120);
          tl.push_back(h);
        }
        break;
      }
      case f_heal:
        if (r.below(3) == 0) {
          heal_all(at);
        } else {
          Action& x = add(at, ActionKind::heal);
          x.nodes_a = {n};
          x.nodes_b = {other(n)};
        }
        break;
      case f_host_crash:
      case f_process_crash: {
        Action& x = add(at, ActionKind::crash);
        x.node = n;
        x.crash = f == f_host_crash ? model::CrashKind::host : model::CrashKind::process;
        if (r.below(3) != 0) add(later(1, 60), ActionKind::restart).node = n;
        break;
      }
      case f_restart:
        add(at, ActionKind::restart).node = n;
        break;
      case f_gws_fail: {
        int g = pick(r, ngws);
        add(at, ActionKind::gws_fail).gws = g;
        if (r.below(3) != 0) add(later(1, 60), ActionKind::gws_restart).gws = g;
        break;
      }
      case f_gws_cut: {
        int g = pick(r, ngws);
        add(at, ActionKind::gws_cut).gws = g;
        if (r.below(3) != 0) add(later(1, 40), ActionKind::gws_heal).gws = g;
        break;
      }
      case f_wwe: {
        int a = wwe[static_cast<size_t>(pick(r, int(wwe.size())))];
        switch (r.below(4)) {
          case 0:
            add(at, ActionKind::wwe_disconnect).agent = a;
            add(later(1, 90), ActionKind::wwe_reconnect).agent = a;
            break;
          case 1:
            add(at, ActionKind::wwe_disconnect).agent = a;
            break;
          case 2:
            add(at, ActionKind::wwe_logout).agent = a;
            if (r.below(2)) add(later(1, 30), ActionKind::wwe_login).agent = a;
            break;
          default: {
            Action& x = add(at, ActionKind::wwe_login);
            x.agent = a;
            x.ready = r.below(2) == 1;
            break;
          }
        }
        break;
      }
      case f_move: {
        Action& x = add(at, ActionKind::phone_move);
        x.agent = sip[static_cast<size_t>(pick(r, int(sip.size())))];
        x.dc = pick(r, ndc);
        break;
      }
      case f_phone_off: {
        int a = sip[static_cast<size_t>(pick(r, int(sip.size())))];
        add(at, ActionKind::phone_off).agent = a;
        // Often off for longer than the registration lasts: expiry (R12).
        double off = r.below(2) ? p.register_expires.to_seconds() * 1.2 : r.uniform(1, 30);
        if (t + off < fault_end) add(ms_time(t + off), ActionKind::phone_on).agent = a;
        break;
      }
      case f_unregister: {
        int a = sip[static_cast<size_t>(pick(r, int(sip.size())))];
        add(at, ActionKind::phone_unregister).agent = a;
        if (r.below(2)) add(later(1, 60), ActionKind::phone_on).agent = a;
        break;
      }
      case f_churn: {
        int a = pick(r, nagents);
        const ActionKind ks[] = {ActionKind::agent_ready, ActionKind::agent_not_ready,
                                 ActionKind::agent_logout, ActionKind::agent_login};
        Action& x = add(at, ks[pick(r, 4)]);
        x.agent = a;
        x.ready = r.below(4) != 0;
        break;
      }
      case f_tregister: {
        Action& x = add(at, ActionKind::tregister);
        x.agent = pick(r, nagents);
        x.node = n;
        x.client = "Monitor";
        break;
      }
      default:
        break;
    }
  }

  // ---- calls: Poisson arrivals through a DC's proxy (or straight onto a node), patience and
  // handle time from the parameters, until the heal phase.
  if (on[f_calls]) {
    Rng cr(seed, "swarm-calls");
    std::vector<std::string> groups;  // the groups some agent is in
    for (const auto& a : c.agents)
      groups.insert(groups.end(), a.groups.begin(), a.groups.end());
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const double rate = 0.02 + cr.uniform(0, 0.4);
    double ct = 5;
    while (true) {
      ct += draw_exponential(cr, 1.0 / rate);
      if (ct > fault_end) break;
      Action& x = add(ms_time(ct), ActionKind::call);
      if (cr.below(5) == 0) {
        x.node = pick(cr, nnodes);
      } else {
        x.dc = pick(cr, ndc);
      }
      x.group = groups[static_cast<size_t>(pick(cr, int(groups.size())))];
    }
  }

  // ---- heal phase and quiet period.
  const Time h = ms_time(fault_end + 1);
  out.heal_at = h;
  heal_all(h);
  for (int n = 0; n < nnodes; ++n)
    add(h, ActionKind::restart).node = n;
  for (int g = 0; g < ngws; ++g) {
    add(h, ActionKind::gws_heal).gws = g;
    add(h, ActionKind::gws_restart).gws = g;
  }
  for (int a : sip)
    add(h + seconds(1), ActionKind::phone_on).agent = a;
  for (int a : wwe)
    add(h + seconds(1), ActionKind::wwe_reconnect).agent = a;
  for (int a : wwe)
    add(h + seconds(150), ActionKind::wwe_login).agent = a;
  sc.duration = opt.fault_end + opt.quiet;

  std::stable_sort(tl.begin(), tl.end(),
                   [](const Action& x, const Action& y) { return x.at < y.at; });
  sc.timeline = std::move(tl);
  return out;
}

}  // namespace scsim::scenario
