#include "topology_panel.hpp"

#include <imgui.h>

#include "clock.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "palette.hpp"

namespace scsim::viz {
namespace {

using model::LinkEndState;

int severity(LinkEndState s) {
  switch (s) {
    case LinkEndState::declared_lost:
      return 4;
    case LinkEndState::cut_undeclared:
      return 3;
    case LinkEndState::resyncing:
      return 2;
    case LinkEndState::peer_down:
      return 1;
    case LinkEndState::up:
      return 0;
  }
  return 0;
}

float seg_dist(ImVec2 p, ImVec2 a, ImVec2 b) {
  float dx = b.x - a.x, dy = b.y - a.y;
  float len2 = dx * dx + dy * dy;
  float t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0f, 1.0f);
  float cx = a.x + t * dx - p.x, cy = a.y + t * dy - p.y;
  return std::sqrt(cx * cx + cy * cy);
}

ImVec2 lerp(ImVec2 a, ImVec2 b, float t) {
  return ImVec2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
}

// "->|": a blocked arrow at fraction `at` of the way from `from` to `to`.
void blocked_arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, float at) {
  float dx = to.x - from.x, dy = to.y - from.y;
  float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  float ux = dx / len, uy = dy / len, px = -uy, py = ux;
  ImVec2 tip = lerp(from, to, at);
  const float L = 14, W = 8;
  ImVec2 b1(tip.x - ux * L + px * W, tip.y - uy * L + py * W);
  ImVec2 b2(tip.x - ux * L - px * W, tip.y - uy * L - py * W);
  dl->AddTriangleFilled(tip, b1, b2, IM_COL32(255, 255, 255, 255));
  dl->AddTriangle(tip, b1, b2, IM_COL32(0, 0, 0, 255), 1.5f);
  ImVec2 bar(tip.x + ux * 4, tip.y + uy * 4);
  dl->AddLine(ImVec2(bar.x + px * 11, bar.y + py * 11), ImVec2(bar.x - px * 11, bar.y - py * 11),
              IM_COL32(255, 255, 255, 255), 3.0f);
}

// A link drawn in its state's pattern, so that states differ without colour (issue 19 §2):
//   up             solid
//   cut_undeclared long dashes
//   declared_lost  short thick dashes with a cross every other gap
//   resyncing      solid, thinner, with cross ticks (a "ladder")
//   peer_down      dots
// Dashes are laid out symmetrically from the midpoint, and every pattern is drawn at the
// midpoint itself (the headless pixel test reads the colour there).
void link_line(ImDrawList* dl, ImVec2 a, ImVec2 b, LinkEndState st, ImU32 col) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  const float ux = dx / len, uy = dy / len, px = -uy, py = ux;
  const ImVec2 mid = lerp(a, b, 0.5f);
  auto at = [&](float d) { return ImVec2(mid.x + ux * d, mid.y + uy * d); };
  auto dashes = [&](float on, float off, float thick, bool crosses) {
    const float half = len / 2, period = on + off;
    int k = 0;
    for (float c = 0; c - on / 2 < half; c += period, ++k) {
      for (float sgn : {1.0f, -1.0f}) {
        if (c == 0 && sgn < 0) continue;
        const float d0 = std::max(-half, std::min(half, sgn * c - on / 2));
        const float d1 = std::max(-half, std::min(half, sgn * c + on / 2));
        if (d1 > d0) dl->AddLine(at(d0), at(d1), col, thick);
        if (crosses && k % 2 == 1) {  // an x in the gap after this dash
          const ImVec2 g = at(sgn * (c + period / 2));
          if (std::abs(sgn * (c + period / 2)) < half - 4) {
            dl->AddLine(ImVec2(g.x - 4, g.y - 4), ImVec2(g.x + 4, g.y + 4), col, 2.0f);
            dl->AddLine(ImVec2(g.x - 4, g.y + 4), ImVec2(g.x + 4, g.y - 4), col, 2.0f);
          }
        }
      }
    }
  };
  switch (st) {
    case LinkEndState::up:
      dl->AddLine(a, b, col, 6.0f);
      break;
    case LinkEndState::cut_undeclared:
      dashes(22, 10, 6.0f, false);
      break;
    case LinkEndState::declared_lost:
      dashes(10, 14, 7.0f, true);
      break;
    case LinkEndState::resyncing:
      dl->AddLine(a, b, col, 4.0f);
      for (float d = 0; d < len / 2 - 4; d += 10)
        for (float sgn : {1.0f, -1.0f}) {
          const ImVec2 q = at(sgn * d);
          dl->AddLine(ImVec2(q.x + px * 7, q.y + py * 7), ImVec2(q.x - px * 7, q.y - py * 7), col,
                      2.0f);
        }
      break;
    case LinkEndState::peer_down:
      for (float d = 0; d < len / 2; d += 9)
        for (float sgn : {1.0f, -1.0f})
          dl->AddCircleFilled(at(sgn * d), 2.5f, col);
      break;
  }
}

