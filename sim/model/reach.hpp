// Who reaches whom over the TC mesh, derived from a Boost.Graph of the live nodes.
//
// The graph has an edge a -> b when a's TC traffic to b gets through: both nodes alive and the
// a -> b direction not cut. That covers symmetric partitions, one-way cuts (an edge one way
// only) and non-transitive ones (N1 and N2 cut apart while both still reach N3: a "bridge").
// With tc_relay_via_peers false (R23, the only modelled choice) a node's view of a DN depends
// only on the direct edge to its owner; `via_peers` answers the transitive question for
// analysis (periods, GUI), and `groups` lists the sets of live nodes that mutually reach each
// other directly (cliques are not needed: a group is a strongly connected component).
// Kept in its own translation unit because Boost.Graph headers are heavy to compile.
#pragma once

#include <cstddef>
#include <vector>

namespace scsim::model {

class Reachability {
 public:
  // alive[n]; cut(a, b) is true when the a -> b direction is cut.
  template <class CutFn>
  static Reachability build(const std::vector<char>& alive, CutFn&& cut) {
    int n = static_cast<int>(alive.size());
    std::vector<char> edge(std::size_t(n) * n, 0);
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) {
        edge[std::size_t(a) * n + b] = a != b && alive[a] && alive[b] && !cut(a, b);
      }
    }
    return Reachability(alive, std::move(edge));
  }

  int size() const { return n_; }
  bool direct(int a, int b) const { return edge_[std::size_t(a) * n_ + b] != 0; }
  bool mutual(int a, int b) const { return direct(a, b) && direct(b, a); }
  // A path of working directions from a to b, through any live nodes.
  bool via_peers(int a, int b) const { return closure_[std::size_t(a) * n_ + b] != 0; }
  // Strongly connected component of each live node (-1 for dead nodes); equal ids reach each
  // other, possibly through peers.
  int component(int a) const { return component_[a]; }
  int component_count() const { return components_; }
  // True when some pair of live nodes does not reach each other directly both ways.
  bool partitioned() const;

 private:
  Reachability(std::vector<char> alive, std::vector<char> edge);
  int n_ = 0;
  std::vector<char> alive_;
  std::vector<char> edge_;
  std::vector<char> closure_;
  std::vector<int> component_;
  int components_ = 0;
};

}  // namespace scsim::model
