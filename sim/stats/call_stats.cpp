#include "stats/call_stats.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "model/params.hpp"

namespace scsim::stats {

using model::AgentState;
using model::CallOutcome;
using model::CallRecord;
using model::LinkEndState;

namespace {

constexpr int64_t kUsPerSecond = 1'000'000;

std::string none_text;

double ratio(double num, double den) {
  return den > 0 ? num / den : NAN;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t ceil_div(int64_t a, int64_t b) {
  return -floor_div(-a, b);
}

// "hh:mm:ss" of an instant (hours past 24 keep counting: "25:00:00" is 01:00 the next day).
std::string clock_text(int64_t us) {
  const int64_t s = floor_div(us, kUsPerSecond);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

// The KPI columns of a row; agent time is left empty on rows of calls (nodes, none).
void put_kpis(CsvWriter& w, const Kpis& k, bool agent_time) {
  for (const auto& f : kpi_fields(k))
    w.field(f.agent_time && !agent_time ? std::string() : format_kpi(f));
}

}  // namespace

// ---------------------------------------------------------------- aggregates and KPIs

void CallAggregate::add(const CallRecord& c, Time sl_threshold, Time short_abandon_threshold) {
  if (c.outcome == CallOutcome::in_progress) {
    ++in_progress;
    return;
  }
  ++offered;
  switch (c.outcome) {
    case CallOutcome::answered_local:
    case CallOutcome::answered_remote:
      ++answered;
      answered_wait_us += c.wait.micros();
      answered_work_us += c.handle.micros() + c.acw.micros();
      if (c.wait <= sl_threshold) ++answered_within_t;
      if (c.outcome == CallOutcome::answered_local) {
        ++answered_local;
      } else {
        ++answered_remote;
        ++(c.same_dc ? remote_same_dc : remote_other_dc);
      }
      break;
    case CallOutcome::abandoned:
      ++abandoned;
      if (c.wait < short_abandon_threshold) ++short_abandons;
      break;
    case CallOutcome::routing_failure:
      ++routing_failures;
      if (c.failure == model::RoutingFailureCause::no_target) ++rf_no_target;
      if (c.failure == model::RoutingFailureCause::redirection_limit) ++rf_redirection_limit;
      break;
    case CallOutcome::lost_node_failure:
      ++lost_node_failures;
      break;
    case CallOutcome::in_progress:
      break;
  }
  if (c.misrouted) ++misrouted;
  if (c.dropped_after_answer) ++dropped_after_answer;
  for (int i = 0; i < model::kFailCauses; ++i)
    failed_offers[i] += static_cast<uint64_t>(std::max(0, c.failed[i]));
}

void CallAggregate::merge(const CallAggregate& o) {
  offered += o.offered;
  answered += o.answered;
  answered_local += o.answered_local;
  answered_remote += o.answered_remote;
  remote_same_dc += o.remote_same_dc;
  remote_other_dc += o.remote_other_dc;
  answered_within_t += o.answered_within_t;
  abandoned += o.abandoned;
  short_abandons += o.short_abandons;
  routing_failures += o.routing_failures;
  rf_no_target += o.rf_no_target;
  rf_redirection_limit += o.rf_redirection_limit;
  lost_node_failures += o.lost_node_failures;
  misrouted += o.misrouted;
  dropped_after_answer += o.dropped_after_answer;
  for (int i = 0; i < model::kFailCauses; ++i)
    failed_offers[i] += o.failed_offers[i];
  in_progress += o.in_progress;
  ended_by_fault += o.ended_by_fault;
  answered_wait_us += o.answered_wait_us;
  answered_work_us += o.answered_work_us;
}

Kpis compute_kpis(const CallAggregate& a, const OccupancyAggregate& occ) {
  Kpis k;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  k.arrivals = d(a.offered + a.in_progress);
  k.offered = d(a.offered);
  k.answered = d(a.answered);
  k.answered_local = d(a.answered_local);
  k.answered_remote = d(a.answered_remote);
  k.answered_remote_same_dc = d(a.remote_same_dc);
  k.answered_remote_other_dc = d(a.remote_other_dc);
  k.abandoned = d(a.abandoned);
  k.short_abandons = d(a.short_abandons);
  k.routing_failures = d(a.routing_failures);
  k.rf_no_target = d(a.rf_no_target);
  k.rf_redirection_limit = d(a.rf_redirection_limit);
  k.lost_node_failures = d(a.lost_node_failures);
  k.misrouted = d(a.misrouted);
  k.dropped_after_answer = d(a.dropped_after_answer);
  k.in_progress = d(a.in_progress);
  k.ended_by_fault = d(a.ended_by_fault);
  // §6.2: SL(T) = answered with wait <= T / (offered - abandoned with wait < short threshold).
  k.sl = ratio(d(a.answered_within_t), d(a.offered) - d(a.short_abandons));
  k.asa = ratio(static_cast<double>(a.answered_wait_us) / 1e6, d(a.answered));
  k.aht = ratio(static_cast<double>(a.answered_work_us) / 1e6, d(a.answered));
  k.abandonment_rate = ratio(d(a.abandoned), d(a.offered));
  k.short_abandon_rate = ratio(d(a.short_abandons), d(a.offered));
  k.routing_failure_rate = ratio(d(a.routing_failures), d(a.offered));
  k.rf_no_target_rate = ratio(d(a.rf_no_target), d(a.offered));
  k.rf_redirection_limit_rate = ratio(d(a.rf_redirection_limit), d(a.offered));
  k.lost_node_rate = ratio(d(a.lost_node_failures), d(a.offered));
  k.remote_share = ratio(d(a.answered_remote), d(a.answered));
  k.remote_same_dc_share = ratio(d(a.remote_same_dc), d(a.answered_remote));
  k.misroute_rate = ratio(d(a.misrouted), d(a.offered));
  for (int i = 0; i < model::kFailCauses; ++i)
    k.failed_offers[i] = d(a.failed_offers[i]);
  k.busy_s = static_cast<double>(occ.busy_us) / 1e6;
  k.available_s = static_cast<double>(occ.available_us) / 1e6;
  k.ready_oos_s = static_cast<double>(occ.ready_oos_us) / 1e6;
  k.held_by_r36_s = static_cast<double>(occ.held_r36_us) / 1e6;
  k.occupancy = ratio(static_cast<double>(occ.busy_us),
                      static_cast<double>(occ.busy_us) + static_cast<double>(occ.available_us));
  return k;
}

std::vector<KpiField> kpi_fields(const Kpis& k) {
  return {
      {"arrivals", k.arrivals, true},
      {"offered", k.offered, true},
      {"answered", k.answered, true},
      {"answered_local", k.answered_local, true},
      {"answered_remote", k.answered_remote, true},
      {"answered_remote_same_dc", k.answered_remote_same_dc, true},
      {"answered_remote_other_dc", k.answered_remote_other_dc, true},
      {"abandoned", k.abandoned, true},
      {"short_abandons", k.short_abandons, true},
      {"routing_failures", k.routing_failures, true},
      {"routing_failures_no_target", k.rf_no_target, true},
      {"routing_failures_redirection_limit", k.rf_redirection_limit, true},
      {"lost_node_failures", k.lost_node_failures, true},
      {"misrouted", k.misrouted, true},
      {"dropped_after_answer", k.dropped_after_answer, true},
      {"in_progress_at_end", k.in_progress, true},
      {"ended_by_fault", k.ended_by_fault, true},
      {"sl", k.sl, false},
      {"asa_s", k.asa, false},
      {"aht_s", k.aht, false},
      {"abandonment_rate", k.abandonment_rate, false},
      {"short_abandon_rate", k.short_abandon_rate, false},
      {"routing_failure_rate", k.routing_failure_rate, false},
      {"routing_failure_rate_no_target", k.rf_no_target_rate, false},
      {"routing_failure_rate_redirection_limit", k.rf_redirection_limit_rate, false},
      {"lost_node_rate", k.lost_node_rate, false},
      {"remote_share", k.remote_share, false},
      {"remote_same_dc_share", k.remote_same_dc_share, false},
      {"misroute_rate", k.misroute_rate, false},
      {"failed_stale_view", k.failed_offers[0], true},
      {"failed_race", k.failed_offers[1], true},
      {"failed_collision", k.failed_offers[2], true},
      {"failed_no_answer", k.failed_offers[3], true},
      {"occupancy", k.occupancy, false, true},
      {"busy_s", k.busy_s, false, true},
      {"available_s", k.available_s, false, true},
      {"ready_oos_s", k.ready_oos_s, false, true},
      {"held_by_r36_s", k.held_by_r36_s, false, true},
  };
}

std::string format_kpi(const KpiField& f) {
  if (std::isnan(f.value)) return "";
  char buf[64];
  std::to_chars_result r;
  if (f.count) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(std::llround(f.value)));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, f.value, std::chars_format::fixed, 6);
  }
  return std::string(buf, r.ptr);
}

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
  call_end_.assign(static_cast<size_t>(dns_), -1);
  oos_open_.assign(static_cast<size_t>(dns_), {-1, -1});
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
    dn_[static_cast<size_t>(d)] = DnState{v.owner, v.in_service, v.agent, start_us_};
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

