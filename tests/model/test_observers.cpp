// The observer interface: what the model tells whom (not a DOMAIN rule; the recorders and the
// call statistics rely on it).
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "reference_fixture.hpp"
#include "stats/call_stats.hpp"

using namespace scsim;
using namespace scsim::test;

namespace {
struct LevelCount : Observer {
  explicit LevelCount(bool views) : views_(views) {}
  bool wants_node_views() const override { return views_; }
  void on_dn_view(const DnViewChange& c) override { ++by_level[c.level]; }
  std::map<ViewLevel, int> by_level;
  bool views_;
};
}  // namespace

TEST_CASE(
    "An observer that does not want node views hears every truth change and no view or Stat "
    "Server change; one that does hears them all") {
  Cluster c(reference_spec(false), 1);
  LevelCount all(true), truth_only(false);
  c.add_observer(&all);
  c.add_observer(&truth_only);
  standard_start(c);
  c.run_until(seconds(60));
  REQUIRE(all.by_level[ViewLevel::truth] > 0);
  CHECK(all.by_level[ViewLevel::view] > 0);
  CHECK(all.by_level[ViewLevel::stat] > 0);
  CHECK(truth_only.by_level[ViewLevel::truth] == all.by_level[ViewLevel::truth]);
  CHECK(truth_only.by_level.count(ViewLevel::view) == 0);
  CHECK(truth_only.by_level.count(ViewLevel::stat) == 0);
}

TEST_CASE(
    "§6.4 periods: CallStats attached to a cluster re-reads node liveness at a crash and a "
    "restart (a partition ends when a side dies)") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("scsim-test-observers-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    Cluster c(reference_spec(false), 1);
    stats::CallStats cs(c, dir, stats::RunLabel{1, "observers"});
    c.add_observer(&cs);
    standard_start(c);
    c.schedule(cut_between(100, {N1}, {N2}));
    Action crash = act(200, ActionKind::crash);
    crash.node = N2;
    c.schedule(crash);
    c.run_until(seconds(300));
    c.finish_calls();
    cs.finish(c.now());
    CHECK(cs.period_at(seconds(150)) == stats::Period::partitioned);
    // N2 is dead from 200: no link between live nodes is down any more.
    CHECK(cs.period_at(seconds(200)) == stats::Period::connected);
    CHECK(cs.period_at(seconds(250)) == stats::Period::connected);
  }
  fs::remove_all(dir);
}
