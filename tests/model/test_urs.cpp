// Urs (sim/model/urs.hpp) without a Cluster: URS_N on a hand-built SS_N, for every
// routing_mode x target_selection (R53-R55), with the eligibility (R51), Reserved marks (R52),
// skips (R59, R60), R63's staffed counts and the node's own Stat Server only (R50).
#include <algorithm>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "model/urs.hpp"

using namespace scsim;
using namespace scsim::model;

namespace {

// N1, N2 in DC1; N3, N4 in DC2.
constexpr int N1 = 0, N2 = 1, N3 = 2, N4 = 3;
constexpr int kSales = 0, kSupport = 1;
constexpr int A0 = 0, A1 = 1, A2 = 2, A3 = 3, A4 = 4, A5 = 5, A6 = 6, A7 = 7, A8 = 8;
constexpr AgentState kReady = AgentState::ready;

struct Site {
  Urs urs;
  std::vector<std::vector<StatCell>> ss;  // per node its SS_N, one cell per DN

  Site(RoutingMode mode, TargetSelection sel) {
    Urs::Config c;
    c.node_dc = {0, 0, 1, 1};
    c.groups = 2;
    // A0 is in both groups, A7 in support only, the others in sales.
    c.dn_groups = {{kSales, kSupport}, {kSales}, {kSales},   {kSales}, {kSales},
                   {kSales},           {kSales}, {kSupport}, {kSales}};
    c.mode = mode;
    c.selection = sel;
    urs = Urs(c);
    ss.assign(4, std::vector<StatCell>(9));
  }
  // SS_n now shows DN d as (owner, InSrv, agent state, Ready since); returns index()'s groups.
  std::vector<int> show(int n, int d, int owner, bool insrv, AgentState a, double ready_s) {
    StatCell& cell = ss[size_t(n)][size_t(d)];
    cell.view = DnView{owner, insrv, a, seconds(ready_s), Time::zero()};
    auto flipped = urs.index(n, d, cell);
    return {flipped.begin(), flipped.end()};
  }
  std::vector<int> reserve(int n, int d, bool on) {
    StatCell& cell = ss[size_t(n)][size_t(d)];
    cell.reserved = on;
    auto flipped = urs.index(n, d, cell);
    return {flipped.begin(), flipped.end()};
  }
  // The SS_1 of every test below (group sales: A0-A6 and A8).
  void standard_ss1() {
    show(N1, A0, N1, true, kReady, 30);
    show(N1, A1, N2, true, kReady, 10);
    show(N1, A2, N3, true, kReady, 5);
    show(N1, A3, N1, true, kReady, 20);
    show(N1, A4, N4, true, kReady, 5);                 // ties with A2: the lower DN wins
    show(N1, A5, N3, true, AgentState::not_ready, 0);  // staffed, not eligible
    show(N1, A6, N2, false, kReady, 0);                // OOS in SS_1
    show(N1, A7, N1, true, kReady, 1);                 // support only, Ready longest
    // A8: SS_1 has never heard of it (no owner, OOS).
  }
  int select(int n, int g, std::vector<int> skip = {}) {
    Rng r(1, "routing", uint64_t(n));
    return urs.select(n, g, skip, r);
  }
};

struct Expect {
  RoutingMode mode;
  int longest_ready;       // R55 longest_ready from SS_1, group sales, no skip
  int prefer_local;        // R55 prefer_local
  std::set<int> admitted;  // the eligible DNs routing_mode admits (R53, R54): random's pool
  int staffed;             // R63: staffed DNs of sales admitted
};

const Expect kExpect[] = {
    {RoutingMode::auto_, A2, A3, {A0, A1, A2, A3, A4}, 6},  // R53: the whole cluster
    {RoutingMode::local_node, A3, A3, {A0, A3}, 2},         // R54: owned by N1 only
    {RoutingMode::local_dc, A1, A3, {A0, A1, A3}, 3},       // R54: owned in DC1
};

const char* mode_name(RoutingMode m) {
  return m == RoutingMode::auto_        ? "auto"
         : m == RoutingMode::local_node ? "local_node"
                                        : "local_dc";
}

}  // namespace