std::string end_text(const model::Cluster& c, int n, int p) {
  return c.spec().nodes[static_cast<size_t>(n)].name +
         "'s end: " + model::to_string(c.link_end(n, p));
}

}  // namespace

LinkEndState pair_state(const model::Cluster& c, int a, int b) {
  if (!c.node_alive(a) || !c.node_alive(b)) return LinkEndState::peer_down;
  LinkEndState x = c.link_end(a, b), y = c.link_end(b, a);
  LinkEndState s = severity(x) >= severity(y) ? x : y;
  if (s == LinkEndState::up && c.pair_cut(a, b)) s = LinkEndState::cut_undeclared;
  return s;
}

Commands TopologyPanel::draw(const Session& s) {
  Commands out;
  const auto& c = s.cluster();
  const auto& spec = c.spec();
  const int n_nodes = c.node_count();
  const int n_dcs = static_cast<int>(spec.dcs.size());
  probes_.clear();

  const float legend_h = ImGui::GetTextLineHeightWithSpacing() * 2.2f;
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.y = std::max(120.0f, size.y - legend_h);
  size.x = std::max(200.0f, size.x);
  ImGui::InvisibleButton("canvas", size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);

  // Layout (issue 19 §2): every node on one ellipse, each DC on its own arc (DC1 on the left,
  // the others clockwise), so that the nodes are in convex position: a link between two nodes
  // never passes through a third. The arcs of odd DCs are narrower, so that no two links share
  // a midpoint (T4's diagonals cross, but away from their midpoints and markers). Labels sit
  // outside the ellipse (links stay inside it); GWS nodes on an outer ring next to their node.
  const float label_w = ImGui::CalcTextSize("9999 owned").x;
  const float cx = p0.x + size.x / 2, cy = p0.y + size.y / 2;
  const float radius = std::clamp(std::min(size.x, size.y) * 0.05f, 12.0f, 22.0f);
  // Room outside the ellipse: labels beside the nodes, GWS nodes above or below them, the DC
  // boxes' padding and names.
  const float rx = std::max(30.0f, size.x / 2 - label_w - radius - 30);
  const float ry = std::max(30.0f, size.y / 2 - radius - 26 - 22 - ImGui::GetTextLineHeight() - 4);
  std::vector<ImVec2> node_pos(static_cast<size_t>(n_nodes));
  std::vector<float> node_ang(static_cast<size_t>(n_nodes));
  std::vector<ImVec2> gws_pos(spec.gws.size());
  const float kPi = 3.14159265f;
  const int dcs_used = std::max(1, n_dcs);
  const float sector = 2 * kPi / static_cast<float>(dcs_used);
  for (int j = 0; j < n_dcs; ++j) {
    std::vector<int> members;
    for (int n = 0; n < n_nodes; ++n)
      if (spec.nodes[static_cast<size_t>(n)].dc == j) members.push_back(n);
    const float centre = kPi + static_cast<float>(j) * sector;  // screen y grows downward
    // Two DCs: DC1's arc is mirrored so that both DCs list their first node on top (N1
    // opposite N2 on T4); with three, the arcs simply go round.
    const float flip = n_dcs == 2 && j == 0 ? -1.0f : 1.0f;
    const float spread = sector * (n_dcs == 1 ? 1.0f : j % 2 ? 0.5f : 0.75f);
    for (size_t k = 0; k < members.size(); ++k) {
      const float f = members.size() == 1 ? 0.5f
                      : n_dcs == 1 ? static_cast<float>(k) / static_cast<float>(members.size())
                                   : static_cast<float>(k) / static_cast<float>(members.size() - 1);
      // Clockwise on screen from the top of the arc: the DC's first node on top.
      const float ang = n_dcs == 1 ? kPi + f * 2 * kPi : centre + (f - 0.5f) * spread;
      node_ang[static_cast<size_t>(members[k])] = ang;
      node_pos[static_cast<size_t>(members[k])] =
          ImVec2(cx + rx * std::cos(ang), cy + ry * std::sin(ang) * flip);
    }
  }
  // The angles the labels and GWS nodes use, from the positions (after the mirroring).
  for (int n = 0; n < n_nodes; ++n) {
    const ImVec2 q = node_pos[static_cast<size_t>(n)];
    node_ang[static_cast<size_t>(n)] = std::atan2((q.y - cy) / ry, (q.x - cx) / rx);
  }
  // Nodes at the top or bottom of the ellipse get their label above or below them (outward),
  // the others beside them; either way outside the ellipse, where no link goes.
  const float lh = ImGui::GetTextLineHeight();
  auto vertical = [&](int n) {
    return std::abs(std::cos(node_ang[static_cast<size_t>(n)])) < 0.3f;
  };
  auto outward_y = [&](int n) {
    return std::sin(node_ang[static_cast<size_t>(n)]) >= 0 ? 1.0f : -1.0f;
  };
  // DC boxes: around their nodes, their labels and their GWS nodes.
  std::vector<int> gws_rank(spec.gws.size(), 0);
  for (size_t g = 0; g < spec.gws.size(); ++g) {
    int n = c.gws_node(static_cast<int>(g));
    if (n < 0) n = spec.gws[g].node;
    if (n < 0) {
      for (int m = 0; m < n_nodes; ++m)
        if (spec.nodes[static_cast<size_t>(m)].dc == spec.gws[g].dc) {
          n = m;
          break;
        }
    }
    if (n < 0) continue;
    for (size_t h = 0; h < g; ++h)
      if (c.gws_node(static_cast<int>(h)) == n) ++gws_rank[g];
    // Outward and turned toward the vertical, so that the GWS line misses the node's label.
    const float ang = node_ang[static_cast<size_t>(n)];
    const float sy = std::sin(ang) >= 0 ? 1.0f : -1.0f;
    const ImVec2 q = node_pos[static_cast<size_t>(n)];
    const float off = static_cast<float>(gws_rank[g]) * 44.0f;
    gws_pos[g] = vertical(n)
                     ? ImVec2(q.x + (std::cos(ang) >= 0 ? 1.0f : -1.0f) * (radius + 32 + off), q.y)
                     : ImVec2(q.x + (std::cos(ang) >= 0 ? 1.0f : -1.0f) * (radius + 14 + off),
                              q.y + sy * (radius + 26));
  }
  for (int j = 0; j < n_dcs; ++j) {
    ImVec2 lo(1e9f, 1e9f), hi(-1e9f, -1e9f);
    auto grow = [&](ImVec2 q, float r) {
      lo = ImVec2(std::min(lo.x, q.x - r), std::min(lo.y, q.y - r));
      hi = ImVec2(std::max(hi.x, q.x + r), std::max(hi.y, q.y + r));
    };
    for (int n = 0; n < n_nodes; ++n) {
      if (spec.nodes[static_cast<size_t>(n)].dc != j) continue;
      const ImVec2 q = node_pos[static_cast<size_t>(n)];
      grow(q, radius + 8);
      const float side = std::cos(node_ang[static_cast<size_t>(n)]) >= 0 ? 1.0f : -1.0f;
      if (vertical(n))
        grow(ImVec2(q.x, q.y + outward_y(n) * (radius + 4 + 2 * lh)), label_w / 2 + 4);
      else
        grow(ImVec2(q.x + side * (radius + 8 + label_w), q.y), 10);
    }
    for (size_t g = 0; g < spec.gws.size(); ++g)
      if (spec.gws[g].dc == j) grow(gws_pos[g], 24);
    if (lo.x > hi.x) continue;
    if (n_dcs > 2) {  // arcs of three DCs: their convex hulls, which do not overlap
      std::vector<ImVec2> pts;
      for (int n = 0; n < n_nodes; ++n) {
        if (spec.nodes[static_cast<size_t>(n)].dc != j) continue;
        const ImVec2 q = node_pos[static_cast<size_t>(n)];
        for (int k = 0; k < 8; ++k)
          pts.push_back(ImVec2(q.x + (radius + 8) * std::cos(k * 0.785f),
                               q.y + (radius + 8) * std::sin(k * 0.785f)));
        const float side = std::cos(node_ang[static_cast<size_t>(n)]) >= 0 ? 1.0f : -1.0f;
        if (vertical(n)) {
          for (float dx : {-label_w / 2 - 4, label_w / 2 + 4})
            pts.push_back(ImVec2(q.x + dx, q.y + outward_y(n) * (radius + 8 + 2 * lh)));
        } else {
          for (float dy : {-lh, lh})
            pts.push_back(ImVec2(q.x + side * (radius + 12 + label_w), q.y + dy));
        }
      }
      for (size_t g = 0; g < spec.gws.size(); ++g)
        if (spec.gws[g].dc == j)
          for (float dx : {-22.0f, 22.0f})
            for (float dy : {-14.0f, 14.0f})
              pts.push_back(ImVec2(gws_pos[g].x + dx, gws_pos[g].y + dy));
      std::sort(pts.begin(), pts.end(),
                [](ImVec2 a, ImVec2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
      auto cross = [](ImVec2 o, ImVec2 a, ImVec2 b) {
        return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
      };
      std::vector<ImVec2> hull(2 * pts.size());
      size_t k = 0;
      for (size_t i = 0; i < pts.size(); ++i) {  // Andrew's monotone chain
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0)
          --k;
        hull[k++] = pts[i];
      }
      for (size_t i = pts.size() - 1, t = k + 1; i > 0; --i) {
        while (k >= t && cross(hull[k - 2], hull[k - 1], pts[i - 1]) <= 0)
          --k;
        hull[k++] = pts[i - 1];
      }
      hull.resize(k > 0 ? k - 1 : 0);
      if (hull.size() >= 3) {
        dl->AddConvexPolyFilled(hull.data(), static_cast<int>(hull.size()), kDcBox.u32());
        dl->AddPolyline(hull.data(), static_cast<int>(hull.size()), IM_COL32(110, 115, 130, 255),
                        ImDrawFlags_Closed, 1.5f);
        ImVec2 top = hull[0];
        for (const auto& q : hull)
          if (q.y < top.y) top = q;
        dl->AddText(ImVec2(top.x - 10, top.y - ImGui::GetTextLineHeight() - 1),
                    IM_COL32(200, 205, 215, 255), spec.dcs[static_cast<size_t>(j)].name.c_str());
      }
      continue;
    }
    lo.y -= ImGui::GetTextLineHeight();
    lo.y = std::max(lo.y, p0.y + 1);
    hi.y = std::min(hi.y, p0.y + size.y - 1);
    dl->AddRectFilled(lo, hi, kDcBox.u32(), 8.0f);
    dl->AddRect(lo, hi, IM_COL32(110, 115, 130, 255), 8.0f, 0, 1.5f);
    dl->AddText(ImVec2(lo.x + 6, lo.y + 2), IM_COL32(200, 205, 215, 255),
                spec.dcs[static_cast<size_t>(j)].name.c_str());
  }

  // GWS connections (under the TC links).
  for (size_t g = 0; g < spec.gws.size(); ++g) {
    int n = c.gws_node(static_cast<int>(g));
    if (n >= 0) {
      dl->AddLine(gws_pos[g], node_pos[static_cast<size_t>(n)], IM_COL32(160, 160, 175, 200), 1.5f);
    }
  }

  // TC links.
  int hover_a = -1, hover_b = -1;
  float best = 8.0f;
  for (int a = 0; a < n_nodes; ++a) {
    for (int b = a + 1; b < n_nodes; ++b) {
      ImVec2 pa = node_pos[static_cast<size_t>(a)], pb = node_pos[static_cast<size_t>(b)];
      LinkEndState st = pair_state(c, a, b);
      link_line(dl, pa, pb, st, link_color(st).u32());
      ImVec2 mid = lerp(pa, pb, 0.5f);
      probes_.push_back({a, b, mid.x, mid.y, st});
      if (hovered) {
        float d = seg_dist(mouse, pa, pb);
        if (d < best) {
          best = d;
          hover_a = a;
          hover_b = b;
        }
      }
    }
  }
  auto reach = c.reachability();
  for (int a = 0; a < n_nodes; ++a) {
    for (int b = 0; b < n_nodes; ++b) {
      if (a == b || !c.node_alive(a) || !c.node_alive(b)) continue;
      if (!reach.direct(a, b)) {
        // Near the receiving end b, just outside its circle.
        const ImVec2 pa = node_pos[static_cast<size_t>(a)], pb = node_pos[static_cast<size_t>(b)];
        const float len = std::hypot(pb.x - pa.x, pb.y - pa.y);
        blocked_arrow(dl, pa, pb,
                      std::clamp(1.0f - (radius + 10) / std::max(1.0f, len), 0.55f, 0.95f));
      }
    }
  }
  if (hover_a >= 0) {
    ImVec2 pa = node_pos[static_cast<size_t>(hover_a)], pb = node_pos[static_cast<size_t>(hover_b)];
    dl->AddLine(pa, pb, IM_COL32(255, 255, 255, 90), 12.0f);
  }

  // Nodes and GWS nodes (over the links), with hover detection.
  int hover_node = -1, hover_gws = -1;
  for (int n = 0; n < n_nodes; ++n) {
    ImVec2 p = node_pos[static_cast<size_t>(n)];
    bool alive = c.node_alive(n);
    dl->AddCircleFilled(p, radius, (alive ? kNodeAlive : kNodeDead).u32());
    if (!alive) {  // the slash under the name, the name on a dark plate: it stays readable
      dl->AddLine(ImVec2(p.x - radius * 0.8f, p.y - radius * 0.8f),
                  ImVec2(p.x + radius * 0.8f, p.y + radius * 0.8f), kDownMark.u32(), 3.0f);
      dl->AddLine(ImVec2(p.x - radius * 0.8f, p.y + radius * 0.8f),
                  ImVec2(p.x + radius * 0.8f, p.y - radius * 0.8f), kDownMark.u32(), 3.0f);
    }
    dl->AddCircle(p, radius, alive ? IM_COL32(210, 220, 240, 255) : kDownMark.u32(), 0,
                  alive ? 2.0f : 3.0f);
    const std::string& name = spec.nodes[static_cast<size_t>(n)].name;
    ImVec2 ts = ImGui::CalcTextSize(name.c_str());
    if (!alive)
      dl->AddRectFilled(ImVec2(p.x - ts.x / 2 - 2, p.y - ts.y / 2),
                        ImVec2(p.x + ts.x / 2 + 2, p.y + ts.y / 2), IM_COL32(0, 0, 0, 220), 2.0f);
    dl->AddText(ImVec2(p.x - ts.x / 2, p.y - ts.y / 2), IM_COL32(255, 255, 255, 255), name.c_str());
    // Label outside the ellipse, beside the node: never under a link.
    const float side = std::cos(node_ang[static_cast<size_t>(n)]) >= 0 ? 1.0f : -1.0f;
    std::string l1 = alive ? "" : "DOWN";
    std::string l2;
    if (static_cast<size_t>(n) < s.summary().size())
      l2 = std::to_string(s.summary()[static_cast<size_t>(n)].owned) + " owned";
    const int lines = l1.empty() ? 1 : 2;
    const bool vert = vertical(n);
    float ly = vert ? (outward_y(n) > 0 ? p.y + radius + 4 : p.y - radius - 4 - lh * lines)
                    : p.y - lh * (l1.empty() ? 0.5f : 1.0f);
    for (const std::string& l : {l1, l2}) {
      if (l.empty()) continue;
      const float w = ImGui::CalcTextSize(l.c_str()).x;
      const float lx = vert ? p.x - w / 2 : side > 0 ? p.x + radius + 6 : p.x - radius - 6 - w;
      dl->AddText(ImVec2(lx, ly), &l == &l1 ? kDownMark.u32() : IM_COL32(190, 195, 205, 255),
                  l.c_str());
      ly += ImGui::GetTextLineHeight();
    }
    float dx = mouse.x - p.x, dy = mouse.y - p.y;
    if (hovered && dx * dx + dy * dy <= radius * radius) hover_node = n;
  }
  for (size_t g = 0; g < spec.gws.size(); ++g) {
    ImVec2 p = gws_pos[g];
    bool alive = c.gws_alive(static_cast<int>(g));
    ImVec2 r0(p.x - 18, p.y - 10), r1(p.x + 18, p.y + 10);
    dl->AddRectFilled(r0, r1, alive ? IM_COL32(90, 75, 120, 255) : kNodeDead.u32(), 4.0f);
    dl->AddRect(r0, r1, IM_COL32(200, 190, 230, 255), 4.0f);
    ImVec2 ts = ImGui::CalcTextSize(spec.gws[g].name.c_str());
    dl->AddText(ImVec2(p.x - ts.x / 2, p.y - ts.y / 2), IM_COL32(255, 255, 255, 255),
                spec.gws[g].name.c_str());
    if (hovered && mouse.x >= r0.x && mouse.x <= r1.x && mouse.y >= r0.y && mouse.y <= r1.y) {
      hover_gws = static_cast<int>(g);
    }
  }
  dl->PopClipRect();

  // Interaction: nodes and GWS nodes take precedence over the links under them.
  const bool shift = ImGui::GetIO().KeyShift;
  if (hover_node >= 0 || hover_gws >= 0) hover_a = hover_b = -1;
  if (hover_a >= 0) {
    const int a = hover_a, b = hover_b;
    ImGui::BeginTooltip();
    ImGui::Text("TC link %s - %s: %s", spec.nodes[static_cast<size_t>(a)].name.c_str(),
                spec.nodes[static_cast<size_t>(b)].name.c_str(),
                model::to_string(pair_state(c, a, b)));
    ImGui::TextUnformatted(end_text(c, a, b).c_str());
    ImGui::TextUnformatted(end_text(c, b, a).c_str());
    ImGui::Text(
        "%s -> %s %s, %s -> %s %s", spec.nodes[static_cast<size_t>(a)].name.c_str(),
        spec.nodes[static_cast<size_t>(b)].name.c_str(), reach.direct(a, b) ? "passes" : "blocked",
        spec.nodes[static_cast<size_t>(b)].name.c_str(),
        spec.nodes[static_cast<size_t>(a)].name.c_str(), reach.direct(b, a) ? "passes" : "blocked");
    ImGui::Text("one-way delay %.1f ms", c.one_way_delay(a, b).to_seconds() * 1e3);
    ImGui::TextDisabled("click: %s both ways; Shift+click: one way from the nearer node",
                        c.pair_cut(a, b) ? "heal" : "cut");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      model::Action act;
      act.at = s.now();
      if (shift) {
        // From the nearer end toward the other: cut that direction, or heal it if cut.
        ImVec2 pa = node_pos[static_cast<size_t>(a)], pb = node_pos[static_cast<size_t>(b)];
        float da = (mouse.x - pa.x) * (mouse.x - pa.x) + (mouse.y - pa.y) * (mouse.y - pa.y);
        float db = (mouse.x - pb.x) * (mouse.x - pb.x) + (mouse.y - pb.y) * (mouse.y - pb.y);
        int from = da <= db ? a : b, to = da <= db ? b : a;
        bool blocked = c.node_alive(from) && c.node_alive(to) && !reach.direct(from, to);
        act.kind = blocked ? model::ActionKind::heal : model::ActionKind::cut;
        act.nodes_a = {from};
        act.nodes_b = {to};
        act.one_way = true;
      } else {
        act.kind = c.pair_cut(a, b) ? model::ActionKind::heal : model::ActionKind::cut;
        act.nodes_a = {a};
        act.nodes_b = {b};
      }
      out.push_back(edit_cmd(act));
    }
  }
  if (hover_node >= 0) {
    const int n = hover_node;
    ImGui::BeginTooltip();
    ImGui::Text("node %s (%s): %s", spec.nodes[static_cast<size_t>(n)].name.c_str(),
                spec.dcs[static_cast<size_t>(spec.nodes[static_cast<size_t>(n)].dc)].name.c_str(),
                c.node_alive(n) ? "alive" : "DOWN");
    if (static_cast<size_t>(n) < s.summary().size()) {
      const auto& sm = s.summary()[static_cast<size_t>(n)];
      ImGui::Text("owns %d DNs; SS_%s: %d InSrv, %d eligible", sm.owned,
                  spec.nodes[static_cast<size_t>(n)].name.c_str(), sm.ss_in_service,
                  sm.ss_eligible);
      ImGui::Text("differ from the truth (any field): view %d, SS %d", sm.stale_view, sm.stale_ss);
    }
    ImGui::TextDisabled("right-click: crash / restart");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
      menu_node_ = n;
      ImGui::OpenPopup("node_menu");
    }
  }
  if (hover_gws >= 0) {
    const int g = hover_gws;
    int n = c.gws_node(g);
    ImGui::BeginTooltip();
    ImGui::Text("GWS %s: %s, connected to %s", spec.gws[static_cast<size_t>(g)].name.c_str(),
                c.gws_alive(g) ? "up" : "DOWN",
                n >= 0 ? spec.nodes[static_cast<size_t>(n)].name.c_str() : "no node");
    ImGui::TextDisabled("right-click: fail / restart / cut / heal");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
      menu_gws_ = g;
      ImGui::OpenPopup("gws_menu");
    }
  }
  if (ImGui::BeginPopup("node_menu")) {
    if (menu_node_ >= 0 && menu_node_ < n_nodes) {
      const int n = menu_node_;
      const bool alive = c.node_alive(n);
      ImGui::TextDisabled("%s at %s", spec.nodes[static_cast<size_t>(n)].name.c_str(),
                          clock_time(s.now()).c_str());
      model::Action act;
      act.at = s.now();
      act.node = n;
      if (ImGui::MenuItem("Crash (host)", nullptr, false, alive)) {
        act.kind = model::ActionKind::crash;
        act.crash = model::CrashKind::host;
        out.push_back(edit_cmd(act));
      }
      if (ImGui::MenuItem("Crash (process)", nullptr, false, alive)) {
        act.kind = model::ActionKind::crash;
        act.crash = model::CrashKind::process;
        out.push_back(edit_cmd(act));
      }
      if (ImGui::MenuItem("Restart", nullptr, false, !alive)) {
        act.kind = model::ActionKind::restart;
        out.push_back(edit_cmd(act));
      }
    }
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopup("gws_menu")) {
    if (menu_gws_ >= 0 && static_cast<size_t>(menu_gws_) < spec.gws.size()) {
      const int g = menu_gws_;
      const bool alive = c.gws_alive(g);
      model::Action act;
      act.at = s.now();
      act.gws = g;
      auto item = [&](const char* label, model::ActionKind k, bool enabled) {
        if (ImGui::MenuItem(label, nullptr, false, enabled)) {
          act.kind = k;
          out.push_back(edit_cmd(act));
        }
      };
      item("Fail GWS", model::ActionKind::gws_fail, alive);
      item("Restart GWS", model::ActionKind::gws_restart, !alive);
      item("Cut from its node", model::ActionKind::gws_cut, alive);
      item("Heal connection", model::ActionKind::gws_heal, alive);
    }
    ImGui::EndPopup();
  }

  // Legend.
  const LinkEndState states[] = {LinkEndState::up, LinkEndState::cut_undeclared,
                                 LinkEndState::declared_lost, LinkEndState::resyncing,
                                 LinkEndState::peer_down};
  for (auto st : states) {
    ImVec2 q = ImGui::GetCursorScreenPos();
    float h = ImGui::GetTextLineHeight();
    ImDrawList* ld = ImGui::GetWindowDrawList();
    ld->PushClipRect(q, ImVec2(q.x + 40, q.y + h), true);
    link_line(ld, ImVec2(q.x - 6, q.y + h / 2), ImVec2(q.x + 46, q.y + h / 2), st,
              link_color(st).u32());
    ld->PopClipRect();
    ImGui::Dummy(ImVec2(42, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(model::to_string(st));
    ImGui::SameLine(0, 14);
  }
  ImGui::NewLine();
  ImGui::TextDisabled(
      "->| cut direction (at the receiving end); click a link: cut/heal (Shift: one way); "
      "right-click a node");
  return out;
}

}  // namespace scsim::viz
