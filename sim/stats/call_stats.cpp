#include "stats/call_stats.hpp"

#include "core/prefetch.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "model/params.hpp"
#include "stats/call_stats_detail.hpp"

namespace scsim::stats {

using model::AgentState;
using model::CallOutcome;
using model::CallRecord;
using model::LinkEndState;

using namespace call_stats_detail;

// ---------------------------------------------------------------- set-up

std::vector<std::string> routing_groups(const model::ClusterSpec& spec) {
  std::vector<std::string> g;
  for (const auto& a : spec.agents)
    g.insert(g.end(), a.groups.begin(), a.groups.end());
  for (const auto& s : spec.workload.streams)
    g.push_back(s.group);
  for (const auto& t : spec.workload.trace)
    g.push_back(t.group);
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  return g;
}

CallStatsSetup call_stats_setup(const model::Cluster& cluster) {
  const auto& spec = cluster.spec();
  CallStatsSetup s;
  for (const auto& dc : spec.dcs)
    s.dc_names.push_back(dc.name);
  for (const auto& n : spec.nodes) {
    s.node_names.push_back(n.name);
    s.node_dc.push_back(n.dc);
  }
  s.group_names = cluster.groups();
  for (const auto& a : spec.agents) {
    s.dn_numbers.push_back(a.dn);
    s.dn_dc.push_back(a.dc);
    std::vector<int> gs;
    for (const auto& name : a.groups) {
      int g = cluster.group_index(name);
      if (g >= 0) gs.push_back(g);
    }
    std::sort(gs.begin(), gs.end());
    gs.erase(std::unique(gs.begin(), gs.end()), gs.end());
    s.dn_groups.push_back(std::move(gs));
  }
  const auto& p = cluster.params();
  s.service_level_threshold = p.service_level_threshold;
  s.short_abandon_threshold = p.short_abandon_threshold;
  s.stats_interval = p.stats_interval;
  s.warmup = p.warmup;
  s.episode_merge_gap = p.episode_merge_gap;
  s.routing_mode = model::get_param(p, "routing_mode");
  s.start = cluster.now();
  const int dns = cluster.dn_count();
  for (int d = 0; d < dns; ++d)
    s.initial_truth.push_back(cluster.truth(d));
  const int n = cluster.node_count();
  s.initial_links.assign(static_cast<size_t>(n) * static_cast<size_t>(n), LinkEndState::up);
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      if (a != b) s.initial_links[static_cast<size_t>(a * n + b)] = cluster.link_end(a, b);
    }
  }
  // Liveness at the start; attached to the cluster, CallStats follows it by on_node.
  std::vector<char> alive;
  for (int a = 0; a < n; ++a)
    alive.push_back(cluster.node_alive(a) ? 1 : 0);
  s.node_alive = [alive = std::move(alive)](int node) {
    return node >= 0 && static_cast<size_t>(node) < alive.size() &&
           alive[static_cast<size_t>(node)];
  };
  return s;
}

// ---------------------------------------------------------------- CallStats

CallStats::CallStats(const model::Cluster& cluster, const std::filesystem::path& dir,
                     RunLabel label, const Recording& recording)
    : CallStats(call_stats_setup(cluster), dir, std::move(label), &cluster, recording) {}

