#include "calls_panel.hpp"

#include <imgui.h>

#include "clock.hpp"

#include <cstring>
#include <string>
#include <vector>

namespace scsim::viz {

Commands CallsPanel::draw(const Session& s) {
  const auto& c = s.cluster();
  const auto& spec = c.spec();
  const auto& cs = s.calls();
  const auto& groups = c.groups();
  const int n_nodes = c.node_count();
  auto node_name = [&](int n) { return n < 0 ? std::string("-") : spec.nodes[size_t(n)].name; };

  int queued = 0;
  for (int n = 0; n < n_nodes; ++n)
    queued += c.queue_length(n);
  ImGui::Text(
      "calls: %llu arrived, %llu in progress, %d queued, %llu ended; %llu routing decisions",
      static_cast<unsigned long long>(c.calls_arrived()),
      static_cast<unsigned long long>(c.calls_active()), queued,
      static_cast<unsigned long long>(cs.ended), static_cast<unsigned long long>(cs.decisions));
  if (s.scenario().cluster.workload.empty()) {
    ImGui::TextDisabled("this scenario has no call workload (no `workload:` section)");
    return {};
  }

  // Queues: groups x nodes, with totals.
  const ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                             ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX;
  if (ImGui::BeginTable("queues", n_nodes + 2, tf)) {
    ImGui::TableSetupColumn("queued");
    for (int n = 0; n < n_nodes; ++n)
      ImGui::TableSetupColumn(node_name(n).c_str());
    ImGui::TableSetupColumn("all");
    ImGui::TableHeadersRow();
    std::vector<int> col_total(size_t(n_nodes), 0);
    for (int g = 0; g < static_cast<int>(groups.size()); ++g) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(groups[size_t(g)].c_str());
      int row = 0;
      for (int n = 0; n < n_nodes; ++n) {
        ImGui::TableNextColumn();
        int q = c.queue_length(n, g);
        row += q;
        col_total[size_t(n)] += q;
        if (q > 0)
          ImGui::TextColored(ImVec4(1, 0.8f, 0.4f, 1), "%d", q);
        else
          ImGui::TextDisabled("0");
      }
      ImGui::TableNextColumn();
      ImGui::Text("%d", row);
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("all groups");
    int all = 0;
    for (int n = 0; n < n_nodes; ++n) {
      ImGui::TableNextColumn();
      ImGui::Text("%d%s", col_total[size_t(n)], c.node_alive(n) ? "" : " (down)");
      all += col_total[size_t(n)];
    }
    ImGui::TableNextColumn();
    ImGui::Text("%d", all);
    ImGui::EndTable();
  }

  // The last routing decisions.
  ImGui::Checkbox("newest first", &newest_first_);
  ImGui::SameLine();
  ImGui::Checkbox("offers only", &offers_only_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::InputTextWithHint("##decfilter", "result / group", filter_, sizeof filter_);
  ImGui::SameLine();
  ImGui::TextDisabled("last %zu of %llu decisions", cs.last.size(),
                      static_cast<unsigned long long>(cs.decisions));
  std::vector<const model::RoutingDecision*> rows;
  rows.reserve(cs.last.size());
  for (const auto& d : cs.last) {
    if (offers_only_ && d.result != model::DecisionResult::offer) continue;
    if (filter_[0]) {
      const std::string& gname =
          d.group >= 0 && size_t(d.group) < groups.size() ? groups[size_t(d.group)] : std::string();
      if (!std::strstr(model::to_string(d.result), filter_) &&
          gname.find(filter_) == std::string::npos)
        continue;
    }
    rows.push_back(&d);
  }
  const ImGuiTableFlags df = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                             ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("decisions", 11, df)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {"time", "call", "node", "group", "result", "elig", "OOS", "busy", "stale",
                          "chosen DN", "owner"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(rows.size()));
    while (clip.Step()) {
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        size_t k = newest_first_ ? rows.size() - 1 - size_t(i) : size_t(i);
        const auto& d = *rows[k];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(clock_time(d.at).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s s", format_time(d.at).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(d.call));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(node_name(d.node).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(d.group >= 0 && size_t(d.group) < groups.size()
                                   ? groups[size_t(d.group)].c_str()
                                   : "?");
        ImGui::TableNextColumn();
        const bool offer = d.result == model::DecisionResult::offer;
        const bool waiting = d.result == model::DecisionResult::queued;
        if (waiting) {
          ImGui::TextColored(ImVec4(0.75f, 0.8f, 0.95f, 1), "waiting");
          if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "call %llu waits in the queue of %s for group %s: no DN of the group "
                "is eligible (InSrv, Ready, free) in SS_%s now (R51); it is offered "
                "when one becomes eligible, or leaves by abandonment or the router "
                "timeout",
                static_cast<unsigned long long>(d.call), node_name(d.node).c_str(),
                d.group >= 0 && size_t(d.group) < groups.size() ? groups[size_t(d.group)].c_str()
                                                                : "?",
                node_name(d.node).c_str());
          for (int k = 0; k < 6; ++k) {  // no DN eligible: nothing to count or choose
            ImGui::TableNextColumn();
            ImGui::TextDisabled(k == 4 ? "(waits)" : "-");
          }
          continue;
        }
        const bool failed = d.result == model::DecisionResult::no_target ||
                            d.result == model::DecisionResult::redirection_limit;
        ImGui::TextColored(offer    ? ImVec4(0.5f, 0.9f, 0.6f, 1)
                           : failed ? ImVec4(1, 0.45f, 0.45f, 1)
                                    : ImVec4(1, 0.8f, 0.4f, 1),
                           "%s", model::to_string(d.result));
        ImGui::TableNextColumn();
        ImGui::Text("%d", d.eligible);
        ImGui::TableNextColumn();
        ImGui::Text("%d", d.excluded_oos);
        ImGui::TableNextColumn();
        ImGui::Text("%d", d.excluded_busy);
        ImGui::TableNextColumn();
        if (d.stale > 0)
          ImGui::TextColored(ImVec4(0.9f, 0.25f, 0.9f, 1), "%d", d.stale);
        else
          ImGui::TextDisabled("0");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(d.chosen_dn >= 0 && size_t(d.chosen_dn) < spec.agents.size()
                                   ? spec.agents[size_t(d.chosen_dn)].dn.c_str()
                                   : "-");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(node_name(d.chosen_owner).c_str());
      }
    }
    ImGui::EndTable();
  }
  return {};
}

}  // namespace scsim::viz
