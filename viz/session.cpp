#include "session.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "run/simulation.hpp"
#include "scenario/writer.hpp"
#include "stats/periods.hpp"
#include "stats/recorder.hpp"
#include "stats/results_dir.hpp"

namespace scsim::viz {
namespace {

constexpr uint64_t kMaxEvents = 50'000'000;  // the CLI's default guard
constexpr size_t kLogMax = 5000;
constexpr int kKpiSamples = 600;
constexpr int kCallBins = 192;  // call KPI bins over the scenario's duration

double wall_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string node_name(const model::Cluster& c, int n) {
  if (n < 0) return "-";
  return c.spec().nodes.at(static_cast<size_t>(n)).name;
}

}  // namespace

const char* to_string(LogEntry::Type t) {
  switch (t) {
    case LogEntry::Type::link:
      return "link";
    case LogEntry::Type::ownership:
      return "ownership";
    case LogEntry::Type::conflict:
      return "conflict";
    case LogEntry::Type::dn_view:
      return "dn view";
    case LogEntry::Type::action:
      return "action";
  }
  return "?";
}

stats::Period CallSeries::period_at(Time t) const {
  auto it = std::upper_bound(periods.begin(), periods.end(), t,
                             [](Time x, const Span& s) { return x < s.start; });
  return it == periods.begin() ? stats::Period::connected : std::prev(it)->period;
}

// Watches the cluster: the event log, the KPI samples, the calls and the routing decisions,
// rebuilt with the cluster.
struct Session::Watch : model::Observer {
  const model::Cluster& c;
  std::vector<std::deque<LogEntry>> log{5};
  KpiSeries kpi;
  CallSeries calls;
  std::vector<int> insrv, elig;  // current counts per level (0 truth, 1+n SS_n)
  int64_t next_sample = 0;