CallStats::CallStats(CallStatsSetup setup, const std::filesystem::path& dir, RunLabel label,
                     const model::Cluster* cluster, const Recording& recording)
    : setup_(std::move(setup)),
      cluster_(cluster),
      label_(std::move(label)),
      nodes_(static_cast<int>(setup_.node_names.size())),
      groups_(static_cast<int>(setup_.group_names.size())),
      dns_(static_cast<int>(setup_.dn_numbers.size())),
      dcs_(std::max(1, static_cast<int>(setup_.dc_names.size()))),
      interval_us_(std::max<int64_t>(1, setup_.stats_interval.micros())),
      warmup_us_(std::max<int64_t>(0, setup_.warmup.micros())),
      start_us_(setup_.start.micros()),
      calls_(dir / "calls.csv", {std::to_string(label_.seed), label_.scenario},
             recording.mode(Table::calls)),
      routing_(dir / "routing.csv", {std::to_string(label_.seed), label_.scenario},
               recording.mode(Table::routing)) {
  const std::vector<std::string> prefix{std::to_string(label_.seed), label_.scenario};
  const CsvMode kpis = recording.mode(Table::kpis);
  intervals_ = std::make_unique<CsvWriter>(dir / "intervals.csv", prefix, kpis);
  periods_ = std::make_unique<CsvWriter>(dir / "periods.csv", prefix, kpis);
  episodes_out_ = std::make_unique<CsvWriter>(dir / "episodes.csv", prefix, kpis);
  summary_ = std::make_unique<CsvWriter>(dir / "call_summary.csv", prefix, kpis);
  occupancy_ = std::make_unique<CsvWriter>(dir / "occupancy.csv", prefix, kpis);
  if (setup_.dc_names.empty()) setup_.dc_names.push_back("DC1");

  setup_.node_dc.resize(static_cast<size_t>(nodes_), 0);
  setup_.dn_groups.resize(static_cast<size_t>(dns_));
  setup_.dn_dc.resize(static_cast<size_t>(dns_), 0);
  occ_run_.resize(static_cast<size_t>(occ_cells()));
  setup_.initial_truth.resize(static_cast<size_t>(dns_));
  const size_t nn = static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_);
  if (setup_.initial_links.size() != nn) setup_.initial_links.assign(nn, LinkEndState::up);
  if (!setup_.node_alive) setup_.node_alive = [](int) { return true; };

  links_ = setup_.initial_links;
  alive_.assign(static_cast<size_t>(nodes_), 0);
  for (int n = 0; n < nodes_; ++n)
    alive_[static_cast<size_t>(n)] = setup_.node_alive(n) ? 1 : 0;
  timeline_.push_back(Span{start_us_, classify()});
  dn_.resize(static_cast<size_t>(dns_));
  for (int d = 0; d < dns_; ++d) {
    const auto& v = setup_.initial_truth[static_cast<size_t>(d)];
    DnState& s = dn_[static_cast<size_t>(d)];
    s.owner = v.owner;
    s.in_service = v.in_service;
    s.agent = v.agent;
    s.since = start_us_;
    s.dc = clamp_dc(setup_.dn_dc[static_cast<size_t>(d)]);
    const auto& groups = setup_.dn_groups[static_cast<size_t>(d)];
    s.group_count = static_cast<uint16_t>(groups.size());
    if (groups.size() != s.group_count) throw std::invalid_argument("too many groups for a DN");
    if (groups.size() <= static_cast<size_t>(kInlineGroups)) {
      std::copy(groups.begin(), groups.end(), s.groups);
    } else {
      s.groups_at = static_cast<uint32_t>(dn_group_list_.size());
      dn_group_list_.insert(dn_group_list_.end(), groups.begin(), groups.end());
    }
  }
  run_cells_.resize(static_cast<size_t>(node_slots() * group_slots()));
  period_cells_.resize(static_cast<size_t>(kPeriods * node_slots()));

  std::vector<std::string> h{"id",      "arrival",       "dc",    "node",     "group",
                             "outcome", "failure_cause", "wait",  "answered", "ended",
                             "dn",      "dn_owner",      "scope", "dc_scope"};
  for (int i = 0; i < model::kFailCauses; ++i)
    h.push_back(std::string("failed_") + model::to_string(static_cast<model::FailCause>(i)));
  for (const char* s : {"misrouted", "dropped_after_answer", "period", "interval", "counted"})
    h.emplace_back(s);
  calls_.header(h);
  routing_.header({"time", "call", "node", "group", "mode", "eligible", "excluded_oos",
                   "excluded_busy", "stale", "chosen_dn", "chosen_owner", "result", "period"});
}

