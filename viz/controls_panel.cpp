#include "controls_panel.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "stats/csv.hpp"

namespace scsim::viz {

Commands ControlsPanel::draw(const Session& s, const PlayState& play) {
  Commands out;
  const auto& sched = s.cluster().scheduler();
  const bool at_end = s.at_end();

  if (play.playing) {
    if (ImGui::Button("Pause [Space]", ImVec2(110, 0))) out.push_back(make(Command::Kind::pause));
  } else {
    ImGui::BeginDisabled(at_end);
    if (ImGui::Button("Play [Space]", ImVec2(110, 0))) out.push_back(make(Command::Kind::play));
    ImGui::EndDisabled();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(at_end);
  if (ImGui::Button("Step event [.]")) out.push_back(make(Command::Kind::step_event));
  ImGui::SameLine();
  if (ImGui::Button("Next action [N]")) out.push_back(make(Command::Kind::step_action));
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Restart [Home]")) out.push_back(run_until_cmd(Time::zero()));

  ImGui::SameLine(0, 20);
  bool fastest = play.speed <= 0;
  if (ImGui::Checkbox("as fast as possible", &fastest)) {
    Command c = make(Command::Kind::set_speed);
    c.speed = fastest ? 0 : 10;
    out.push_back(c);
  }
  if (!fastest) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    float lg = static_cast<float>(std::log10(play.speed));
    char fmt[32];
    std::snprintf(fmt, sizeof fmt, "x%.3g", play.speed);
    if (ImGui::SliderFloat("speed", &lg, 0.0f, 5.0f, fmt)) {
      Command c = make(Command::Kind::set_speed);
      c.speed = std::pow(10.0, static_cast<double>(lg));
      out.push_back(c);
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("simulated seconds per real second (x1 = real time)");
  }

  ImGui::SameLine(0, 20);
  ImGui::SetNextItemWidth(100);
  bool go = ImGui::InputTextWithHint("##until", "T (150, 1:30)", until_, sizeof until_,
                                     ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  go = ImGui::Button("Run until") || go;
  if (go) {
    auto t = parse_time(until_);
    if (t.value) {
      until_error_.clear();
      out.push_back(run_until_cmd(*t.value));
    } else {
      until_error_ = t.error;
    }
  }
  if (!until_error_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", until_error_.c_str());
  }

  // Seek slider: drag anywhere in [0, end]; the run jumps there when the mouse is released.
  const float end_s = static_cast<float>(s.end().to_seconds());
  if (!seeking_) seek_s_ = static_cast<float>(s.now().to_seconds());
  ImGui::SetNextItemWidth(-1);
  char label[64];
  std::snprintf(label, sizeof label, "t = %s s",
                format_time(micros(static_cast<int64_t>(double(seek_s_) * 1e6))).c_str());
  ImGui::SliderFloat("##seek", &seek_s_, 0.0f, end_s, label);
  seeking_ = ImGui::IsItemActive();
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    out.push_back(run_until_cmd(micros(static_cast<int64_t>(double(seek_s_) * 1e6))));
  }
  if (ImGui::IsItemHovered() && !seeking_) {
    ImGui::SetTooltip("drag to seek; going back re-executes the run from 0 (deterministic)");
  }

  auto next = s.next_event_time();
  ImGui::Text("now %s s / %s s   events %llu   pending %zu   next event %s   fingerprint %s",
              format_time(s.now()).c_str(), format_time(s.end()).c_str(),
              static_cast<unsigned long long>(sched.executed()), sched.pending(),
              next ? (format_time(*next) + " s").c_str() : "none",
              stats::hex64(sched.fingerprint()).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("  seed %llu, %zu edit(s), last re-execution %.0f ms",
                      static_cast<unsigned long long>(s.seed()), s.user_actions().size(),
                      s.last_rebuild_ms());
  return out;
}

}  // namespace scsim::viz
