// One comparison of two timeline actions, field by field, for the scenario round-trip tests
// (writer and swarm): every field of model::Action must survive a write and a load.
#pragma once

#include "catch.hpp"
#include "core/time.hpp"
#include "model/spec.hpp"

namespace scsim::test {

inline void check_same_action(const model::Action& a, const model::Action& b) {
  INFO("action " << model::to_string(a.kind) << " at " << format_time(a.at));
  CHECK(a.at == b.at);
  CHECK(a.kind == b.kind);
  CHECK(a.agent == b.agent);
  CHECK(a.dc == b.dc);
  CHECK(a.node == b.node);
  CHECK(a.gws == b.gws);
  CHECK(a.ready == b.ready);
  CHECK(a.one_way == b.one_way);
  CHECK(a.crash == b.crash);
  CHECK(a.client == b.client);
  CHECK(a.group == b.group);
  CHECK(a.nodes_a == b.nodes_a);
  CHECK(a.nodes_b == b.nodes_b);
  CHECK(a.handle == b.handle);
  CHECK(a.patience == b.patience);
  CHECK(a.acw == b.acw);
  CHECK(a.gws_a == b.gws_a);
  CHECK(a.gws_b == b.gws_b);
}

}  // namespace scsim::test
