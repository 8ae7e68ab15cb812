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
const char* tiny_agent(model::AgentState s) {
  switch (s) {
    case model::AgentState::logged_out:
      return "-";
    case model::AgentState::not_ready:
      return "N";
    case model::AgentState::ready:
      return "R";
    case model::AgentState::reserved:
      return "r";
    case model::AgentState::ringing:
      return "g";
    case model::AgentState::talking:
      return "T";
    case model::AgentState::acw:
      return "A";
  }
  return "?";
}

}  // namespace

// DOMAIN §6.3 against the truth as seen from node m (section 3's end): a DN is InSrv as seen
// from m when its truth owner is alive, reachable from m for offers (R30) and has it InSrv.
CellJudgement judge(const model::Cluster& c, int m, const model::DnView& v,
                    const model::DnView& t) {
  CellJudgement j;
  const bool reach =
      t.owner >= 0 && c.node_alive(t.owner) && (t.owner == m || c.reachable_for_offers(m, t.owner));
  const bool seen_insrv = reach && t.in_service;
  const bool seen_elig = seen_insrv && t.agent == model::AgentState::ready;
  const bool v_insrv = v.owner >= 0 && v.in_service;
  const bool v_elig = v.eligible();
  if (v_insrv != seen_insrv || v_elig != seen_elig) {
    j.kind = (v_insrv && !seen_insrv) || (v_elig && !seen_elig) ? CellJudgement::false_up
                                                                : CellJudgement::false_down;
    j.level = v_insrv != seen_insrv ? "service" : "eligibility";
  } else if (t.in_service && !reach && !v_insrv) {
    j.kind = CellJudgement::expected_oos;
  } else if (differs(v, t)) {
    j.kind = CellJudgement::detail;
  }
  return j;
}

