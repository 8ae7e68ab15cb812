// TcMesh (sim/model/tc_mesh.hpp) without a Cluster: one-way delays (R25), cut directions
// (R28-R30), link ends and their only writer (R31, R33).
#include "catch.hpp"
#include "model/tc_mesh.hpp"

using namespace scsim;
using namespace scsim::model;

namespace {
// T4-like: N1, N3 in DC1; N2, N4 in DC2.
TcMesh t4(std::vector<LinkDelaySpec> overrides = {}) {
  return TcMesh({0, 1, 0, 1}, millis(2), millis(40), overrides);
}
}  // namespace

TEST_CASE("TcMesh R25: tc_delay is zero to itself, same-DC or cross-DC, symmetric") {
  const TcMesh m = t4();
  CHECK(m.nodes() == 4);
  CHECK(m.tc_delay(0, 0) == Time::zero());
  CHECK(m.tc_delay(0, 2) == millis(2));
  CHECK(m.tc_delay(0, 1) == millis(40));
  CHECK(m.tc_delay(3, 1) == millis(2));
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b)
      CHECK(m.tc_delay(a, b) == m.tc_delay(b, a));
  }
}

TEST_CASE("TcMesh R25: a per-pair override sets both directions of that pair only") {
  const TcMesh m = t4({LinkDelaySpec{1, 2, millis(35)}});
  CHECK(m.tc_delay(1, 2) == millis(35));
  CHECK(m.tc_delay(2, 1) == millis(35));
  CHECK(m.tc_delay(0, 1) == millis(40));
}

TEST_CASE("TcMesh R28 R30: cut directions are per direction; a pair is one record") {
  TcMesh m = t4();
  m.set_dir_cut(2, 0, true);  // N3 -> N1 only (a one-way cut)
  CHECK(m.dir_cut(2, 0));
  CHECK_FALSE(m.dir_cut(0, 2));
  CHECK(&m.pair(0, 2) == &m.pair(2, 0));
  CHECK(m.pair(0, 2).cut_ba);
  m.set_dir_cut(2, 0, false);
  CHECK_FALSE(m.dir_cut(2, 0));
}

TEST_CASE("TcMesh R28 R31: set_end returns the state before; usable until either end declares") {
  TcMesh m = t4();
  CHECK(m.usable(0, 1));
  CHECK(m.set_end(0, 1, LinkEndState::cut_undeclared) == LinkEndState::up);
  CHECK(m.usable(0, 1));
  CHECK(m.set_end(0, 1, LinkEndState::declared_lost) == LinkEndState::cut_undeclared);
  CHECK_FALSE(m.usable(0, 1));
  CHECK_FALSE(m.usable(1, 0));  // either end's declaration stops both directions
  CHECK(m.end(1, 0).state == LinkEndState::up);
  CHECK(m.set_end(0, 1, LinkEndState::declared_lost) == LinkEndState::declared_lost);  // no change
}

TEST_CASE("TcMesh R26: channels are per direction and keep their queue") {
  TcMesh m = t4();
  m.chan(0, 1).q.push_back(Msg{});
  m.chan(0, 1).sent = 1;
  CHECK(m.chan(0, 1).q.size() == 1);
  CHECK(m.chan(1, 0).q.empty());
  CHECK(m.chan(1, 0).sent == 0);
}
