#include "app.hpp"

#include "clock.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace scsim::viz {

App::App(std::unique_ptr<Session> session) : session_(std::move(session)) {
  std::snprintf(save_path_, sizeof save_path_, "%s-edited.yaml", session_->scenario().name.c_str());
  std::snprintf(results_path_, sizeof results_path_, "results/%s-viz",
                session_->scenario().name.c_str());
  if (session_->scenario().cluster.workload.empty()) select_tab_ = 2;  // no calls: DNs per SS
}

bool App::select_tab(const std::string& name) {
  if (name == "calls") {
    select_tab_ = 0;
  } else if (name == "kpis") {
    select_tab_ = 1;
  } else if (name == "dns") {
    select_tab_ = 2;
  } else if (name == "sequence") {
    select_tab_ = 3;
  } else if (name == "next") {
    events_.select_next();
  } else {
    return false;
  }
  show_kpis_ = show_kpis_ || select_tab_ >= 0;
  return true;
}

void App::apply(const Commands& cmds) {
  Session& s = *session_;
  for (const auto& c : cmds) {
    switch (c.kind) {
      case Command::Kind::play:
        play_.playing = !s.at_end();
        break;
      case Command::Kind::pause:
        play_.playing = false;
        break;
      case Command::Kind::step_event:
        play_.playing = false;
        s.step();
        break;
      case Command::Kind::step_action:
        play_.playing = false;
        s.step_to_next_action();
        break;
      case Command::Kind::run_until:
        s.run_until(c.t);
        break;
      case Command::Kind::set_speed:
        play_.speed = c.speed;
        break;
      case Command::Kind::edit:
        s.add_action(c.action);
        status_ = "recorded: " + describe(s.cluster().spec(), c.action);
        break;
      case Command::Kind::remove_edit:
        s.remove_action(c.index);
        status_ = "edit removed; run re-executed to " + clock_time(s.now());
        break;
      case Command::Kind::save_scenario: {
        std::string err = s.save(c.path);
        status_ = err.empty() ? "saved " + c.path + " (scsim run " + c.path + " replays it)" : err;
        break;
      }
      case Command::Kind::write_results: {
        std::string fp;
        std::string err = s.write_results(c.path, &fp);
        status_ = err.empty() ? "results written to " + c.path + ", fingerprint " + fp : err;
        break;
      }
      case Command::Kind::quit:
        quit_ = true;
        break;
    }
  }
}

void App::shortcuts(Commands& out) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  for (int i = 0; i < io.InputQueueCharacters.Size; ++i) {
    ImWchar ch = io.InputQueueCharacters[i];
    if (ch == ' ') out.push_back(make(play_.playing ? Command::Kind::pause : Command::Kind::play));
    if (ch == '.') out.push_back(make(Command::Kind::step_event));
    if (ch == 'n' || ch == 'N') out.push_back(make(Command::Kind::step_action));
    if (ch == 'h' || ch == '?') show_help_ = !show_help_;
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) {
    out.push_back(run_until_cmd(Time::zero()));
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) {
    out.push_back(run_until_cmd(session_->end()));
  }
  if (io.KeyCtrl && ImGui::IsKeyPressed('S', false)) {
    open_save_ = true;  // GLFW key codes are ASCII for letters
  }
}

void App::menu(Commands& out) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Save scenario as...", "Ctrl+S")) open_save_ = true;
    if (ImGui::MenuItem("Write results (as scsim run)...")) open_results_ = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit")) out.push_back(make(Command::Kind::quit));
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem("Calls, routing and KPIs", nullptr, &show_kpis_);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::MenuItem("Keys and mouse", "H", &show_help_);
    ImGui::EndMenu();
  }
  const auto& sc = session_->scenario();
  ImGui::TextDisabled("  %s  (%s, seed %llu)", sc.name.c_str(), sc.file.c_str(),
                      static_cast<unsigned long long>(session_->seed()));
  if (!status_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.6f, 0.9f, 0.6f, 1), "  %s", status_.c_str());
  }
  ImGui::EndMainMenuBar();
}

