// TcMesh: the TC links between the nodes (DOMAIN §3.3-3.5): per directed pair a FIFO channel of
// messages and its one-way delay (R25, R26), per node and peer the state of that end of the link
// (R31, R33), per unordered pair the cut directions. Plain state with its accessors; the rules
// that move it (hold, release, declare, resync) are in partition.cpp and propagation.cpp. Needs
// no Cluster: tests/model/test_tc_mesh.cpp builds one by hand.
//
// Invariants: tc_delay(n, n) is zero and tc_delay is symmetric; pair(a, b) and pair(b, a) are
// one record. set_end is the only writer of an end's state, and Cluster::Impl::set_link_end,
// which reports each change as a LinkChange, its only caller.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "model/node_state.hpp"
#include "model/spec.hpp"

namespace scsim::model {

struct Channel {
  std::deque<Msg> q;
  uint32_t epoch = 0;
  uint64_t sent = 0;  // messages queued on this channel so far (never reset)
  Time last_deliver;
};

struct LinkEnd {
  LinkEndState state = LinkEndState::up;
  uint32_t gen = 0;  // invalidates declare/retry/grace events
  Time declared_at;
};

struct Pair {
  bool cut_ab = false, cut_ba = false;  // a < b; a->b direction cut
  uint32_t gen = 0;                     // invalidates link_up events
  bool link_up_pending = false;
  bool broken_prev = false;
};

class TcMesh {
 public:
  TcMesh() = default;
  // node_dc: each node's DC. One-way delays: same_dc within a DC, across between DCs, then the
  // per-pair overrides (both directions).
  TcMesh(const std::vector<int>& node_dc, Time same_dc, Time across,
         const std::vector<LinkDelaySpec>& overrides);

  int nodes() const { return n_; }
  Time tc_delay(int from, int to) const { return delay_[idx(from, to)]; }

  Channel& chan(int from, int to) { return chans_[idx(from, to)]; }
  const Channel& chan(int from, int to) const { return chans_[idx(from, to)]; }
  const LinkEnd& end(int n, int p) const { return ends_[idx(n, p)]; }
  // The end's generation and declaration time; its state only through set_end.
  LinkEnd& end_record(int n, int p) { return ends_[idx(n, p)]; }
  Pair& pair(int a, int b) { return pairs_[a < b ? idx(a, b) : idx(b, a)]; }
  const Pair& pair(int a, int b) const { return pairs_[a < b ? idx(a, b) : idx(b, a)]; }

  bool dir_cut(int from, int to) const {
    const Pair& p = pair(from, to);
    return from < to ? p.cut_ab : p.cut_ba;
  }
  void set_dir_cut(int from, int to, bool cut) {
    Pair& p = pair(from, to);
    (from < to ? p.cut_ab : p.cut_ba) = cut;
  }
  // R28: neither end has declared the link lost.
  bool usable(int from, int to) const {
    return end(from, to).state != LinkEndState::declared_lost &&
           end(to, from).state != LinkEndState::declared_lost;
  }
  // Sets end n of link n-p to s; returns the state it had (equal to s: nothing changed).
  LinkEndState set_end(int n, int p, LinkEndState s) {
    LinkEnd& e = ends_[idx(n, p)];
    const LinkEndState before = e.state;
    e.state = s;
    return before;
  }

 private:
  size_t idx(int a, int b) const { return size_t(a) * size_t(n_) + size_t(b); }
  int n_ = 0;
  std::vector<Channel> chans_;  // N*N (from*N+to)
  std::vector<LinkEnd> ends_;   // N*N (node*N+peer)
  std::vector<Pair> pairs_;     // N*N, used for a<b
  std::vector<Time> delay_;     // N*N
};

}  // namespace scsim::model
