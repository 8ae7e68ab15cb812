#include "sequence_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "clock.hpp"

namespace scsim::viz {
namespace {

// Okabe-Ito colours per message kind.
unsigned kind_rgb(const char* k) {
  if (std::strcmp(k, "update") == 0) return 0x0072B2;                 // blue
  if (std::strcmp(k, "snapshot") == 0) return 0x009E73;               // bluish green
  if (std::strcmp(k, "release") == 0 || std::strcmp(k, "drop") == 0)  // orange
    return 0xE69F00;
  if (std::strncmp(k, "REGISTER", 8) == 0) return 0x56B4E9;      // sky blue
  if (std::strcmp(k, "TRegisterAddress") == 0) return 0xF0E442;  // yellow
  return 0xCC79A7;                                               // reddish purple
}
constexpr unsigned kLostRgb = 0xD55E00;  // vermillion

bool is_request(const SeqMessage& m) {
  return m.from < 0;
}

std::string lane_name(const model::ClusterSpec& spec, int from, int to) {
  if (from >= 0) return spec.nodes[static_cast<size_t>(from)].name;
  if (from == -1) {
    const int dc = to >= 0 ? spec.nodes[static_cast<size_t>(to)].dc : 0;
    return "proxy " + spec.dcs[static_cast<size_t>(dc)].name;
  }
  return "GWS " + spec.gws[static_cast<size_t>(-2 - from)].name;
}

}  // namespace

std::string describe(const Session& s, size_t i) {
  const auto& spec = s.cluster().spec();
  const SeqMessage& m = s.sequence().msgs[i];
  std::string t = std::string(m.kind) + " " + lane_name(spec, m.from, m.to) + " -> " +
                  spec.nodes[static_cast<size_t>(m.to)].name;
  if (m.dn >= 0) t += " DN " + spec.agents[static_cast<size_t>(m.dn)].dn;
  if (!is_request(m)) {
    if (std::strcmp(m.kind, "update") == 0)
      t += std::string(m.in_service ? " InSrv " : " OOS ") + model::to_string(m.agent);
    if (std::strcmp(m.kind, "snapshot") == 0) t += " (" + std::to_string(m.entries) + " DNs)";
    t += " epoch " + std::to_string(m.epoch) + " seq " + std::to_string(m.seq);
  }
  t += "\nsent " + clock_time(m.sent);
  if (m.held) t += " (held back by a cut, R28)";
  switch (m.fate) {
    case SeqMessage::Fate::delivered:
      t += (is_request(m) ? ", arrives " : ", applied ") + clock_time(m.end);
      break;
    case SeqMessage::Fate::lost:
      t += std::string(", ") + m.why_lost + " at " + clock_time(m.end);
      break;
    case SeqMessage::Fate::in_flight:
      t += ", in flight";
      break;
  }
  return t;
}

SeqPicture layout_sequence(const Session& s, Time from, Time to, const SeqFilter& f, float w,
                           float h, float label_w) {
  SeqPicture pic;
  const auto& spec = s.cluster().spec();
  const auto& sq = s.sequence();
  const int n_nodes = s.cluster().node_count();
  // Lanes by DC: DC1 proxy, GWS, nodes | nodes, GWS, proxy of DC2 | ... (odd DCs mirrored),
  // so that the links between DCs cross the middle.
  std::vector<std::pair<int, std::string>> lanes;  // key: node n >= 0, -1 - dc proxy, -100 - g
  for (size_t j = 0; j < spec.dcs.size(); ++j) {
    std::vector<std::pair<int, std::string>> part;
    part.push_back({-1 - static_cast<int>(j), "proxy " + spec.dcs[j].name});
    for (size_t g = 0; g < spec.gws.size(); ++g)
      if (spec.gws[g].dc == static_cast<int>(j))
        part.push_back({-100 - static_cast<int>(g), "GWS " + spec.gws[g].name});
    for (int n = 0; n < n_nodes; ++n)
      if (spec.nodes[static_cast<size_t>(n)].dc == static_cast<int>(j))
        part.push_back({n, spec.nodes[static_cast<size_t>(n)].name});
    if (j % 2 == 1) std::reverse(part.begin(), part.end());
    lanes.insert(lanes.end(), part.begin(), part.end());
  }
  pic.left = label_w;
  pic.right = std::max(label_w + 10, w - 8);
  pic.top = 6;
  pic.bottom = std::max(pic.top + 10, h - 18);
  const float lane_h = (pic.bottom - pic.top) / std::max<size_t>(1, lanes.size());
  auto lane_y = [&](int key) {
    for (size_t i = 0; i < lanes.size(); ++i)
      if (lanes[i].first == key) return pic.top + (static_cast<float>(i) + 0.5f) * lane_h;
    return pic.top;
  };
  for (size_t i = 0; i < lanes.size(); ++i)
    pic.lanes.push_back(
        {pic.top + (static_cast<float>(i) + 0.5f) * lane_h, lanes[i].second, lanes[i].first >= 0});
  const double t0 = from.to_seconds(), t1 = std::max(to.to_seconds(), t0 + 1e-6);
  auto xof = [&](Time t) {
    return pic.left +
           static_cast<float>((t.to_seconds() - t0) / (t1 - t0)) * (pic.right - pic.left);
  };
  const double step =
      tick_step_s(t1 - t0, std::max(2, static_cast<int>((pic.right - pic.left) / 110)));
  for (double t = std::ceil(t0 / step) * step; t <= t1 + 1e-9; t += step)
    pic.ticks.push_back({xof(seconds(t)), tick_label(t, step)});

  const Time now = s.now();
  const Time scan_from = from - seconds(120);  // held messages older than this are not drawn
  auto it = std::lower_bound(sq.msgs.begin(), sq.msgs.end(), scan_from,
                             [](const SeqMessage& m, Time t) { return m.sent < t; });
  for (; it != sq.msgs.end() && it->sent <= to; ++it) {
    const SeqMessage& m = *it;
    if (m.end < from && m.end != Time::max()) continue;
    const bool req = is_request(m);
    const bool snap = std::strcmp(m.kind, "snapshot") == 0;
    if (req ? !f.requests : snap ? !f.snapshots : !f.tc) continue;
    if (f.link_a >= 0 && !(req == false && ((m.from == f.link_a && m.to == f.link_b) ||
                                            (m.from == f.link_b && m.to == f.link_a))))
      continue;
    if (!f.dn.empty()) {
      if (m.dn < 0) continue;
      const auto& a = spec.agents[static_cast<size_t>(m.dn)];
      if (a.dn.find(f.dn) == std::string::npos && a.name.find(f.dn) == std::string::npos) continue;
    }
    ++pic.in_window;
    if (pic.arrows.size() >= SeqPicture::kMaxArrows) {
      pic.truncated = true;
      continue;
    }
    const int from_key = m.from >= 0    ? m.from
                         : m.from == -1 ? -1 - spec.nodes[static_cast<size_t>(m.to)].dc
                                        : -100 - (-2 - m.from);
    SeqPicture::Arrow a{xof(m.sent),
                        lane_y(from_key),
                        0,
                        lane_y(m.to),
                        kind_rgb(m.kind),
                        false,
                        false,
                        static_cast<size_t>(it - sq.msgs.begin())};
    if (m.fate == SeqMessage::Fate::lost) {
      a.lost = true;
      a.rgb = kLostRgb;
      const float xe = std::max(xof(m.end), a.x0 + 10);
      a.x1 = xe;
      a.y1 = a.y0 + (a.y1 - a.y0) * 0.6f;
    } else if (m.fate == SeqMessage::Fate::in_flight || m.end > now) {
      a.open = true;
      a.x1 = std::max(xof(std::min(now, to)), a.x0 + 6);
      a.y1 = a.y0 + (a.y1 - a.y0) * 0.5f;
    } else {
      a.x1 = xof(m.end);
    }
    pic.arrows.push_back(a);
  }
  if (f.marks) {
    for (const auto& mk : sq.marks) {
      if (mk.at < from || mk.at > to) continue;
      if (f.link_a >= 0 && mk.peer >= 0 &&
          !((mk.node == f.link_a && mk.peer == f.link_b) ||
            (mk.node == f.link_b && mk.peer == f.link_a)))
        continue;
      std::string text = mk.what;
      if (mk.peer >= 0)
        text = "ADDP: " + spec.nodes[static_cast<size_t>(mk.node)].name + " " + mk.what + " " +
               spec.nodes[static_cast<size_t>(mk.peer)].name;
      if (mk.peer >= 0 && std::strcmp(mk.what, "resync") == 0)
        text = "resync with " + spec.nodes[static_cast<size_t>(mk.peer)].name;
      pic.marks.push_back({xof(mk.at), lane_y(mk.node),
                           std::strcmp(mk.what, "resync") == 0 ? 0x56B4E9u : kLostRgb, text});
    }
  }
  return pic;
}

std::string write_sequence_svg(const Session& s, Time from, Time to, const SeqFilter& f,
                               const std::string& path) {
  const float w = 1400, h = 560, label_w = 90;
  SeqPicture p = layout_sequence(s, from, to, f, w, h - 40, label_w);
  auto hex = [](unsigned rgb) {
    char b[8];
    std::snprintf(b, sizeof b, "#%06X", rgb & 0xFFFFFFu);
    return std::string(b);
  };
  auto esc = [](const std::string& t) {
    std::string o;
    for (char ch : t) {
      if (ch == '&')
        o += "&amp;";
      else if (ch == '<')
        o += "&lt;";
      else if (ch == '>')
        o += "&gt;";
      else if (ch == '\n')
        o += "; ";
      else
        o += ch;
    }
    return o;
  };
  const std::string tmp = path + ".tmp";
  {
    std::ofstream o(tmp);
    if (!o) return "cannot write " + tmp;
    char b[512];
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    std::snprintf(b, sizeof b,
                  "<text x=\"8\" y=\"%.0f\" font-size=\"13\">%s: messages %s - %s (%zu shown%s); "
                  "crosses: lost; dashed: in flight</text>\n",
                  h - 12.0f, esc(s.scenario().name).c_str(), clock_time(from).c_str(),
                  clock_time(to).c_str(), p.arrows.size(), p.truncated ? ", truncated" : "");
    o << b;
    for (const auto& l : p.lanes) {
      std::snprintf(b, sizeof b,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#%s\" "
                    "stroke-width=\"%s\"/><text x=\"6\" y=\"%.1f\">%s</text>\n",
                    p.left, l.y, p.right, l.y, l.node ? "555555" : "AAAAAA", l.node ? "1.5" : "1",
                    l.y + 4, esc(l.name).c_str());
      o << b;
    }
    for (const auto& t : p.ticks) {
      std::snprintf(b, sizeof b,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#DDDDDD\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
                    t.x, p.top, t.x, p.bottom, t.x, p.bottom + 14, esc(t.label).c_str());
      o << b;
    }
    for (const auto& a : p.arrows) {
      std::snprintf(b, sizeof b,
                    "<g><title>%s</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.3\"%s/></g>\n",
                    esc(describe(s, a.msg)).c_str(), a.x0, a.y0, a.x1, a.y1, hex(a.rgb).c_str(),
                    a.open ? " stroke-dasharray=\"4 3\"" : "");
      o << b;
      if (!a.lost && !a.open) {  // arrowhead
        const float dx = a.x1 - a.x0, dy = a.y1 - a.y0, len = std::max(1.0f, std::hypot(dx, dy));
        const float ux = dx / len, uy = dy / len;
        std::snprintf(b, sizeof b,
                      "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>\n", a.x1,
                      a.y1, a.x1 - ux * 7 - uy * 3.5f, a.y1 - uy * 7 + ux * 3.5f,
                      a.x1 - ux * 7 + uy * 3.5f, a.y1 - uy * 7 - ux * 3.5f, hex(a.rgb).c_str());
        o << b;
      }
      if (a.lost) {
        std::snprintf(
            b, sizeof b,
            "<path d=\"M%.1f,%.1f l8,8 m0,-8 l-8,8\" stroke=\"%s\" stroke-width=\"2\"/>\n",
            a.x1 - 4, a.y1 - 4, hex(kLostRgb).c_str());
        o << b;
      }
    }
    for (const auto& m : p.marks) {
      std::snprintf(b, sizeof b,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"14\" fill=\"%s\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
                    m.x - 1.5f, m.y - 7, hex(m.rgb).c_str(), m.x + 4, m.y - 9, hex(m.rgb).c_str(),
                    esc(m.text).c_str());
      o << b;
    }
    o << "</svg>\n";
    if (!o.good()) return "cannot write " + tmp;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return "cannot rename " + tmp + " to " + path + ": " + ec.message();
  return {};
}

Commands SequencePanel::draw(const Session& s) {
  const auto& spec = s.cluster().spec();
  const int n_nodes = s.cluster().node_count();
  const double now_s = s.now().to_seconds();
  ImGui::Checkbox("follow now", &follow_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  const char* spans[] = {"0.1 s", "0.5 s", "2 s", "10 s", "1 min", "5 min", "30 min"};
  const double span_v[] = {0.1, 0.5, 2, 10, 60, 300, 1800};
  int si = 2;
  for (int i = 0; i < 7; ++i)
    if (std::abs(span_v[i] - span_s_) < 1e-9) si = i;
  if (ImGui::Combo("window", &si, spans, 7)) span_s_ = span_v[si];
  if (follow_ || from_s_ < 0) from_s_ = std::max(0.0, now_s - span_s_ * 0.9);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(100);
  ImGui::InputTextWithHint("##seqdn", "DN / agent", dn_, sizeof dn_);
  f_.dn = dn_;
  ImGui::SameLine();
  std::vector<std::pair<int, int>> pairs;
  std::vector<std::string> pair_names{"all links"};
  for (int a = 0; a < n_nodes; ++a)
    for (int b = a + 1; b < n_nodes; ++b) {
      pairs.push_back({a, b});
      pair_names.push_back(spec.nodes[size_t(a)].name + "-" + spec.nodes[size_t(b)].name);
    }
  ImGui::SetNextItemWidth(90);
  if (ImGui::BeginCombo("##seqlink",
                        pair_names[size_t(std::min<int>(link_, int(pairs.size())))].c_str())) {
    for (size_t i = 0; i < pair_names.size(); ++i)
      if (ImGui::Selectable(pair_names[i].c_str(), link_ == static_cast<int>(i)))
        link_ = static_cast<int>(i);
    ImGui::EndCombo();
  }
  f_.link_a = link_ > 0 && link_ <= int(pairs.size()) ? pairs[size_t(link_ - 1)].first : -1;
  f_.link_b = link_ > 0 && link_ <= int(pairs.size()) ? pairs[size_t(link_ - 1)].second : -1;
  ImGui::SameLine();
  ImGui::Checkbox("TC", &f_.tc);
  ImGui::SameLine();
  ImGui::Checkbox("snapshots", &f_.snapshots);
  ImGui::SameLine();
  ImGui::Checkbox("requests", &f_.requests);
  ImGui::SameLine();
  ImGui::Checkbox("marks", &f_.marks);

  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.x = std::max(200.0f, size.x);
  size.y = std::max(120.0f, size.y - ImGui::GetTextLineHeightWithSpacing());
  ImGui::InvisibleButton("##seqcanvas", size);
  const bool hovered = ImGui::IsItemHovered();
  const ImGuiIO& io = ImGui::GetIO();
  SeqPicture p = layout_sequence(s, seconds(from_s_), seconds(from_s_ + span_s_), f_, size.x,
                                 size.y, ImGui::CalcTextSize("proxy DC1 ").x + 6);
  if (hovered && io.MouseWheel != 0) {  // zoom around the mouse
    const double at =
        from_s_ + (io.MousePos.x - o.x - p.left) / std::max(1.0f, p.right - p.left) * span_s_;
    const double k = io.MouseWheel > 0 ? 0.8 : 1.25;
    span_s_ = std::clamp(span_s_ * k, 0.001, s.end().to_seconds() + 1);
    from_s_ = std::max(0.0, at - (at - from_s_) * k);
    follow_ = false;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    from_s_ = std::max(0.0, from_s_ - io.MouseDelta.x / std::max(1.0f, p.right - p.left) * span_s_);
    follow_ = false;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto P = [&](float x, float y) { return ImVec2(o.x + x, o.y + y); };
  auto col = [](unsigned rgb, int a = 255) {
    return IM_COL32((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255, a);
  };
  dl->PushClipRect(o, ImVec2(o.x + size.x, o.y + size.y), true);
  dl->AddRectFilled(P(p.left, p.top), P(p.right, p.bottom), IM_COL32(30, 33, 40, 255));
  for (const auto& t : p.ticks) {
    dl->AddLine(P(t.x, p.top), P(t.x, p.bottom), IM_COL32(255, 255, 255, 25));
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(P(std::clamp(t.x - tw / 2, p.left, p.right - tw), p.bottom + 2),
                IM_COL32(170, 170, 175, 255), t.label.c_str());
  }
  for (const auto& l : p.lanes) {
    dl->AddLine(P(p.left, l.y), P(p.right, l.y),
                l.node ? IM_COL32(200, 200, 210, 160) : IM_COL32(140, 140, 150, 90),
                l.node ? 1.5f : 1.0f);
    dl->AddText(P(4, l.y - ImGui::GetTextLineHeight() / 2), IM_COL32(220, 220, 225, 255),
                l.name.c_str());
  }
  const float now_x = p.left + static_cast<float>((now_s - from_s_) / span_s_) * (p.right - p.left);
  if (now_x >= p.left && now_x <= p.right)
    dl->AddLine(P(now_x, p.top), P(now_x, p.bottom), IM_COL32(255, 255, 255, 90));
  int hover = -1;
  float best = 5.0f;
  const ImVec2 m(io.MousePos.x - o.x, io.MousePos.y - o.y);
  for (size_t i = 0; i < p.arrows.size(); ++i) {
    const auto& a = p.arrows[i];
    const ImVec2 a0 = P(a.x0, a.y0), a1 = P(a.x1, a.y1);
    if (a.open) {
      const float len = std::hypot(a1.x - a0.x, a1.y - a0.y);
      for (float d = 0; d < len; d += 7) {
        const float e = std::min(len, d + 4) / std::max(1.0f, len), b = d / std::max(1.0f, len);
        dl->AddLine(ImVec2(a0.x + (a1.x - a0.x) * b, a0.y + (a1.y - a0.y) * b),
                    ImVec2(a0.x + (a1.x - a0.x) * e, a0.y + (a1.y - a0.y) * e), col(a.rgb), 1.2f);
      }
    } else {
      dl->AddLine(a0, a1, col(a.rgb), 1.2f);
    }
    if (a.lost) {
      dl->AddLine(ImVec2(a1.x - 4, a1.y - 4), ImVec2(a1.x + 4, a1.y + 4), col(kLostRgb), 2.0f);
      dl->AddLine(ImVec2(a1.x - 4, a1.y + 4), ImVec2(a1.x + 4, a1.y - 4), col(kLostRgb), 2.0f);
    } else if (!a.open) {
      const float dx = a1.x - a0.x, dy = a1.y - a0.y, len = std::max(1.0f, std::hypot(dx, dy));
      const float ux = dx / len, uy = dy / len;
      dl->AddTriangleFilled(a1, ImVec2(a1.x - ux * 7 - uy * 3.5f, a1.y - uy * 7 + ux * 3.5f),
                            ImVec2(a1.x - ux * 7 + uy * 3.5f, a1.y - uy * 7 - ux * 3.5f),
                            col(a.rgb));
    }
    if (hovered) {
      const float dx = a.x1 - a.x0, dy = a.y1 - a.y0, l2 = dx * dx + dy * dy;
      float t = l2 > 0 ? ((m.x - a.x0) * dx + (m.y - a.y0) * dy) / l2 : 0;
      t = std::clamp(t, 0.0f, 1.0f);
      const float d = std::hypot(a.x0 + t * dx - m.x, a.y0 + t * dy - m.y);
      if (d < best) {
        best = d;
        hover = static_cast<int>(i);
      }
    }
  }
  for (const auto& mk : p.marks) {
    dl->AddRectFilled(P(mk.x - 1.5f, mk.y - 8), P(mk.x + 1.5f, mk.y + 8), col(mk.rgb));
    dl->AddText(P(mk.x + 4, mk.y - 8 - ImGui::GetTextLineHeight()), col(mk.rgb), mk.text.c_str());
  }
  dl->PopClipRect();
  if (hover >= 0) {
    const auto& a = p.arrows[size_t(hover)];
    dl->AddLine(P(a.x0, a.y0), P(a.x1, a.y1), IM_COL32(255, 255, 255, 200), 3.0f);
    ImGui::SetTooltip("%s", describe(s, a.msg).c_str());
  }
  ImGui::TextDisabled(
      "%s - %s: %zu message(s)%s; %zu kept of the last %zu sent (older ones dropped: %llu). "
      "Wheel: zoom, drag: pan",
      clock_time(seconds(from_s_)).c_str(), clock_time(seconds(from_s_ + span_s_)).c_str(),
      p.in_window, p.truncated ? " (first 20 000 drawn: zoom in)" : "", s.sequence().msgs.size(),
      SeqSeries::kMax, static_cast<unsigned long long>(s.sequence().dropped_old));
  return {};
}

}  // namespace scsim::viz
