#include "controls_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "clock.hpp"
#include "palette.hpp"
#include "stats/csv.hpp"

namespace scsim::viz {

bool is_fault_action(model::ActionKind k) {
  using K = model::ActionKind;
  switch (k) {
    case K::cut:
    case K::heal:
    case K::crash:
    case K::restart:
    case K::gws_fail:
    case K::gws_restart:
    case K::gws_cut:
    case K::gws_heal:
    case K::wwe_disconnect:
    case K::wwe_reconnect:
      return true;
    default:
      return false;
  }
}

// Under the seek slider, aligned with its grab: the §6.4 periods and fault episodes so far
// shaded, a tick per timeline action (tall and labelled for faults: cut, heal, crash, restart,
// GWS and WWE; short for agent and phone actions), the hovered ones in a tooltip.
void ControlsPanel::timeline_strip(const Session& s, float x0, float x1) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = 12.0f;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##strip", ImVec2(std::max(1.0f, x1 - p0.x), h));
  // The slider's grab centre runs from min + pad + grab/2 to max - pad - grab/2 (ImGui 1.86).
  const float pad = 2.0f, grab = ImGui::GetStyle().GrabMinSize;
  const float u0 = x0 + pad + grab * 0.5f, u1 = x1 - pad - grab * 0.5f;
  const double end_s = std::max(1e-6, s.end().to_seconds());
  auto xof = [&](Time t) {
    return u0 + static_cast<float>(std::clamp(t.to_seconds() / end_s, 0.0, 1.0)) * (u1 - u0);
  };
  const float y0 = p0.y, y1 = p0.y + h;
  dl->AddRectFilled(ImVec2(u0, y0), ImVec2(u1, y1), IM_COL32(36, 40, 48, 255));
  const auto& cs = s.calls();
  const Time now = s.now();
  for (size_t i = 0; i < cs.periods.size(); ++i) {
    if (cs.periods[i].period == stats::Period::connected) continue;
    Time a = cs.periods[i].start, b = i + 1 < cs.periods.size() ? cs.periods[i + 1].start : now;
    dl->AddRectFilled(ImVec2(xof(a), y0), ImVec2(std::max(xof(b), xof(a) + 2), y0 + h * 0.5f),
                      period_color(cs.periods[i].period).u32(200));
  }
  for (const auto& e : cs.episodes) {
    if (e.start > now) continue;
    Time b = std::min(e.end, now);
    const float a = xof(e.start), bx = std::max(xof(b), a + 2);
    dl->AddRectFilled(ImVec2(a, y0 + h * 0.5f), ImVec2(bx, y1), episode_color(e.kind).u32(200));
  }
  // One tick per pixel column (20 000 DNs bring some 100 000 agent actions).
  const auto& tl = s.timeline();
  const int cols = std::max(1, static_cast<int>(u1 - u0) + 1);
  std::vector<unsigned char> col(static_cast<size_t>(cols), 0);  // bit 0 agent, bit 1 fault
  for (const auto& a : tl) {
    const int x = std::clamp(static_cast<int>(xof(a.at) - u0 + 0.5f), 0, cols - 1);
    col[static_cast<size_t>(x)] |= is_fault_action(a.kind) ? 2 : 1;
  }
  for (int x = 0; x < cols; ++x) {
    const unsigned char m = col[static_cast<size_t>(x)];
    if (m == 0) continue;
    const float px = u0 + static_cast<float>(x);
    const bool fault = (m & 2) != 0;
    dl->AddLine(ImVec2(px, fault ? y0 - 3 : y1 - 3), ImVec2(px, y1),
                fault ? IM_COL32(255, 255, 255, 230) : IM_COL32(170, 170, 170, 60), 1.0f);
  }
  if (ImGui::IsItemHovered()) {
    const float mx = ImGui::GetIO().MousePos.x;
    const double px_s = end_s / std::max(1.0f, u1 - u0);
    const Time t = seconds(std::clamp((mx - u0) / std::max(1.0f, u1 - u0), 0.0f, 1.0f) * end_s);
    ImGui::BeginTooltip();
    ImGui::Text("%s  %s", clock_time(t, 0).c_str(), stats::to_string(cs.period_at(t)));
    int shown = 0, agents = 0;
    for (const auto& a : tl) {
      if (std::abs(a.at.to_seconds() - t.to_seconds()) > 4 * px_s) continue;
      if (!is_fault_action(a.kind)) {
        ++agents;
        continue;
      }
      if (shown++ < 12) ImGui::Text("  %s %s", clock_time(a.at).c_str(), model::to_string(a.kind));
    }
    if (agents > 0) ImGui::TextDisabled("  %d agent/phone action(s)", agents);
    for (const auto& e : cs.episodes)
      if (e.start <= t && t < e.end && e.start <= now)
        ImGui::Text("  %s since %s", e.what.c_str(), clock_time(e.start, 0).c_str());
    ImGui::EndTooltip();
  }
}

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
  const std::string label = clock_time(micros(static_cast<int64_t>(double(seek_s_) * 1e6))) +
                            "  (end " + clock_time(s.end(), 0) + ")";
  ImGui::SliderFloat("##seek", &seek_s_, 0.0f, end_s, label.c_str());
  seeking_ = ImGui::IsItemActive();
  const ImVec2 smin = ImGui::GetItemRectMin(), smax = ImGui::GetItemRectMax();
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    out.push_back(run_until_cmd(micros(static_cast<int64_t>(double(seek_s_) * 1e6))));
  }
  if (ImGui::IsItemHovered() && !seeking_) {
    ImGui::SetTooltip(
        "%s\ndrag to seek; a seek restores the nearest earlier checkpoint and replays from it "
        "(deterministic: the same state as a run from 0)",
        clock_and_seconds(s.now()).c_str());
  }
  timeline_strip(s, smin.x, smax.x);

  auto next = s.next_event_time();
  ImGui::Text("now %s / %s   events %llu   pending %zu   next event %s   fingerprint %s",
              clock_time(s.now()).c_str(), clock_time(s.end()).c_str(),
              static_cast<unsigned long long>(sched.executed()), sched.pending(),
              next ? clock_time(*next).c_str() : "none", stats::hex64(sched.fingerprint()).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("now %s s, end %s s, next event %s s", format_time(s.now()).c_str(),
                      format_time(s.end()).c_str(), next ? format_time(*next).c_str() : "-");
  ImGui::SameLine();
  ImGui::TextDisabled(
      "  seed %llu, %zu edit(s), last re-execution %.0f ms, %zu checkpoints every %llu events",
      static_cast<unsigned long long>(s.seed()), s.user_actions().size(), s.last_rebuild_ms(),
      s.checkpoints(), static_cast<unsigned long long>(s.checkpoint_spacing()));
  return out;
}

}  // namespace scsim::viz
