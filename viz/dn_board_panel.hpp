// DN board: one row per DN, frozen DN / agent / truth columns, then view_N and SS_N of the
// chosen nodes (compact cells by default: eight nodes fit at 1600 px). A cell is coloured by
// service and agent state (palette.hpp); a strong magenta frame marks only a DOMAIN §6.3
// staleness window against the truth as seen from that node (false-up: one frame and '+',
// false-down: a double frame and '-'); OOS across a `network` cut is expected and drawn plainly
// (its reason in the tooltip); a faint frame marks a difference in owner or agent state alone.
// Filters: DN / agent name text, group text, node (rows owned by it in the truth), "stale only".
// Rows are filtered once per frame into an index list and drawn through ImGuiListClipper, so only
// the visible rows cost anything beyond the filter pass.
#pragma once

#include <vector>

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

// How a cell of node `m` compares with the truth as seen from m (DOMAIN §6.3).
struct CellJudgement {
  enum Kind { agrees, false_up, false_down, expected_oos, detail } kind = agrees;
  const char* level = "";  // "service" or "eligibility" for false_up / false_down
};
CellJudgement judge(const model::Cluster& c, int m, const model::DnView& v, const model::DnView& t);

class DnBoardPanel {
 public:
  Commands draw(const Session& s);

 private:
  char dn_filter_[64] = "";
  char group_filter_[64] = "";
  int node_filter_ = -1;  // -1: every node
  bool stale_only_ = false;
  bool compact_ = true;
  int levels_ = 0;           // 0 SS + view, 1 SS only, 2 view only
  std::vector<char> shown_;  // node chooser: columns shown per node
  std::vector<int> rows_;
};

}  // namespace scsim::viz
