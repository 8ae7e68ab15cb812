#include "stats/run.hpp"

#include <algorithm>
#include <cstdio>

#include "model/params.hpp"
#include "stats/csv.hpp"

namespace scsim::stats {

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
                                              uint64_t max_events) {
  auto cluster = std::make_unique<model::Cluster>(sc.cluster, seed);
  for (const auto& a : timeline)
    cluster->schedule(a);
  cluster->scheduler().set_time_limit(end);
  cluster->scheduler().set_event_limit(max_events);
  return cluster;
}

RunRecorders::RunRecorders(model::Cluster& cluster, const scenario::Scenario& sc,
                           const std::filesystem::path& dir, RunLabel label, bool trace)
    : cluster_(cluster),
      recorder_(cluster, dir, label, RecorderOptions{trace, true}),
      call_stats_(cluster, dir, label) {
  cluster.add_observer(&recorder_);
  cluster.add_observer(&call_stats_);
  // routing.csv's `stale` column needs the detailed decisions (only with a workload).
  if (!sc.cluster.workload.empty()) cluster.set_detailed_decisions(true);
}

void RunRecorders::finish(Time end) {
  recorder_.finish(end);
  cluster_.finish_calls();  // calls still in progress: calls.csv rows, outcome in_progress
  call_stats_.finish(end);
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void write_run_csv(const std::filesystem::path& dir, const scenario::Scenario& sc, uint64_t seed,
                   const model::Cluster& cluster, StopReason reason, Time end,
                   const RunInfo& info) {
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
  row("run", "max_events", std::to_string(info.max_events));
  row("run", "trace", info.trace ? "true" : "false");
  row("run", "check_invariants", info.check_invariants ? "true" : "false");
  row("run", "scsim_version", info.version);
  row("run", "git_commit", info.git_commit);
  row("run", "nodes", std::to_string(cluster.node_count()));
  row("run", "dns", std::to_string(cluster.dn_count()));
  row("run", "timeline_actions", std::to_string(sc.timeline.size()));
  row("run", "events", std::to_string(cluster.scheduler().executed()));
  row("run", "fingerprint", hex64(cluster.scheduler().fingerprint()));
  row("run", "stop_reason", to_string(reason));
  row("run", "end_time", format_time(end));
  for (const auto& info_p : model::param_table())
    row("param", info_p.name, model::get_param(sc.cluster.params, info_p.name));
  for (const auto& [name, value] : sc.parameter_overrides)
    row("override", name, value);
  w.close();
}

}  // namespace scsim::stats