  Watch(const model::Cluster& cl, Time end) : c(cl) {
    const int levels = 1 + c.node_count();
    kpi.step = micros(std::max<int64_t>(1000, end.micros() / kKpiSamples));
    calls.bin = micros(std::max<int64_t>(1'000'000, (end.micros() + kCallBins - 1) / kCallBins));
    calls.bins = static_cast<int>(end.micros() / calls.bin.micros()) + 1;
    calls.by_bin.assign(static_cast<size_t>(calls.bins) * static_cast<size_t>(levels), {});
    calls.queue.assign(static_cast<size_t>(c.node_count()), {});
    calls.periods.push_back({Time::zero(), classify()});
    kpi.in_service.assign(static_cast<size_t>(levels), {});
    kpi.eligible.assign(static_cast<size_t>(levels), {});
    insrv.assign(static_cast<size_t>(levels), 0);
    elig.assign(static_cast<size_t>(levels), 0);
    for (int d = 0; d < c.dn_count(); ++d) {
      count(0, c.truth(d), +1);
      for (int n = 0; n < c.node_count(); ++n)
        count(1 + n, c.stat(n, d), +1);
    }
  }
  void count(int level, const model::DnView& v, int sign) {
    if (v.owner >= 0 && v.in_service) insrv[static_cast<size_t>(level)] += sign;
    if (v.eligible()) elig[static_cast<size_t>(level)] += sign;
  }
  // Samples at k * step < t hold the state before anything that happens at t.
  void flush(Time t) {
    while (next_sample * kpi.step.micros() < t.micros() &&
           kpi.in_service[0].size() < static_cast<size_t>(kKpiSamples) + 2) {
      for (size_t l = 0; l < insrv.size(); ++l) {
        kpi.in_service[l].push_back(static_cast<float>(insrv[l]));
        kpi.eligible[l].push_back(static_cast<float>(elig[l]));
      }
      for (int n = 0; n < c.node_count(); ++n)
        calls.queue[static_cast<size_t>(n)].push_back(static_cast<float>(c.queue_length(n)));
      ++next_sample;
    }
  }
  void add(LogEntry e) {
    auto& q = log[static_cast<size_t>(e.type)];
    q.push_back(std::move(e));
    if (q.size() > kLogMax) q.pop_front();
  }
  void on_dn_view(const model::DnViewChange& ch) override {
    flush(ch.at);
    if (ch.level == model::ViewLevel::truth) {
      count(0, ch.before, -1);
      count(0, ch.after, +1);
    } else if (ch.level == model::ViewLevel::stat) {
      count(1 + ch.node, ch.before, -1);
      count(1 + ch.node, ch.after, +1);
    }
    std::string where = ch.level == model::ViewLevel::truth
                            ? std::string("truth")
                            : std::string(ch.level == model::ViewLevel::view ? "view_" : "SS_") +
                                  node_name(c, ch.node);
    const auto& a = ch.after;
    add({ch.at, LogEntry::Type::dn_view, ch.dn,
         "DN " + c.spec().agents[static_cast<size_t>(ch.dn)].dn + " " + where + ": owner " +
             node_name(c, a.owner) + ", " + (a.in_service ? "InSrv" : "OOS") + ", " +
             model::to_string(a.agent)});
  }
  void on_ownership(const model::OwnershipChange& ch) override {
    flush(ch.at);
    add({ch.at, LogEntry::Type::ownership, ch.dn,
         "DN " + c.spec().agents[static_cast<size_t>(ch.dn)].dn + " owner " +
             node_name(c, ch.old_owner) + " -> " + node_name(c, ch.new_owner) + " (" +
             model::to_string(ch.cause) + ")"});
  }
  void on_link(const model::LinkChange& ch) override {
    flush(ch.at);
    add({ch.at, LogEntry::Type::link, -1,
         "link " + node_name(c, ch.node) + "-" + node_name(c, ch.peer) + " at " +
             node_name(c, ch.node) + ": " + model::to_string(ch.before) + " -> " +
             model::to_string(ch.after)});
  }
  void on_conflict(const model::Conflict& ch) override {
    flush(ch.at);
    add({ch.at, LogEntry::Type::conflict, ch.dn,
         "DN " + c.spec().agents[static_cast<size_t>(ch.dn)].dn +
             " split brain: " + node_name(c, ch.winner) + " wins over " + node_name(c, ch.loser) +
             " (since " + format_time(ch.since) + ")"});
  }
  // §6.4: the one classifier CallStats uses too.
  stats::Period classify() const {
    return stats::classify_period(
        c.node_count(), [this](int n, int p) { return c.link_end(n, p); },
        [this](int n) { return c.node_alive(n); });
  }
  void on_event(const FiredEvent& f) override {
    flush(f.time);
    const stats::Period p = classify();
    auto& spans = calls.periods;
    if (spans.back().start == f.time) {  // a period that lasted no time is no period
      spans.back().period = p;
      if (spans.size() > 1 && spans[spans.size() - 2].period == p) spans.pop_back();
    } else if (spans.back().period != p) {
      spans.push_back({f.time, p});
    }
  }
  void on_call(const model::CallRecord& r) override {
    if (r.outcome == model::CallOutcome::in_progress) return;
    const auto& P = c.params();
    const Time sl = P.service_level_threshold, sa = P.short_abandon_threshold;
    const size_t slots = calls.queue.size() + 1;
    const size_t bin = static_cast<size_t>(
        std::clamp<int64_t>(r.arrival.micros() / calls.bin.micros(), 0, calls.bins - 1));
    calls.by_bin[bin * slots + slots - 1].add(r, sl, sa);
    if (r.node >= 0) calls.by_bin[bin * slots + static_cast<size_t>(r.node)].add(r, sl, sa);
    calls.by_period[static_cast<int>(calls.period_at(r.arrival))].add(r, sl, sa);
    calls.total.add(r, sl, sa);
    ++calls.ended;
  }
  void on_decision(const model::RoutingDecision& d) override {
    ++calls.decisions;
    calls.last.push_back(d);
    if (calls.last.size() > CallSeries::kDecisionRing) calls.last.pop_front();
  }
};

Session::Session(scenario::Scenario sc, uint64_t seed) : sc_(std::move(sc)), seed_(seed) {
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(Time::zero());
}

Session::~Session() = default;

const std::vector<std::deque<LogEntry>>& Session::log() const {
  return watch_->log;
}
const KpiSeries& Session::kpis() const {
  return watch_->kpi;
}
const CallSeries& Session::calls() const {
  return watch_->calls;
}

size_t Session::next_action() const {
  auto it = std::upper_bound(timeline_.begin(), timeline_.end(), now(),
                             [](Time t, const model::Action& a) { return t < a.at; });
  return static_cast<size_t>(it - timeline_.begin());
}

scenario::Scenario Session::edited_scenario() const {
  scenario::Scenario s = sc_;
  s.seed = seed_;
  s.timeline = timeline_;
  return s;
}

void Session::rebuild(Time to) {
  double t0 = wall_ms();
  // The observers go before the cluster they watch.
  watch_.reset();
  run::RunLimits limits;
  limits.max_events = kMaxEvents;
  cluster_ = run::build_cluster(sc_, seed_, timeline_, sc_.duration, limits);
  // The `stale` count of each routing decision, as `scsim run` records it in routing.csv (it
  // only counts: the run and its fingerprint are the same with or without it).
  if (!sc_.cluster.workload.empty()) cluster_->set_detailed_decisions(true);
  watch_ = std::make_unique<Watch>(*cluster_, sc_.duration);
  cluster_->add_observer(watch_.get());
  finished_ = false;
  if (to > Time::zero()) cluster_->run_until(std::min(to, sc_.duration));
  ++rebuilds_;
  last_rebuild_ms_ = wall_ms() - t0;
  after_advance();
}

void Session::after_advance() {
  next_event_ = cluster_->scheduler().next_time();
  const auto& c = *cluster_;
  const int n_nodes = c.node_count();
  summary_.assign(static_cast<size_t>(n_nodes), {});
  auto differs = [](const model::DnView& a, const model::DnView& b) {
    return a.owner != b.owner || a.in_service != b.in_service || a.agent != b.agent;
  };
  for (int d = 0; d < c.dn_count(); ++d) {
    model::DnView t = c.truth(d);
    if (t.owner >= 0) ++summary_[static_cast<size_t>(t.owner)].owned;
    for (int n = 0; n < n_nodes; ++n) {
      auto& s = summary_[static_cast<size_t>(n)];
      const auto& ss = c.stat(n, d);
      if (ss.owner >= 0 && ss.in_service) ++s.ss_in_service;
      if (ss.eligible()) ++s.ss_eligible;
      if (!c.node_alive(n)) continue;
      if (differs(c.view(n, d), t)) ++s.stale_view;
      if (differs(ss, t)) ++s.stale_ss;
    }
  }
}

void Session::run_until(Time t) {
  t = std::clamp(t, Time::zero(), sc_.duration);
  if (t < now()) {
    rebuild(t);
    return;
  }
  cluster_->run_until(t);
  after_advance();
}

bool Session::step() {
  bool ran = cluster_->step();
  if (!ran) finished_ = !cluster_->scheduler().next_time().has_value() || now() >= end();
  after_advance();
  return ran;
}

void Session::step_to_next_action() {
  size_t i = next_action();
  run_until(i < timeline_.size() ? timeline_[i].at : sc_.duration);
}

void Session::run_for(double budget_ms, Time limit) {
  limit = std::min(limit, sc_.duration);
  const double t0 = wall_ms();
  auto& sched = cluster_->scheduler();
  while (true) {
    auto next = sched.next_time();
    if (!next || *next > limit) {
      cluster_->run_until(limit);
      break;
    }
    bool more = true;
    for (int k = 0; k < 512 && more; ++k) {
      auto nt = sched.next_time();
      if (!nt || *nt > limit) break;  // the check above finishes the run to `limit`
      more = cluster_->step();
    }
    if (!more || wall_ms() - t0 > budget_ms) break;  // a limit stopped it, or time is up
  }
  after_advance();
}

void Session::add_action(model::Action a) {
  a.at = std::clamp(a.at, Time::zero(), sc_.duration);
  auto it = std::upper_bound(user_actions_.begin(), user_actions_.end(), a.at,
                             [](Time t, const model::Action& x) { return t < x.at; });
  user_actions_.insert(it, std::move(a));
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(now());
}

void Session::remove_action(size_t index) {
  if (index >= user_actions_.size()) return;
  user_actions_.erase(user_actions_.begin() + static_cast<std::ptrdiff_t>(index));
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(now());
}

void Session::set_user_actions(std::vector<model::Action> actions) {
  std::stable_sort(actions.begin(), actions.end(),
                   [](const model::Action& a, const model::Action& b) { return a.at < b.at; });
  user_actions_ = std::move(actions);
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(now());
}

std::string Session::save(const std::string& path) const {
  std::string comment = "Saved by scsim-viz from " + sc_.file + " (seed " + std::to_string(seed_) +
                        ") with " + std::to_string(user_actions_.size()) +
                        " action(s) made by hand.\n`scsim run` replays it to the same fingerprint.";
  return scenario::save_scenario(path, edited_scenario(), comment);
}

std::string Session::write_results(const std::filesystem::path& dir,
                                   std::string* fingerprint) const {
  try {
    const scenario::Scenario sc = edited_scenario();
    stats::ResultsDir results(dir);
    run::RunLimits limits;
    limits.max_events = kMaxEvents;
    run::Simulation sim(sc, seed_, sc.duration, limits);
    sim.record_to(results.temp());
    sim.run();
    if (!sim.finish()) return std::string("run stopped early: ") + to_string(sim.stop_reason());
    run::RunInfo info;
    info.version = info.git_commit = "viz";
    sim.write_run_csv(results.temp(), info);
    results.commit();
    if (fingerprint) *fingerprint = stats::hex64(sim.cluster().scheduler().fingerprint());
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

scenario::Scenario replicate_agents(const scenario::Scenario& sc, int times) {
  scenario::Scenario out = sc;
  if (times <= 1) return out;
  const size_t base = sc.cluster.agents.size();
  for (int k = 1; k < times; ++k) {
    for (size_t i = 0; i < base; ++i) {
      auto a = sc.cluster.agents[i];
      a.name += "_" + std::to_string(k);
      a.dn += "_" + std::to_string(k);
      out.cluster.agents.push_back(std::move(a));
    }
    for (const auto& act : sc.timeline) {
      if (act.agent < 0) continue;
      auto copy = act;
      copy.agent = act.agent + static_cast<int>(base) * k;
      out.timeline.push_back(std::move(copy));
    }
  }
  std::stable_sort(out.timeline.begin(), out.timeline.end(),
                   [](const model::Action& a, const model::Action& b) { return a.at < b.at; });
  out.name += "-x" + std::to_string(times);
  return out;
}

}  // namespace scsim::viz
