// What ends a call's hold on its agent (DOMAIN R16, R17, R36-R38, R65): the end of the talk
// time, ACW and Ready set by the owner, requests held while the agent was busy, agents an owner
// keeps busy until it hears from the call's node, and the calls a cut or a crash ends or puts
// out of reach. Part of Cluster::Impl; the call lifecycle up to the answer is in calls.cpp.
#include "model/cluster_impl.hpp"

namespace scsim::model {

void Cluster::Impl::talk_ends(uint32_t t) {
  // R65: the handle time is over.
  Call& c = calls[t];
  const int d = c.dn;
  const int o = c.owner;
  const int n = c.rec.node;
  Time acw = c.acw;
  busy_call[d] = -1;
  end_call(t, c.rec.outcome, RoutingFailureCause::none);
  if (o < 0 || !nodes[o].alive) return;
  // Whether o holds the agent, as o knows it: its claim, or R9's keeper.
  const bool o_holds =
      claim(o, d).active || (nodes[o].view[d].owner < 0 && nodes[o].view[d].held_last != 0);
  if (!o_holds) {
    call_end_to_believed_owner(n, o, d, acw);
    return;
  }
  if (o != n && P.stuck_busy_until_resync && (broken(n, o) || !tc_usable(n, o))) {
    // R36: the owner misses the end; the agent stays busy until it applies n's snapshot.
    stuck[{o, n}].push_back(HeldAgent{d, acw});
    return;
  }
  after_call(o, d, acw);
}

void Cluster::Impl::held_end_arrives(int o, int from) {
  // R28/R36: the cut ended before a declaration; the held call end arrives now.
  auto it = stuck.find({o, from});
  if (it == stuck.end() || !tc_usable(from, o)) return;
  std::vector<HeldAgent> held = std::move(it->second);
  stuck.erase(it);
  release_held(o, std::move(held));
}

void Cluster::Impl::free_agent(int owner, int d) {
  busy_call[d] = -1;
  if (owner < 0 || !nodes[owner].alive) return;
  const DnView& v = nodes[owner].view[d];
  HeldRequest h = held_requests[d];
  held_requests[d] = HeldRequest{};
  AgentState next = AgentState::ready;
  if (h.held) {
    // R16: a request held while the agent was busy applies now, in place of Ready.
    switch (h.kind) {
      case ActionKind::agent_login:
      case ActionKind::wwe_login:
        next = h.ready ? AgentState::ready : AgentState::not_ready;
        break;
      case ActionKind::agent_logout:
      case ActionKind::wwe_logout:
        next = AgentState::logged_out;
        break;
      case ActionKind::agent_not_ready:
        next = AgentState::not_ready;
        break;
      default:
        break;
    }
  }
  if (P.logout_on_oos && !v.in_service) next = AgentState::logged_out;  // R17
  owner_set_agent(owner, d, next);
}

void Cluster::Impl::release_stuck(int owner, int from) {
  // R36/R38: the owner hears from `from` again (its snapshot): agents it kept busy are freed.
  for (auto* m : {&stuck, &free_on_declare}) {
    auto it = m->find({owner, from});
    if (it == m->end()) continue;
    std::vector<HeldAgent> held = std::move(it->second);
    m->erase(it);
    release_held(owner, std::move(held));
  }
}

void Cluster::Impl::release_held(int owner, std::vector<HeldAgent> held) {
  for (const HeldAgent& h : held) {
    if (busy_call[h.dn] < 0) after_call(owner, h.dn, h.acw);
  }
}

void Cluster::Impl::after_call(int o, int d, Time acw) {
  // R65: ACW, then Ready, set by the owner.
  if (o < 0 || !nodes[o].alive) return;
  if (acw > Time::zero()) {
    owner_set_agent(o, d, AgentState::acw);
    busy_call[d] = -2;  // held by ACW
    ++acw_gen[d];
    sched.schedule_after(
        acw, kTimer, Event{uint32_t(Ev::acw_end), uint32_t(d), (uint64_t(o) << 32) | acw_gen[d]});
  } else {
    free_agent(o, d);
  }
}

void Cluster::Impl::calls_on_cut(int a, int b) {
  if (P.partition_scope != PartitionScope::network) return;  // R30 tc_layer: offers get through
  for (uint32_t slot = 0; slot < calls.size(); ++slot) {
    Call& c = calls[slot];
    if (!c.live || c.owner < 0) continue;
    bool across = (c.rec.node == a && c.owner == b) || (c.rec.node == b && c.owner == a);
    if (!across) continue;
    if ((c.phase == Call::Phase::offering || c.phase == Call::Phase::ringing) && !c.out_of_reach &&
        c.dn >= 0) {
      // R60: an offer under way when a cut starts counts as out of reach from then on.
      offer_out_of_reach(slot);
    } else if (c.phase == Call::Phase::talking && P.cross_partition_call_drop_prob > 0) {
      // R37: an answered call across the cut pair is dropped with this probability.
      if (rng("drop", c.rec.id).uniform01() < P.cross_partition_call_drop_prob) {
        c.rec.dropped_after_answer = true;
        int d = c.dn;
        int o = c.owner;
        int n = c.rec.node;
        Time acw = c.acw;
        CallOutcome out = c.rec.outcome;
        end_call(slot, out, RoutingFailureCause::none);
        busy_call[d] = -1;
        if (P.stuck_busy_until_resync) {
          // R37, R36: the end is an update sent on the cut link: the owner misses it, and the
          // agent stays busy until it applies the call node's snapshot (or the held end).
          stuck[{o, n}].push_back(HeldAgent{d, acw});
        } else {
          after_call(o, d, acw);  // R36 false: freed at the real end
        }
      }
    }
  }
}

void Cluster::Impl::calls_on_crash(int n) {
  for (uint32_t slot = 0; slot < calls.size(); ++slot) {
    Call& c = calls[slot];
    if (!c.live) continue;
    if (c.rec.node == n) {
      // R38: a crash ends the node's calls.
      int d = c.dn;
      int o = c.owner;
      bool holds_agent = d >= 0 && busy_call[d] == int(slot);
      CallOutcome out = CallOutcome::lost_node_failure;
      if (c.phase == Call::Phase::talking) {
        c.rec.dropped_after_answer = true;
        out = c.rec.outcome;
      }
      if (holds_agent && o >= 0 && o != n && nodes[o].alive) {
        // The agent's owner frees it when it declares the crashed node lost, or, if it already
        // has, when it applies the restarted node's snapshot.
        busy_call[d] = -1;
        if (end(o, n).state == LinkEndState::declared_lost) {
          stuck[{o, n}].push_back(HeldAgent{d, c.acw});
        } else {
          free_on_declare[{o, n}].push_back(HeldAgent{d, c.acw});
        }
      } else if (holds_agent) {
        busy_call[d] = -1;
      }
      end_call(slot, out, RoutingFailureCause::none);
    } else if (c.owner == n && c.dn >= 0 &&
               (c.phase == Call::Phase::offering || c.phase == Call::Phase::ringing) &&
               !c.out_of_reach) {
      // R60: an offer ringing when its owner crashes is out of reach from then on.
      if (busy_call[c.dn] == int(slot)) busy_call[c.dn] = -1;
      c.phase = Call::Phase::offering;
      offer_out_of_reach(slot);
    }
  }
}

}  // namespace scsim::model
