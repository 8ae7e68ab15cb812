#include "kpi_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "palette.hpp"

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

namespace scsim::viz {
namespace {

struct Axis {
  ImVec2 p0, p1;  // plot rectangle
  double x_begin_s, x_end_s;
  float x(double t_s) const {
    return p0.x + static_cast<float>((t_s - x_begin_s) / (x_end_s - x_begin_s)) * (p1.x - p0.x);
  }
  float y(double v, double vmax) const {
    double f = std::clamp(v / vmax, 0.0, 1.0);
    return p1.y - static_cast<float>(f) * (p1.y - p0.y);
  }
};

// One line per series; NaN values break the line.
void polyline(ImDrawList* dl, const Axis& ax, const std::vector<double>& xs,
              const std::vector<double>& ys, double vmax, ImU32 col, float thick) {
  std::vector<ImVec2> run;
  auto flush = [&] {
    if (run.size() == 1) dl->AddCircleFilled(run[0], thick + 0.5f, col);
    if (run.size() > 1) dl->AddPolyline(run.data(), static_cast<int>(run.size()), col, 0, thick);
    run.clear();
  };
  for (size_t i = 0; i < xs.size(); ++i) {
    if (std::isnan(ys[i])) {
      flush();
      continue;
    }
    run.push_back(ImVec2(ax.x(xs[i]), ax.y(ys[i], vmax)));
  }
  flush();
}

std::string fmt_ratio(double v, bool pct) {
  if (std::isnan(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, pct ? "%.1f%%" : "%.1f", pct ? v * 100 : v);
  return b;
}

}  // namespace

Commands CallKpiPanel::draw(const Session& s) {
  const auto& c = s.cluster();
  const auto& spec = c.spec();
  const auto& cs = s.calls();
  const auto& ks = s.kpis();
  const int n_nodes = c.node_count();
  const int slots = n_nodes + 1;
  if (s.scenario().cluster.workload.empty()) {
    ImGui::TextDisabled("this scenario has no call workload (no `workload:` section)");
    return {};
  }
  const double now_s = s.now().to_seconds();
  const double bin_s = cs.bin.to_seconds();
  // x axis: from the first bin with calls to now (or the whole run: 0 to the end).
  int first_bin = 0;
  while (!whole_run_ && first_bin + 1 < cs.bins && cs.at(first_bin, n_nodes).offered == 0 &&
         (first_bin + 1) * bin_s < now_s)
    ++first_bin;
  const double x_begin = first_bin * bin_s;
  const double x_end = whole_run_ ? s.end().to_seconds() : std::max(now_s, x_begin + bin_s);
  const int shown_bins =
      std::min(cs.bins, static_cast<int>(std::ceil(std::max(now_s, 0.0) / bin_s)));

  ImGui::Checkbox("whole run", &whole_run_);
  ImGui::SameLine();
  ImGui::Checkbox("per node", &per_node_);
  ImGui::SameLine();
  ImGui::TextDisabled("%.0f .. %.0f s, bins of %.0f s by arrival (filled as calls end)", x_begin,
                      x_end, bin_s);
  ImGui::TextUnformatted("shaded:");
  for (int p = 0; p < stats::kPeriods; ++p) {
    auto col = period_color(static_cast<stats::Period>(p));
    ImGui::SameLine(0, 6);
    ImGui::TextColored(ImVec4(col.r / 255.f, col.g / 255.f, col.b / 255.f, 1), "%s",
                       stats::to_string(static_cast<stats::Period>(p)));
  }
  ImGui::SameLine(0, 16);
  ImGui::SameLine(0, 16);
  ImGui::TextUnformatted("lines:");
  for (int n = 0; n < n_nodes && per_node_; ++n) {
    auto col = node_line_color(n);
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(col.r / 255.f, col.g / 255.f, col.b / 255.f, 1), "%s",
                       spec.nodes[size_t(n)].name.c_str());
  }
  ImGui::SameLine();
  ImGui::TextUnformatted("all nodes");

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float table_w = avail.x > 700 ? 330.0f : 0.0f;
  const float plot_w = avail.x - table_w - (table_w > 0 ? ImGui::GetStyle().ItemSpacing.x : 0);
  const float table_h = table_w > 0 ? 0.0f : 190.0f;
  const int n_plots = 4;
  const float gap = ImGui::GetStyle().ItemSpacing.y;
  const float plot_h = std::max(36.0f, (avail.y - table_h - gap * n_plots) / n_plots);

