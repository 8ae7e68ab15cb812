// CallStats: the results (KPIs per row, period, interval, occupancy cell) and the tables written
// at the run's end (intervals.csv, periods.csv, call_summary.csv, occupancy.csv), and finish().
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

// ---- results

Kpis CallStats::run_kpis_at(int slot, int group) const {
  const Cell& c = run_cells_[static_cast<size_t>(slot * group_slots() + slot_of_group(group))];
  return compute_kpis(c.calls, c.occ);
}

Kpis CallStats::period_kpis_at(Period p, int slot) const {
  const Cell& c = period_cells_[static_cast<size_t>(static_cast<int>(p) * node_slots() + slot)];
  return compute_kpis(c.calls, c.occ);
}

Kpis CallStats::kpis(int node, int group) const {
  return run_kpis_at(slot_of_node(node), group);
}

Kpis CallStats::period_kpis(Period p, int node) const {
  return period_kpis_at(p, slot_of_node(node));
}

Kpis CallStats::interval_kpis(int64_t interval, int node, int group) const {
  const Cell* c = interval_cell_if(interval, slot_of_node(node), slot_of_group(group));
  return c ? compute_kpis(c->calls, c->occ) : compute_kpis({}, {});
}

Time CallStats::period_time(Period p) const {
  const int64_t end = end_us_ >= 0 ? end_us_ : timeline_.back().start;
  int64_t total = 0;
  for (size_t i = 0; i < timeline_.size(); ++i) {
    int64_t to = i + 1 < timeline_.size() ? timeline_[i + 1].start : end;
    if (timeline_[i].kind == p && to > timeline_[i].start) total += to - timeline_[i].start;
  }
  return Time::from_micros(total);
}

Time CallStats::period_counted_time(Period p) const {
  const int64_t end = end_us_ >= 0 ? end_us_ : timeline_.back().start;
  int64_t total = 0;
  for (size_t i = 0; i < timeline_.size(); ++i) {
    int64_t from = std::max(timeline_[i].start, warmup_us_);
    int64_t to = i + 1 < timeline_.size() ? timeline_[i + 1].start : end;
    if (timeline_[i].kind == p && to > from) total += to - from;
  }
  return Time::from_micros(total);
}

Kpis CallStats::dc_kpis(int dc, int group) const {
  return run_kpis_at(dc_slot(dc), group);
}

Kpis CallStats::none_kpis(int dc, int group) const {
  return run_kpis_at(none_slot(dc), group);
}

Kpis CallStats::period_dc_kpis(Period p, int dc) const {
  return period_kpis_at(p, dc_slot(dc));
}

Kpis CallStats::row_interval_kpis(int64_t interval, int slot, int group) const {
  const Cell* c = interval_cell_if(interval, slot, slot_of_group(group));
  return c ? compute_kpis(c->calls, c->occ) : compute_kpis({}, {});
}

Kpis CallStats::occupancy_kpis(int64_t interval, int dc, int owner, int group) const {
  const int d = dc >= 0 && dc < dcs_ ? dc : dcs_;
  const int o = owner >= 0 && owner < nodes_ ? owner : owner == -2 ? nodes_ : nodes_ + 1;
  const size_t idx =
      static_cast<size_t>((d * (nodes_ + 2) + o) * group_slots() + slot_of_group(group));
  if (interval < 0) return compute_kpis({}, occ_run_[idx]);
  if (static_cast<size_t>(interval) >= occ_intervals_.size() ||
      occ_intervals_[static_cast<size_t>(interval)].empty())
    return compute_kpis({}, {});
  return compute_kpis({}, occ_intervals_[static_cast<size_t>(interval)][idx]);
}

void CallStats::write_intervals(int64_t end) {
  std::vector<std::string> h{"interval", "from", "to", "from_clock", "dc", "node", "group"};
  const auto names = kpi_fields(Kpis{});
  for (const auto& f : names)
    h.emplace_back(f.name);
  intervals_->header(h);
  int64_t count = std::max<int64_t>(ceil_div(std::max<int64_t>(end, 0), interval_us_),
                                    static_cast<int64_t>(intervals_cells_.size()));
  const Cell empty{};
  const auto rows = row_slots();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t from = i * interval_us_;
    const int64_t to = std::max(from, std::min((i + 1) * interval_us_, end));
    const std::string clock = clock_text(from);
    for (const auto& r : rows) {
      for (int g = 0; g < group_slots(); ++g) {
        const Cell* c = interval_cell_if(i, r.slot, g);
        if (!c) c = &empty;
        intervals_->field(i).field(Time::from_micros(from)).field(Time::from_micros(to));
        intervals_->field(clock).field(r.dc).field(r.node);
        intervals_->field(g == groups_ ? "all" : setup_.group_names[static_cast<size_t>(g)]);
        put_kpis(*intervals_, compute_kpis(c->calls, c->occ), r.agent_time);
        intervals_->end_row();
      }
    }
  }
}

