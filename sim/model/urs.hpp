// URS_N: the routing decision of one node over its own Stat Server (DOMAIN §3.9, R50-R55, R63).
//
// One Urs holds the URS of every node, but every call names a node n and touches only n's
// indexes, and all it is given is n's own SS_N entries (StatCell) and the configuration (each
// node's DC, each DN's groups, routing_mode, target_selection). It never reads the truth, another
// node's view or Stat Server, the links or which node is alive (R50: a call is routed from its
// node's Stat Server). Like the node-side rules (node_ctx.hpp), this header and urs.cpp do not
// include cluster_impl.hpp (tests/tidy/check_sim.sh checks it). The call lifecycle (queues,
// offers, timers: calls.cpp) asks Urs; routing.csv's `stale` column, which compares SS_N with
// the truth, is counted outside it (stale_counts.cpp).
//
// Routing never scans the DNs: per node, group and owner node an ordered list holds the DNs
// eligible in SS_N and not reserved (R51, R52), by (Ready time, DN) (R55). Per node and group
// Urs counts the DNs InSrv, the staffed ones that routing_mode admits (R63) and the eligible
// ones. index() keeps all of it in step with one SS_N entry.
//
// An eligible list is a sorted array whose removed entries stay as holes until the front passes
// them or the array is compacted: an owner's Ready times reach a node in order (R26), so a DN
// becoming eligible almost always goes at the end (99.8 % at 10 000 agents), and the DN leaving
// is almost always the longest Ready, at the front (88 %, 99 % within the first eight). Both are
// O(1) on a few contiguous cache lines, where a tree's were a walk of scattered nodes.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/prefetch.hpp"
#include "core/random.hpp"
#include "model/cluster.hpp"
#include "model/params.hpp"

namespace scsim::model {

// What one DN contributes to the indexes of one node's URS (Urs::index).
struct IndexedDn {
  int64_t ready_us = 0;
  int owner = -1;
  bool eligible = false, staffed = false, insrv = false;
  bool operator==(const IndexedDn&) const = default;
};

// SS_N's entry for one DN, with what routing keeps beside it, on one cache line: a Stat Server
// delivery reads all three, for DNs in no particular order.
struct alignas(64) StatCell {
  DnView view;
  IndexedDn idx;             // what Urs::index last put in the indexes
  bool reserved = false;     // R52: URS_N's Reserved mark
  int32_t reserved_by = -1;  // the call slot whose offer set it
  // The calls of node N offering or ringing this DN, in the order their offers were made: a
  // list threaded through Call::offer_prev / offer_next (call slots; -1: none).
  int32_t offer_head = -1, offer_tail = -1;
  // The calls that may skip this DN (R59, R60): the model's list of skip links for (N, DN),
  // ended by SS_N's next update for the DN (-1: none, so most updates look nothing up).
  int32_t skip_head = -1;
};
static_assert(sizeof(StatCell) == 64, "one cache line per DN and node");

class Urs {
 public:
  struct Config {
    std::vector<int> node_dc;                 // per node its DC (R54 local_dc)
    int groups = 0;                           // group indices are 0 .. groups - 1
    std::vector<std::vector<int>> dn_groups;  // per DN its groups (any order, repeats ignored)
    RoutingMode mode = RoutingMode::auto_;
    TargetSelection selection = TargetSelection::longest_ready;
  };
  // What a decision reports about a group in SS_N (RoutingDecision's counts).
  struct Counts {
    int eligible = 0;       // eligible (R51) and admitted by routing_mode (R53, R54)
    int excluded_oos = 0;   // DNs of the group not InSrv
    int excluded_busy = 0;  // InSrv but not eligible (not Ready, logged out, busy, Reserved)
  };

  Urs();  // no nodes, no DNs
  explicit Urs(const Config& c);
  // Plain values throughout: a copy is a checkpoint of the run (Cluster::clone).

  int nodes() const { return nodes_; }
  int groups() const { return groups_; }
  int dns() const { return int(group_at_.size()) - 1; }
  // DN d's groups, ascending (configuration, known everywhere).
  std::span<const int> groups_of(int d) const {
    return {group_list_.data() + group_at_[size_t(d)],
            group_list_.data() + group_at_[size_t(d) + 1]};
  }
  int group_size(int g) const { return group_size_[size_t(g)]; }

  // R53, R54: whether node n's routing_mode admits DNs owned by `owner`.
  bool admitted(int n, int owner) const {
    return owner >= 0 && ((admit_[size_t(n)] >> owner) & 1) != 0;
  }

