#include "kpi_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "clock.hpp"
#include "palette.hpp"

namespace scsim::viz {

Commands KpiPanel::draw(const Session& s) {
  const auto& k = s.kpis();
  const auto& spec = s.cluster().spec();
  if (ImGui::RadioButton("eligible (InSrv + Ready)", eligible_)) eligible_ = true;
  ImGui::SameLine();
  if (ImGui::RadioButton("in service", !eligible_)) eligible_ = false;
  ImGui::SameLine();
  ImGui::TextDisabled("one sample per %s, from 00:00:00 to now (end %s)",
                      duration_text(k.step).c_str(), clock_time(s.end(), 0).c_str());
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

// The bin widths offered: the base bin, round widths and the stats interval, each a whole
// multiple of the base bin and not longer than the run.
std::vector<int> CallKpiPanel::widths(const Session& s) {
  const auto& cs = s.calls();
  const int64_t base = cs.bin.micros();
  std::vector<int64_t> us = {base,
                             60'000'000,
                             120'000'000,
                             300'000'000,
                             600'000'000,
                             900'000'000,
                             1'800'000'000,
                             3'600'000'000LL,
                             7'200'000'000LL,
                             s.cluster().params().stats_interval.micros()};
  std::vector<int> k;
  for (int64_t w : us) {
    if (w < base || w % base != 0 || w > std::max(base, s.end().micros())) continue;
    k.push_back(static_cast<int>(w / base));
  }
  std::sort(k.begin(), k.end());
  k.erase(std::unique(k.begin(), k.end()), k.end());
  return k;
}

// MODEL.md choice 75: the stats interval when its bins with calls hold >= 20 ended calls on
// average, else the smallest offered width whose bins do, else the widest.
int CallKpiPanel::auto_width(const Session& s, const std::vector<int>& ks) {
  const auto& cs = s.calls();
  const int all = s.cluster().node_count();
  auto enough = [&](int k) {
    uint64_t calls = 0;
    int with = 0;
    for (int b = 0; b < cs.bins; b += k) {
      uint64_t n = cs.merged(b, b + k, all).offered;
      calls += n;
      with += n > 0 ? 1 : 0;
    }
    return with > 0 && calls >= 20ULL * static_cast<uint64_t>(with);
  };
  const int64_t si = s.cluster().params().stats_interval.micros();
  if (si % cs.bin.micros() == 0) {
    const int k = static_cast<int>(si / cs.bin.micros());
    if (std::find(ks.begin(), ks.end(), k) != ks.end() && enough(k)) return k;
  }
  for (int k : ks)
    if (enough(k)) return k;
  return ks.empty() ? 1 : ks.back();
}

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
  const std::vector<int> choices = widths(s);
  const int k_auto = auto_width(s, choices);
  const int kbin = bin_k_ > 0 ? bin_k_ : k_auto;
  const double bin_s = cs.bin.to_seconds() * kbin;
  const int n_bins = (cs.bins + kbin - 1) / kbin;
  // x axis: from the first bin with calls to now (or the whole run: 0 to the end).
  int first_bin = 0;
  while (!whole_run_ && first_bin + 1 < n_bins &&
         cs.merged(first_bin * kbin, (first_bin + 1) * kbin, n_nodes).offered == 0 &&
         (first_bin + 1) * bin_s < now_s)
    ++first_bin;
  const double x_begin = first_bin * bin_s;
  const double x_end = whole_run_ ? s.end().to_seconds() : std::max(now_s, x_begin + bin_s);
  const int shown_bins =
      std::min(n_bins, static_cast<int>(std::ceil(std::max(now_s, 0.0) / bin_s)));

  ImGui::Checkbox("whole run", &whole_run_);
  ImGui::SameLine();
  ImGui::Checkbox("per node", &per_node_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(120);
  const std::string cur =
      duration_text(micros(cs.bin.micros() * kbin)) + (bin_k_ > 0 ? "" : " (auto)");
  if (ImGui::BeginCombo("bin width", cur.c_str())) {
    if (ImGui::Selectable("auto", bin_k_ <= 0)) bin_k_ = 0;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "the stats interval (%s) if its bins hold >= 20 calls on average, else "
          "the smallest width that does",
          duration_text(c.params().stats_interval).c_str());
    for (int k : choices) {
      std::string name = duration_text(micros(cs.bin.micros() * k));
      if (cs.bin.micros() * k == c.params().stats_interval.micros()) name += " (stats interval)";
      if (ImGui::Selectable(name.c_str(), bin_k_ == k)) bin_k_ = k;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("by arrival, filled as calls end");
  ImGui::TextUnformatted("shaded:");
  for (int p = 1; p < stats::kPeriods; ++p) {
    auto col = period_color(static_cast<stats::Period>(p));
    ImGui::SameLine(0, 6);
    ImGui::TextColored(ImVec4(col.r / 255.f, col.g / 255.f, col.b / 255.f, 1), "%s",
                       stats::to_string(static_cast<stats::Period>(p)));
  }
  for (auto kind : {CallSeries::Episode::Kind::crash, CallSeries::Episode::Kind::gws,
                    CallSeries::Episode::Kind::wwe}) {
    auto col = episode_color(kind);
    ImGui::SameLine(0, 6);
    ImGui::TextColored(ImVec4(col.r / 255.f, col.g / 255.f, col.b / 255.f, 1), "%s",
                       kind == CallSeries::Episode::Kind::crash ? "/// crash"
                       : kind == CallSeries::Episode::Kind::gws ? "\\\\\\ GWS"
                                                                : "||| WWE");
  }
  ImGui::SameLine(0, 16);
  ImGui::TextUnformatted("lines:");
  for (int n = 0; n < n_nodes && per_node_; ++n) {
    auto col = node_line_color(n);
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(col.r / 255.f, col.g / 255.f, col.b / 255.f, 1), "%s",
                       spec.nodes[size_t(n)].name.c_str());
  }
  ImGui::SameLine();
  ImGui::TextUnformatted("all nodes (thick)");

  // The per-period table, sized to its columns.
  const ImGuiStyle& st = ImGui::GetStyle();
  const float label_w = ImGui::CalcTextSize("answered remote").x;
  const float col_w = ImGui::CalcTextSize("00:00:00").x;
  const float table_need =
      label_w + (1 + stats::kPeriods) * col_w + (2 + stats::kPeriods) * st.CellPadding.x * 2 + 8;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float table_w = avail.x > 360 + table_need ? table_need : 0.0f;
  const float plot_w = avail.x - table_w - (table_w > 0 ? st.ItemSpacing.x : 0);
  const float table_h = table_w > 0 ? 0.0f : 250.0f;
  const int n_plots = 4;
  const float gap = st.ItemSpacing.y;
  const float axis_h = ImGui::GetTextLineHeight();  // clock labels under each plot
  const float plot_h = std::max(40.0f, (avail.y - table_h - gap * n_plots) / n_plots);
  const float margin_l = ImGui::CalcTextSize("100%").x + 8;

  // Series per displayed bin (x at the bin's middle), per slot.
  std::vector<stats::CallAggregate> agg(static_cast<size_t>(shown_bins * slots));
  for (int b = 0; b < shown_bins; ++b)
    for (int sl = 0; sl < slots; ++sl)
      agg[size_t(b * slots + sl)] = cs.merged(b * kbin, (b + 1) * kbin, sl);
  std::vector<double> bx;
  for (int b = 0; b < shown_bins; ++b)
    bx.push_back((b + 0.5) * bin_s);
  auto series = [&](int slot, double stats::Kpis::*field) {
    std::vector<double> v;
    for (int b = 0; b < shown_bins; ++b)
      v.push_back(stats::compute_kpis(agg[size_t(b * slots + slot)]).*field);
    return v;
  };
  std::vector<double> qx;
  const size_t samples = cs.queue.empty() ? 0 : cs.queue[0].size();
  for (size_t k = 0; k < samples; ++k)
    qx.push_back(static_cast<double>(k) * ks.step.to_seconds());

  ImGui::BeginGroup();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 label_col = IM_COL32(170, 170, 175, 255);
  auto plot = [&](const char* id, const char* title, const std::vector<std::vector<double>>& ys,
                  const std::vector<double>& xs, double vmax, bool pct, bool binned) {
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(plot_w, plot_h));
    const ImVec2 p0(o.x + margin_l, o.y), p1(o.x + plot_w - 4, o.y + plot_h - axis_h);
    Axis ax{p0, p1, x_begin, x_end};
    dl->AddRectFilled(p0, p1, IM_COL32(32, 35, 42, 255));
    dl->PushClipRect(p0, p1, true);
    for (size_t i = 0; i < cs.periods.size(); ++i) {
      if (cs.periods[i].period == stats::Period::connected) continue;
      double a = cs.periods[i].start.to_seconds();
      double b = i + 1 < cs.periods.size() ? cs.periods[i + 1].start.to_seconds() : now_s;
      if (b <= a) continue;
      dl->AddRectFilled(ImVec2(ax.x(a), p0.y), ImVec2(std::max(ax.x(b), ax.x(a) + 1), p1.y),
                        period_color(cs.periods[i].period).u32(70));
    }
    for (const auto& e : cs.episodes) {  // hatched, so that they read without colour
      if (e.start.to_seconds() > now_s) continue;
      const float a = ax.x(e.start.to_seconds());
      const float b = std::max(ax.x(std::min(e.end.to_seconds(), now_s)), a + 1);
      const ImU32 col = episode_color(e.kind).u32(150);
      dl->AddRectFilled(ImVec2(a, p0.y), ImVec2(b, p1.y), episode_color(e.kind).u32(30));
      const float hgt = p1.y - p0.y;
      dl->PushClipRect(ImVec2(a, p0.y), ImVec2(b, p1.y), true);  // hatches inside the episode
      for (float x = a - hgt; x < b; x += 7) {
        if (e.kind == CallSeries::Episode::Kind::wwe)
          dl->AddLine(ImVec2(x + hgt, p0.y), ImVec2(x + hgt, p1.y), col);
        else if (e.kind == CallSeries::Episode::Kind::crash)
          dl->AddLine(ImVec2(x, p1.y), ImVec2(x + hgt, p0.y), col);
        else
          dl->AddLine(ImVec2(x, p0.y), ImVec2(x + hgt, p1.y), col);
      }
      dl->PopClipRect();
    }
    const float now_x = ax.x(now_s);
    dl->AddLine(ImVec2(now_x, p0.y), ImVec2(now_x, p1.y), IM_COL32(255, 255, 255, 70));
    for (int sl = 0; sl < slots; ++sl) {
      const bool all = sl == n_nodes;
      if (!all && !per_node_) continue;
      auto col = all ? kAllNodesLine : node_line_color(sl);
      polyline(dl, ax, xs, ys[size_t(sl)], vmax, col.u32(), all ? 2.2f : 1.2f);
    }
    dl->PopClipRect();
    dl->AddRect(p0, p1, IM_COL32(90, 95, 110, 255));
    // Value axis: 0, half and the top, labelled on the left.
    for (double f : {0.0, 0.5, 1.0}) {
      char v[32];
      std::snprintf(v, sizeof v, pct ? "%.0f%%" : (vmax * f >= 10 ? "%.0f" : "%.1f"),
                    pct ? vmax * f * 100 : vmax * f);
      const float y = ax.y(vmax * f, vmax);
      dl->AddLine(ImVec2(p0.x - 3, y), ImVec2(p0.x, y), label_col);
      if (f > 0) dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), IM_COL32(255, 255, 255, 18));
      const ImVec2 sz = ImGui::CalcTextSize(v);
      dl->AddText(ImVec2(p0.x - 5 - sz.x, std::clamp(y - sz.y * 0.5f, p0.y - 2, p1.y - sz.y + 2)),
                  label_col, v);
    }
    // Clock-time axis.
    const double step =
        tick_step_s(x_end - x_begin, std::max(2, static_cast<int>((p1.x - p0.x) / 80)));
    for (double t = std::ceil(x_begin / step) * step; t <= x_end + 1e-9; t += step) {
      const float x = ax.x(t);
      dl->AddLine(ImVec2(x, p1.y), ImVec2(x, p1.y + 3), label_col);
      const std::string l = tick_label(t, step);
      const float w = ImGui::CalcTextSize(l.c_str()).x;
      dl->AddText(ImVec2(std::clamp(x - w * 0.5f, p0.x, p1.x - w), p1.y + 1), label_col, l.c_str());
    }
    dl->AddText(ImVec2(p0.x + 4, p0.y + 1), IM_COL32(225, 225, 225, 255), title);
    if (ImGui::IsItemHovered() && !xs.empty()) {
      double t = x_begin + (ImGui::GetIO().MousePos.x - p0.x) / (p1.x - p0.x) * (x_end - x_begin);
      size_t k = 0;
      while (k + 1 < xs.size() && std::abs(xs[k + 1] - t) < std::abs(xs[k] - t))
        ++k;
      ImGui::BeginTooltip();
      if (binned) {
        const Time b0 = seconds(xs[k] - bin_s / 2), b1 = seconds(xs[k] + bin_s / 2);
        ImGui::Text("%s, calls arrived %s - %s (%s)", title, clock_time(b0, 0).c_str(),
                    clock_time(b1, 0).c_str(), stats::to_string(cs.period_at(seconds(xs[k]))));
        ImGui::TextDisabled("%s s - %s s", format_time(b0).c_str(), format_time(b1).c_str());
      } else {
        ImGui::Text("%s at %s (%s s)", title, clock_time(seconds(xs[k])).c_str(),
                    format_time(seconds(xs[k])).c_str());
      }
      for (int sl = 0; sl < slots; ++sl) {
        std::string name = sl == n_nodes ? "all" : spec.nodes[size_t(sl)].name;
        if (binned) {
          ImGui::Text("  %-6s %-7s %llu calls", name.c_str(),
                      fmt_ratio(ys[size_t(sl)][k], pct).c_str(),
                      static_cast<unsigned long long>(agg[k * size_t(slots) + size_t(sl)].offered));
        } else {
          ImGui::Text("  %-6s %s", name.c_str(), fmt_ratio(ys[size_t(sl)][k], pct).c_str());
        }
      }
      const Time th = seconds(t);
      for (const auto& e : cs.episodes)
        if (e.start <= th && th < e.end) ImGui::Text("  %s", e.what.c_str());
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
      "service level, % answered within " + duration_text(c.params().service_level_threshold);
  plot("##sl", sl_title.c_str(), sl, bx, 1.0, true, true);
  plot("##asa", "ASA, s", asa, bx, vmax_of(asa, 1.0), false, true);
  plot("##ab", "abandonment, % of offered", ab, bx, vmax_of(ab, 0.05), true, true);
  plot("##q", "calls queued per node", q, qx, vmax_of(q, 1.0), false, false);
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
    row("time", [&](size_t i) { return clock_time(seconds(i == 0 ? now_s : period_s[i - 1]), 0); });
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
    row("abandoned", count(&stats::Kpis::abandoned));
    row("routing failures", count(&stats::Kpis::routing_failures));
    row("lost with node", count(&stats::Kpis::lost_node_failures));
    row("misrouted", count(&stats::Kpis::misrouted));
    ImGui::EndTable();
  }
  return {};
}

}  // namespace scsim::viz
