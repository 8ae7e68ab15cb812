// Topology panel: DCs as boxes, nodes inside, GWS nodes below them, and the TC links between
// nodes coloured by state (palette.hpp). Clicking a link cuts or heals it (Shift: one way, from
// the nearer node); right-clicking a node or a GWS node offers crash / restart / fail.
//
// A link's colour is the worse of its two ends (declared_lost > cut_undeclared > resyncing >
// up; grey when a node is down); its midpoint always shows that colour (nothing else is drawn
// there), which the headless pixel test relies on. A cut direction a -> b is drawn as a blocked
// arrow "->|" two thirds of the way from a to b.
#pragma once

#include <vector>

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

struct LinkProbe {
  int a = 0, b = 0;    // a < b
  float x = 0, y = 0;  // midpoint in framebuffer pixels (top-left origin)
  model::LinkEndState state = model::LinkEndState::up;
};

// The state the topology shows for the pair a-b.
model::LinkEndState pair_state(const model::Cluster& c, int a, int b);

class TopologyPanel {
 public:
  Commands draw(const Session& s);
  // The links' midpoints as drawn in the last frame.
  const std::vector<LinkProbe>& probes() const { return probes_; }

 private:
  std::vector<LinkProbe> probes_;
  int menu_node_ = -1;
  int menu_gws_ = -1;
};

}  // namespace scsim::viz
