#include "kpi_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace scsim::viz {

Commands KpiPanel::draw(const Session& s) {
  const auto& k = s.kpis();
  const auto& spec = s.cluster().spec();
  if (ImGui::RadioButton("eligible (InSrv + Ready)", eligible_)) eligible_ = true;
  ImGui::SameLine();
  if (ImGui::RadioButton("in service", !eligible_)) eligible_ = false;
  ImGui::SameLine();
  ImGui::TextDisabled("one sample per %s s, from 0 to now (end %s s)", format_time(k.step).c_str(),
                      format_time(s.end()).c_str());
  const auto& series = eligible_ ? k.eligible : k.in_service;
  const float max_v = static_cast<float>(std::max(1, s.cluster().dn_count()));
  const int levels = static_cast<int>(series.size());
  const float h = std::max(
      24.0f, (ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y * levels) /
                 std::max(1, levels));
  for (int l = 0; l < levels; ++l) {
    const auto& v = series[static_cast<size_t>(l)];
    std::string name = l == 0 ? "truth" : "SS_" + spec.nodes[static_cast<size_t>(l - 1)].name;
    std::string overlay =
        name + ": " + (v.empty() ? "0" : std::to_string(static_cast<int>(v.back())));
    ImGui::SetNextItemWidth(-1);
    ImGui::PlotLines(("##" + name).c_str(), v.data(), static_cast<int>(v.size()), 0,
                     overlay.c_str(), 0.0f, max_v * 1.05f, ImVec2(0, h));
  }
  return {};
}

}  // namespace scsim::viz