  // Brings node n's indexes in line with its SS_N entry for DN d (its view and R52 mark),
  // recording in cell.idx what they now hold. Returns the groups (ascending) whose count of
  // admitted staffed DNs went from zero to non-zero or back (R63's router clock); the span
  // is valid until the next call.
  std::span<const int> index(int n, int d, StatCell& cell) {
    const IndexedDn now = indexed(cell);
    if (now == cell.idx) return {};  // most SS_N updates leave the indexes alone
    return reindex(n, d, cell, now);
  }
  // What SS_N's entry puts in the indexes: R51's eligibility without R52's marked DNs, InSrv,
  // staffed (R63), owner and Ready time (R55).
  static IndexedDn indexed(const StatCell& cell) {
    const DnView& v = cell.view;
    IndexedDn x;
    x.owner = v.owner;
    x.ready_us = v.ready_since.micros();
    x.insrv = v.owner >= 0 && v.in_service;
    x.staffed = x.insrv && v.agent != AgentState::logged_out;  // R63
    x.eligible = v.eligible() && !cell.reserved;               // R51, R52
    return x;
  }

  // Starts loading DN d's groups (a hint for the next SS_N update).
  void prefetch(int d) const { scsim::prefetch(&group_at_[size_t(d)]); }
  // The DN R55's longest_ready would pick for group g on node n if no call skipped any, or -1
  // (a hint for what the next routing pass offers; select is the decision).
  int likely_pick(int n, int g) const;

  // R63: DNs of group g staffed in SS_N (InSrv, logged in) and admitted.
  int staffed(int n, int g) const { return staffed_[ng(n, g)]; }
  // Some DN of group g is eligible in SS_N and admitted (ignoring any call's skips).
  bool any_eligible(int n, int g) const { return eligible_[ng(n, g)] > 0; }
  Counts counts(int n, int g) const;
  // The eligible, admitted DNs of group g in SS_N, by owner, then (Ready time, DN).
  std::vector<int> eligible(int n, int g) const;

  // R55: the target for a call of group g on node n that skips the DNs in `skip` (R59, R60),
  // or -1. `random` draws from rng (the node's routing stream); the others draw nothing.
  int select(int n, int g, std::span<const int> skip, Rng& rng) const;

 private:
  // Per node x group x owner: eligible DNs not reserved, by (Ready time, DN), in e[head ..):
  // sorted by key; a removed entry keeps its key (so e[head ..) stays sorted) until the front
  // passes it, an insert reuses it or the list is compacted; every entry before head is
  // removed.
  struct EligibleList {
    struct Entry {
      int64_t ready_us;
      int32_t dn;
      bool removed;
      bool operator<(const Entry& o) const {
        return ready_us < o.ready_us || (ready_us == o.ready_us && dn < o.dn);
      }
    };
    std::vector<Entry> e;
    uint32_t head = 0;
    uint32_t live = 0;
  };
  size_t ng(int n, int g) const { return size_t(n) * size_t(groups_) + size_t(g); }
  size_t ngo(int n, int g, int o) const { return ng(n, g) * size_t(nodes_) + size_t(o); }
  void list_insert(int n, int g, int o, int d, int64_t ready_us);
  void list_erase(int n, int g, int o, int d, int64_t ready_us);
  void compact(int n, int g, int o);
  std::span<const int> reindex(int n, int d, StatCell& cell, const IndexedDn& nw);
  // R55 longest_ready over the admitted owners (but n itself with skip_self): the least
  // (Ready time, DN) not in skip, or -1.
  int longest_ready(int n, int g, std::span<const int> skip, bool skip_self) const;
  bool first_free(int n, int g, int o, std::span<const int> skip,
                  std::pair<int64_t, int>& out) const;

  int nodes_ = 0, groups_ = 0;
  RoutingMode mode_ = RoutingMode::auto_;
  TargetSelection selection_ = TargetSelection::longest_ready;
  std::vector<uint64_t> admit_;  // per node: bit o set if routing_mode admits owner o
  // Per DN its group indices, flat: DN d's are group_list_[group_at_[d] .. group_at_[d + 1]).
  std::vector<int> group_list_;
  std::vector<int> group_at_;
  std::vector<int> group_size_;     // DNs per group
  std::vector<EligibleList> sets_;  // per node x group x owner
  std::vector<int> insrv_;          // per node x group: InSrv in SS_N
  std::vector<int> staffed_;        // per node x group: staffed and admitted (R63)
  std::vector<int> eligible_;       // per node x group: eligible and admitted
  std::vector<int> eligible_all_;   // per node x group: eligible, any owner
  std::vector<int> flipped_;        // index()'s answer
};

}  // namespace scsim::model
