// Calls and routing: the calls in progress, the queues per node and group
// (Cluster::queue_length), and the last routing decisions of URS_N with their reasons (the
// attribution of routing.csv: eligible DNs, DNs excluded as OOS or busy, stale DNs, the chosen
// DN and its truth owner).
#pragma once

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

class CallsPanel {
 public:
  Commands draw(const Session& s);

 private:
  bool newest_first_ = true;
  bool offers_only_ = false;
  char filter_[32] = "";
};

}  // namespace scsim::viz