TEST_CASE("R53 R54 R55: longest_ready picks the admitted DN Ready longest, ties to the lowest") {
  for (const Expect& e : kExpect) {
    CAPTURE(mode_name(e.mode));
    Site s(e.mode, TargetSelection::longest_ready);
    s.standard_ss1();
    CHECK(s.select(N1, kSales) == e.longest_ready);
    // R59: a skipped DN is passed over for the next one.
    CHECK(s.select(N1, kSales, {e.longest_ready}) != e.longest_ready);
    CHECK(s.urs.admitted(N1, N1));
    CHECK(s.urs.admitted(N1, N3) == (e.mode == RoutingMode::auto_));
    CHECK(s.urs.admitted(N1, N2) == (e.mode != RoutingMode::local_node));
  }
  Site s(RoutingMode::auto_, TargetSelection::longest_ready);
  s.standard_ss1();
  CHECK(s.select(N1, kSales, {A2}) == A4);      // (5 s, A4) next
  CHECK(s.select(N1, kSales, {A2, A4}) == A1);  // then Ready since 10 s
  CHECK(s.select(N1, kSupport) == A7);          // R51: in the call's group
}

TEST_CASE("R53 R54 R55: prefer_local picks N's own DNs first, then as longest_ready") {
  for (const Expect& e : kExpect) {
    CAPTURE(mode_name(e.mode));
    Site s(e.mode, TargetSelection::prefer_local);
    s.standard_ss1();
    CHECK(s.select(N1, kSales) == e.prefer_local);
    CHECK(s.select(N1, kSales, {A3}) == A0);  // the other local DN, though Ready for less time
  }
  // No local DN left: longest_ready over the other admitted owners, or nothing.
  Site a(RoutingMode::auto_, TargetSelection::prefer_local);
  a.standard_ss1();
  CHECK(a.select(N1, kSales, {A0, A3}) == A2);
  Site dc(RoutingMode::local_dc, TargetSelection::prefer_local);
  dc.standard_ss1();
  CHECK(dc.select(N1, kSales, {A0, A3}) == A1);
  Site node(RoutingMode::local_node, TargetSelection::prefer_local);
  node.standard_ss1();
  CHECK(node.select(N1, kSales, {A0, A3}) == -1);
}

TEST_CASE("R53 R54 R55: random draws from the node's routing stream among the admitted DNs") {
  for (const Expect& e : kExpect) {
    CAPTURE(mode_name(e.mode));
    Site s(e.mode, TargetSelection::random);
    s.standard_ss1();
    // The pool in DN order, drawn with a copy of the same stream.
    const std::vector<int> pool(e.admitted.begin(), e.admitted.end());
    Rng r(7, "routing", 0), twin(7, "routing", 0);
    std::set<int> seen;
    for (int i = 0; i < 200; ++i) {
      const int d = s.urs.select(N1, kSales, {}, r);
      CHECK(d == pool[twin.below(pool.size())]);
      seen.insert(d);
    }
    CHECK(seen == e.admitted);
    // R59: skipped DNs are not drawn; nothing left, no target.
    std::set<int> left;
    const std::vector<int> skip_a0{A0};
    for (int i = 0; i < 100; ++i)
      left.insert(s.urs.select(N1, kSales, skip_a0, r));
    CHECK(left.count(A0) == 0);
    CHECK(s.urs.select(N1, kSales, pool, r) == -1);
  }
  // longest_ready and prefer_local draw nothing from the stream.
  Site s(RoutingMode::auto_, TargetSelection::longest_ready);
  s.standard_ss1();
  Rng r(7, "routing", 0), twin(7, "routing", 0);
  s.urs.select(N1, kSales, {}, r);
  CHECK(r.next_u64() == twin.next_u64());
}

TEST_CASE("R51 R54 R63: counts: eligible as admitted; OOS, busy and staffed in SS_N") {
  for (const Expect& e : kExpect) {
    CAPTURE(mode_name(e.mode));
    Site s(e.mode, TargetSelection::longest_ready);
    s.standard_ss1();
    const Urs::Counts k = s.urs.counts(N1, kSales);
    CHECK(k.eligible == int(e.admitted.size()));
    CHECK(k.excluded_oos == 2);   // A6 OOS, A8 unknown: whatever the mode
    CHECK(k.excluded_busy == 1);  // A5 NotReady
    CHECK(s.urs.staffed(N1, kSales) == e.staffed);
    CHECK(s.urs.any_eligible(N1, kSales));
    const std::vector<int> el = s.urs.eligible(N1, kSales);
    CHECK(std::set<int>(el.begin(), el.end()) == e.admitted);
    CHECK(s.urs.group_size(kSales) == 8);
  }
}

