#include "dn_board_panel.hpp"

#include <imgui.h>

#include <cstring>
#include <string>

#include "palette.hpp"

namespace scsim::viz {
namespace {

bool differs(const model::DnView& a, const model::DnView& b) {
  return a.owner != b.owner || a.in_service != b.in_service || a.agent != b.agent;
}

bool contains(const std::string& hay, const char* needle) {
  return needle[0] == '\0' || hay.find(needle) != std::string::npos;
}

const char* short_agent(model::AgentState s) {
  switch (s) {
    case model::AgentState::logged_out:
      return "out";
    case model::AgentState::not_ready:
      return "NRdy";
    case model::AgentState::ready:
      return "Rdy";
    case model::AgentState::reserved:
      return "Rsv";
    case model::AgentState::ringing:
      return "Ring";
    case model::AgentState::talking:
      return "Talk";
    case model::AgentState::acw:
      return "ACW";
  }
  return "?";
}

void cell(const model::Cluster& c, const model::DnView& v, bool stale, bool down) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x;
  float h = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  Rgb col = down ? kNodeDead : dn_color(v);
  dl->AddRectFilled(ImVec2(p.x - 2, p.y), ImVec2(p.x + w + 2, p.y + h), col.u32());
  if (stale) dl->AddRect(ImVec2(p.x - 1, p.y), ImVec2(p.x + w + 1, p.y + h), kStale.u32(), 0, 0, 2);
  if (down) {
    ImGui::TextUnformatted("down");
    return;
  }
  const char* owner =
      v.owner >= 0 ? c.spec().nodes[static_cast<size_t>(v.owner)].name.c_str() : "-";
  ImGui::Text("%s%s %s %s", stale ? "*" : "", owner, v.in_service ? "In" : "OOS",
              short_agent(v.agent));
}

}  // namespace

Commands DnBoardPanel::draw(const Session& s) {
  const auto& c = s.cluster();
  const auto& spec = c.spec();
  const int n_nodes = c.node_count();

  ImGui::SetNextItemWidth(110);
  ImGui::InputTextWithHint("##dn", "DN / agent", dn_filter_, sizeof dn_filter_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  ImGui::InputTextWithHint("##group", "group", group_filter_, sizeof group_filter_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  std::string label = node_filter_ < 0
                          ? "all nodes"
                          : "owner " + spec.nodes[static_cast<size_t>(node_filter_)].name;
  if (ImGui::BeginCombo("##node", label.c_str())) {
    if (ImGui::Selectable("all nodes", node_filter_ < 0)) node_filter_ = -1;
    for (int n = 0; n < n_nodes; ++n) {
      std::string l = "owner " + spec.nodes[static_cast<size_t>(n)].name;
      if (ImGui::Selectable(l.c_str(), node_filter_ == n)) node_filter_ = n;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::Checkbox("stale only", &stale_only_);

  // Filter pass: one comparison per DN and view, no allocation.
  rows_.clear();
  for (int d = 0; d < c.dn_count(); ++d) {
    const auto& a = spec.agents[static_cast<size_t>(d)];
    if (dn_filter_[0] && !contains(a.dn, dn_filter_) && !contains(a.name, dn_filter_)) continue;
    if (group_filter_[0]) {
      bool any = false;
      for (const auto& g : a.groups)
        any = any || contains(g, group_filter_);
      if (!any) continue;
    }
    model::DnView t = c.truth(d);
    if (node_filter_ >= 0 && t.owner != node_filter_) continue;
    if (stale_only_) {
      bool stale = false;
      for (int n = 0; n < n_nodes && !stale; ++n) {
        if (!c.node_alive(n)) continue;
        stale = differs(c.view(n, d), t) || differs(c.stat(n, d), t);
      }
      if (!stale) continue;
    }
    rows_.push_back(d);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%zu / %d DNs", rows_.size(), c.dn_count());

  const int cols = 3 + 2 * n_nodes;
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  if (ImGui::BeginTable("dn_board", cols, flags)) {
    ImGui::TableSetupScrollFreeze(2, 1);
    ImGui::TableSetupColumn("DN");
    ImGui::TableSetupColumn("agent");
    ImGui::TableSetupColumn("truth", ImGuiTableColumnFlags_WidthFixed, 105);
    std::vector<std::string> names;
    for (int n = 0; n < n_nodes; ++n) {
      names.push_back("view_" + spec.nodes[static_cast<size_t>(n)].name);
      names.push_back("SS_" + spec.nodes[static_cast<size_t>(n)].name);
    }
    for (const auto& nm : names)
      ImGui::TableSetupColumn(nm.c_str(), ImGuiTableColumnFlags_WidthFixed, 105);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows_.size()));
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const int d = rows_[static_cast<size_t>(r)];
        const auto& a = spec.agents[static_cast<size_t>(d)];
        model::DnView t = c.truth(d);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(a.dn.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(a.name.c_str());
        ImGui::TableNextColumn();
        cell(c, t, false, false);
        for (int n = 0; n < n_nodes; ++n) {
          const bool down = !c.node_alive(n);
          const auto& v = c.view(n, d);
          const auto& ss = c.stat(n, d);
          ImGui::TableNextColumn();
          cell(c, v, !down && differs(v, t), down);
          ImGui::TableNextColumn();
          cell(c, ss, !down && differs(ss, t), down);
        }
      }
    }
    ImGui::EndTable();
  }
  return {};
}

}  // namespace scsim::viz
