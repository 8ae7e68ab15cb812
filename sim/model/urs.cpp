// URS_N over SS_N (DOMAIN R50-R55, R63): the eligible indexes, staffed counts and R55's pick.
// Node-side: reads only the SS_N entries it is handed and the configuration (urs.hpp).
#include "model/urs.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <string>
#include <utility>

namespace scsim::model {

Urs::Urs() : group_at_(1, 0) {}

Urs::Urs(const Config& c)
    : nodes_(int(c.node_dc.size())), groups_(c.groups), mode_(c.mode), selection_(c.selection) {
  assert(nodes_ <= 64 && "admission masks hold 64 nodes (kNodesMax)");
  admit_.assign(size_t(nodes_), 0);
  for (int n = 0; n < nodes_; ++n) {
    for (int o = 0; o < nodes_; ++o) {
      bool in = true;  // R53: auto, the eligible set spans the cluster
      if (mode_ == RoutingMode::local_node) in = o == n;  // R54
      if (mode_ == RoutingMode::local_dc) in = c.node_dc[size_t(o)] == c.node_dc[size_t(n)];
      if (in) admit_[size_t(n)] |= uint64_t(1) << o;
    }
  }
  group_size_.assign(size_t(groups_), 0);
  group_at_.assign(c.dn_groups.size() + 1, 0);
  for (size_t d = 0; d < c.dn_groups.size(); ++d) {
    std::vector<int> gs = c.dn_groups[d];
    std::sort(gs.begin(), gs.end());
    gs.erase(std::unique(gs.begin(), gs.end()), gs.end());
    for (int g : gs) {
      assert(g >= 0 && g < groups_);
      ++group_size_[size_t(g)];
      group_list_.push_back(g);
    }
    group_at_[d + 1] = int(group_list_.size());
  }
  const size_t cells = size_t(nodes_) * size_t(groups_);
  sets_.assign(cells * size_t(nodes_), EligibleList{});
  insrv_.assign(cells, 0);
  staffed_.assign(cells, 0);
  eligible_.assign(cells, 0);
  eligible_all_.assign(cells, 0);
}

void Urs::list_insert(int n, int g, int o, int d, int64_t ready_us) {
  EligibleList& l = sets_[ngo(n, g, o)];
  const EligibleList::Entry x{ready_us, d, false};
  if (l.e.size() == l.head || l.e.back() < x) {
    l.e.push_back(x);  // the common case: later than every entry, removed ones included
  } else {
    size_t i = size_t(std::lower_bound(l.e.begin() + l.head, l.e.end(), x) - l.e.begin());
    // A removed entry where x goes (e[i - 1] < x <= e[i]) is reused; the order holds.
    if (i < l.e.size() && l.e[i].removed) {
      l.e[i] = x;
    } else if (i > 0 && l.e[i - 1].removed) {
      --i;  // every entry before head is removed: this covers x before the whole list
      l.e[i] = x;
      if (i < l.head) l.head = uint32_t(i);
    } else if (l.head > 0 && i - l.head < l.e.size() - i) {
      // Nearer the front (a DN back from a failed offer, its Ready time an old one): the
      // entries before i move one place into the removed entry before head, instead of every
      // later entry moving up, which at a large site was a long list for each such DN.
      std::move(l.e.begin() + l.head, l.e.begin() + std::ptrdiff_t(i), l.e.begin() + l.head - 1);
      --l.head;
      l.e[i - 1] = x;
    } else {
      l.e.insert(l.e.begin() + std::ptrdiff_t(i), x);
    }
  }
  ++l.live;
}

void Urs::list_erase(int n, int g, int o, int d, int64_t ready_us) {
  EligibleList& l = sets_[ngo(n, g, o)];
  // Found by its key, which the cell's idx kept: keys are unique from head on (an insert reuses
  // a removed entry with its key) and removed entries keep theirs, so e[head ..) is sorted.
  // Most removals take the front (the longest Ready DN is the one routed to): a short walk
  // from head, then a binary search.
  const EligibleList::Entry x{ready_us, d, false};
  size_t i = l.head;
  const size_t near = std::min(l.e.size(), size_t(l.head) + 8);
  while (i < near && l.e[i] < x)
    ++i;
  if (i == near)
    i = size_t(std::lower_bound(l.e.begin() + std::ptrdiff_t(near), l.e.end(), x) - l.e.begin());
  if (i >= l.e.size() || l.e[i].dn != d || l.e[i].ready_us != ready_us || l.e[i].removed) {
    // The cell's idx and the lists disagree: a bug in the model, never a user's input.
    throw std::logic_error("URS: DN " + std::to_string(d) + " is not in its eligible list");
  }
  l.e[i].removed = true;
  --l.live;
  if (l.live == 0) {
    l.e.clear();
    l.head = 0;
    return;
  }
  while (l.e[l.head].removed)
    ++l.head;
  // Holes are at most half the list: the walks of select stay proportional to its DNs.
  if (l.e.size() >= 16 && size_t(l.live) * 2 < l.e.size()) compact(n, g, o);
}

void Urs::compact(int n, int g, int o) {
  EligibleList& l = sets_[ngo(n, g, o)];
  size_t w = 0;
  for (size_t r = l.head; r < l.e.size(); ++r) {
    if (!l.e[r].removed) l.e[w++] = l.e[r];
  }
  l.e.resize(w);
  l.head = 0;
}

std::span<const int> Urs::reindex(int n, int d, StatCell& cell, const IndexedDn& nw) {
  IndexedDn& old = cell.idx;
  flipped_.clear();
  const int d_insrv = int(nw.insrv) - int(old.insrv);
  const int d_staffed =
      int(nw.staffed && admitted(n, nw.owner)) - int(old.staffed && admitted(n, old.owner));
  const int d_eligible =
      int(nw.eligible && admitted(n, nw.owner)) - int(old.eligible && admitted(n, old.owner));
  const int d_eligible_all = int(nw.eligible) - int(old.eligible);
  for (int k = group_at_[size_t(d)]; k < group_at_[size_t(d) + 1]; ++k) {
    const int g = group_list_[size_t(k)];
    if (old.eligible) list_erase(n, g, old.owner, d, old.ready_us);
    if (nw.eligible) list_insert(n, g, nw.owner, d, nw.ready_us);
    const size_t c = ng(n, g);
    insrv_[c] += d_insrv;
    eligible_[c] += d_eligible;
    eligible_all_[c] += d_eligible_all;
    const int before = staffed_[c];
    staffed_[c] += d_staffed;
    if ((before == 0) != (staffed_[c] == 0)) flipped_.push_back(g);
  }
  old = nw;
  return flipped_;
}

int Urs::likely_pick(int n, int g) const {
  return longest_ready(n, g, {}, false);
}

Urs::Counts Urs::counts(int n, int g) const {
  const size_t c = ng(n, g);
  Counts r;
  r.eligible = eligible_[c];
  r.excluded_oos = group_size_[size_t(g)] - insrv_[c];
  r.excluded_busy = insrv_[c] - eligible_all_[c];
  return r;
}

std::vector<int> Urs::eligible(int n, int g) const {
  std::vector<int> out;
  for (int o = 0; o < nodes_; ++o) {
    if (!admitted(n, o)) continue;
    const EligibleList& l = sets_[ngo(n, g, o)];
    for (size_t i = l.head; i < l.e.size(); ++i)
      if (!l.e[i].removed) out.push_back(l.e[i].dn);
  }
  return out;
}

bool Urs::first_free(int n, int g, int o, std::span<const int> skip,
                     std::pair<int64_t, int>& out) const {
  const EligibleList& l = sets_[ngo(n, g, o)];
  for (size_t i = l.head; i < l.e.size(); ++i) {
    const EligibleList::Entry& e = l.e[i];
    if (!e.removed && std::find(skip.begin(), skip.end(), e.dn) == skip.end()) {
      out = {e.ready_us, e.dn};
      return true;
    }
  }
  return false;
}

int Urs::longest_ready(int n, int g, std::span<const int> skip, bool skip_self) const {
  std::pair<int64_t, int> best{0, -1};
  for (int o = 0; o < nodes_; ++o) {
    if (!admitted(n, o) || (skip_self && o == n)) continue;
    std::pair<int64_t, int> e;
    // R55: Ready longest first (owner's timestamp), ties to the lowest DN.
    if (first_free(n, g, o, skip, e) && (best.second < 0 || e < best)) best = e;
  }
  return best.second;
}

int Urs::select(int n, int g, std::span<const int> skip, Rng& rng) const {
  switch (selection_) {
    case TargetSelection::longest_ready:
      return longest_ready(n, g, skip, false);
    case TargetSelection::prefer_local: {
      // R55: DNs owned by N first, then as longest_ready.
      std::pair<int64_t, int> own;
      if (admitted(n, n) && first_free(n, g, n, skip, own)) return own.second;
      return longest_ready(n, g, skip, true);
    }
    case TargetSelection::random: {
      // R55: uniformly among the eligible DNs, from the node's routing stream.
      std::vector<int> all;
      for (int o = 0; o < nodes_; ++o) {
        if (!admitted(n, o)) continue;
        const EligibleList& l = sets_[ngo(n, g, o)];
        for (size_t i = l.head; i < l.e.size(); ++i) {
          const int dn = l.e[i].dn;
          if (!l.e[i].removed && std::find(skip.begin(), skip.end(), dn) == skip.end())
            all.push_back(dn);
        }
      }
      if (all.empty()) return -1;
      std::sort(all.begin(), all.end());
      return all[rng.below(all.size())];
    }
  }
  return -1;
}

}  // namespace scsim::model