  // Series per bin (x at the bin's middle), per slot.
  std::vector<double> bx;
  for (int b = 0; b < shown_bins; ++b)
    bx.push_back((b + 0.5) * bin_s);
  auto series = [&](int slot, double stats::Kpis::*field) {
    std::vector<double> v;
    for (int b = 0; b < shown_bins; ++b)
      v.push_back(stats::compute_kpis(cs.at(b, slot)).*field);
    return v;
  };
  std::vector<double> qx;
  const size_t samples = cs.queue.empty() ? 0 : cs.queue[0].size();
  for (size_t k = 0; k < samples; ++k)
    qx.push_back(static_cast<double>(k) * ks.step.to_seconds());

  ImGui::BeginGroup();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto plot = [&](const char* id, const char* title, const std::vector<std::vector<double>>& ys,
                  const std::vector<double>& xs, double vmax, bool pct) {
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(plot_w, plot_h));
    ImVec2 p1(p0.x + plot_w, p0.y + plot_h);
    Axis ax{p0, p1, x_begin, x_end};
    dl->AddRectFilled(p0, p1, IM_COL32(32, 35, 42, 255));
    dl->PushClipRect(p0, p1, true);
    for (size_t i = 0; i < cs.periods.size(); ++i) {
      double a = cs.periods[i].start.to_seconds();
      double b = i + 1 < cs.periods.size() ? cs.periods[i + 1].start.to_seconds() : now_s;
      if (b <= a) continue;
      auto col = period_color(cs.periods[i].period);
      int alpha = cs.periods[i].period == stats::Period::connected ? 22 : 80;
      dl->AddRectFilled(ImVec2(ax.x(a), p0.y), ImVec2(std::max(ax.x(b), ax.x(a) + 1), p1.y),
                        col.u32(static_cast<unsigned char>(alpha)));
    }
    const float now_x = ax.x(now_s);
    dl->AddLine(ImVec2(now_x, p0.y), ImVec2(now_x, p1.y), IM_COL32(255, 255, 255, 70));
    for (int sl = 0; sl < slots; ++sl) {
      const bool all = sl == n_nodes;
      if (!all && !per_node_) continue;
      auto col = all ? kAllNodesLine : node_line_color(sl);
      polyline(dl, ax, xs, ys[size_t(sl)], vmax, col.u32(), all ? 2.0f : 1.2f);
    }
    dl->PopClipRect();
    dl->AddRect(p0, p1, IM_COL32(90, 95, 110, 255));
    char top[64];
    std::snprintf(top, sizeof top, pct ? "%.0f%%" : "%.1f", pct ? vmax * 100 : vmax);
    dl->AddText(ImVec2(p0.x + 4, p0.y + 1), IM_COL32(220, 220, 220, 255), title);
    dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize(top).x - 4, p0.y + 1),
                IM_COL32(160, 160, 160, 255), top);
    if (ImGui::IsItemHovered() && !xs.empty()) {
      double t = x_begin + (ImGui::GetIO().MousePos.x - p0.x) / plot_w * (x_end - x_begin);
      size_t k = 0;
      while (k + 1 < xs.size() && std::abs(xs[k + 1] - t) < std::abs(xs[k] - t))
        ++k;
      ImGui::BeginTooltip();
      ImGui::Text("%s at %s s (%s)", title, format_time(seconds(xs[k])).c_str(),
                  stats::to_string(cs.period_at(seconds(xs[k]))));
      for (int sl = 0; sl < slots; ++sl) {
        std::string name = sl == n_nodes ? "all" : spec.nodes[size_t(sl)].name;
        ImGui::Text("  %-6s %s", name.c_str(), fmt_ratio(ys[size_t(sl)][k], pct).c_str());
      }
      ImGui::EndTooltip();
    }
  };
  auto vmax_of = [](const std::vector<std::vector<double>>& ys, double floor) {
    double m = floor;
    for (const auto& v : ys)
      for (double x : v)
        if (!std::isnan(x)) m = std::max(m, x);
    return m;
  };
  std::vector<std::vector<double>> sl, asa, ab, q;
  for (int k = 0; k < slots; ++k) {
    sl.push_back(series(k, &stats::Kpis::sl));
    asa.push_back(series(k, &stats::Kpis::asa));
    ab.push_back(series(k, &stats::Kpis::abandonment_rate));
    std::vector<double> qv(samples, 0.0);
    for (size_t i = 0; i < samples; ++i) {
      if (k < n_nodes) {
        qv[i] = cs.queue[size_t(k)][i];
      } else {
        for (int n = 0; n < n_nodes; ++n)
          qv[i] += cs.queue[size_t(n)][i];
      }
    }
    q.push_back(std::move(qv));
  }
  std::string sl_title =
      "service level (answered within " + format_time(c.params().service_level_threshold) + " s)";
  plot("##sl", sl_title.c_str(), sl, bx, 1.0, true);
  plot("##asa", "ASA, s", asa, bx, vmax_of(asa, 1.0), false);
  plot("##ab", "abandonment", ab, bx, vmax_of(ab, 0.05), true);
  plot("##q", "calls queued per node", q, qx, vmax_of(q, 1.0), false);
  ImGui::EndGroup();

  // Per period: time, calls and KPIs, answered locally vs remotely.
  if (table_w > 0) ImGui::SameLine();
  double period_s[stats::kPeriods] = {0, 0, 0, 0};
  for (size_t i = 0; i < cs.periods.size(); ++i) {
    double a = cs.periods[i].start.to_seconds();
    double b = i + 1 < cs.periods.size() ? cs.periods[i + 1].start.to_seconds() : now_s;
    if (b > a) period_s[static_cast<int>(cs.periods[i].period)] += b - a;
  }
  const ImGuiTableFlags tf =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("per_period", 1 + 1 + stats::kPeriods, tf, ImVec2(table_w, table_h))) {
    ImGui::TableSetupColumn("ended calls");
    ImGui::TableSetupColumn("all");
    const char* short_names[] = {"conn.", "undet.", "part.", "resync"};
    for (const char* h : short_names)
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    std::vector<stats::Kpis> k;
    k.push_back(stats::compute_kpis(cs.total));
    for (int p = 0; p < stats::kPeriods; ++p)
      k.push_back(stats::compute_kpis(cs.by_period[p]));
    auto row = [&](const char* name, auto cell) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      for (size_t i = 0; i < k.size(); ++i) {
        ImGui::TableNextColumn();
        std::string v = cell(i);
        ImGui::TextUnformatted(v.c_str());
      }
    };
    row("time, s", [&](size_t i) {
      double t = i == 0 ? now_s : period_s[i - 1];
      char b[32];
      std::snprintf(b, sizeof b, "%.0f", t);
      return std::string(b);
    });
    auto count = [&](double stats::Kpis::*f) {
      return [&k, f](size_t i) { return std::to_string(static_cast<long long>(k[i].*f)); };
    };
    row("offered", count(&stats::Kpis::offered));
    row("answered local", count(&stats::Kpis::answered_local));
    row("answered remote", count(&stats::Kpis::answered_remote));
    row("remote share", [&](size_t i) { return fmt_ratio(k[i].remote_share, true); });
    row("SL", [&](size_t i) { return fmt_ratio(k[i].sl, true); });
    row("ASA, s", [&](size_t i) { return fmt_ratio(k[i].asa, false); });
    row("abandonment", [&](size_t i) { return fmt_ratio(k[i].abandonment_rate, true); });
    row("routing failures", count(&stats::Kpis::routing_failures));
    row("misrouted", count(&stats::Kpis::misrouted));
    ImGui::EndTable();
  }
  return {};
}

}  // namespace scsim::viz