CallStats::~CallStats() = default;

const std::string& CallStats::node_name(int node) const {
  if (node < 0 || node >= nodes_) return none_text;
  return setup_.node_names[static_cast<size_t>(node)];
}

int CallStats::slot_of_node(int node) const {
  return node < 0 || node >= nodes_ ? all_node() : node;
}
int CallStats::dc_of_node(int node) const {
  if (node < 0 || node >= nodes_) return 0;
  return clamp_dc(setup_.node_dc[static_cast<size_t>(node)]);
}
int CallStats::dc_of_slot(int slot) const {
  if (slot < nodes_) return dc_of_node(slot);
  if (slot < nodes_ + dcs_) return slot - nodes_;
  if (slot < nodes_ + 2 * dcs_) return slot - nodes_ - dcs_;
  return -1;
}

std::vector<CallStats::RowSlot> CallStats::row_slots(bool all_first) const {
  std::vector<RowSlot> rows;
  if (all_first) rows.push_back(RowSlot{all_node(), "all", "all", true});
  for (int d = 0; d < dcs_; ++d) {
    const std::string& dc = setup_.dc_names[static_cast<size_t>(d)];
    for (int n = 0; n < nodes_; ++n) {
      if (dc_of_node(n) == d) rows.push_back(RowSlot{n, dc, node_name(n), false});
    }
    rows.push_back(RowSlot{none_slot(d), dc, "none", false});
    rows.push_back(RowSlot{dc_slot(d), dc, "all", true});
  }
  if (!all_first) rows.push_back(RowSlot{all_node(), "all", "all", true});
  return rows;
}
int CallStats::slot_of_group(int group) const {
  return group < 0 || group >= groups_ ? groups_ : group;
}

CallStats::Cell& CallStats::interval_cell(int64_t interval, int node_slot, int group_slot) {
  if (interval < 0) interval = 0;
  auto i = static_cast<size_t>(interval);
  if (i >= intervals_cells_.size()) intervals_cells_.resize(i + 1);
  auto& v = intervals_cells_[i];
  if (v.empty()) v.resize(static_cast<size_t>(node_slots() * group_slots()));
  return v[static_cast<size_t>(node_slot * group_slots() + group_slot)];
}

const CallStats::Cell* CallStats::interval_cell_if(int64_t interval, int node_slot,
                                                   int group_slot) const {
  if (interval < 0 || static_cast<size_t>(interval) >= intervals_cells_.size()) return nullptr;
  const auto& v = intervals_cells_[static_cast<size_t>(interval)];
  if (v.empty()) return nullptr;
  return &v[static_cast<size_t>(node_slot * group_slots() + group_slot)];
}

// §6.4, by the one classifier (stats/periods.hpp).
Period CallStats::classify() const {
  return classify_period(
      nodes_, [this](int n, int p) { return links_[static_cast<size_t>(n * nodes_ + p)]; },
      [this](int n) { return alive_[static_cast<size_t>(n)] != 0; });
}

void CallStats::set_period(int64_t t, Period p) {
  Span& last = timeline_.back();
  if (t <= last.start) {
    // Same instant as the last change: that period lasted no time.
    last.kind = p;
    if (timeline_.size() >= 2 && timeline_[timeline_.size() - 2].kind == p) timeline_.pop_back();
    return;
  }
  if (last.kind != p) timeline_.push_back(Span{t, p});
}

Period CallStats::period_at(Time t) const {
  auto it = std::upper_bound(timeline_.begin(), timeline_.end(), t.micros(),
                             [](int64_t v, const Span& s) { return v < s.start; });
  if (it == timeline_.begin()) return timeline_.front().kind;
  return std::prev(it)->kind;
}

Period CallStats::current_period() const {
  return timeline_.back().kind;
}

