// routing.csv's `stale` column (detailed decisions): the DNs eligible in SS_N that are not
// available to N in the truth (end of DOMAIN §3). It compares a node's Stat Server with the
// truth, so it is the observer's business and stays out of URS_N (urs.hpp): counted here,
// per (node, group, SS owner) slot of URS_N's eligible sets, by each DN's availability key
// (cluster_impl.hpp, avail_counts).
#include <algorithm>

#include "model/cluster_impl.hpp"

namespace scsim::model {

int Cluster::Impl::avail_key_of(int d) const {
  // available_to (calls.cpp) for every node at once, but for the link between node and owner.
  const uint64_t live = claim_table.claimants(d) & alive_mask;
  if (live == 0) return N;                     // no truth owner
  if ((live & (live - 1)) != 0) return N + 1;  // several live claims
  const int o = __builtin_ctzll(live);
  const DnView& v = nodes[o].view[d];
  return v.in_service && v.agent == AgentState::ready ? o : N;
}

void Cluster::Impl::refresh_avail(int d) {
  if (!stale_counts_on) return;
  const int was = avail_key[size_t(d)];
  const int now = avail_key_of(d);
  if (now == was) return;
  if (was == N + 1) multi_dns.erase(d);
  if (now == N + 1) multi_dns.insert(d);
  avail_key[size_t(d)] = now;
  for (int n = 0; n < N; ++n) {
    const IndexedDn& idx = nodes[n].stat[d].idx;
    if (!idx.eligible) continue;
    for (int g : urs.groups_of(d)) {
      const size_t base = ngo(n, g, idx.owner) * size_t(N + 2);
      --avail_counts[base + size_t(was)];
      ++avail_counts[base + size_t(now)];
    }
  }
}

void Cluster::Impl::enable_stale_counts() {
  // Built from the state as it is now, as refresh_avail and recount_avail would have kept it.
  if (stale_counts_on) return;
  stale_counts_on = true;  // N <= kNodesMax (spec.hpp): the bitmasks hold every node
  avail_counts.assign(size_t(N) * group_names.size() * size_t(N) * size_t(N + 2), 0);
  multi_dns.clear();
  for (int d = 0; d < D; ++d) {
    const int key = avail_key_of(d);
    avail_key[size_t(d)] = key;
    if (key == N + 1) multi_dns.insert(d);
    for (int n = 0; n < N; ++n) {
      const IndexedDn& idx = nodes[n].stat[d].idx;
      if (!idx.eligible) continue;
      for (int g : urs.groups_of(d))
        ++avail_counts[ngo(n, g, idx.owner) * size_t(N + 2) + size_t(key)];
    }
  }
}

void Cluster::Impl::refresh_avail_all() {
  for (int d = 0; d < int(avail_key.size()); ++d)
    refresh_avail(d);
}

void Cluster::Impl::recount_avail(int n, int d, const IndexedDn& old, const IndexedDn& now) {
  // The DN left the eligible set of (n, g, old.owner) or entered that of (n, g, now.owner).
  if (!stale_counts_on || (old.eligible == now.eligible && old.owner == now.owner)) return;
  const size_t key = size_t(avail_key[size_t(d)]);
  for (int g : urs.groups_of(d)) {
    if (old.eligible) --avail_counts[ngo(n, g, old.owner) * size_t(N + 2) + key];
    if (now.eligible) ++avail_counts[ngo(n, g, now.owner) * size_t(N + 2) + key];
  }
}

int Cluster::Impl::stale_count(int n, int g) const {
  if (!stale_counts_on) return stale_count_brute(n, g);
  // Owners that n cannot offer to (available_to's link test).
  uint64_t cut_from = 0;
  if (P.partition_scope == PartitionScope::network) {
    for (int t = 0; t < N; ++t) {
      if (t != n && broken(n, t)) cut_from |= uint64_t(1) << t;
    }
  }
  int stale = 0;
  for (int o = 0; o < N; ++o) {
    if (!urs.admitted(n, o)) continue;
    const int* c = &avail_counts[ngo(n, g, o) * size_t(N + 2)];
    stale += c[N];
    for (uint64_t m = cut_from; m != 0; m &= m - 1)
      stale += c[__builtin_ctzll(m)];
  }
  for (int d : multi_dns) {
    const IndexedDn& idx = nodes[n].stat[d].idx;
    if (!idx.eligible || !urs.admitted(n, idx.owner)) continue;
    const auto gs = urs.groups_of(d);
    if (std::find(gs.begin(), gs.end(), g) != gs.end() && !available_to(n, d)) ++stale;
  }
  return stale;
}

int Cluster::Impl::stale_count_brute(int n, int g) const {
  int stale = 0;
  for (int d : urs.eligible(n, g)) {
    if (!available_to(n, d)) ++stale;
  }
  return stale;
}

}  // namespace scsim::model
