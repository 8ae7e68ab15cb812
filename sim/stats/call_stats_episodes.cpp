// CallStats: the fault episodes of DOMAIN §6.5 (the faults a timeline schedules, episodes built
// at the run's end from link, node and action faults, their before/during/after windows and
// episodes.csv).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/params.hpp"
#include "stats/call_stats.hpp"
#include "stats/call_stats_detail.hpp"

namespace scsim::stats {

using model::CallOutcome;
using model::CallRecord;
using model::LinkEndState;
using namespace call_stats_detail;

void CallStats::add_action_faults(const std::vector<model::Action>& timeline,
                                  const model::ClusterSpec& spec) {
  using model::ActionKind;
  auto gws_nodes = [&](int g) -> uint64_t {
    if (g < 0 || static_cast<size_t>(g) >= spec.gws.size()) return 0;
    int n = spec.gws[static_cast<size_t>(g)].node;
    if (n < 0) {
      for (size_t i = 0; i < spec.nodes.size(); ++i) {
        if (spec.nodes[i].dc == spec.gws[static_cast<size_t>(g)].dc) {
          n = static_cast<int>(i);
          break;
        }
      }
    }
    return n >= 0 && n < 64 ? uint64_t(1) << n : 0;
  };
  // Open faults by (kind, GWS or agent): the index of their ActionFault.
  std::vector<std::pair<std::pair<unsigned, int>, size_t>> open;
  auto start = [&](unsigned kind, int who, int64_t t, uint64_t nodes) {
    for (const auto& o : open) {
      if (o.first == std::make_pair(kind, who)) return;  // already in force
    }
    open.push_back({{kind, who}, action_faults_.size()});
    action_faults_.push_back(ActionFault{t, -1, kind, nodes});
  };
  auto stop = [&](unsigned kind, int who, int64_t t) {
    for (auto it = open.begin(); it != open.end(); ++it) {
      if (it->first == std::make_pair(kind, who)) {
        action_faults_[it->second].end = t;
        open.erase(it);
        return;
      }
    }
  };
  for (const auto& a : timeline) {
    const int64_t t = a.at.micros();
    switch (a.kind) {
      case ActionKind::gws_fail:
        start(kFaultGwsFail, a.gws, t, gws_nodes(a.gws));
        break;
      case ActionKind::gws_restart:
        stop(kFaultGwsFail, a.gws, t);
        break;
      case ActionKind::gws_cut:
        start(kFaultGwsCut, a.gws, t, gws_nodes(a.gws));
        break;
      case ActionKind::gws_heal:
        stop(kFaultGwsCut, a.gws, t);
        break;
      case ActionKind::wwe_disconnect: {
        const int g = a.agent >= 0 && static_cast<size_t>(a.agent) < spec.agents.size()
                          ? spec.agents[static_cast<size_t>(a.agent)].gws
                          : -1;
        start(kFaultWweDisconnect, a.agent, t, gws_nodes(g));
        break;
      }
      case ActionKind::wwe_reconnect:
        stop(kFaultWweDisconnect, a.agent, t);
        break;
      case ActionKind::cut:
        if (a.one_way) one_way_cuts_.push_back(t);
        break;
      default:
        break;
    }
  }
}

// Sums the per-second bins of a window over the slots of `node` (>= 0), of DC `dc` (>= 0:
// its nodes and its none slot), or all.
CallAggregate CallStats::episode_sum(size_t episode, Window w, int node, int dc,
                                     uint64_t* ended) const {
  CallAggregate a;
  if (ended) *ended = 0;
  if (episode >= episodes_.size()) return a;
  const Episode& e = episodes_[episode];
  const auto wi = static_cast<size_t>(w);
  const int slots = nodes_ + dcs_;
  const size_t per_second = static_cast<size_t>(slots);
  for (int64_t s = e.from_s[wi]; s < e.to_s[wi]; ++s) {
    for (int n = 0; n < slots; ++n) {
      if (node >= 0 && node < slots && n != node) continue;
      if (dc >= 0 && dc_of_slot(n) != dc) continue;
      size_t idx = static_cast<size_t>(s) * per_second + static_cast<size_t>(n);
      if (idx >= seconds_.size()) break;
      const SecondBin& b = seconds_[idx];
      a.offered += b.offered;
      a.answered += b.answered;
      a.answered_remote += b.answered_remote;
      a.answered_local += b.answered - b.answered_remote;
      a.answered_within_t += b.within_t;
      a.answered_wait_us += b.wait_us;
      a.answered_work_us += b.work_us;
      a.abandoned += b.abandoned;
      a.short_abandons += b.short_abandons;
      a.routing_failures += b.routing_failures;
      a.lost_node_failures += b.lost_node;
      a.misrouted += b.misrouted;
      a.dropped_after_answer += b.dropped;
      a.ended_by_fault += b.ended_by_fault;
      if (ended) *ended += b.ended_by_fault;
    }
  }
  return a;
}

uint64_t CallStats::episode_ended_by_fault(size_t episode, Window w, int node) const {
  uint64_t n = 0;
  episode_sum(episode, w, node, -1, &n);
  return n;
}

Kpis CallStats::episode_kpis(size_t episode, Window w, int node) const {
  return compute_kpis(episode_sum(episode, w, node, -1, nullptr));
}

Kpis CallStats::episode_dc_kpis(size_t episode, Window w, int dc) const {
  OccupancyAggregate occ;
  occ.held_r36_us = static_cast<int64_t>(std::llround(episode_held_s(episode, w, dc) * 1e6));
  return compute_kpis(episode_sum(episode, w, -1, clamp_dc(dc), nullptr), occ);
}

// Agent-seconds held by R36 within a window, of agents of DC `dc` (-1: all).
double CallStats::episode_held_s(size_t episode, Window w, int dc) const {
  if (episode >= episodes_.size()) return 0;
  const Episode& e = episodes_[episode];
  const auto wi = static_cast<size_t>(w);
  const int64_t from = std::max(e.from_s[wi] * kUsPerSecond, warmup_us_);
  const int64_t to = e.to_s[wi] * kUsPerSecond;
  int64_t us = 0;
  for (const auto& h : held_) {
    if (dc >= 0 && h.dc != dc) continue;
    const int64_t a = std::max(h.start, from), b = std::min(h.end, to);
    if (b > a) us += b - a;
  }
  return static_cast<double>(us) / 1e6;
}

void CallStats::build_episodes(int64_t end) {
  // DOMAIN §6.5: an episode is a maximal span with a fault in force: here a TC link fault (every
  // span that is not `connected`: a cut, its declaration and the resync after it) or a crashed
  // node (crash to restart; the resync after the restart follows as a link fault). Faults that
  // overlap or are closer than episode_merge_gap_s make one episode.
  episodes_.clear();
  struct Fault {
    int64_t start, end;
    unsigned faults;
    uint64_t nodes;
  };
  std::vector<Fault> faults;
  // A restarted node's links are down until it reconnects and resyncs (R43): that span is the
  // crash's recovery, not a cut.
  auto restart_at = [this](int64_t t) {
    return std::any_of(crashes_.begin(), crashes_.end(),
                       [t](const CrashSpan& c) { return c.end == t; });
  };
  for (size_t i = 0; i < timeline_.size(); ++i) {
    if (timeline_[i].kind == Period::connected) continue;
    if (timeline_[i].start >= end) break;
    int64_t to = i + 1 < timeline_.size() ? std::min(timeline_[i + 1].start, end) : end;
    // A span right after another link fault's span continues it (a cut's declaration and
    // resync, a restart's reconnection) and keeps its kind.
    const bool continues = !faults.empty() && faults.back().end == timeline_[i].start;
    unsigned kind = kFaultCut;
    if (restart_at(timeline_[i].start)) {
      kind = kFaultCrash;
    } else if (continues) {
      kind = faults.back().faults;
    } else if (std::find(one_way_cuts_.begin(), one_way_cuts_.end(), timeline_[i].start) !=
               one_way_cuts_.end()) {
      kind = kFaultOneWayCut;
    }
    faults.push_back(Fault{timeline_[i].start, to, kind, 0});
  }
  for (const auto& o : dn_oos_) {
    if (o.start < end)
      faults.push_back(Fault{o.start, std::min(o.end, end), kFaultDnOos, uint64_t(1) << o.node});
  }
  for (const DnState& s : dn_) {
    const int64_t t = s.oos_start;
    if (t >= 0 && t < end) faults.push_back(Fault{t, end, kFaultDnOos, uint64_t(1) << s.oos_node});
  }
  for (const auto& c : crashes_) {
    if (c.start >= end) continue;
    faults.push_back(
        Fault{c.start, c.end < 0 ? end : std::min(c.end, end), kFaultCrash, uint64_t(1) << c.node});
  }
  for (const auto& f : action_faults_) {
    if (f.start >= end) continue;
    faults.push_back(Fault{f.start, f.end < 0 ? end : std::min(f.end, end), f.kind, f.nodes});
  }
  std::stable_sort(faults.begin(), faults.end(),
                   [](const Fault& x, const Fault& y) { return x.start < y.start; });
  const int64_t gap = std::max<int64_t>(0, setup_.episode_merge_gap.micros());
  const int64_t end_s = ceil_div(std::max<int64_t>(end, 0), kUsPerSecond);
  for (size_t i = 0; i < faults.size();) {
    Episode e;
    for (Time& t : e.time_in)
      t = Time::zero();
    int64_t from = faults[i].start, to = faults[i].end;
    size_t j = i;
    for (; j < faults.size() && faults[j].start <= to + gap; ++j) {
      to = std::max(to, faults[j].end);
      e.faults |= faults[j].faults;
      e.nodes_touched |= faults[j].nodes;
    }
    i = j;
    e.start = Time::from_micros(from);
    e.end = Time::from_micros(to);
    e.open_at_end = to >= end;
    // Time per period within [from, to), and node-time crashed.
    for (size_t k = 0; k < timeline_.size(); ++k) {
      int64_t a = std::max(timeline_[k].start, from);
      int64_t b = std::min(k + 1 < timeline_.size() ? timeline_[k + 1].start : end, to);
      if (b <= a) continue;
      e.time_in[static_cast<int>(timeline_[k].kind)] += Time::from_micros(b - a);
      if (timeline_[k].kind != Period::connected)
        e.kinds |= 1u << static_cast<unsigned>(timeline_[k].kind);
    }
    for (const auto& c : crashes_) {
      int64_t a = std::max(c.start, from), b = std::min(c.end < 0 ? end : c.end, to);
      if (b > a) e.crashed += Time::from_micros(b - a);
    }
    for (const auto& [t, mask] : link_faults_) {
      if (t >= from && t <= to && !restart_at(t)) e.nodes_touched |= mask;
    }
    const int64_t ws = floor_div(e.start.micros(), kUsPerSecond);
    const int64_t we = std::max(ceil_div(e.end.micros(), kUsPerSecond), ws + 1);
    const int64_t len = we - ws;
    const int64_t wfrom[3] = {ws - len, ws, we};
    for (int w = 0; w < 3; ++w) {
      int64_t f = wfrom[w], t = wfrom[w] + len;
      e.complete[w] = f >= 0 && f * kUsPerSecond >= warmup_us_ && t * kUsPerSecond <= end &&
                      !(w > 0 && e.open_at_end);
      e.from_s[w] = std::clamp<int64_t>(f, 0, end_s);
      e.to_s[w] = std::clamp<int64_t>(t, 0, end_s);
    }
    episodes_.push_back(e);
  }
}

void CallStats::write_episodes() {
  static const char* const kCols[] = {"offered",
                                      "answered",
                                      "answered_remote",
                                      "abandoned",
                                      "short_abandons",
                                      "routing_failures",
                                      "lost_node_failures",
                                      "misrouted",
                                      "dropped_after_answer",
                                      "sl",
                                      "asa_s",
                                      "aht_s",
                                      "abandonment_rate",
                                      "routing_failure_rate",
                                      "lost_node_rate",
                                      "remote_share",
                                      "misroute_rate",
                                      "held_by_r36_s"};
  std::vector<std::string> h{"episode",
                             "start",
                             "end",
                             "start_clock",
                             "end_clock",
                             "duration",
                             "open_at_end",
                             "kinds",
                             "periods",
                             "nodes_touched",
                             "dcs_touched",
                             "undetected_s",
                             "partitioned_s",
                             "resyncing_s",
                             "crashed_s",
                             "dc",
                             "node",
                             "window",
                             "window_from",
                             "window_to",
                             "window_complete",
                             "ended_by_fault"};
  for (const char* c : kCols)
    h.emplace_back(c);
  episodes_out_->header(h);
  static const char* const kWindows[] = {"before", "during", "after"};
  const auto rows = row_slots(true);
  for (size_t i = 0; i < episodes_.size(); ++i) {
    const Episode& e = episodes_[i];
    std::string kinds, periods, touched, dcs;
    static const std::pair<unsigned, const char*> kKinds[] = {
        {kFaultCut, "cut"},
        {kFaultCrash, "crash"},
        {kFaultGwsFail, "gws_fail"},
        {kFaultGwsCut, "gws_cut"},
        {kFaultWweDisconnect, "wwe_disconnect"},
        {kFaultOneWayCut, "one_way_cut"},
        {kFaultDnOos, "dn_oos"}};
    for (const auto& [bit, name] : kKinds) {
      if (e.faults & bit) kinds += (kinds.empty() ? "" : "+") + std::string(name);
    }
    for (int p = 0; p < kPeriods; ++p) {
      if (!(e.kinds & (1u << static_cast<unsigned>(p)))) continue;
      if (!periods.empty()) periods += "+";
      periods += to_string(static_cast<Period>(p));
    }
    uint64_t dc_mask = 0;
    for (int n = 0; n < nodes_; ++n) {
      if (!(e.nodes_touched >> n & 1)) continue;
      touched += (touched.empty() ? "" : "+") + node_name(n);
      const int dc =
          n < static_cast<int>(setup_.node_dc.size()) ? setup_.node_dc[static_cast<size_t>(n)] : -1;
      if (dc >= 0 && dc < 64) dc_mask |= uint64_t(1) << dc;
    }
    for (size_t d = 0; d < setup_.dc_names.size() && d < 64; ++d) {
      if (dc_mask >> d & 1) dcs += (dcs.empty() ? "" : "+") + setup_.dc_names[d];
    }
    for (const auto& r : rows) {
      for (int w = 0; w < 3; ++w) {
        const auto win = static_cast<Window>(w);
        const int dc = dc_of_slot(r.slot);
        const bool total = r.agent_time;  // a DC or "all" row
        uint64_t ended = 0;
        CallAggregate a = episode_sum(i, win, total ? -1 : r.slot, total ? dc : -1, &ended);
        OccupancyAggregate occ;
        if (total)
          occ.held_r36_us = static_cast<int64_t>(std::llround(episode_held_s(i, win, dc) * 1e6));
        auto fields = kpi_fields(compute_kpis(a, occ));
        episodes_out_->field(static_cast<uint64_t>(i + 1)).field(e.start).field(e.end);
        episodes_out_->field(clock_text(e.start.micros())).field(clock_text(e.end.micros()));
        episodes_out_->field(e.end - e.start).field(e.open_at_end).field(kinds);
        episodes_out_->field(periods).field(touched).field(dcs);
        episodes_out_->field(e.time_in[static_cast<int>(Period::undetected)])
            .field(e.time_in[static_cast<int>(Period::partitioned)])
            .field(e.time_in[static_cast<int>(Period::resyncing)])
            .field(e.crashed);
        episodes_out_->field(r.dc).field(r.node).field(kWindows[w]);
        episodes_out_->field(Time::from_micros(e.from_s[w] * kUsPerSecond))
            .field(Time::from_micros(e.to_s[w] * kUsPerSecond))
            .field(e.complete[w])
            .field(ended);
        for (const char* col : kCols) {
          for (const auto& f : fields) {
            if (std::string_view(f.name) == col) {
              episodes_out_->field(f.agent_time && !total ? std::string() : format_kpi(f));
              break;
            }
          }
        }
        episodes_out_->end_row();
      }
    }
  }
}

}  // namespace scsim::stats
