// The GUI's colours, in one place: the topology, the DN board, the legend and the headless
// pixel test (viz/tests) all use these values.
#pragma once

#include <imgui.h>

#include "model/cluster.hpp"
#include "session.hpp"
#include "stats/call_stats.hpp"

namespace scsim::viz {

struct Rgb {
  unsigned char r, g, b;
  ImU32 u32(unsigned char a = 255) const { return IM_COL32(r, g, b, a); }
};

// Okabe-Ito colours (safe for the common colour-vision deficiencies); the topology also draws
// each state in its own dash pattern (topology_panel.cpp link_line), so no state depends on
// colour alone.
inline Rgb link_color(model::LinkEndState s) {
  switch (s) {
    case model::LinkEndState::up:
      return {0, 158, 115};  // bluish green, solid
    case model::LinkEndState::cut_undeclared:
      return {230, 159, 0};  // orange, long dashes: cut, not yet noticed
    case model::LinkEndState::declared_lost:
      return {213, 94, 0};  // vermillion, short dashes and crosses
    case model::LinkEndState::resyncing:
      return {86, 180, 233};  // sky blue, ladder
    case model::LinkEndState::peer_down:
      return {150, 150, 150};  // grey, dots
  }
  return {255, 0, 255};
}

inline constexpr Rgb kBackground{24, 26, 30};
inline constexpr Rgb kNodeAlive{70, 90, 120};
inline constexpr Rgb kNodeDead{60, 60, 60};
inline constexpr Rgb kDcBox{50, 55, 65};
inline constexpr Rgb kDownMark{213, 94, 0};  // a crashed node's cross and "DOWN"
inline constexpr Rgb kStale{230, 60, 230};   // cells that disagree with the truth

// DN board cell colours by (service, agent state).
inline Rgb dn_color(const model::DnView& v) {
  if (v.owner < 0) return {55, 55, 60};     // no owner
  if (!v.in_service) return {120, 35, 40};  // OOS
  switch (v.agent) {
    case model::AgentState::logged_out:
      return {70, 80, 95};
    case model::AgentState::not_ready:
      return {150, 120, 30};
    case model::AgentState::ready:
      return {40, 130, 70};
    case model::AgentState::reserved:
    case model::AgentState::ringing:
    case model::AgentState::talking:
    case model::AgentState::acw:
      return {45, 90, 160};
  }
  return {255, 0, 255};
}

// The §6.4 periods shaded behind the KPI plots (drawn with a low alpha): the link colours of
// the state that defines them.
inline Rgb period_color(stats::Period p) {
  switch (p) {
    case stats::Period::connected:
      return link_color(model::LinkEndState::up);
    case stats::Period::undetected:
      return link_color(model::LinkEndState::cut_undeclared);
    case stats::Period::partitioned:
      return link_color(model::LinkEndState::declared_lost);
    case stats::Period::resyncing:
      return link_color(model::LinkEndState::resyncing);
  }
  return {255, 0, 255};
}

// Fault episodes shaded on the plots and under the time slider.
inline Rgb episode_color(CallSeries::Episode::Kind k) {
  switch (k) {
    case CallSeries::Episode::Kind::crash:
      return {204, 121, 167};  // Okabe-Ito reddish purple
    case CallSeries::Episode::Kind::gws:
      return {240, 228, 66};  // yellow
    case CallSeries::Episode::Kind::wwe:
      return {86, 180, 233};  // sky blue
  }
  return {255, 0, 255};
}

// One line colour per node in the KPI plots (cycled), and the "all nodes" line.
inline Rgb node_line_color(int node) {
  static constexpr Rgb c[] = {{250, 200, 80}, {110, 200, 250}, {240, 120, 200}, {160, 230, 120},
                              {250, 140, 90}, {180, 150, 250}, {90, 220, 200},  {230, 230, 140}};
  return c[static_cast<unsigned>(node) % (sizeof c / sizeof c[0])];
}
inline constexpr Rgb kAllNodesLine{235, 235, 235};

}  // namespace scsim::viz