void CallStats::refresh(Time t) {
  if (finished_) return;
  bool changed = false;
  for (int n = 0; n < nodes_; ++n) {
    char a = setup_.node_alive(n) ? 1 : 0;
    if (a != alive_[static_cast<size_t>(n)]) {
      alive_[static_cast<size_t>(n)] = a;
      changed = true;
    }
  }
  if (changed) set_period(t.micros(), classify());
}

void CallStats::on_event(const FiredEvent& f) {
  // Attached to a cluster, liveness arrives by on_node (the model's one liveness setter).
  if (!cluster_) refresh(f.time);
}

void CallStats::on_node(const model::NodeChange& c) {
  if (finished_ || c.node < 0 || c.node >= nodes_) return;
  const int64_t t = c.at.micros();
  alive_[static_cast<size_t>(c.node)] = c.alive ? 1 : 0;
  set_period(t, classify());
  if (!c.alive) {
    crashes_.push_back(CrashSpan{c.node, t, -1});
  } else {
    for (auto it = crashes_.rbegin(); it != crashes_.rend(); ++it) {
      if (it->node == c.node && it->end < 0) {
        it->end = t;
        break;
      }
    }
  }
}

void CallStats::on_link(const model::LinkChange& c) {
  if (finished_ || c.node < 0 || c.node >= nodes_ || c.peer < 0 || c.peer >= nodes_) return;
  links_[static_cast<size_t>(c.node * nodes_ + c.peer)] = c.after;
  if (c.before == LinkEndState::up && c.after != LinkEndState::up) {
    link_faults_.emplace_back(c.at.micros(), (uint64_t(1) << c.node) | (uint64_t(1) << c.peer));
  }
  if (!cluster_) {  // attached to a cluster, liveness arrives by on_node
    for (int n = 0; n < nodes_; ++n)
      alive_[static_cast<size_t>(n)] = setup_.node_alive(n) ? 1 : 0;
  }
  set_period(c.at.micros(), classify());
}

// ---- occupancy

void CallStats::add_occupancy(const DnState& s, int64_t from, int64_t to) {
  if (model::is_busy(s.agent)) {
    add_agent_time(s, &OccupancyAggregate::busy_us, from, to);
  } else if (s.agent == AgentState::ready) {
    add_agent_time(s,
                   s.in_service && s.owner >= 0 ? &OccupancyAggregate::available_us
                                                : &OccupancyAggregate::ready_oos_us,
                   from, to);
  }
}

