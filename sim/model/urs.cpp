// URS_N over SS_N (DOMAIN R50-R55, R63): the eligible indexes, staffed counts and R55's pick.
// Node-side: reads only the SS_N entries it is handed and the configuration (urs.hpp).
#include "model/urs.hpp"

#include "core/prefetch.hpp"

#include <algorithm>
#include <cassert>
#include <new>
#include <utility>

namespace scsim::model {

Urs::Urs() : group_at_(1, 0), pool_(std::make_unique<NodePool>()) {}

Urs::Urs(const Config& c)
    : nodes_(int(c.node_dc.size())),
      groups_(c.groups),
      mode_(c.mode),
      selection_(c.selection),
      pool_(std::make_unique<NodePool>()) {
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
  sets_.assign(cells * size_t(nodes_), EligibleSet(EligibleSet::allocator_type(pool_.get())));
  pos_.resize(size_t(nodes_) * group_list_.size());
  insrv_.assign(cells, 0);
  staffed_.assign(cells, 0);
  eligible_.assign(cells, 0);
  eligible_all_.assign(cells, 0);
}

Urs::Urs(const Urs& o)
    : nodes_(o.nodes_),
      groups_(o.groups_),
      mode_(o.mode_),
      selection_(o.selection_),
      admit_(o.admit_),
      group_list_(o.group_list_),
      group_at_(o.group_at_),
      group_size_(o.group_size_),
      pool_(std::make_unique<NodePool>()),
      sets_(o.sets_.size(), EligibleSet(EligibleSet::allocator_type(pool_.get()))),
      pos_(o.pos_.size()),
      insrv_(o.insrv_),
      staffed_(o.staffed_),
      eligible_(o.eligible_),
      eligible_all_(o.eligible_all_),
      flipped_(o.flipped_) {
  // Set i is (n, g, owner) = ngo(n, g, owner); each DN in it sits at its (n, DN, g) position.
  const size_t per_node = size_t(groups_) * size_t(nodes_);
  for (size_t i = 0; i < sets_.size(); ++i) {
    const size_t n = i / per_node;
    const int g = int((i / size_t(nodes_)) % size_t(groups_));
    for (const auto& e : o.sets_[i]) {
      auto it = sets_[i].insert(sets_[i].end(), e);
      const int d = e.second;
      for (int k = group_at_[size_t(d)]; k < group_at_[size_t(d) + 1]; ++k)
        if (group_list_[size_t(k)] == g) pos_[n * group_list_.size() + size_t(k)] = it;
    }
  }
}

Urs& Urs::operator=(const Urs& o) {
  if (this != &o) *this = Urs(o);
  return *this;
}

Urs& Urs::operator=(Urs&& o) noexcept {
  // The old sets are destroyed (their nodes freed into the old pool) before the old pool, as
  // in ~Urs, then the moved-from state is taken whole (the moved sets keep pointing at the
  // pool they came with, which moves by pointer).
  if (this != &o) {
    this->~Urs();
    new (this) Urs(std::move(o));
  }
  return *this;
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
    EligibleSet::iterator& pos = pos_[size_t(n) * group_list_.size() + size_t(k)];
    if (old.eligible) sets_[ngo(n, g, old.owner)].erase(pos);
    if (nw.eligible) {
      // Ready times mostly arrive in order: hinted at the end, the insert is O(1) then.
      EligibleSet& set = sets_[ngo(n, g, nw.owner)];
      pos = set.insert(set.end(), {nw.ready_us, d});
    }
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

void Urs::prefetch(int n, int d) const {
  const int k = group_at_[size_t(d)];
  if (k < group_at_[size_t(d) + 1])
    scsim::prefetch(&pos_[size_t(n) * group_list_.size() + size_t(k)]);
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
    for (const auto& e : sets_[ngo(n, g, o)])
      out.push_back(e.second);
  }
  return out;
}

bool Urs::first_free(int n, int g, int o, std::span<const int> skip,
                     std::pair<int64_t, int>& out) const {
  for (const auto& e : sets_[ngo(n, g, o)]) {
    if (std::find(skip.begin(), skip.end(), e.second) == skip.end()) {
      out = e;
      return true;
    }
  }
  return false;
}

int Urs::select(int n, int g, std::span<const int> skip, Rng& rng) const {
  std::pair<int64_t, int> best{0, -1};
  bool found = false;
  auto longest_ready = [&](bool skip_self) {
    for (int o = 0; o < nodes_; ++o) {
      if (!admitted(n, o) || (skip_self && o == n)) continue;
      std::pair<int64_t, int> e;
      // R55: Ready longest first (owner's timestamp), ties to the lowest DN.
      if (first_free(n, g, o, skip, e) && (!found || e < best)) {
        best = e;
        found = true;
      }
    }
  };
  switch (selection_) {
    case TargetSelection::longest_ready:
      longest_ready(false);
      break;
    case TargetSelection::prefer_local:
      // R55: DNs owned by N first, then as longest_ready.
      if (admitted(n, n) && first_free(n, g, n, skip, best)) return best.second;
      longest_ready(true);
      break;
    case TargetSelection::random: {
      // R55: uniformly among the eligible DNs, from the node's routing stream.
      std::vector<int> all;
      for (int o = 0; o < nodes_; ++o) {
        if (!admitted(n, o)) continue;
        for (const auto& e : sets_[ngo(n, g, o)]) {
          if (std::find(skip.begin(), skip.end(), e.second) == skip.end()) all.push_back(e.second);
        }
      }
      if (all.empty()) return -1;
      std::sort(all.begin(), all.end());
      return all[rng.below(all.size())];
    }
  }
  return found ? best.second : -1;
}

}  // namespace scsim::model
