// DN board: one row per DN, columns for the truth, then view_N and SS_N of every node. A cell
// is coloured by service and agent state (palette.hpp) and marked stale (magenta frame, '*')
// where it disagrees with the truth in owner, service or agent state. Filters: DN / agent name
// text, group text, node (rows owned by it in the truth), "stale only". Rows are filtered once
// per frame into an index list and drawn through ImGuiListClipper, so only the visible rows
// cost anything beyond the filter pass.
#pragma once

#include <vector>

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

class DnBoardPanel {
 public:
  Commands draw(const Session& s);

 private:
  char dn_filter_[64] = "";
  char group_filter_[64] = "";
  int node_filter_ = -1;  // -1: every node
  bool stale_only_ = false;
  std::vector<int> rows_;
};

}  // namespace scsim::viz
