// The observer interface: what the model tells whom (not a DOMAIN rule; the recorders and the
// call statistics rely on it).
#include <map>

#include "reference_fixture.hpp"

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
