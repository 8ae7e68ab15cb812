// The application: a Session, the panels, and the loop step that draws them and applies the
// Commands they return (the only place where the Session changes). Windows are tiled in a
// fixed layout (ImGui 1.86 has no docking): controls along the top, topology and the event log
// on the left, the DN board and, below it, a tabbed window with the calls and routing, the call
// KPI plots and the DNs per Stat Server on the right. A main menu holds File (save the
// scenario with the hand-made actions, write results like `scsim run`), View and Help.
#pragma once

#include <memory>
#include <string>

#include "calls_panel.hpp"
#include "commands.hpp"
#include "controls_panel.hpp"
#include "dn_board_panel.hpp"
#include "events_panel.hpp"
#include "kpi_panel.hpp"
#include "sequence_panel.hpp"
#include "session.hpp"
#include "topology_panel.hpp"

namespace scsim::viz {

class App {
 public:
  explicit App(std::unique_ptr<Session> session);

  // Builds one frame's UI (between ImGui::NewFrame and ImGui::Render) and applies what the
  // panels asked for; `real_dt_s` is the wall time since the last frame (for playing).
  void frame(double real_dt_s);
  void apply(const Commands& cmds);

  Session& session() { return *session_; }
  const TopologyPanel& topology() const { return topology_; }
  bool quit_requested() const { return quit_; }
  PlayState& play() { return play_; }
  // Opens tabs (headless screenshots): "calls", "kpis", "dns" or "sequence" in the bottom-right
  // window,
  // "next" in the event log. False if the name is unknown.
  bool select_tab(const std::string& name);

 private:
  void menu(Commands& out);
  void shortcuts(Commands& out);
  void dialogs(Commands& out);
  void help_window();

  std::unique_ptr<Session> session_;
  PlayState play_;
  ControlsPanel controls_;
  TopologyPanel topology_;
  DnBoardPanel board_;
  EventsPanel events_;
  KpiPanel kpis_;
  CallsPanel calls_;
  CallKpiPanel call_kpis_;
  SequencePanel sequence_;
  int select_tab_ = -1;  // 0 calls, 1 call KPIs, 2 DNs per SS, 3 sequence: at the next frame
  bool show_help_ = false;
  bool show_kpis_ = true;
  bool open_save_ = false, open_results_ = false;
  char save_path_[512] = "";
  char results_path_[512] = "";
  std::string status_;
  bool quit_ = false;
};

}  // namespace scsim::viz