TEST_CASE("R51: only InSrv, logged-in, Ready DNs with an owner are eligible") {
  Site s(RoutingMode::auto_, TargetSelection::longest_ready);
  s.show(N1, A1, N2, true, AgentState::talking, 0);
  s.show(N1, A2, N2, true, AgentState::acw, 0);
  s.show(N1, A3, N2, true, AgentState::logged_out, 0);
  s.show(N1, A4, N2, false, kReady, 0);
  s.show(N1, A5, -1, true, kReady, 0);
  CHECK(s.select(N1, kSales) == -1);
  CHECK_FALSE(s.urs.any_eligible(N1, kSales));
  CHECK(s.urs.staffed(N1, kSales) == 2);  // talking and ACW are logged in; LoggedOut is not
  s.show(N1, A2, N2, true, kReady, 50);   // ACW over: Ready
  CHECK(s.select(N1, kSales) == A2);
  s.show(N1, A2, N2, false, kReady, 50);  // OOS in SS_1
  CHECK(s.select(N1, kSales) == -1);
  CHECK(s.urs.counts(N1, kSales).excluded_oos == 6);
}

TEST_CASE("R52: a Reserved DN leaves the eligible set until the mark is cleared") {
  Site s(RoutingMode::auto_, TargetSelection::longest_ready);
  s.standard_ss1();
  CHECK(s.reserve(N1, A2, true).empty());  // still staffed: no R63 change
  CHECK(s.select(N1, kSales) == A4);
  CHECK(s.urs.counts(N1, kSales).eligible == 4);
  CHECK(s.urs.counts(N1, kSales).excluded_busy == 2);
  CHECK(s.urs.staffed(N1, kSales) == 6);
  s.reserve(N1, A2, false);
  CHECK(s.select(N1, kSales) == A2);
  CHECK(s.urs.counts(N1, kSales).eligible == 5);
}

TEST_CASE("R55 R64: a DN that enters Ready again moves to the back of the order") {
  Site s(RoutingMode::auto_, TargetSelection::longest_ready);
  s.standard_ss1();
  s.show(N1, A2, N3, true, kReady, 40);  // the owner's Ready time restarted
  CHECK(s.select(N1, kSales) == A4);
  s.show(N1, A4, N3, true, kReady, 40);  // A4 too: A1, Ready since 10 s, is first now
  CHECK(s.select(N1, kSales) == A1);
  s.show(N1, A1, N1, true, kReady, 40);  // A1 moves to N1 in SS_1
  CHECK(s.select(N1, kSales) == A3);
  const std::vector<int> order = s.urs.eligible(N1, kSales);  // by owner, then Ready time
  CHECK(order == std::vector<int>{A3, A0, A1, A2, A4});
}

TEST_CASE("R63: index reports the groups whose admitted staffed count crosses zero") {
  Site s(RoutingMode::local_node, TargetSelection::longest_ready);
  // Owned by N2: staffed, but local_node at N1 does not admit it.
  CHECK(s.show(N1, A1, N2, true, kReady, 0).empty());
  CHECK(s.urs.staffed(N1, kSales) == 0);
  // A0 (sales and support) owned by N1: both groups go from none to one.
  CHECK(s.show(N1, A0, N1, true, AgentState::not_ready, 0) == std::vector<int>{kSales, kSupport});
  CHECK(s.show(N1, A3, N1, true, kReady, 0).empty());  // 1 -> 2: no change of R63's clock
  // A0 logs out: sales keeps A3, support has nobody left.
  CHECK(s.show(N1, A0, N1, true, AgentState::logged_out, 0) == std::vector<int>{kSupport});
  CHECK(s.show(N1, A3, N1, false, kReady, 0) == std::vector<int>{kSales});  // OOS
  CHECK(s.urs.staffed(N1, kSales) == 0);
  // The same DN owned by N2 under auto is admitted.
  Site a(RoutingMode::auto_, TargetSelection::longest_ready);
  CHECK(a.show(N1, A1, N2, true, kReady, 0) == std::vector<int>{kSales});
  // A change that leaves the cell's indexed state alone reports nothing.
  CHECK(a.show(N1, A1, N2, true, kReady, 0).empty());
}

TEST_CASE("R50: URS_N reads only SS_N: another node's Stat Server changes nothing at N") {
  Site s(RoutingMode::auto_, TargetSelection::longest_ready);
  s.standard_ss1();
  // SS_2 shows A4 Ready longest and A2 busy; SS_1 does not know it.
  s.show(N2, A4, N4, true, kReady, 1);
  s.show(N2, A2, N3, true, AgentState::talking, 0);
  CHECK(s.select(N2, kSales) == A4);
  CHECK(s.urs.counts(N2, kSales).eligible == 1);
  CHECK(s.urs.staffed(N2, kSales) == 2);
  CHECK(s.select(N1, kSales) == A2);
  CHECK(s.urs.counts(N1, kSales).eligible == 5);
  CHECK(s.urs.staffed(N1, kSales) == 6);
  CHECK(s.select(N3, kSales) == -1);  // SS_3 is empty
  CHECK(s.urs.counts(N3, kSales).excluded_oos == 8);
}