// Agent time of DN s in [from, to) (after warm-up) under its current truth owner, split by
// interval and period: in the KPI cells of its agent's DC and "all", and in occupancy.csv's
// cells by DC x truth owner x group.
void CallStats::add_agent_time(const DnState& s, int64_t OccupancyAggregate::*field, int64_t from,
                               int64_t to) {
  from = std::max(from, warmup_us_);
  if (from >= to) return;
  const int dc = s.dc;
  const int os = s.owner >= 0 && s.owner < nodes_ ? s.owner : nodes_;
  const int32_t* const groups = groups_of(s);
  const int32_t* const groups_end = groups + s.group_count;
  const int gsl = group_slots();
  auto occ_index = [&](int d, int o, int g) { return ((d * (nodes_ + 2) + o) * gsl + g); };
  // The span in force at `from`.
  auto it = std::upper_bound(timeline_.begin(), timeline_.end(), from,
                             [](int64_t v, const Span& sp) { return v < sp.start; });
  size_t k = it == timeline_.begin() ? 0 : static_cast<size_t>(it - timeline_.begin()) - 1;
  int64_t x = from;
  while (x < to) {
    while (k + 1 < timeline_.size() && timeline_[k + 1].start <= x)
      ++k;
    int64_t iv = x / interval_us_;
    int64_t next = std::min(to, (iv + 1) * interval_us_);
    if (k + 1 < timeline_.size()) next = std::min(next, timeline_[k + 1].start);
    const int64_t dur = next - x;
    const Period p = timeline_[k].kind;
    for (int node_slot : {dc_slot(dc), all_node()}) {
      for (const int32_t* g = groups; g != groups_end; ++g) {
        interval_cell(iv, node_slot, *g).occ.*field += dur;
        run_cells_[static_cast<size_t>(node_slot * gsl + *g)].occ.*field += dur;
      }
      interval_cell(iv, node_slot, groups_).occ.*field += dur;
      run_cells_[static_cast<size_t>(node_slot * gsl + groups_)].occ.*field += dur;
      period_cells_[static_cast<size_t>(static_cast<int>(p) * node_slots() + node_slot)].occ.*
          field += dur;
    }
    const auto i = static_cast<size_t>(iv);
    if (i >= occ_intervals_.size()) occ_intervals_.resize(i + 1);
    auto& cells = occ_intervals_[i];
    if (cells.empty()) cells.resize(static_cast<size_t>(occ_cells()));
    for (int d : {dc, dcs_}) {
      for (int o : {os, nodes_ + 1}) {
        for (const int32_t* g = groups; g != groups_end; ++g) {
          cells[static_cast<size_t>(occ_index(d, o, *g))].*field += dur;
          occ_run_[static_cast<size_t>(occ_index(d, o, *g))].*field += dur;
        }
        cells[static_cast<size_t>(occ_index(d, o, groups_))].*field += dur;
        occ_run_[static_cast<size_t>(occ_index(d, o, groups_))].*field += dur;
      }
    }
    x = next;
  }
}

void CallStats::account_dn(DnState& s, int64_t to) {
  if (to > s.since) {
    add_occupancy(s, s.since, to);
    s.since = to;
  }
}

void CallStats::prefetch_dn(model::ViewLevel level, int /*node*/, int dn) const {
  if (level == model::ViewLevel::truth && dn >= 0 && dn < dns_)
    prefetch_write(&dn_[static_cast<size_t>(dn)]);
}

void CallStats::on_dn_view(const model::DnViewChange& c) {
  if (finished_ || c.level != model::ViewLevel::truth || c.dn < 0 || c.dn >= dns_) return;
  DnState& s = dn_[static_cast<size_t>(c.dn)];
  account_dn(s, c.at.micros());
  track_dn_oos(s, c);
  // R36: an agent still talking after its call ended is held busy until its owner releases it.
  if (s.call_end >= 0 && c.after.agent != AgentState::talking) {
    if (c.at.micros() > s.call_end) {
      held_.push_back(HeldSpan{s.dc, s.call_end, c.at.micros()});
      add_agent_time(s, &OccupancyAggregate::held_r36_us, s.call_end, c.at.micros());
    }
    s.call_end = -1;
  }
  s.owner = c.after.owner;
  s.in_service = c.after.in_service;
  s.agent = c.after.agent;
}

// DOMAIN §6.5's R12/R47 fault: a logged-in agent's DN leaves service in the truth while its
// owner lives (a registration that ended, a GWS connection declared lost or a GWS that fails
// over); it lasts until the DN is in service again (or the run ends). One that ends with the
// agent's logout was the logout's doing, not a fault. A DN out of service because its owner
// crashed is the crash's fault, not this one.
void CallStats::track_dn_oos(DnState& s, const model::DnViewChange& c) {
  const bool up_after = c.after.in_service && c.after.owner >= 0;
  const int64_t t = c.at.micros();
  if (s.oos_start >= 0) {
    // Back in service: the fault ends. The agent logged out while out of service: the DN left
    // service as part of the logout (a WWE logout unregisters it first, R46), no fault.
    if (up_after) dn_oos_.push_back(OosSpan{s.oos_node, s.oos_start, t});
    if (up_after || c.after.agent == AgentState::logged_out) s.oos_start = -1;
    return;
  }
  const int was = c.before.owner;
  if (c.before.in_service && was >= 0 && was < nodes_ && alive_[static_cast<size_t>(was)] &&
      !up_after && c.after.agent != AgentState::logged_out) {
    s.oos_start = t;
    s.oos_node = was;
  }
}