void CallStats::add_occupancy(const DnState& s, int dn, int64_t from, int64_t to) {
  if (model::is_busy(s.agent)) {
    add_agent_time(dn, s.owner, &OccupancyAggregate::busy_us, from, to);
  } else if (s.agent == AgentState::ready) {
    add_agent_time(dn, s.owner,
                   s.in_service && s.owner >= 0 ? &OccupancyAggregate::available_us
                                                : &OccupancyAggregate::ready_oos_us,
                   from, to);
  }
}

// Agent time of DN `dn` in [from, to) (after warm-up), split by interval and period: in the KPI
// cells of its agent's DC and "all", and in occupancy.csv's cells by DC x truth owner x group.
void CallStats::add_agent_time(int dn, int owner, int64_t OccupancyAggregate::*field, int64_t from,
                               int64_t to) {
  from = std::max(from, warmup_us_);
  if (from >= to) return;
  const int dc = clamp_dc(setup_.dn_dc[static_cast<size_t>(dn)]);
  const int os = owner >= 0 && owner < nodes_ ? owner : nodes_;
  const auto& groups = setup_.dn_groups[static_cast<size_t>(dn)];
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
      for (int g : groups) {
        interval_cell(iv, node_slot, g).occ.*field += dur;
        run_cells_[static_cast<size_t>(node_slot * gsl + g)].occ.*field += dur;
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
        for (int g : groups) {
          cells[static_cast<size_t>(occ_index(d, o, g))].*field += dur;
          occ_run_[static_cast<size_t>(occ_index(d, o, g))].*field += dur;
        }
        cells[static_cast<size_t>(occ_index(d, o, groups_))].*field += dur;
        occ_run_[static_cast<size_t>(occ_index(d, o, groups_))].*field += dur;
      }
    }
    x = next;
  }
}

