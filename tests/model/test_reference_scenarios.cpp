// DOMAIN §5's reference scenarios, ownership and view parts, asserted to the microsecond.
#include "reference_fixture.hpp"

using namespace scsim;
using namespace scsim::test;

TEST_CASE("SC1 (R1, R3, R11, R20, R25): a SIP registration reaches N1, SS1, N2, SS2 in order") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  c.schedule(act(1, ActionKind::phone_on, A1));
  c.run_until(at_s(0.5));
  // R1: before any registration every DN has no owner and is OOS everywhere.
  for (int d = 0; d < 3; ++d) {
    CHECK(c.truth(d).owner == -1);
    CHECK_FALSE(c.truth(d).in_service);
    for (int n : {N1, N2}) {
      CHECK_FALSE(c.view(n, d).in_service);
      CHECK_FALSE(c.stat(n, d).in_service);
    }
  }
  c.run_until(at_s(100));
  CHECK(r.when(ViewLevel::truth, -1, A1, owned_by(N1)) == at_s(1.010));
  CHECK(r.when(ViewLevel::view, N1, A1, in_srv) == at_s(1.010));
  CHECK(r.when(ViewLevel::stat, N1, A1, in_srv) == at_s(1.030));
  CHECK(r.when(ViewLevel::view, N2, A1, in_srv) == at_s(1.050));
  CHECK(r.when(ViewLevel::view, N2, A1, owned_by(N1)) == at_s(1.050));
  CHECK(r.when(ViewLevel::stat, N2, A1, in_srv) == at_s(1.070));
  // R14: the REGISTER at 61 changes nothing that anyone sees.
  CHECK(r.changes(ViewLevel::view, N1, A1, at_s(2), at_s(100)).empty());
  CHECK(r.changes(ViewLevel::view, N2, A1, at_s(2), at_s(100)).empty());
}

TEST_CASE("SC1 (R13, R14): the refresh at 61 moves the expiry to 181.010") {
  Cluster c(reference_spec(false), 1);
  Recorder r;
  c.add_observer(&r);
  c.schedule(act(1, ActionKind::phone_on, A1));
  c.schedule(act(100, ActionKind::phone_off, A1));  // no REGISTER after 61
  c.run_until(at_s(300));
  CHECK(r.when(ViewLevel::view, N1, A1, oos, at_s(2)) == at_s(181.010));
}
