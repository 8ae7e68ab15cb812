#include "run/swarm.hpp"

#include <exception>

#include "model/cluster.hpp"
#include "run/simulation.hpp"
#include "stats/invariants.hpp"
#include "stats/liveness.hpp"

namespace scsim::run {
namespace {

struct OutcomeCollector : model::Observer {
  std::map<uint64_t, std::string>* out = nullptr;
  void on_call(const model::CallRecord& r) override { (*out)[r.id] = model::to_string(r.outcome); }
  bool wants_node_views() const override { return false; }
};

std::string invariant_class(const std::string& m) {
  for (const char* r : {"R10 ", "R26 ", "R29 "}) {
    if (m.rfind(r, 0) == 0) return std::string(r, 3);
  }
  if (m.rfind("routing", 0) == 0) return "routing";
  if (m.rfind("call", 0) == 0) return "calls";
  if (m.rfind("time", 0) == 0) return "time";
  return "invariant";
}

// The first disagreement's field: owner, service or agent.
std::string liveness_class(const model::Cluster& c) {
  for (int d = 0; d < c.dn_count(); ++d) {
    model::DnView t = c.truth(d);
    for (int n = 0; n < c.node_count(); ++n) {
      if (!c.node_alive(n)) continue;
      for (const model::DnView* v : {&c.view(n, d), &c.stat(n, d)}) {
        if (v->owner != t.owner) return "liveness:owner";
        if (v->in_service != t.in_service) return "liveness:service";
        if (t.owner >= 0 && v->agent != t.agent) return "liveness:agent";
      }
    }
  }
  return "liveness";
}

}  // namespace

CheckResult check_scenario(const scenario::Scenario& sc, const CheckOptions& opt) {
  CheckResult out;
  std::unique_ptr<model::Cluster> cluster;
  try {
    RunLimits limits;
    limits.max_events = opt.max_events;
    cluster = build_cluster(sc, sc.seed, sc.timeline, sc.duration, limits);
  } catch (const std::exception& e) {
    out.failure = out.failure_class = "error";
    out.message = e.what();
    return out;
  }
  model::Cluster& c = *cluster;
  stats::InvariantChecker checker(c);
  if (opt.invariants) c.add_observer(&checker);
  OutcomeCollector collector;
  collector.out = &out.outcomes;
  if (opt.outcomes) c.add_observer(&collector);
  StopReason reason = c.run_until(sc.duration);
  out.events = c.scheduler().executed();
  out.fingerprint = c.scheduler().fingerprint();
  out.end = c.now();
  if (opt.invariants && !checker.violated()) checker.finish(c.now());
  if (checker.violated()) {
    out.failure = "invariant";
    out.failure_class = invariant_class(checker.message());
    out.message = checker.message();
    return out;
  }
  if (reason != StopReason::until_reached && reason != StopReason::empty) {
    out.failure = out.failure_class = "event_limit";
    out.message = "stopped by the event limit (" + std::to_string(opt.max_events) + ") at " +
                  format_time(c.now()) + " s, before the end at " + format_time(sc.duration) + " s";
    return out;
  }
  c.finish_calls();
  if (opt.invariants) checker.check_calls_reported(c.calls_arrived());
  if (checker.violated()) {
    out.failure = "invariant";
    out.failure_class = invariant_class(checker.message());
    out.message = checker.message();
    return out;
  }
  if (opt.liveness) {
    auto diffs = stats::check_converged(c, 5);
    if (!diffs.empty()) {
      out.failure = "liveness";
      out.failure_class = liveness_class(c);
      out.message = "liveness violated at " + format_time(c.now()) +
                    " (views have not converged after the heal phase): ";
      for (size_t i = 0; i < diffs.size(); ++i)
        out.message += (i ? "; " : "") + diffs[i];
    }
  }
  return out;
}

}  // namespace scsim::run
