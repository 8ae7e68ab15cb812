#include "run/simulation.hpp"

#include <algorithm>
#include <cstdio>

#include "model/params.hpp"
#include "stats/csv.hpp"

namespace scsim::run {

std::vector<model::Action> merge_timeline(const std::vector<model::Action>& timeline,
                                          const std::vector<model::Action>& added) {
  std::vector<model::Action> out = timeline;
  out.insert(out.end(), added.begin(), added.end());
  // Stable: equal times keep the scenario's actions first, then the added ones as made.
  std::stable_sort(out.begin(), out.end(),
                   [](const model::Action& a, const model::Action& b) { return a.at < b.at; });
  return out;
}

std::unique_ptr<model::Cluster> build_cluster(const scenario::Scenario& sc, uint64_t seed,
                                              const std::vector<model::Action>& timeline, Time end,
                                              const RunLimits& limits) {
  auto cluster = std::make_unique<model::Cluster>(sc.cluster, seed);
  for (const auto& a : timeline)
    cluster->schedule(a);
  cluster->scheduler().set_time_limit(end);
  cluster->scheduler().set_event_limit(limits.max_events);
  cluster->scheduler().set_pending_limit(limits.max_pending);
  cluster->set_call_limit(limits.max_calls);
  return cluster;
}

namespace {
double mean_of(const Distribution& d) {
  switch (d.kind) {
    case Distribution::Kind::uniform:
      return (d.lo + d.hi) / 2;
    case Distribution::Kind::empirical: {
      double sum = 0, weight = 0;
      for (const auto& [v, w] : d.table) {
        sum += v * w;
        weight += w;
      }
      return weight > 0 ? sum / weight : d.mean;
    }
    default:
      return d.mean;
  }
}
// Seconds of [from, to) that fall before `end`.
double overlap_s(Time from, Time to, Time end) {
  Time hi = std::min(to, end);
  return hi > from ? (hi - from).to_seconds() : 0.0;
}
}  // namespace

// Events per call and per agent-hour, measured on two-dc-day (1.07 M events for 28 600 calls
// and 400 agents over a day): about 37 per call with its view and Stat Server updates, and a
// few hundred per agent-hour of registration refreshes; rounded up.
constexpr double kEventsPerCall = 40;
constexpr double kEventsPerAgentHour = 20;
constexpr double kEventsPerAction = 50;

RunEstimate estimate_run(const scenario::Scenario& sc, Time end) {
  RunEstimate e;
  const auto& w = sc.cluster.workload;
  double busy_s_per_call = 0, patience_s = 0;
  for (const auto& st : w.streams) {
    double n = 0;
    if (st.profile_per_s.empty()) {
      n = st.rate_per_s * overlap_s(st.start, st.end, end);
    } else {
      // Piecewise-constant profile from `start`, the last value repeating.
      Time t = st.start;
      for (size_t i = 0; t < std::min(st.end, end); ++i) {
        double rate = st.profile_per_s[std::min(i, st.profile_per_s.size() - 1)];
        Time next = i + 1 < st.profile_per_s.size() ? t + st.profile_interval : Time::max();
        n += rate * overlap_s(t, std::min(next, st.end), end);
        if (next == Time::max()) break;
        t = next;
      }
    }
    e.arrivals += n;
    busy_s_per_call += n * (mean_of(st.handle) + mean_of(st.acw));
    patience_s += n * (st.infinite_patience ? end.to_seconds() : mean_of(st.patience));
  }
  for (const auto& c : w.trace) {
    if (c.arrival >= end) continue;
    e.arrivals += 1;
    busy_s_per_call += (c.handle + c.acw).to_seconds();
    patience_s += c.patience == Time::max() ? end.to_seconds() : c.patience.to_seconds();
  }
  const double run_s = std::max(end.to_seconds(), 1e-6);
  if (e.arrivals > 0) {
    busy_s_per_call /= e.arrivals;
    patience_s /= e.arrivals;
    e.offered_per_s = e.arrivals / run_s;
    const double agents = double(sc.cluster.agents.size());
    e.capacity_per_s = busy_s_per_call > 0 ? agents / busy_s_per_call : 1e300;
    // Served calls occupy at most every agent; the excess over capacity waits until patience.
    const double excess = std::max(0.0, e.offered_per_s - e.capacity_per_s);
    e.peak_calls =
        std::min(e.offered_per_s * busy_s_per_call, agents) + excess * std::min(patience_s, run_s);
  }
  e.events = e.arrivals * kEventsPerCall +
             double(sc.cluster.agents.size()) * run_s / 3600 * kEventsPerAgentHour +
             double(sc.timeline.size()) * kEventsPerAction;
  return e;
}

uint64_t RunEstimate::default_max_events() const {
  const double scaled = 4 * events;
  if (!(scaled < double(RunLimits::kMaxDefaultEvents))) return RunLimits::kMaxDefaultEvents;
  return std::max<uint64_t>(RunLimits::kMinEvents, uint64_t(scaled));
}

Simulation::Simulation(const scenario::Scenario& sc, uint64_t seed, std::optional<Time> end,
                       const RunLimits& limits, const std::vector<model::Action>* timeline)
    : sc_(sc), seed_(seed), end_(end.value_or(sc.duration)), limits_(limits) {
  timeline_ = timeline ? *timeline : sc_.timeline;
  cluster_ = build_cluster(sc_, seed_, timeline_, end_, limits_);
}

// The observers hold references to the cluster: they go first.
Simulation::~Simulation() {
  checker_.reset();
  call_stats_.reset();
  recorder_.reset();
  cluster_.reset();
}

void Simulation::record_to(const std::filesystem::path& dir, bool trace, bool calls_only,
                           const stats::Recording& recording) {
  const stats::RunLabel label{seed_, sc_.name};
  recording_ = recording;
  if (trace) recording_.tables |= stats::Recording::bit(stats::Table::events);
  if (!calls_only) {
    recorder_ = std::make_unique<stats::Recorder>(*cluster_, dir, label,
                                                  stats::RecorderOptions{trace, true, recording_});
    cluster_->add_observer(recorder_.get());
  }
  call_stats_ = std::make_unique<stats::CallStats>(*cluster_, dir, label, recording_);
  call_stats_->add_action_faults(timeline_, sc_.cluster);
  // routing.csv's `stale` column needs the detailed decisions (only with a workload); they only
  // count: the events and the fingerprint are the same with or without them.
  call_stats_->want_decision_detail(!calls_only && recording_.has(stats::Table::routing) &&
                                    !sc_.cluster.workload.empty());
  cluster_->add_observer(call_stats_.get());
}

void Simulation::check_invariants() {
  checker_ = std::make_unique<stats::InvariantChecker>(*cluster_);
  cluster_->add_observer(checker_.get());
}

void Simulation::observe(model::Observer* o) {
  cluster_->add_observer(o);
}

StopReason Simulation::run_until(Time t) {
  reason_ = cluster_->run_until(std::min(t, end_));
  return reason_;
}

bool Simulation::step() {
  bool ran = cluster_->step();
  reason_ = cluster_->scheduler().stop_reason();
  return ran;
}

bool Simulation::completed() const {
  const bool ended = reason_ == StopReason::until_reached || reason_ == StopReason::empty;
  return ended && !(checker_ && checker_->violated());
}

bool Simulation::finish() {
  if (finished_) return completed();
  finished_ = true;
  if (checker_ && !checker_->violated()) checker_->finish(cluster_->now());
  if (!completed()) return false;
  const Time t = cluster_->now();
  if (recorder_) recorder_->finish(t);
  cluster_->finish_calls();  // calls still in progress: calls.csv rows, outcome in_progress
  if (call_stats_) call_stats_->finish(t);
  return true;
}

void Simulation::write_run_csv(const std::filesystem::path& dir, const RunInfo& info) const {
  const scenario::Scenario& sc = sc_;
  const model::Cluster& cluster = *cluster_;
  const uint64_t seed = seed_;
  const StopReason reason = reason_;
  const Time end = cluster.now();
  using stats::CsvWriter;
  using stats::hex64;
  CsvWriter w(dir / "run.csv", {std::to_string(seed), sc.name});
  w.header({"section", "name", "value"});
  auto row = [&w](const char* section, const std::string& name, const std::string& value) {
    w.field(section).field(name).field(value);
    w.end_row();
  };
  row("run", "scenario", sc.name);
  row("run", "description", sc.description);
  row("run", "file", sc.file);
  row("run", "file_hash", hex64(sc.file_hash));
  row("run", "seed", std::to_string(seed));
  row("run", "scenario_seed", std::to_string(sc.seed));
  row("run", "duration", format_time(sc.duration));
  row("run", "until", info.until ? format_time(*info.until) : "");
  row("run", "max_events", std::to_string(limits_.max_events));
  row("run", "max_calls", std::to_string(limits_.max_calls));
  row("run", "max_pending", std::to_string(limits_.max_pending));
  row("run", "trace", info.trace ? "true" : "false");
  row("run", "record", recording_.names());
  row("run", "compress", recording_.compress ? "true" : "false");
  row("run", "check_invariants", info.check_invariants ? "true" : "false");
  row("run", "scsim_version", info.version);
  row("run", "git_commit", info.git_commit);
  row("run", "nodes", std::to_string(cluster.node_count()));
  row("run", "dns", std::to_string(cluster.dn_count()));
  row("run", "timeline_actions", std::to_string(sc.timeline.size()));
  row("run", "events", std::to_string(cluster.scheduler().executed()));
  row("run", "fingerprint", hex64(cluster.scheduler().fingerprint()));
  row("run", "stop_reason", to_string(reason));
  row("run", "warnings", std::to_string(info.warnings));
  row("run", "end_time", format_time(end));
  for (const auto& info_p : model::param_table())
    row("param", info_p.name, model::get_param(sc.cluster.params, info_p.name));
  for (const auto& [name, value] : sc.parameter_overrides)
    row("override", name, value);
  // DOMAIN §7's model choices the result rests on, marked where they differ from the default.
  for (const auto& c : model::model_choices()) {
    row("model_choice", std::string(c.question) + " " + c.topic,
        model::describe_choice(sc.cluster.params, c));
  }
  w.close();
}

}  // namespace scsim::run