void CallStats::account_dn(int dn, int64_t to) {
  DnState& s = dn_[static_cast<size_t>(dn)];
  if (to > s.since) {
    add_occupancy(s, dn, s.since, to);
    s.since = to;
  }
}

void CallStats::on_dn_view(const model::DnViewChange& c) {
  if (finished_ || c.level != model::ViewLevel::truth || c.dn < 0 || c.dn >= dns_) return;
  account_dn(c.dn, c.at.micros());
  track_dn_oos(c);
  // R36: an agent still talking after its call ended is held busy until its owner releases it.
  int64_t& ended = call_end_[static_cast<size_t>(c.dn)];
  if (ended >= 0 && c.after.agent != AgentState::talking) {
    if (c.at.micros() > ended) {
      held_.push_back(
          HeldSpan{clamp_dc(setup_.dn_dc[static_cast<size_t>(c.dn)]), ended, c.at.micros()});
      add_agent_time(c.dn, dn_[static_cast<size_t>(c.dn)].owner, &OccupancyAggregate::held_r36_us,
                     ended, c.at.micros());
    }
    ended = -1;
  }
  DnState& s = dn_[static_cast<size_t>(c.dn)];
  s.owner = c.after.owner;
  s.in_service = c.after.in_service;
  s.agent = c.after.agent;
}

// DOMAIN §6.5's R12/R47 fault: a logged-in agent's DN leaves service in the truth while its
// owner lives (a registration that ended, a GWS connection declared lost or a GWS that fails
// over); it lasts until the DN is in service again (or the run ends). One that ends with the
// agent's logout was the logout's doing, not a fault. A DN out of service because its owner
// crashed is the crash's fault, not this one.
void CallStats::track_dn_oos(const model::DnViewChange& c) {
  auto& open = oos_open_[static_cast<size_t>(c.dn)];
  const bool up_after = c.after.in_service && c.after.owner >= 0;
  const int64_t t = c.at.micros();
  if (open.first >= 0) {
    // Back in service: the fault ends. The agent logged out while out of service: the DN left
    // service as part of the logout (a WWE logout unregisters it first, R46), no fault.
    if (up_after) dn_oos_.push_back(OosSpan{open.second, open.first, t});
    if (up_after || c.after.agent == AgentState::logged_out) open.first = -1;
    return;
  }
  const int was = c.before.owner;
  if (c.before.in_service && was >= 0 && was < nodes_ && alive_[static_cast<size_t>(was)] &&
      !up_after && c.after.agent != AgentState::logged_out) {
    open = {t, was};
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
    const DnState& d = dn_[static_cast<size_t>(c.dn)];
    if (d.agent == AgentState::talking && d.owner >= 0 && d.owner < nodes_ &&
        alive_[static_cast<size_t>(d.owner)])
      call_end_[static_cast<size_t>(c.dn)] = c.ended.micros();
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

// ---- finish

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
  for (size_t d = 0; d < oos_open_.size(); ++d) {
    const auto& [t, node] = oos_open_[d];
    if (t >= 0 && t < end) faults.push_back(Fault{t, end, kFaultDnOos, uint64_t(1) << node});
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
    account_dn(d, t);
    // An agent still held by R36 at the end: held until the end.
    int64_t& ended = call_end_[static_cast<size_t>(d)];
    if (ended >= 0 && t > ended) {
      held_.push_back(HeldSpan{clamp_dc(setup_.dn_dc[static_cast<size_t>(d)]), ended, t});
      add_agent_time(d, dn_[static_cast<size_t>(d)].owner, &OccupancyAggregate::held_r36_us, ended,
                     t);
    }
    ended = -1;
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