TEST_CASE("R55: a Urs assigned over one with indexed DNs (copy or move) selects as its source") {
  // Cluster::clone copies Urs; assignment over a Urs whose lists hold DNs replaces them whole
  // (ASan would catch a use after free here).
  Site a(RoutingMode::auto_, TargetSelection::longest_ready);
  a.standard_ss1();
  Site b(RoutingMode::local_node, TargetSelection::longest_ready);
  b.standard_ss1();
  b.urs = a.urs;  // copy assignment over a populated Urs
  CHECK(b.select(N1, kSales) == A2);
  CHECK(b.urs.counts(N1, kSales).eligible == 5);
  Site c(RoutingMode::local_dc, TargetSelection::longest_ready);
  c.standard_ss1();
  c.urs = std::move(b.urs);  // move assignment over a populated Urs
  CHECK(c.select(N1, kSales) == A2);
  CHECK(c.urs.staffed(N1, kSales) == 6);
  // The copy owns its lists: the source still selects after its copy is gone.
  c.urs = Urs();
  CHECK(a.select(N1, kSales) == A2);
}

TEST_CASE("R55: the eligible lists keep (Ready time, DN) order through any sequence of changes") {
  // The lists are sorted arrays with lazily removed entries (urs.hpp): inserts mostly at the
  // end, some earlier (older Ready times, equal ones, reinsertion of a DN just removed),
  // removals at the front, in the middle and of everything; each step, every node's eligible
  // DNs per group must be exactly those of its cells, by owner, then (Ready time, DN), and
  // R55's pick the first of them.
  constexpr int kNodes = 2, kDns = 60;
  Urs::Config c;
  c.node_dc = {0, 0};
  c.groups = 2;
  c.dn_groups.resize(kDns);
  for (int d = 0; d < kDns; ++d)
    c.dn_groups[size_t(d)] = d % 3 == 0 ? std::vector<int>{0, 1} : std::vector<int>{d % 2};
  c.mode = RoutingMode::auto_;
  c.selection = TargetSelection::longest_ready;
  Urs urs(c);
  std::vector<std::vector<StatCell>> ss(kNodes, std::vector<StatCell>(kDns));
  Rng r(5, "urs-lists", 0);
  int64_t clock = 1000;
  for (int step = 0; step < 20000; ++step) {
    const int n = int(r.below(kNodes));
    const int d = int(r.below(kDns));
    StatCell& cell = ss[size_t(n)][size_t(d)];
    const uint64_t what = r.below(10);
    if (what < 5) {
      // Ready now (mostly later than all), sometimes at an older or an equal time.
      clock += int64_t(r.below(3));
      int64_t t = clock;
      if (what == 0) t = clock - int64_t(r.below(200));
      cell.view = DnView{int(r.below(2)), true, AgentState::ready, micros(t), Time::zero()};
    } else if (what < 9) {
      cell.view.agent = AgentState::talking;  // leaves the lists
    } else {
      cell.view.agent = AgentState::ready;  // back with the Ready time it had
    }
    urs.index(n, d, cell);
    if (step % 97 != 0 && step < 19990) continue;
    for (int m = 0; m < kNodes; ++m) {
      for (int g = 0; g < 2; ++g) {
        std::vector<std::tuple<int, int64_t, int>> want;
        for (int x = 0; x < kDns; ++x) {
          const auto& gs = c.dn_groups[size_t(x)];
          const StatCell& k = ss[size_t(m)][size_t(x)];
          if (std::find(gs.begin(), gs.end(), g) != gs.end() && k.view.eligible())
            want.emplace_back(k.view.owner, k.view.ready_since.micros(), x);
        }
        std::sort(want.begin(), want.end());
        std::vector<int> want_dns;
        for (const auto& w : want)
          want_dns.push_back(std::get<2>(w));
        INFO("step " << step << " node " << m << " group " << g);
        REQUIRE(urs.eligible(m, g) == want_dns);
        // R55 longest_ready: the least (Ready time, DN) over the owners.
        int best = -1;
        int64_t best_t = 0;
        for (const auto& w : want) {
          if (best < 0 || std::get<1>(w) < best_t ||
              (std::get<1>(w) == best_t && std::get<2>(w) < best)) {
            best = std::get<2>(w);
            best_t = std::get<1>(w);
          }
        }
        Rng rr(1, "routing", uint64_t(m));
        CHECK(urs.select(m, g, {}, rr) == best);
        CHECK(urs.likely_pick(m, g) == best);  // the routing pass's prefetch hint
      }
    }
  }
}
