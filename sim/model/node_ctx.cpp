// NodeCtx (node_ctx.hpp): the one bridge between a node's rules and the model's state. Every
// accessor here reads or writes the state of node n_ only; sending goes through the channels
// (R26-R28); effects on the world are named for what they are.
#include "model/node_ctx.hpp"

#include "model/cluster_impl.hpp"

namespace scsim::model {

int NodeCtx::node_count() const {
  return w_.N;
}
int NodeCtx::dn_count() const {
  return w_.D;
}
Time NodeCtx::now() const {
  return w_.sched.now();
}
const Params& NodeCtx::params() const {
  return w_.P;
}
bool NodeCtx::is_sip(int d) const {
  return w_.dn_kind[size_t(d)] == DnKind::sip;
}
bool NodeCtx::alive() const {
  return w_.nodes[n_].alive;
}

const DnView& NodeCtx::view(int d) const {
  return w_.nodes[n_].view[d];
}
void NodeCtx::set_view(int d, const DnView& v) {
  w_.set_view(n_, d, v);
}
bool NodeCtx::got_state(int d) const {
  return w_.nodes[size_t(n_)].view[size_t(d)].got_state != 0;
}
bool NodeCtx::held_last(int d) const {
  return w_.nodes[size_t(n_)].view[size_t(d)].held_last != 0;
}

const Claim& NodeCtx::claim(int d) const {
  return w_.claim(n_, d);
}
bool NodeCtx::claims(int d) const {
  return w_.claims_dn(n_, d);
}
void NodeCtx::claim_starts(int d, bool via_gws, int g) {
  w_.set_claim_active(n_, d, true);
  w_.nodes[size_t(n_)].view[size_t(d)].held_last = 1;
  w_.truth_last_owner[d] = n_;
  Claim& c = w_.claim(n_, d);
  c.claim_time = now();
  c.claim_start = now();
  c.via_gws = via_gws;
  c.gws = g;
  c.probe_oos = false;
  arm_expiry(d, via_gws);
}

void NodeCtx::claim_refreshed(int d, bool via_gws) {
  w_.claim(n_, d).claim_time = now();
  arm_expiry(d, via_gws);
}

void NodeCtx::registration_ended_claim_kept(int d) {
  ++w_.claim(n_, d).gen;  // the pending expiry event is stale now
}

void NodeCtx::claim_ends(int d, bool released) {
  w_.set_claim_active(n_, d, false);
  ++w_.claim(n_, d).gen;
  // R9: a released DN's agent state stays with this node (the truth's last owner); a dropped
  // claim's goes with the winner.
  if (released) w_.truth_last_owner[d] = n_;
}

void NodeCtx::arm_expiry(int d, bool via_gws) {
  Claim& c = w_.claim(n_, d);
  ++c.gen;
  c.expires_at = Time::max();
  if (is_sip(d) && !via_gws) {
    c.expires_at = now() + w_.P.register_expires;
    w_.sched.schedule_at(c.expires_at, kTimer,
                         Event{uint32_t(Ev::reg_expiry), uint32_t(n_ * w_.D + d), c.gen});
  }
}

const PendingClaim* NodeCtx::pending(int d) const {
  auto it = w_.pending_claims.find(uint64_t(n_) * w_.D + d);
  return it == w_.pending_claims.end() ? nullptr : &it->second;
}
void NodeCtx::pending_registered_again(int d, bool via_gws, int g) {
  auto it = w_.pending_claims.find(uint64_t(n_) * w_.D + d);
  if (it == w_.pending_claims.end()) return;
  it->second.via_gws = via_gws;
  it->second.gws = g;
}
void NodeCtx::set_pending(int d, const PendingClaim& p) {
  w_.pending_claims[uint64_t(n_) * w_.D + d] = p;
}
void NodeCtx::erase_pending(int d) {
  w_.pending_claims.erase(uint64_t(n_) * w_.D + d);
}

LinkEndState NodeCtx::link(int p) const {
  return w_.end(n_, p).state;
}
Time NodeCtx::link_since(int p) const {
  return w_.end(n_, p).declared_at;
}
void NodeCtx::link_resynced(int p) {
  if (w_.end(n_, p).state == LinkEndState::resyncing) w_.set_link_end(n_, p, LinkEndState::up);
}

std::map<int, std::map<int, SnapEntry>>& NodeCtx::deferred() {
  return w_.nodes[n_].deferred;
}

void NodeCtx::send(int to, Msg m) {
  w_.send(n_, to, std::move(m));
}
void NodeCtx::broadcast(const Msg& m, int except) {
  for (int p = 0; p < w_.N; ++p) {
    if (p != n_ && p != except) w_.send(n_, p, m);
  }
}

void NodeCtx::observe_truth_fn(int d, OwnershipCause cause, void (*fn)(void*), void* arg) {
  w_.with_truth(d, cause, [&] { fn(arg); });
}

void NodeCtx::agent_sees_logout(int d, bool via_gws) {
  // The truth before the change being observed (observe_truth): was the agent logged in?
  const bool was_logged_in = w_.truth_before.agent != AgentState::logged_out;
  if (was_logged_in && !via_gws) w_.schedule_relogin(d, now(), false);
}

void NodeCtx::withdraw_ringing(int d) {
  const int ringing = w_.busy_call[d];
  if (ringing < 0) return;
  const Call& c = w_.calls[uint32_t(ringing)];
  if (c.live && c.phase == Call::Phase::ringing && c.owner == n_) {
    w_.fail_offer(uint32_t(ringing), FailCause::race, now(), false);
  }
}

void NodeCtx::release_stuck(int from) {
  w_.release_stuck(n_, from);
}

void NodeCtx::call_ended_here(int d, Time acw) {
  if (w_.busy_call[d] >= 0) return;  // the agent took another call meanwhile
  w_.after_call(n_, d, acw);
}

void NodeCtx::report_conflict(int d, int winner, int loser, Time since) {
  for (Observer* o : w_.observers)
    o->on_conflict(Conflict{now(), d, winner, loser, since});
}

}  // namespace scsim::model
