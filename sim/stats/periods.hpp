// The periods of DOMAIN §6.4 and their one classifier, used by CallStats (periods.csv, the
// period of every call) and by the GUI (the shading behind its KPI plots).
//
// Over the link ends between two live nodes: partitioned if one is declared lost; else
// undetected if one is cut but undeclared; else resyncing if one is resyncing; else
// connected. A link end of a dead node (or `peer_down`) does not count: a crash alone leaves
// the cluster `connected` (the crash is its own episode, DOMAIN §6.5).
#pragma once

#include "model/dn_view.hpp"

namespace scsim::stats {

// §6.4 periods, in the order of precedence of their test (partitioned first).
enum class Period { connected = 0, undetected = 1, partitioned = 2, resyncing = 3 };
inline constexpr int kPeriods = 4;
const char* to_string(Period p);

// link_end(n, p): the state of the end `n` of link n-p; alive(n): node n is up.
template <class LinkEnd, class Alive>
Period classify_period(int nodes, const LinkEnd& link_end, const Alive& alive) {
  bool undetected = false, resyncing = false;
  for (int n = 0; n < nodes; ++n) {
    if (!alive(n)) continue;
    for (int p = 0; p < nodes; ++p) {
      if (p == n || !alive(p)) continue;
      switch (link_end(n, p)) {
        case model::LinkEndState::declared_lost:
          return Period::partitioned;
        case model::LinkEndState::cut_undeclared:
          undetected = true;
          break;
        case model::LinkEndState::resyncing:
          resyncing = true;
          break;
        case model::LinkEndState::up:
        case model::LinkEndState::peer_down:
          break;
      }
    }
  }
  if (undetected) return Period::undetected;
  if (resyncing) return Period::resyncing;
  return Period::connected;
}

}  // namespace scsim::stats
