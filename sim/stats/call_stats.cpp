#include "stats/call_stats.hpp"

#include <algorithm>
#include <charconv>
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

}  // namespace

const char* to_string(Period p) {
  switch (p) {
    case Period::connected:
      return "connected";
    case Period::undetected:
      return "undetected";
    case Period::partitioned:
      return "partitioned";
    case Period::resyncing:
      return "resyncing";
  }
  return "?";
}

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
  answered_wait_us += o.answered_wait_us;
}

Kpis compute_kpis(const CallAggregate& a, const OccupancyAggregate& occ) {
  Kpis k;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
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
  // §6.2: SL(T) = answered with wait <= T / (offered - abandoned with wait < short threshold).
  k.sl = ratio(d(a.answered_within_t), d(a.offered) - d(a.short_abandons));
  k.asa = ratio(static_cast<double>(a.answered_wait_us) / 1e6, d(a.answered));
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
  k.occupancy = ratio(static_cast<double>(occ.busy_us),
                      static_cast<double>(occ.busy_us) + static_cast<double>(occ.available_us));
  return k;
}

std::vector<KpiField> kpi_fields(const Kpis& k) {
  return {
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
      {"sl", k.sl, false},
      {"asa_s", k.asa, false},
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
      {"occupancy", k.occupancy, false},
      {"busy_s", k.busy_s, false},
      {"available_s", k.available_s, false},
      {"ready_oos_s", k.ready_oos_s, false},
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
  s.node_alive = [&cluster](int node) { return cluster.node_alive(node); };
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
      liveness_seen_(cluster ? cluster->liveness_changes() : 0),
      label_(std::move(label)),
      nodes_(static_cast<int>(setup_.node_names.size())),
      groups_(static_cast<int>(setup_.group_names.size())),
      dns_(static_cast<int>(setup_.dn_numbers.size())),
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

  setup_.node_dc.resize(static_cast<size_t>(nodes_), 0);
  setup_.dn_groups.resize(static_cast<size_t>(dns_));
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

// §6.4: partitioned > undetected > resyncing > connected, over link ends between live nodes.
Period CallStats::classify() const {
  bool undetected = false, resyncing = false;
  for (int n = 0; n < nodes_; ++n) {
    if (!alive_[static_cast<size_t>(n)]) continue;
    for (int p = 0; p < nodes_; ++p) {
      if (p == n || !alive_[static_cast<size_t>(p)]) continue;
      switch (links_[static_cast<size_t>(n * nodes_ + p)]) {
        case LinkEndState::declared_lost:
          return Period::partitioned;
        case LinkEndState::cut_undeclared:
          undetected = true;
          break;
        case LinkEndState::resyncing:
          resyncing = true;
          break;
        case LinkEndState::up:
        case LinkEndState::peer_down:
          break;
      }
    }
  }
  if (undetected) return Period::undetected;
  if (resyncing) return Period::resyncing;
  return Period::connected;
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
  // Attached to a cluster, liveness changes only at a crash or restart: re-read it then.
  if (cluster_) {
    const uint64_t seen = cluster_->liveness_changes();
    if (seen == liveness_seen_) return;
    liveness_seen_ = seen;
  }
  refresh(f.time);
}

void CallStats::on_node(const model::NodeChange& c) {
  if (finished_ || c.node < 0 || c.node >= nodes_) return;
  const int64_t t = c.at.micros();
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
  for (int n = 0; n < nodes_; ++n)
    alive_[static_cast<size_t>(n)] = setup_.node_alive(n) ? 1 : 0;
  set_period(c.at.micros(), classify());
}

// ---- occupancy

void CallStats::add_occupancy(const DnState& s, int dn, int64_t from, int64_t to) {
  int kind;  // 0 busy, 1 available, 2 ready but not routable
  if (model::is_busy(s.agent)) {
    kind = 0;
  } else if (s.agent == AgentState::ready) {
    kind = s.in_service && s.owner >= 0 ? 1 : 2;
  } else {
    return;
  }
  from = std::max(from, warmup_us_);
  if (from >= to) return;
  const int ns = s.owner >= 0 && s.owner < nodes_ ? s.owner : none_node();
  const auto& groups = setup_.dn_groups[static_cast<size_t>(dn)];
  auto add = [kind](OccupancyAggregate& o, int64_t dur) {
    (kind == 0 ? o.busy_us : kind == 1 ? o.available_us : o.ready_oos_us) += dur;
  };
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
    for (int node_slot : {ns, all_node()}) {
      for (int g : groups) {
        add(interval_cell(iv, node_slot, g).occ, dur);
        add(run_cells_[static_cast<size_t>(node_slot * group_slots() + g)].occ, dur);
      }
      add(interval_cell(iv, node_slot, groups_).occ, dur);
      add(run_cells_[static_cast<size_t>(node_slot * group_slots() + groups_)].occ, dur);
      add(period_cells_[static_cast<size_t>(static_cast<int>(p) * node_slots() + node_slot)].occ,
          dur);
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
  DnState& s = dn_[static_cast<size_t>(c.dn)];
  s.owner = c.after.owner;
  s.in_service = c.after.in_service;
  s.agent = c.after.agent;
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
  const Period p = period_at(c.arrival);
  const int64_t arrival = c.arrival.micros();
  const bool after_warmup = arrival >= warmup_us_;
  write_call_row(c, p, after_warmup && c.outcome != CallOutcome::in_progress);
  if (!after_warmup) return;

  const Time T = setup_.service_level_threshold;
  const Time S = setup_.short_abandon_threshold;
  const int ns = c.node >= 0 && c.node < nodes_ ? c.node : none_node();
  const int gs = c.group >= 0 && c.group < groups_ ? c.group : -1;
  const int64_t iv = arrival / interval_us_;
  for (int node_slot : {ns, all_node()}) {
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
  if ((c.dropped_after_answer || c.outcome == CallOutcome::lost_node_failure) &&
      c.ended != Time::max()) {
    ++second_bin(c.ended.micros(), ns).ended_by_fault;
  }
  SecondBin& b = second_bin(arrival, ns);
  ++b.offered;
  switch (c.outcome) {
    case CallOutcome::answered_local:
    case CallOutcome::answered_remote:
      ++b.answered;
      if (c.outcome == CallOutcome::answered_remote) ++b.answered_remote;
      if (c.wait <= T) ++b.within_t;
      b.wait_us += c.wait.micros();
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
}

CallStats::SecondBin& CallStats::second_bin(int64_t at_us, int node_slot) {
  const size_t per_second = static_cast<size_t>(nodes_ + 1);
  const size_t idx = static_cast<size_t>(std::max<int64_t>(at_us, 0) / kUsPerSecond) * per_second +
                     static_cast<size_t>(std::min(node_slot, nodes_));
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
      .field(d.result ? d.result : "")
      .field(to_string(current_period()));
  routing_.end_row();
}

// ---- results

Kpis CallStats::kpis(int node, int group) const {
  const Cell& c =
      run_cells_[static_cast<size_t>(slot_of_node(node) * group_slots() + slot_of_group(group))];
  return compute_kpis(c.calls, c.occ);
}

Kpis CallStats::period_kpis(Period p, int node) const {
  const Cell& c =
      period_cells_[static_cast<size_t>(static_cast<int>(p) * node_slots() + slot_of_node(node))];
  return compute_kpis(c.calls, c.occ);
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

uint64_t CallStats::episode_ended_by_fault(size_t episode, Window w, int node) const {
  if (episode >= episodes_.size()) return 0;
  const Episode& e = episodes_[episode];
  const auto wi = static_cast<size_t>(w);
  const size_t per_second = static_cast<size_t>(nodes_ + 1);
  uint64_t n_ended = 0;
  for (int64_t s = e.from_s[wi]; s < e.to_s[wi]; ++s) {
    for (int n = 0; n <= nodes_; ++n) {
      if (node >= 0 && node < nodes_ && n != node) continue;
      size_t idx = static_cast<size_t>(s) * per_second + static_cast<size_t>(n);
      if (idx >= seconds_.size()) break;
      n_ended += seconds_[idx].ended_by_fault;
    }
  }
  return n_ended;
}

Kpis CallStats::episode_kpis(size_t episode, Window w, int node) const {
  CallAggregate a;
  if (episode >= episodes_.size()) return compute_kpis(a);
  const Episode& e = episodes_[episode];
  const auto wi = static_cast<size_t>(w);
  const size_t per_second = static_cast<size_t>(nodes_ + 1);
  for (int64_t s = e.from_s[wi]; s < e.to_s[wi]; ++s) {
    for (int n = 0; n <= nodes_; ++n) {
      if (node >= 0 && node < nodes_ && n != node) continue;
      size_t idx = static_cast<size_t>(s) * per_second + static_cast<size_t>(n);
      if (idx >= seconds_.size()) break;
      const SecondBin& b = seconds_[idx];
      a.offered += b.offered;
      a.answered += b.answered;
      a.answered_remote += b.answered_remote;
      a.answered_local += b.answered - b.answered_remote;
      a.answered_within_t += b.within_t;
      a.answered_wait_us += b.wait_us;
      a.abandoned += b.abandoned;
      a.short_abandons += b.short_abandons;
      a.routing_failures += b.routing_failures;
      a.lost_node_failures += b.lost_node;
      a.misrouted += b.misrouted;
    }
  }
  return compute_kpis(a);
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
    const bool recovery = restart_at(timeline_[i].start) ||
                          (!faults.empty() && faults.back().end == timeline_[i].start &&
                           faults.back().faults == kFaultCrash);
    faults.push_back(Fault{timeline_[i].start, to, recovery ? kFaultCrash : kFaultCut, 0});
  }
  for (const auto& c : crashes_) {
    if (c.start >= end) continue;
    faults.push_back(
        Fault{c.start, c.end < 0 ? end : std::min(c.end, end), kFaultCrash, uint64_t(1) << c.node});
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
  std::vector<std::string> h{"interval", "from", "to", "node", "group"};
  const auto names = kpi_fields(Kpis{});
  for (const auto& f : names)
    h.emplace_back(f.name);
  intervals_->header(h);
  int64_t count = std::max<int64_t>(ceil_div(std::max<int64_t>(end, 0), interval_us_),
                                    static_cast<int64_t>(intervals_cells_.size()));
  const Cell empty{};
  for (int64_t i = 0; i < count; ++i) {
    const int64_t from = i * interval_us_;
    const int64_t to = std::max(from, std::min((i + 1) * interval_us_, end));
    for (int ns = 0; ns < node_slots(); ++ns) {
      if (ns == none_node()) continue;
      for (int g = 0; g < group_slots(); ++g) {
        const Cell* c = interval_cell_if(i, ns, g);
        if (!c) c = &empty;
        intervals_->field(i).field(Time::from_micros(from)).field(Time::from_micros(to));
        intervals_->field(ns == all_node() ? "all" : node_name(ns));
        intervals_->field(g == groups_ ? "all" : setup_.group_names[static_cast<size_t>(g)]);
        for (const auto& f : kpi_fields(compute_kpis(c->calls, c->occ)))
          intervals_->field(format_kpi(f));
        intervals_->end_row();
      }
    }
  }
}

void CallStats::write_periods() {
  std::vector<std::string> h{"period", "node", "time_s", "counted_time_s", "spans"};
  for (const auto& f : kpi_fields(Kpis{}))
    h.emplace_back(f.name);
  periods_->header(h);
  for (int p = 0; p < kPeriods; ++p) {
    const auto period = static_cast<Period>(p);
    uint64_t spans = 0;
    for (const auto& s : timeline_) {
      if (s.kind == period && (end_us_ < 0 || s.start < end_us_)) ++spans;
    }
    std::vector<int> slots{all_node()};
    for (int n = 0; n < nodes_; ++n)
      slots.push_back(n);
    for (int ns : slots) {
      periods_->field(to_string(period));
      periods_->field(ns == all_node() ? "all" : node_name(ns));
      periods_->field(period_time(period)).field(period_counted_time(period)).field(spans);
      const Cell& c = period_cells_[static_cast<size_t>(p * node_slots() + ns)];
      for (const auto& f : kpi_fields(compute_kpis(c.calls, c.occ)))
        periods_->field(format_kpi(f));
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
                                      "sl",
                                      "asa_s",
                                      "abandonment_rate",
                                      "routing_failure_rate",
                                      "lost_node_rate",
                                      "remote_share",
                                      "misroute_rate"};
  std::vector<std::string> h{"episode",       "start",         "end",
                             "duration",      "open_at_end",   "kinds",
                             "periods",       "nodes_touched", "dcs_touched",
                             "undetected_s",  "partitioned_s", "resyncing_s",
                             "crashed_s",     "node",          "window",
                             "window_from",   "window_to",     "window_complete",
                             "ended_by_fault"};
  for (const char* c : kCols)
    h.emplace_back(c);
  episodes_out_->header(h);
  static const char* const kWindows[] = {"before", "during", "after"};
  for (size_t i = 0; i < episodes_.size(); ++i) {
    const Episode& e = episodes_[i];
    std::string kinds, periods, touched, dcs;
    if (e.faults & kFaultCut) kinds = "cut";
    if (e.faults & kFaultCrash) kinds += kinds.empty() ? "crash" : "+crash";
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
    std::vector<int> nodes{-1};
    for (int n = 0; n < nodes_; ++n)
      nodes.push_back(n);
    for (int n : nodes) {
      for (int w = 0; w < 3; ++w) {
        Kpis k = episode_kpis(i, static_cast<Window>(w), n);
        auto fields = kpi_fields(k);
        episodes_out_->field(static_cast<uint64_t>(i + 1)).field(e.start).field(e.end);
        episodes_out_->field(e.end - e.start).field(e.open_at_end).field(kinds);
        episodes_out_->field(periods).field(touched).field(dcs);
        episodes_out_->field(e.time_in[static_cast<int>(Period::undetected)])
            .field(e.time_in[static_cast<int>(Period::partitioned)])
            .field(e.time_in[static_cast<int>(Period::resyncing)])
            .field(e.crashed);
        episodes_out_->field(n < 0 ? "all" : node_name(n)).field(kWindows[w]);
        episodes_out_->field(Time::from_micros(e.from_s[w] * kUsPerSecond))
            .field(Time::from_micros(e.to_s[w] * kUsPerSecond))
            .field(e.complete[w])
            .field(episode_ended_by_fault(i, static_cast<Window>(w), n));
        for (const char* col : kCols) {
          for (const auto& f : fields) {
            if (std::string_view(f.name) == col) {
              episodes_out_->field(format_kpi(f));
              break;
            }
          }
        }
        episodes_out_->end_row();
      }
    }
  }
}

void CallStats::write_summary(int64_t end) {
  CsvWriter& s = *summary_;
  s.header({"node", "group", "metric", "value"});
  auto row = [&s](const std::string& node, const std::string& group, const char* metric,
                  const std::string& value) {
    s.field(node).field(group).field(metric).field(value);
    s.end_row();
  };
  row("", "", "end_time", format_time(Time::from_micros(end)));
  row("", "", "warmup_s", format_time(Time::from_micros(warmup_us_)));
  row("", "", "calls", std::to_string(calls_seen_));
  row("", "", "decisions", std::to_string(decisions_seen_));
  std::vector<int> nslots{all_node()};
  for (int n = 0; n < nodes_; ++n)
    nslots.push_back(n);
  std::vector<int> gslots{groups_};
  for (int g = 0; g < groups_; ++g)
    gslots.push_back(g);
  for (int ns : nslots) {
    for (int g : gslots) {
      const Cell& c = run_cells_[static_cast<size_t>(ns * group_slots() + g)];
      const std::string node = ns == all_node() ? "all" : node_name(ns);
      const std::string group = g == groups_ ? "all" : setup_.group_names[static_cast<size_t>(g)];
      for (const auto& f : kpi_fields(compute_kpis(c.calls, c.occ)))
        row(node, group, f.name, format_kpi(f));
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
  if (cluster_) refresh(end);
  for (int d = 0; d < dns_; ++d)
    account_dn(d, t);
  finished_ = true;
  end_us_ = t;
  build_episodes(t);
  write_intervals(t);
  write_periods();
  write_episodes();
  write_summary(t);
  calls_.close();
  routing_.close();
  intervals_->close();
  periods_->close();
  episodes_out_->close();
  summary_->close();
}

}  // namespace scsim::stats
