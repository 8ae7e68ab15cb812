#include "topology_panel.hpp"

#include <imgui.h>

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

  // Layout: DCs side by side; nodes of a DC stacked, mirrored in x from one DC to the next so
  // that no two links share a midpoint; GWS nodes along the bottom of their DC.
  const float margin = 14;
  const float box_w = (size.x - margin * static_cast<float>(n_dcs + 1)) / std::max(1, n_dcs);
  const float box_h = size.y - 2 * margin;
  std::vector<ImVec2> node_pos(static_cast<size_t>(n_nodes));
  std::vector<ImVec2> gws_pos(spec.gws.size());
  const float radius = std::clamp(std::min(box_w, box_h) * 0.09f, 12.0f, 24.0f);
  for (int j = 0; j < n_dcs; ++j) {
    ImVec2 b0(p0.x + margin + static_cast<float>(j) * (box_w + margin), p0.y + margin);
    ImVec2 b1(b0.x + box_w, b0.y + box_h);
    dl->AddRectFilled(b0, b1, kDcBox.u32(), 8.0f);
    dl->AddRect(b0, b1, IM_COL32(110, 115, 130, 255), 8.0f, 0, 1.5f);
    dl->AddText(ImVec2(b0.x + 8, b0.y + 6), IM_COL32(200, 205, 215, 255),
                spec.dcs[static_cast<size_t>(j)].name.c_str());
    std::vector<int> members;
    for (int n = 0; n < n_nodes; ++n)
      if (spec.nodes[static_cast<size_t>(n)].dc == j) members.push_back(n);
    const float cx = b0.x + box_w / 2, off = box_w * 0.2f;
    const float top = b0.y + box_h * (0.18f + (j % 2 ? 0.1f : 0.0f));
    const float span = box_h * 0.4f;
    for (size_t k = 0; k < members.size(); ++k) {
      float sign = (k % 2 == 0 ? -1.0f : 1.0f) * (j % 2 == 0 ? 1.0f : -1.0f);
      float y = members.size() == 1
                    ? top
                    : top + span * static_cast<float>(k) / static_cast<float>(members.size() - 1);
      node_pos[static_cast<size_t>(members[k])] = ImVec2(cx + sign * off, y);
    }
    std::vector<int> gw;
    for (size_t g = 0; g < spec.gws.size(); ++g)
      if (spec.gws[g].dc == j) gw.push_back(static_cast<int>(g));
    for (size_t k = 0; k < gw.size(); ++k) {
      float x = b0.x + box_w * (static_cast<float>(k) + 0.5f) / static_cast<float>(gw.size());
      gws_pos[static_cast<size_t>(gw[k])] = ImVec2(x, b1.y - 22);
    }
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
      dl->AddLine(pa, pb, link_color(st).u32(), 6.0f);
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
        blocked_arrow(dl, node_pos[static_cast<size_t>(a)], node_pos[static_cast<size_t>(b)], 0.7f);
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
    dl->AddCircle(p, radius, alive ? IM_COL32(210, 220, 240, 255) : IM_COL32(220, 60, 60, 255), 0,
                  2.0f);
    const std::string& name = spec.nodes[static_cast<size_t>(n)].name;
    ImVec2 ts = ImGui::CalcTextSize(name.c_str());
    dl->AddText(ImVec2(p.x - ts.x / 2, p.y - ts.y / 2), IM_COL32(255, 255, 255, 255), name.c_str());
    if (!alive) {
      dl->AddLine(ImVec2(p.x - radius * 0.7f, p.y - radius * 0.7f),
                  ImVec2(p.x + radius * 0.7f, p.y + radius * 0.7f), IM_COL32(230, 60, 60, 255),
                  3.0f);
    }
    if (static_cast<size_t>(n) < s.summary().size()) {
      const auto& sm = s.summary()[static_cast<size_t>(n)];
      std::string sub = std::to_string(sm.owned) + " owned";
      ImVec2 ss = ImGui::CalcTextSize(sub.c_str());
      dl->AddText(ImVec2(p.x - ss.x / 2, p.y + radius + 2), IM_COL32(190, 195, 205, 255),
                  sub.c_str());
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
      ImGui::Text("stale vs truth: view %d, SS %d", sm.stale_view, sm.stale_ss);
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
      ImGui::TextDisabled("%s at %s s", spec.nodes[static_cast<size_t>(n)].name.c_str(),
                          format_time(s.now()).c_str());
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
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(q.x, q.y + 2), ImVec2(q.x + 18, q.y + h - 2),
                                              link_color(st).u32());
    ImGui::Dummy(ImVec2(20, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(model::to_string(st));
    ImGui::SameLine(0, 14);
  }
  ImGui::NewLine();
  ImGui::TextDisabled(
      "->| cut direction; click a link: cut/heal (Shift: one way); right-click a node");
  return out;
}

}  // namespace scsim::viz