// ---- calls and decisions

void CallStats::write_call_row(const CallRecord& c, Period p, bool counted) {
  if (!calls_.on()) return;  // calls not recorded
  const bool answered =
      c.outcome == CallOutcome::answered_local || c.outcome == CallOutcome::answered_remote;
  calls_.field(c.id).field(c.arrival);
  calls_.field(c.dc >= 0 && static_cast<size_t>(c.dc) < setup_.dc_names.size()
                   ? setup_.dc_names[static_cast<size_t>(c.dc)]
                   : none_text);
  calls_.field(node_name(c.node));
  calls_.field(c.group >= 0 && c.group < groups_ ? setup_.group_names[static_cast<size_t>(c.group)]
                                                 : none_text);
  calls_.field(model::to_string(c.outcome));
  calls_.field(c.outcome == CallOutcome::routing_failure ? model::to_string(c.failure) : "");
  calls_.field(c.wait);
  if (c.answered == Time::max()) {
    calls_.field("");
  } else {
    calls_.field(c.answered);
  }
  if (c.ended == Time::max()) {
    calls_.field("");
  } else {
    calls_.field(c.ended);
  }
  calls_.field(c.dn >= 0 && c.dn < dns_ ? setup_.dn_numbers[static_cast<size_t>(c.dn)] : none_text);
  calls_.field(node_name(c.dn_owner));
  calls_.field(!answered ? "" : c.outcome == CallOutcome::answered_local ? "local" : "remote");
  calls_.field(!answered                                               ? ""
               : c.outcome == CallOutcome::answered_local || c.same_dc ? "same_dc"
                                                                       : "other_dc");
  for (int i = 0; i < model::kFailCauses; ++i)
    calls_.field(c.failed[i]);
  calls_.field(c.misrouted).field(c.dropped_after_answer).field(to_string(p));
  calls_.field(c.arrival.micros() / interval_us_).field(counted);
  calls_.end_row();
}

