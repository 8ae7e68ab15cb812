// The observation stream's control points (issue 11 §4): the end of each instant, the one
// request to stop a run, and the decision detail asked once by add_observer.
#include <vector>

#include "catch.hpp"
#include "model/cluster.hpp"
#include "model/reference_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {

// Every executed event's time and every instant end, in the order the model reports them.
struct InstantLog : Observer {
  std::vector<Time> events, ends;
  std::vector<size_t> events_before_end;  // events seen when each instant ended
  bool wants_instant_ends() const override { return true; }
  void on_event(const FiredEvent& f) override { events.push_back(f.time); }
  void on_instant_end(Time t) override {
    ends.push_back(t);
    events_before_end.push_back(events.size());
  }
};

// Asks the run to stop after its n-th event.
struct StopAfter : Observer {
  uint64_t n, seen = 0;
  explicit StopAfter(uint64_t count) : n(count) {}
  void on_event(const FiredEvent&) override {
    if (++seen == n) request_stop(StopReason::invariant);
  }
};

}  // namespace

TEST_CASE("DOMAIN same instant: on_instant_end comes once per instant, after its last event") {
  Cluster c(reference_spec(false), 1);
  InstantLog log;
  c.add_observer(&log);
  standard_start(c);
  c.run_until(at_s(20));
  REQUIRE(log.events.size() > 10);
  // One end per distinct event time, in order, each after the last event of its instant.
  std::vector<Time> times;
  for (Time t : log.events)
    if (times.empty() || times.back() != t) times.push_back(t);
  CHECK(log.ends == times);
  for (size_t i = 0; i < log.ends.size(); ++i) {
    const size_t k = log.events_before_end[i];
    CHECK(log.events[k - 1] == log.ends[i]);
    if (k < log.events.size()) CHECK(log.events[k] > log.ends[i]);
  }
}

TEST_CASE("An observer stops a run through stop_requested, with its reason, after its event") {
  Cluster c(reference_spec(false), 1);
  StopAfter stop(5);
  c.add_observer(&stop);
  standard_start(c);
  CHECK(c.run_until(at_s(20)) == StopReason::invariant);
  CHECK(c.scheduler().executed() == 5);
  CHECK(stop.stop_requested() == StopReason::invariant);
  CHECK_FALSE(c.step());  // stays stopped
  CHECK(c.scheduler().executed() == 5);
}
