// A TC message applied at its receiver (DOMAIN §3.3-3.4): updates, releases, drops, snapshots
// and claim requests (R8, R9, R21-R25, R33, R66, R67). Node-side: sees only its NodeCtx.
#include <algorithm>

#include "model/node_rules.hpp"

namespace scsim::model::node {

namespace {

// R8/R9: the sender's claim ended (release or drop). A receiver that still believes it: no
// owner, OOS; a registration here waiting for this release claims now.
void claim_ended_at_sender(NodeCtx& x, int from, const Msg& m) {
  auto& deferred = x.deferred();
  auto dit = deferred.find(m.dn);
  if (dit != deferred.end()) {
    dit->second.erase(from);
    if (dit->second.empty()) deferred.erase(dit);
  }
  DnView v = x.view(m.dn);
  if (v.owner == from) {
    v.owner = -1;
    v.in_service = false;
    if (m.kind == MsgKind::release) {
      // R9: the last owner keeps the agent state and tells its peers what it is.
      v.agent = m.state.agent;
      v.ready_since = m.state.ready_since;
    }
    x.set_view(m.dn, v);
    believed_owner_ended(x, m.dn);
  }
  const PendingClaim* pc = x.pending(m.dn);
  if (m.kind == MsgKind::release && pc != nullptr && pc->from == from) {
    // R8 release_then_claim: the old owner's release reached the new node: it claims now.
    PendingClaim p = *pc;
    x.erase_pending(m.dn);
    accept_registration(x, m.dn, p.via_gws, p.gws, p.cause);
  }
}

// release_then_claim (R8): the owner sets the DN OOS and releases it on receipt; the requester
// becomes owner when the release reaches it (claim_ended_at_sender).
void release_on_request(NodeCtx& x, int from, int d) {
  if (!x.claims(d)) {
    // MODEL.md choice 102: asked by a node that believes it the owner, a node that holds no
    // claim answers at once with a release of nothing (its view of the DN), so the asker does
    // not wait for good.
    Msg rel;
    rel.kind = MsgKind::release;
    rel.dn = d;
    rel.claim_time = x.view(d).claim_time;
    rel.state = x.view(d);
    x.send(from, rel);
    return;
  }
  x.observe_truth(d, OwnershipCause::move, [&] {
    Msg rel;
    rel.kind = MsgKind::release;
    rel.dn = d;
    rel.claim_time = x.claim(d).claim_time;
    x.claim_ends(d, /*released=*/true);
    DnView v = x.view(d);
    v.owner = -1;
    v.in_service = false;
    rel.state = v;  // R9, R27: the state the old owner keeps travels with the release
    x.set_view(d, v);
    x.broadcast(rel);
  });
}

}  // namespace

void call_end_reached(NodeCtx& x, int d, Time acw) {
  // R18, R65: the end of a call reached the node that adopted the agent's busy state.
  if (!x.claims(d) || !is_busy(x.view(d).agent)) return;
  x.call_ended_here(d, acw);
}

void on_tc(NodeCtx& x, int from, const Msg& m) {
  switch (m.kind) {
    case MsgKind::update:
      apply_update(x, from, m.dn, m.state, m.claim_start);
      break;
    case MsgKind::release:
    case MsgKind::drop:
      claim_ended_at_sender(x, from, m);
      break;
    case MsgKind::retained: {
      // R9: the last owner's agent state changed; peers that know the DN unowned follow it.
      DnView v = x.view(m.dn);
      if (v.owner < 0 && !x.claims(m.dn)) {
        v.agent = m.state.agent;
        v.ready_since = m.state.ready_since;
        x.set_view(m.dn, v);
      }
      break;
    }
    case MsgKind::snapshot:
      apply_snapshot(x, from, *m.snapshot);
      x.link_resynced(from);
      break;
    case MsgKind::claim_request:
      release_on_request(x, from, m.dn);
      break;
    case MsgKind::call_end:
      call_end_reached(x, m.dn, m.acw);
      break;
  }
}

void apply_update(NodeCtx& x, int from, int d, const DnView& st, Time claim_start) {
  const int to = x.self();
  if (x.claims(d)) {
    const Claim& mine = x.claim(d);
    // Both claim the DN. R8 (connected handover) and R67 (the peer's claim after a heal)
    // agree with the default policy: the newer registration wins.
    // R67: a claim either end made since the link last came up was announced over it: R8.
    const bool since_up =
        claim_start >= x.link_since(from) || mine.claim_start >= x.link_since(from);
    const bool theirs_wins = since_up ? newer_claim(st.claim_time, from, mine.claim_time, to)
                                      : policy_wins(x.params().split_brain_policy, st.claim_time,
                                                    from, mine.claim_time, to);
    if (theirs_wins) {
      DnView adopt = st;
      adopt.owner = from;
      drop_claim(x, d, adopt);
    } else if (since_up) {
      // R8, R10, R14 (MODEL.md choice 31): our claim wins, but the sender may never have heard
      // of it (a re-registration here, R14, sent no update; the sender's announcement was held
      // back by a cut that healed before ADDP, R28). Announce it, as R67's winner does, so the
      // sender drops its claim by R8 on receipt and every peer follows the winner.
      announce(x, d);
    }
    return;
  }
  const DnView cur = x.view(d);
  const int believed = cur.owner;
  // R25: an update whose claim is older than the believed owner's is ignored, unless this node
  // has declared its link to that owner lost. Whether that owner is still alive is not known
  // here (MODEL.md choice 90): a crash is known only through its declaration.
  const bool other =
      believed >= 0 && believed != from && x.link(believed) != LinkEndState::declared_lost;
  if (other && !newer_claim(st.claim_time, from, cur.claim_time, believed)) {
    // R25/R33: ignored for now; applied if the believed owner's claim ends here.
    x.deferred()[d][from] = SnapEntry{d, st, claim_start};
    return;
  }
  if (other) {
    // R33 (last sentence): the entry of a believed owner whose claim this newer one replaces
    // is applied again if this claim ends here first (release, R8 drop, missing from a
    // snapshot), unless its own claim has ended here before (MODEL.md choice 32).
    x.deferred()[d][believed] = SnapEntry{d, cur, cur.claim_time};
  }
  DnView v = st;
  v.owner = from;
  x.set_view(d, v);
  auto& deferred = x.deferred();
  auto dit = deferred.find(d);
  if (dit != deferred.end()) {
    dit->second.erase(from);
    if (dit->second.empty()) deferred.erase(dit);
  }
}

void believed_owner_ended(NodeCtx& x, int d) {
  // R33: an entry ignored because another owner was believed is applied now.
  auto& deferred = x.deferred();
  auto dit = deferred.find(d);
  if (dit == deferred.end() || dit->second.empty()) return;
  int best = -1;
  for (auto& [sender, e] : dit->second) {
    if (best < 0 ||
        newer_claim(e.state.claim_time, sender, dit->second.at(best).state.claim_time, best)) {
      best = sender;
    }
  }
  SnapEntry e = dit->second.at(best);
  deferred.erase(dit);
  if (x.link(best) == LinkEndState::declared_lost) return;
  DnView v = e.state;
  v.owner = best;
  x.set_view(d, v);
}

void apply_snapshot(NodeCtx& x, int from, const std::vector<SnapEntry>& snap) {
  x.release_stuck(from);  // R36/R38: the snapshot lists none of the calls that ended
  const int D = x.dn_count();
  std::vector<char> listed(size_t(D), 0);
  for (const auto& e : snap)
    listed[size_t(e.dn)] = 1;
  // R33: a DN believed owned by the sender but not listed: no owner, OOS, agent state kept.
  for (int d = 0; d < D; ++d) {
    if (listed[size_t(d)]) continue;
    DnView v = x.view(d);
    if (v.owner == from) {
      v.owner = -1;
      v.in_service = false;
      x.set_view(d, v);
      believed_owner_ended(x, d);
    }
  }
  for (const auto& e : snap) {
    const Claim& mine = x.claim(e.dn);
    if (mine.active && mine.claim_start < x.link_since(from)) {
      // R66/R67: two claims made apart. Resolve by policy; the loser drops its claim.
      if (policy_wins(x.params().split_brain_policy, e.state.claim_time, from, mine.claim_time,
                      x.self())) {
        Time since = std::max(e.claim_start, mine.claim_start);
        DnView adopt = e.state;
        adopt.owner = from;
        drop_claim(x, e.dn, adopt);
        x.report_conflict(e.dn, from, x.self(), since);
      } else {
        announce(x, e.dn);  // the winner re-announces its claim to every peer
      }
      continue;
    }
    apply_update(x, from, e.dn, e.state, e.claim_start);
  }
}

void grace_expire(NodeCtx& x, int p) {
  // R21/R22: the grace after this node declared p lost is over: p's DNs go OOS in view_N.
  const int D = x.dn_count();
  for (int d = 0; d < D; ++d) {
    DnView v = x.view(d);
    if (v.owner == p && v.in_service) {
      v.in_service = false;
      x.set_view(d, v);
    }
  }
}

}  // namespace scsim::model::node