void CallStats::on_call(const CallRecord& c) {
  if (finished_) return;
  ++calls_seen_;
  const bool answered =
      c.outcome == CallOutcome::answered_local || c.outcome == CallOutcome::answered_remote;
  if (answered && !c.dropped_after_answer && c.ended != Time::max() && c.dn >= 0 && c.dn < dns_) {
    DnState& d = dn_[static_cast<size_t>(c.dn)];
    if (d.agent == AgentState::talking && d.owner >= 0 && d.owner < nodes_ &&
        alive_[static_cast<size_t>(d.owner)])
      d.call_end = c.ended.micros();
  }
  const Period p = period_at(c.arrival);
  const int64_t arrival = c.arrival.micros();
  const bool after_warmup = arrival >= warmup_us_;
  write_call_row(c, p, after_warmup && c.outcome != CallOutcome::in_progress);
  if (!after_warmup) return;

  const Time T = setup_.service_level_threshold;
  const Time S = setup_.short_abandon_threshold;
  const int dc = c.node >= 0 && c.node < nodes_ ? dc_of_node(c.node) : clamp_dc(c.dc);
  const int ns = c.node >= 0 && c.node < nodes_ ? c.node : none_slot(dc);
  const int gs = c.group >= 0 && c.group < groups_ ? c.group : -1;
  const int64_t iv = arrival / interval_us_;
  const bool by_fault = (c.dropped_after_answer || c.outcome == CallOutcome::lost_node_failure) &&
                        c.ended != Time::max();
  for (int node_slot : {ns, dc_slot(dc), all_node()}) {
    if (by_fault) {
      // Counted where the fault ended it: its interval and period.
      const int64_t e = c.ended.micros();
      if (gs >= 0) ++interval_cell(e / interval_us_, node_slot, gs).calls.ended_by_fault;
      ++interval_cell(e / interval_us_, node_slot, groups_).calls.ended_by_fault;
      ++period_cells_[static_cast<size_t>(static_cast<int>(period_at(c.ended)) * node_slots() +
                                          node_slot)]
            .calls.ended_by_fault;
      if (gs >= 0)
        ++run_cells_[static_cast<size_t>(node_slot * group_slots() + gs)].calls.ended_by_fault;
      ++run_cells_[static_cast<size_t>(node_slot * group_slots() + groups_)].calls.ended_by_fault;
    }
    if (gs >= 0) {
      interval_cell(iv, node_slot, gs).calls.add(c, T, S);
      run_cells_[static_cast<size_t>(node_slot * group_slots() + gs)].calls.add(c, T, S);
    }
    interval_cell(iv, node_slot, groups_).calls.add(c, T, S);
    run_cells_[static_cast<size_t>(node_slot * group_slots() + groups_)].calls.add(c, T, S);
    period_cells_[static_cast<size_t>(static_cast<int>(p) * node_slots() + node_slot)].calls.add(
        c, T, S);
  }
  if (c.outcome == CallOutcome::in_progress) return;

  // Per second of arrival, for the episode windows; fault-ended calls also by their end.
  if (by_fault) ++second_bin(c.ended.micros(), ns).ended_by_fault;
  SecondBin& b = second_bin(arrival, ns);
  ++b.offered;
  switch (c.outcome) {
    case CallOutcome::answered_local:
    case CallOutcome::answered_remote:
      ++b.answered;
      if (c.outcome == CallOutcome::answered_remote) ++b.answered_remote;
      if (c.wait <= T) ++b.within_t;
      b.wait_us += c.wait.micros();
      b.work_us += c.handle.micros() + c.acw.micros();
      break;
    case CallOutcome::abandoned:
      ++b.abandoned;
      if (c.wait < S) ++b.short_abandons;
      break;
    case CallOutcome::routing_failure:
      ++b.routing_failures;
      break;
    case CallOutcome::lost_node_failure:
      ++b.lost_node;
      break;
    case CallOutcome::in_progress:
      break;
  }
  if (c.misrouted) ++b.misrouted;
  if (c.dropped_after_answer) ++b.dropped;
}

CallStats::SecondBin& CallStats::second_bin(int64_t at_us, int node_slot) {
  const size_t per_second = static_cast<size_t>(nodes_ + dcs_);
  const size_t idx = static_cast<size_t>(std::max<int64_t>(at_us, 0) / kUsPerSecond) * per_second +
                     static_cast<size_t>(std::min(node_slot, nodes_ + dcs_ - 1));
  if (idx >= seconds_.size()) seconds_.resize((idx / per_second + 1) * per_second);
  return seconds_[idx];
}

void CallStats::on_decision(const model::RoutingDecision& d) {
  if (finished_) return;
  ++decisions_seen_;
  if (!routing_.on()) return;  // routing not recorded
  routing_.field(d.at).field(d.call).field(node_name(d.node));
  routing_.field(d.group >= 0 && d.group < groups_
                     ? setup_.group_names[static_cast<size_t>(d.group)]
                     : none_text);
  routing_.field(setup_.routing_mode)
      .field(d.eligible)
      .field(d.excluded_oos)
      .field(d.excluded_busy)
      .field(d.stale);
  routing_.field(d.chosen_dn >= 0 && d.chosen_dn < dns_
                     ? setup_.dn_numbers[static_cast<size_t>(d.chosen_dn)]
                     : none_text);
  routing_.field(node_name(d.chosen_owner))
      .field(model::to_string(d.result))
      .field(to_string(current_period()));
  routing_.end_row();
}

}  // namespace scsim::stats