void CallStats::write_periods() {
  std::vector<std::string> h{"period", "dc", "node", "time_s", "counted_time_s", "spans"};
  for (const auto& f : kpi_fields(Kpis{}))
    h.emplace_back(f.name);
  periods_->header(h);
  const auto rows = row_slots(true);
  for (int p = 0; p < kPeriods; ++p) {
    const auto period = static_cast<Period>(p);
    uint64_t spans = 0;
    for (const auto& s : timeline_) {
      if (s.kind == period && (end_us_ < 0 || s.start < end_us_)) ++spans;
    }
    for (const auto& r : rows) {
      periods_->field(to_string(period)).field(r.dc).field(r.node);
      periods_->field(period_time(period)).field(period_counted_time(period)).field(spans);
      const Cell& c = period_cells_[static_cast<size_t>(p * node_slots() + r.slot)];
      put_kpis(*periods_, compute_kpis(c.calls, c.occ), r.agent_time);
      periods_->end_row();
    }
  }
}

void CallStats::write_occupancy(int64_t end) {
  std::vector<std::string> h{"interval", "from", "to", "from_clock", "dc", "owner", "group"};
  for (const auto& f : kpi_fields(Kpis{})) {
    if (f.agent_time) h.emplace_back(f.name);
  }
  occupancy_->header(h);
  const int64_t count = std::max<int64_t>(ceil_div(std::max<int64_t>(end, 0), interval_us_),
                                          static_cast<int64_t>(occ_intervals_.size()));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t from = i * interval_us_;
    const int64_t to = std::max(from, std::min((i + 1) * interval_us_, end));
    const std::string clock = clock_text(from);
    for (int d = 0; d <= dcs_; ++d) {
      for (int o = 0; o < nodes_ + 2; ++o) {
        for (int g = 0; g < group_slots(); ++g) {
          occupancy_->field(i).field(Time::from_micros(from)).field(Time::from_micros(to));
          occupancy_->field(clock).field(d == dcs_ ? "all"
                                                   : setup_.dc_names[static_cast<size_t>(d)]);
          occupancy_->field(o == nodes_ ? "none" : o == nodes_ + 1 ? "all" : node_name(o));
          occupancy_->field(g == groups_ ? "all" : setup_.group_names[static_cast<size_t>(g)]);
          const Kpis k = occupancy_kpis(i, d == dcs_ ? -1 : d,
                                        o == nodes_       ? -2
                                        : o == nodes_ + 1 ? -1
                                                          : o,
                                        g == groups_ ? -1 : g);
          for (const auto& f : kpi_fields(k)) {
            if (f.agent_time) occupancy_->field(format_kpi(f));
          }
          occupancy_->end_row();
        }
      }
    }
  }
}

void CallStats::write_summary(int64_t end) {
  CsvWriter& s = *summary_;
  s.header({"dc", "node", "group", "metric", "value"});
  auto row = [&s](const std::string& dc, const std::string& node, const std::string& group,
                  const char* metric, const std::string& value) {
    s.field(dc).field(node).field(group).field(metric).field(value);
    s.end_row();
  };
  row("", "", "", "end_time", format_time(Time::from_micros(end)));
  row("", "", "", "warmup_s", format_time(Time::from_micros(warmup_us_)));
  row("", "", "", "calls", std::to_string(calls_seen_));
  row("", "", "", "decisions", std::to_string(decisions_seen_));
  std::vector<int> gslots{groups_};
  for (int g = 0; g < groups_; ++g)
    gslots.push_back(g);
  const auto rows = row_slots(true);
  for (const auto& r : rows) {
    for (int g : gslots) {
      const Cell& c = run_cells_[static_cast<size_t>(r.slot * group_slots() + g)];
      const std::string group = g == groups_ ? "all" : setup_.group_names[static_cast<size_t>(g)];
      for (const auto& f : kpi_fields(compute_kpis(c.calls, c.occ))) {
        if (f.agent_time && !r.agent_time) continue;
        row(r.dc, r.node, group, f.name, format_kpi(f));
      }
    }
  }
}

void CallStats::flush() {
  calls_.flush();
  routing_.flush();
}

void CallStats::finish(Time end) {
  if (finished_) return;
  const int64_t t = std::max(end.micros(), timeline_.back().start);
  for (int d = 0; d < dns_; ++d) {
    DnState& s = dn_[static_cast<size_t>(d)];
    account_dn(s, t);
    // An agent still held by R36 at the end: held until the end.
    if (s.call_end >= 0 && t > s.call_end) {
      held_.push_back(HeldSpan{s.dc, s.call_end, t});
      add_agent_time(s, &OccupancyAggregate::held_r36_us, s.call_end, t);
    }
    s.call_end = -1;
  }
  finished_ = true;
  end_us_ = t;
  build_episodes(t);
  write_intervals(t);
  write_periods();
  write_episodes();
  write_summary(t);
  write_occupancy(t);
  calls_.close();
  routing_.close();
  intervals_->close();
  periods_->close();
  episodes_out_->close();
  summary_->close();
  occupancy_->close();
}

}  // namespace scsim::stats
