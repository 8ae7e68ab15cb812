#include "events_panel.hpp"

#include <imgui.h>

#include "clock.hpp"

#include <algorithm>
#include <string>

#include "scenario/writer.hpp"

namespace scsim::viz {

std::string describe(const model::ClusterSpec& spec, const model::Action& a) {
  std::string y = scenario::action_to_yaml(spec, a);
  // Drop the "{at: "...", " prefix and the closing brace: the time is shown separately.
  auto comma = y.find(", ");
  std::string body = comma == std::string::npos ? y : y.substr(comma + 2);
  if (!body.empty() && body.back() == '}') body.pop_back();
  std::string clean;
  for (char ch : body)
    if (ch != '"') clean += ch;
  return clock_time(a.at) + "  " + clean;
}

Commands EventsPanel::draw(const Session& s) {
  Commands out;
  const auto& spec = s.cluster().spec();
  if (!ImGui::BeginTabBar("events_tabs")) return out;

  if (ImGui::BeginTabItem("Log")) {
    const char* names[] = {"links", "ownership", "conflicts", "DN views", "actions"};
    for (int i = 0; i < 4; ++i) {
      ImGui::Checkbox(names[i], &show_[i]);
      ImGui::SameLine();
    }
    ImGui::SetNextItemWidth(120);
    ImGui::InputTextWithHint("##logfilter", "text filter", filter_, sizeof filter_);
    ImGui::SameLine();
    ImGui::Checkbox("follow", &follow_);
    ImGui::BeginChild("log", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    std::vector<const LogEntry*> rows;
    for (size_t t = 0; t < s.log().size(); ++t) {
      if (!show_[t]) continue;
      for (const auto& e : s.log()[t]) {
        if (filter_[0] && e.text.find(filter_) == std::string::npos) continue;
        rows.push_back(&e);
      }
    }
    // Each type's entries are in time order; merge them (stable: equal times keep type order).
    std::stable_sort(rows.begin(), rows.end(),
                     [](const LogEntry* a, const LogEntry* b) { return a->at < b->at; });
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const LogEntry& e = *rows[static_cast<size_t>(i)];
        ImVec4 col = e.type == LogEntry::Type::link        ? ImVec4(0.6f, 0.8f, 1, 1)
                     : e.type == LogEntry::Type::ownership ? ImVec4(1, 0.85f, 0.5f, 1)
                     : e.type == LogEntry::Type::conflict  ? ImVec4(1, 0.5f, 0.5f, 1)
                                                           : ImVec4(0.8f, 0.8f, 0.8f, 1);
        ImGui::TextColored(col, "%s  %s", clock_time(e.at).c_str(), e.text.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s s", format_time(e.at).c_str());
      }
    }
    if (follow_ && ImGui::GetScrollY() < ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::EndTabItem();
  }

  const ImGuiTabItemFlags next_flags = select_next_ ? ImGuiTabItemFlags_SetSelected : 0;
  select_next_ = false;
  if (ImGui::BeginTabItem("Next", nullptr, next_flags)) {
    auto next = s.next_event_time();
    ImGui::Text("next event at %s; %zu events pending",
                next ? clock_and_seconds(*next).c_str() : "(none)",
                s.cluster().scheduler().pending());
    ImGui::BeginChild("next");
    // The real next pending events, in execution order (Scheduler::peek does not run them).
    const auto pending = s.cluster().scheduler().peek(20);
    const ImGuiTableFlags tf =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (!pending.empty() && ImGui::BeginTable("pending", 5, tf)) {
      for (const char* h : {"time", "kind", "target", "arg", "class"})
        ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      for (const auto& f : pending) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(clock_time(f.time, 6).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(model::Cluster::event_name(f.event.kind));
        ImGui::TableNextColumn();
        ImGui::Text("%u", f.event.target);
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(f.event.arg));
        ImGui::TableNextColumn();
        ImGui::Text("%u", static_cast<unsigned>(f.priority));
      }
      ImGui::EndTable();
    }
    if (pending.empty()) ImGui::TextDisabled("(no pending event)");
    ImGui::TextDisabled("upcoming timeline actions (scenario and hand-made, in scheduling order):");
    const auto& tl = s.timeline();
    size_t first = s.next_action();
    for (size_t i = first; i < tl.size() && i < first + 200; ++i)
      ImGui::TextUnformatted(describe(spec, tl[i]).c_str());
    if (first >= tl.size()) ImGui::TextDisabled("(no more actions)");
    ImGui::EndChild();
    ImGui::EndTabItem();
  }

  if (ImGui::BeginTabItem("Edits")) {
    const auto& ua = s.user_actions();
    ImGui::TextDisabled("%zu action(s) made by hand; File > Save scenario as... keeps them",
                        ua.size());
    for (size_t i = 0; i < ua.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::SmallButton("remove")) {
        Command c = make(Command::Kind::remove_edit);
        c.index = i;
        out.push_back(c);
      }
      ImGui::SameLine();
      ImGui::TextUnformatted(describe(spec, ua[i]).c_str());
      ImGui::PopID();
    }
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
  return out;
}

}  // namespace scsim::viz
