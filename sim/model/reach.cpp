#include "model/reach.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/strong_components.hpp>

namespace scsim::model {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
}

Reachability::Reachability(std::vector<char> alive, std::vector<char> edge)
    : n_(static_cast<int>(alive.size())), alive_(std::move(alive)), edge_(std::move(edge)) {
  Graph g(static_cast<size_t>(n_));
  for (int a = 0; a < n_; ++a) {
    for (int b = 0; b < n_; ++b) {
      if (direct(a, b)) boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), g);
    }
  }
  // Transitive closure by one BFS per source (n is small: a cluster has a handful of nodes).
  closure_.assign(size_t(n_) * n_, 0);
  for (int s = 0; s < n_; ++s) {
    if (!alive_[s]) continue;
    std::vector<boost::default_color_type> color(static_cast<size_t>(n_));
    boost::breadth_first_search(g, static_cast<size_t>(s),
                                boost::color_map(boost::make_iterator_property_map(
                                    color.begin(), boost::get(boost::vertex_index, g))));
    for (int t = 0; t < n_; ++t) {
      if (t != s && color[static_cast<size_t>(t)] != boost::white_color) {
        closure_[size_t(s) * n_ + t] = 1;
      }
    }
  }
  std::vector<int> comp(static_cast<size_t>(n_), -1);
  boost::strong_components(
      g, boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, g)));
  // Renumber components over live nodes only, in node order, so ids are deterministic.
  component_.assign(static_cast<size_t>(n_), -1);
  std::vector<int> remap(static_cast<size_t>(n_), -1);
  for (int a = 0; a < n_; ++a) {
    if (!alive_[a]) continue;
    int c = comp[static_cast<size_t>(a)];
    if (remap[static_cast<size_t>(c)] < 0) remap[static_cast<size_t>(c)] = components_++;
    component_[static_cast<size_t>(a)] = remap[static_cast<size_t>(c)];
  }
}

bool Reachability::partitioned() const {
  for (int a = 0; a < n_; ++a) {
    for (int b = a + 1; b < n_; ++b) {
      if (alive_[a] && alive_[b] && !mutual(a, b)) return true;
    }
  }
  return false;
}

}  // namespace scsim::model