namespace {

// One cell: coloured by service and agent state; a strong frame (false-up solid, false-down
// double) only inside a §6.3 staleness window; expected OOS plain with its reason in the
// tooltip; a faint frame where the view differs from the truth in a detail that is no
// staleness (owner or agent state while service and eligibility agree).
void cell(const model::Cluster& c, const model::DnView& v, const model::DnView& t, int node,
          const char* where, bool down, bool compact) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x;
  float h = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  Rgb col = down ? kNodeDead : dn_color(v);
  dl->AddRectFilled(ImVec2(p.x - 2, p.y), ImVec2(p.x + w + 2, p.y + h), col.u32());
  if (down) {
    ImGui::TextUnformatted("down");
    return;
  }
  const CellJudgement j = node >= 0 ? judge(c, node, v, t) : CellJudgement{};
  const bool stale = j.kind == CellJudgement::false_up || j.kind == CellJudgement::false_down;
  if (stale) {
    dl->AddRect(ImVec2(p.x - 1, p.y), ImVec2(p.x + w + 1, p.y + h), kStale.u32(), 0, 0, 2);
    if (j.kind == CellJudgement::false_down)
      dl->AddRect(ImVec2(p.x + 2, p.y + 3), ImVec2(p.x + w - 2, p.y + h - 3), kStale.u32(), 0, 0,
                  1);
  } else if (j.kind == CellJudgement::detail) {
    dl->AddRect(ImVec2(p.x - 1, p.y), ImVec2(p.x + w + 1, p.y + h), IM_COL32(200, 200, 200, 90));
  }
  const auto& names = c.spec().nodes;
  const char* owner = v.owner >= 0 ? names[static_cast<size_t>(v.owner)].name.c_str() : "-";
  const char* mark = j.kind == CellJudgement::false_up     ? "+"
                     : j.kind == CellJudgement::false_down ? "-"
                                                           : "";
  if (compact)
    ImGui::Text("%s%s %s%s", mark, owner, v.in_service ? "I" : "O", tiny_agent(v.agent));
  else
    ImGui::Text("%s%s %s %s", mark, owner, v.in_service ? "In" : "OOS", short_agent(v.agent));
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::Text("%s: owner %s, %s, %s", where, owner, v.in_service ? "InSrv" : "OOS",
                model::to_string(v.agent));
    if (node >= 0) {
      ImGui::Text("truth: owner %s, %s, %s",
                  t.owner >= 0 ? names[static_cast<size_t>(t.owner)].name.c_str() : "-",
                  t.in_service ? "InSrv" : "OOS", model::to_string(t.agent));
      const std::string& nm = names[static_cast<size_t>(node)].name;
      switch (j.kind) {
        case CellJudgement::false_up:
          ImGui::Text(
              "STALE (false-up, %s): says available, the truth as seen from %s does not "
              "(misroutes)",
              j.level, nm.c_str());
          break;
        case CellJudgement::false_down:
          ImGui::Text(
              "STALE (false-down, %s): says unavailable, the truth as seen from %s is "
              "available (lost capacity)",
              j.level, nm.c_str());
          break;
        case CellJudgement::expected_oos:
          ImGui::Text(
              "OOS as expected, not stale: the owner %s is not reachable from %s for "
              "offers (R21, R30 network cut; DOMAIN 6.3)",
              t.owner >= 0 ? names[static_cast<size_t>(t.owner)].name.c_str() : "-", nm.c_str());
          break;
        case CellJudgement::detail:
          ImGui::TextUnformatted(
              "differs from the truth in owner or agent state only; service "
              "and eligibility agree (not stale)");
          break;
        case CellJudgement::agrees:
          break;
      }
    }
    ImGui::EndTooltip();
  }
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
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "rows with a cell inside a DOMAIN 6.3 staleness window (false-up or "
        "false-down against the truth as seen from that node)");
  ImGui::SameLine();
  ImGui::Checkbox("compact", &compact_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  const char* levels[] = {"SS + view", "SS only", "view only"};
  ImGui::Combo("##levels", &levels_, levels, 3);
  if (shown_.size() != static_cast<size_t>(n_nodes)) shown_.assign(static_cast<size_t>(n_nodes), 1);
  int n_shown = 0;
  for (char on : shown_)
    n_shown += on ? 1 : 0;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  const std::string chooser = "nodes " + std::to_string(n_shown) + "/" + std::to_string(n_nodes);
  if (ImGui::BeginCombo("##nodes", chooser.c_str())) {
    for (int n = 0; n < n_nodes; ++n) {
      bool on = shown_[static_cast<size_t>(n)] != 0;
      if (ImGui::Checkbox(spec.nodes[static_cast<size_t>(n)].name.c_str(), &on))
        shown_[static_cast<size_t>(n)] = on;
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("node chooser: the nodes whose columns are shown");

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
        for (const model::DnView* v : {&c.view(n, d), &c.stat(n, d)}) {
          auto k = judge(c, n, *v, t).kind;
          stale = stale || k == CellJudgement::false_up || k == CellJudgement::false_down;
        }
      }
      if (!stale) continue;
    }
    rows_.push_back(d);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%zu / %d DNs", rows_.size(), c.dn_count());

  const bool with_view = levels_ != 1, with_ss = levels_ != 2;
  std::vector<std::pair<int, bool>> colv;  // (node, is SS)
  for (int n = 0; n < n_nodes; ++n) {
    if (!shown_[static_cast<size_t>(n)]) continue;
    if (with_view) colv.push_back({n, false});
    if (with_ss) colv.push_back({n, true});
  }
  const float cw = compact_ ? ImGui::CalcTextSize("+N1 OT").x + 6 : 105.0f;
  const int cols = 3 + static_cast<int>(colv.size());
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  if (ImGui::BeginTable("dn_board", cols, flags)) {
    ImGui::TableSetupScrollFreeze(3, 1);  // DN, agent and truth stay while scrolling
    ImGui::TableSetupColumn("DN");
    ImGui::TableSetupColumn("agent");
    ImGui::TableSetupColumn("truth", ImGuiTableColumnFlags_WidthFixed, cw);
    std::vector<std::string> names;
    for (auto [n, ss] : colv)
      names.push_back((ss ? (compact_ ? "S" : "SS_") : (compact_ ? "v" : "view_")) +
                      spec.nodes[static_cast<size_t>(n)].name);
    for (const auto& nm : names)
      ImGui::TableSetupColumn(nm.c_str(), ImGuiTableColumnFlags_WidthFixed, cw);
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
        cell(c, t, t, -1, "truth", false, compact_);
        for (size_t k = 0; k < colv.size(); ++k) {
          const auto [n, ss] = colv[k];
          const bool down = !c.node_alive(n);
          ImGui::TableNextColumn();
          cell(c, ss ? c.stat(n, d) : c.view(n, d), t, n, names[k].c_str(), down, compact_);
        }
      }
    }
    ImGui::EndTable();
  }
  return {};
}

}  // namespace scsim::viz