void App::dialogs(Commands& out) {
  if (open_save_) ImGui::OpenPopup("Save scenario as");
  if (open_results_) ImGui::OpenPopup("Write results");
  open_save_ = open_results_ = false;
  if (ImGui::BeginPopupModal("Save scenario as", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(
        "Writes the scenario with every hand-made action in its timeline and the seed.\n"
        "`scsim run FILE` replays it to the same fingerprint and the same CSV bytes.");
    ImGui::SetNextItemWidth(420);
    ImGui::InputText("file", save_path_, sizeof save_path_);
    if (ImGui::Button("Save")) {
      Command c = make(Command::Kind::save_scenario);
      c.path = save_path_;
      out.push_back(c);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopupModal("Write results", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(
        "Runs this session's scenario from 0 to its end with the CSV recorder, as `scsim run`\n"
        "does, and writes dn_views.csv, links.csv, summary.csv, ... into the directory.");
    ImGui::SetNextItemWidth(420);
    ImGui::InputText("directory", results_path_, sizeof results_path_);
    if (ImGui::Button("Write")) {
      Command c = make(Command::Kind::write_results);
      c.path = results_path_;
      out.push_back(c);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

void App::help_window() {
  if (!show_help_) return;
  ImGui::SetNextWindowSize(ImVec2(560, 0), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(200, 120), ImGuiCond_FirstUseEver);
  if (ImGui::Begin("Help: keys and mouse", &show_help_)) {
    const char* rows[][2] = {
        {"Space", "play / pause"},
        {".", "step one event"},
        {"N", "run to the next timeline action"},
        {"Home / End", "back to 0 (a checkpoint) / run to the end"},
        {"Ctrl+S", "save the scenario with the hand-made actions"},
        {"H or ?", "this help"},
        {"seek slider",
         "drag and release: jump to any time, also back (from the nearest checkpoint)"},
        {"click a link", "cut it both ways, or heal it if cut"},
        {"Shift+click a link", "cut (or heal) one way only: from the node nearer the click"},
        {"right-click a node", "crash (host or process) / restart"},
        {"right-click a GWS", "fail / restart / cut from its node / heal"},
        {"hover", "state and counters of a link, node or GWS"},
        {"Calls and routing tab", "queues per node x group, last routing decisions (filter)"},
        {"KPIs over time tab", "hover a plot: values per node at that time"},
        {"Events > Next tab", "the next 20 pending events of the scheduler"},
    };
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
      for (const auto& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[0]);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[1]);
      }
      ImGui::EndTable();
    }
    ImGui::TextWrapped(
        "Every edit is recorded as a timeline action at the current simulated time, and the run "
        "is re-executed from 0 with it, so the window always shows exactly what `scsim run` "
        "gives for the saved file. Link states (colour and pattern): solid bluish green up, "
        "long orange dashes cut but not yet declared, short vermillion dashes with crosses "
        "declared lost, sky-blue ladder resyncing, grey dots a node down. DN board cells: green "
        "InSrv+Ready, yellow NotReady, blue busy, slate logged out, dark red OOS; a strong "
        "magenta frame only inside a staleness window (DOMAIN 6.3: '+' false-up, double frame "
        "and '-' false-down, against the truth as seen from that node); OOS across a network "
        "cut is expected and plain (hover for why). KPI plots: SL, ASA and abandonment per bin "
        "of arrival (a bin fills up as its calls end), queue length per node; shaded behind "
        "them the periods (orange undetected cut, vermillion partitioned, sky blue resyncing) "
        "and hatched fault episodes (crash, GWS, WWE). Routing decisions: elig = eligible DNs "
        "in SS_N, OOS / busy = "
        "DNs of the group excluded, stale = eligible in SS_N but not available in the truth.");
  }
  ImGui::End();
}

void App::frame(double real_dt_s) {
  Commands cmds;
  Session& s = *session_;
  if (play_.playing) {
    if (play_.speed <= 0) {
      s.run_for(25.0, s.end());
    } else {
      Time target = s.now() + seconds(std::min(real_dt_s, 0.25) * play_.speed);
      s.run_for(25.0, target);
    }
    if (s.at_end() || s.now() >= s.end()) play_.playing = false;
  }
  shortcuts(cmds);
  menu(cmds);

  const ImVec2 disp = ImGui::GetIO().DisplaySize;
  const float top = ImGui::GetFrameHeight();
  const float ctrl_h = 3 * ImGui::GetFrameHeightWithSpacing() + 32;  // + the action strip
  const float body_y = top + ctrl_h;
  const float body_h = std::max(100.0f, disp.y - body_y);
  const float left_w = std::floor(disp.x * 0.42f);
  const ImGuiWindowFlags fixed =
      ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse;
  auto place = [](float x, float y, float w, float h) {
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_Always);
  };

  place(0, top, disp.x, ctrl_h);
  if (ImGui::Begin("Timeline", nullptr, fixed | ImGuiWindowFlags_NoTitleBar)) {
    auto c = controls_.draw(s, play_);
    cmds.insert(cmds.end(), c.begin(), c.end());
  }
  ImGui::End();

  const float topo_h = std::floor(body_h * 0.58f);
  place(0, body_y, left_w, topo_h);
  if (ImGui::Begin("Topology", nullptr, fixed)) {
    auto c = topology_.draw(s);
    cmds.insert(cmds.end(), c.begin(), c.end());
  }
  ImGui::End();
  place(0, body_y + topo_h, left_w, body_h - topo_h);
  if (ImGui::Begin("Events", nullptr, fixed)) {
    auto c = events_.draw(s);
    cmds.insert(cmds.end(), c.begin(), c.end());
  }
  ImGui::End();

  const float board_h = show_kpis_ ? std::floor(body_h * 0.40f) : body_h;
  place(left_w, body_y, disp.x - left_w, board_h);
  if (ImGui::Begin("DN board", nullptr, fixed)) {
    auto c = board_.draw(s);
    cmds.insert(cmds.end(), c.begin(), c.end());
  }
  ImGui::End();
  if (show_kpis_) {
    place(left_w, body_y + board_h, disp.x - left_w, body_h - board_h);
    if (ImGui::Begin("Calls, routing and KPIs", nullptr, fixed) &&
        ImGui::BeginTabBar("calls_tabs")) {
      const char* names[] = {"Calls and routing", "KPIs over time", "DNs per Stat Server",
                             "Sequence chart"};
      for (int i = 0; i < 4; ++i) {
        const ImGuiTabItemFlags f = select_tab_ == i ? ImGuiTabItemFlags_SetSelected : 0;
        if (!ImGui::BeginTabItem(names[i], nullptr, f)) continue;
        Commands c = i == 0   ? calls_.draw(s)
                     : i == 1 ? call_kpis_.draw(s)
                     : i == 2 ? kpis_.draw(s)
                              : sequence_.draw(s);
        cmds.insert(cmds.end(), c.begin(), c.end());
        ImGui::EndTabItem();
      }
      select_tab_ = -1;
      ImGui::EndTabBar();
    }
    ImGui::End();
  }
  help_window();
  dialogs(cmds);
  apply(cmds);
}

}  // namespace scsim::viz
