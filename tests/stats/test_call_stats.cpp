// Call statistics (DOMAIN §6): KPI formulas (§6.2), periods (§6.4), fault episodes, warm-up and
// interval boundaries, occupancy from a hand-made truth timeline, and the calls.csv format.
// Everything is fed synthetically to the observer: no model needed.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "stats/call_stats.hpp"

using namespace scsim;
using namespace scsim::stats;
using model::AgentState;
using model::CallOutcome;
using model::CallRecord;
using model::LinkEndState;
namespace fs = std::filesystem;

namespace {

constexpr int N1 = 0, N2 = 1, N3 = 2;
constexpr int SALES = 0, SUPPORT = 1;

struct TmpDir {
  fs::path path;
  explicit TmpDir(const std::string& name) {
    path = fs::temp_directory_path() /
           ("scsim-test-call-stats-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TmpDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Three nodes (N1, N3 in DC1; N2 in DC2), two groups, three DNs.
struct Fixture {
  std::shared_ptr<std::vector<bool>> alive = std::make_shared<std::vector<bool>>(3, true);
  CallStatsSetup setup;
  Fixture() {
    setup.dc_names = {"DC1", "DC2"};
    setup.node_names = {"N1", "N2", "N3"};
    setup.node_dc = {0, 1, 0};
    setup.group_names = {"sales", "support"};
    setup.dn_numbers = {"1001", "2001", "3001"};
    setup.dn_groups = {{SALES}, {SALES, SUPPORT}, {SUPPORT}};
    setup.service_level_threshold = seconds(20);
    setup.short_abandon_threshold = seconds(5);
    setup.stats_interval = seconds(100);
    auto a = alive;
    setup.node_alive = [a](int n) { return (*a)[static_cast<size_t>(n)]; };
  }
};

CallRecord call(uint64_t id, double arrival, int node, int group, CallOutcome o, double wait = 0) {
  CallRecord c;
  c.id = id;
  c.arrival = seconds(arrival);
  c.node = node;
  c.dc = node == N2 ? 1 : 0;
  c.group = group;
  c.outcome = o;
  c.wait = seconds(wait);
  if (o == CallOutcome::answered_local || o == CallOutcome::answered_remote) {
    c.answered = c.arrival + c.wait;
    c.ended = c.answered + seconds(60);
    c.dn = 0;
    c.dn_owner = o == CallOutcome::answered_local ? node : (node == N1 ? N2 : N1);
  } else if (o != CallOutcome::in_progress) {
    c.ended = c.arrival + c.wait;
  }
  return c;
}

model::LinkChange link(double t, int node, int peer, LinkEndState before, LinkEndState after) {
  return model::LinkChange{seconds(t), node, peer, before, after};
}
// Both ends of a link change together.
void both(CallStats& s, double t, int a, int b, LinkEndState before, LinkEndState after) {
  s.on_link(link(t, a, b, before, after));
  s.on_link(link(t, b, a, before, after));
}

model::DnViewChange truth(double t, int dn, int owner, bool insrv, AgentState st) {
  model::DnViewChange c;
  c.at = seconds(t);
  c.level = model::ViewLevel::truth;
  c.node = -1;
  c.dn = dn;
  c.after.owner = owner;
  c.after.in_service = insrv;
  c.after.agent = st;
  return c;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
      continue;
    }
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      any = false;
    } else {
      field.push_back(c);
    }
  }
  if (any) rows.push_back(row);
  return rows;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t col(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  FAIL("no column " << name);
  return 0;
}

}  // namespace

TEST_CASE("CallStats: KPI formulas of §6.2 (SL with short abandons, ASA, rates, remote share)") {
  TmpDir dir("kpis");
  Fixture f;
  CallStats s(f.setup, dir.path, RunLabel{7, "kpis"});
  s.on_call(call(1, 1, N1, SALES, CallOutcome::answered_local, 10));  // within T
  auto c2 = call(2, 2, N1, SALES, CallOutcome::answered_remote, 30);  // beyond T, other DC
  c2.same_dc = false;
  s.on_call(c2);
  auto c3 = call(3, 3, N2, SUPPORT, CallOutcome::answered_remote, 20);  // T exactly: within
  c3.same_dc = true;
  s.on_call(c3);
  s.on_call(call(4, 4, N2, SALES, CallOutcome::abandoned, 3));  // short abandon (< 5 s)
  s.on_call(call(5, 5, N1, SALES, CallOutcome::abandoned, 5));  // 5 s: not short
  auto c6 = call(6, 6, N1, SALES, CallOutcome::routing_failure, 10);
  c6.failure = model::RoutingFailureCause::no_target;
  c6.misrouted = true;
  c6.failed[0] = 1;
  c6.failed[3] = 2;
  s.on_call(c6);
  s.on_call(call(7, 7, -1, SALES, CallOutcome::lost_node_failure, 0));
  s.on_call(call(8, 8, N1, SALES, CallOutcome::in_progress, 0));
  s.finish(seconds(50));

  Kpis k = s.kpis();
  CHECK(k.offered == 7);  // in progress is not offered (§6: in_progress_at_end)
  CHECK(k.in_progress == 1);
  CHECK(k.answered == 3);
  CHECK(k.answered_local == 1);
  CHECK(k.answered_remote == 2);
  CHECK(k.answered_remote_same_dc == 1);
  CHECK(k.answered_remote_other_dc == 1);
  CHECK(k.short_abandons == 1);
  // SL = answered within T (10, 20) / (offered 7 - short abandons 1).
  CHECK(k.sl == Approx(2.0 / 6.0));
  CHECK(k.asa == Approx((10.0 + 30.0 + 20.0) / 3.0));
  CHECK(k.abandonment_rate == Approx(2.0 / 7.0));
  CHECK(k.short_abandon_rate == Approx(1.0 / 7.0));
  CHECK(k.routing_failure_rate == Approx(1.0 / 7.0));
  CHECK(k.rf_no_target_rate == Approx(1.0 / 7.0));
  CHECK(k.rf_redirection_limit_rate == 0);
  CHECK(k.lost_node_rate == Approx(1.0 / 7.0));
  CHECK(k.remote_share == Approx(2.0 / 3.0));
  CHECK(k.remote_same_dc_share == Approx(0.5));
  CHECK(k.misroute_rate == Approx(1.0 / 7.0));
  CHECK(k.failed_offers[0] == 1);
  CHECK(k.failed_offers[3] == 2);
  CHECK(std::isnan(k.occupancy));  // no agent time at all

  // Per node and group: N2 has c3 (answered remote) and c4 (short abandon).
  Kpis n2 = s.kpis(N2);
  CHECK(n2.offered == 2);
  CHECK(n2.sl == Approx(1.0));  // 1 within T / (2 - 1)
  CHECK(n2.remote_share == Approx(1.0));
  Kpis n1_sales = s.kpis(N1, SALES);
  CHECK(n1_sales.offered == 4);  // c1, c2, c5, c6
  CHECK(n1_sales.asa == Approx(20.0));
  Kpis support = s.kpis(-1, SUPPORT);
  CHECK(support.offered == 1);
  CHECK(support.answered == 1);
  // Undefined ratios are NaN and printed empty.
  Kpis none = s.kpis(N3);
  CHECK(std::isnan(none.sl));
  CHECK(std::isnan(none.asa));
  CHECK(format_kpi(KpiField{"sl", none.sl, false}).empty());
  CHECK(format_kpi(KpiField{"sl", 0.5, false}) == "0.500000");
  CHECK(format_kpi(KpiField{"offered", 7, true}) == "7");

  // call_summary.csv carries the same numbers.
  auto rows = read_csv(dir.path / "call_summary.csv");
  REQUIRE(!rows.empty());
  CHECK(rows[0] ==
        std::vector<std::string>{"seed", "scenario", "dc", "node", "group", "metric", "value"});
  bool found = false;
  for (const auto& r : rows) {
    if (r.size() == 7 && r[2] == "all" && r[3] == "all" && r[4] == "all" && r[5] == "sl") {
      CHECK(r[6] == "0.333333");
      CHECK(r[0] == "7");
      CHECK(r[1] == "kpis");
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("CallStats: warm-up exclusion and interval boundaries (calls by arrival)") {
  TmpDir dir("warmup");
  Fixture f;
  f.setup.warmup = seconds(50);
  CallStats s(f.setup, dir.path, RunLabel{1, "warmup"});
  s.on_call(call(1, 49.999999, N1, SALES, CallOutcome::answered_local, 1));  // in warm-up
  s.on_call(call(2, 50, N1, SALES, CallOutcome::answered_local, 1));         // counted, iv 0
  s.on_call(call(3, 99.999999, N1, SALES, CallOutcome::abandoned, 40));      // iv 0
  s.on_call(call(4, 100, N2, SALES, CallOutcome::answered_local, 25));       // iv 1
  s.on_call(call(5, 250, N2, SUPPORT, CallOutcome::answered_local, 5));      // iv 2
  s.finish(seconds(260));

  CHECK(s.kpis().offered == 4);
  CHECK(s.interval_kpis(0).offered == 2);
  CHECK(s.interval_kpis(0).abandoned == 1);
  CHECK(s.interval_kpis(1).offered == 1);
  CHECK(s.interval_kpis(1).sl == Approx(0.0));  // wait 25 > T
  CHECK(s.interval_kpis(1, N2, SALES).offered == 1);
  CHECK(s.interval_kpis(1, N1).offered == 0);
  CHECK(s.interval_kpis(2, -1, SUPPORT).offered == 1);
  CHECK(s.interval_kpis(2, -1, SALES).offered == 0);

  auto calls = read_csv(dir.path / "calls.csv");
  REQUIRE(calls.size() == 6);
  size_t counted = col(calls[0], "counted"), interval = col(calls[0], "interval");
  CHECK(calls[1][counted] == "false");
  CHECK(calls[2][counted] == "true");
  CHECK(calls[3][interval] == "0");
  CHECK(calls[4][interval] == "1");

  // intervals.csv: 3 intervals x (3 nodes + all) x (2 groups + all); the last interval is cut
  // at the run's end.
  auto iv = read_csv(dir.path / "intervals.csv");
  // Rows: DC1 (N1, N3, none, all), DC2 (N2, none, all), all.
  REQUIRE(iv.size() == 1 + 3 * 8 * 3);
  size_t from = col(iv[0], "from"), to = col(iv[0], "to"), node = col(iv[0], "node"),
         group = col(iv[0], "group"), offered = col(iv[0], "offered");
  CHECK(iv[1][from] == "0.000000");
  CHECK(iv[1][to] == "100.000000");
  CHECK(iv[1][node] == "N1");
  CHECK(iv[1][group] == "sales");
  CHECK(iv[1][offered] == "2");
  CHECK(iv.back()[from] == "200.000000");
  CHECK(iv.back()[to] == "260.000000");
  CHECK(iv.back()[node] == "all");
  CHECK(iv.back()[group] == "all");
  CHECK(iv.back()[offered] == "1");
}

TEST_CASE("CallStats: a DN with many groups counts its agent time in each of them") {
  // DOMAIN 6.2: a DN counts for each of its agent's groups. Six groups are more than CallStats
  // keeps beside a DN's state (kInlineGroups); the DN after it has one.
  TmpDir dir("many-groups");
  Fixture f;
  f.setup.group_names = {"g0", "g1", "g2", "g3", "g4", "g5"};
  f.setup.dn_groups = {{0, 1, 2, 3, 4, 5}, {5}, {1}};
  CallStats s(f.setup, dir.path, RunLabel{1, "groups"});
  s.on_dn_view(truth(0, 0, N1, true, AgentState::ready));
  s.on_dn_view(truth(10, 0, N1, true, AgentState::talking));
  s.on_dn_view(truth(70, 0, N1, true, AgentState::ready));
  s.on_dn_view(truth(0, 1, N1, true, AgentState::ready));
  s.on_dn_view(truth(20, 1, N1, true, AgentState::acw));
  s.on_dn_view(truth(30, 1, N1, true, AgentState::ready));
  s.finish(seconds(100));
  for (int g = 0; g < 5; ++g) {
    CHECK(s.kpis(-1, g).busy_s == Approx(60));
    CHECK(s.kpis(-1, g).available_s == Approx(40));
  }
  CHECK(s.kpis(-1, 5).busy_s == Approx(70));  // DN 0's 60 s and DN 1's 10 s
  CHECK(s.kpis(-1, 5).available_s == Approx(130));
  CHECK(s.kpis().busy_s == Approx(70));  // once per DN in "all groups"
}

TEST_CASE("CallStats: occupancy from a hand-made truth timeline (per group, node, interval)") {
  for (double warmup : {0.0, 20.0}) {
    TmpDir dir("occupancy");
    Fixture f;
    f.setup.warmup = seconds(warmup);
    CallStats s(f.setup, dir.path, RunLabel{1, "occ"});
    // DN 0 (sales) owned by N1: Ready, a call 10-50 (ringing, talking, ACW), Ready again.
    s.on_dn_view(truth(0, 0, N1, true, AgentState::ready));
    s.on_dn_view(truth(10, 0, N1, true, AgentState::ringing));
    s.on_dn_view(truth(12, 0, N1, true, AgentState::talking));
    s.on_dn_view(truth(40, 0, N1, true, AgentState::acw));
    s.on_dn_view(truth(50, 0, N1, true, AgentState::ready));
    // DN 1 (sales, support) owned by N2: Ready but OOS until 100, then InSrv.
    s.on_dn_view(truth(0, 1, N2, false, AgentState::ready));
    s.on_dn_view(truth(100, 1, N2, true, AgentState::ready));
    // DN 2 (support): logged out throughout: neither busy nor available.
    s.finish(seconds(200));

    const double w = warmup;
    const double busy = 50 - std::max(10.0, w);  // 10-50 minus the warm-up
    const double avail0 = (10 - std::min(10.0, w)) + 150;
    Kpis sales = s.kpis(-1, SALES);
    CHECK(sales.busy_s == Approx(busy));
    CHECK(sales.available_s == Approx(avail0 + 100));
    CHECK(sales.ready_oos_s == Approx(100 - w));
    CHECK(sales.occupancy == Approx(busy / (busy + avail0 + 100)));
    // A DN counts once in "all groups" even with two groups.
    CHECK(s.kpis().occupancy == Approx(busy / (busy + avail0 + 100)));
    CHECK(s.kpis().available_s == Approx(avail0 + 100));
    Kpis support = s.kpis(-1, SUPPORT);
    CHECK(support.occupancy == Approx(0.0));
    CHECK(support.available_s == Approx(100));
    // DOMAIN 6.4 item 3: agent time is not on rows of calls (nodes); occupancy.csv has it by
    // the agent's DC and the DN's truth owner.
    CHECK(std::isnan(s.kpis(N1, SALES).occupancy));
    CHECK(s.occupancy_kpis(-1, -1, N1, SALES).occupancy == Approx(busy / (busy + avail0)));
    CHECK(s.occupancy_kpis(-1, -1, N2).busy_s == 0);
    CHECK(s.occupancy_kpis(-1, 0, -1, SALES).busy_s == Approx(busy));  // all DNs in DC1
    CHECK(s.dc_kpis(0, SALES).busy_s == Approx(busy));
    CHECK(s.dc_kpis(1).busy_s == 0);
    // Per interval: [0, 100) and [100, 200).
    const double avail_iv0 = (10 - std::min(10.0, w)) + 50;  // DN 0 in [0, 100)
    CHECK(s.interval_kpis(0, -1, SALES).occupancy == Approx(busy / (busy + avail_iv0)));
    CHECK(s.interval_kpis(1, -1, SALES).occupancy == Approx(0.0));
    CHECK(s.interval_kpis(1, -1, SALES).available_s == Approx(200));
    // Per period: all connected.
    CHECK(s.period_kpis(Period::connected).busy_s == Approx(busy));
  }
}

TEST_CASE("CallStats: period classification of §6.4 from link changes and node liveness") {
  TmpDir dir("periods");
  Fixture f;
  CallStats s(f.setup, dir.path, RunLabel{1, "periods"});
  using L = LinkEndState;
  CHECK(s.current_period() == Period::connected);
  // Cut N1-N2 at 100: undetected; declared at 110 (both ends): partitioned.
  both(s, 100, N1, N2, L::up, L::cut_undeclared);
  CHECK(s.current_period() == Period::undetected);
  s.on_link(link(110, N1, N2, L::cut_undeclared, L::declared_lost));
  CHECK(s.current_period() == Period::partitioned);
  s.on_link(link(110, N2, N1, L::cut_undeclared, L::declared_lost));
  // Healed at 202: still declared lost until the link is up (205.080), resynced at 205.120.
  both(s, 205.08, N1, N2, L::declared_lost, L::resyncing);
  CHECK(s.current_period() == Period::resyncing);
  s.on_link(link(205.12, N1, N2, L::resyncing, L::up));
  CHECK(s.current_period() == Period::resyncing);  // the other end still resyncing
  s.on_link(link(205.12, N2, N1, L::resyncing, L::up));
  CHECK(s.current_period() == Period::connected);
  // A cut and heal within one instant is no period.
  both(s, 300, N1, N3, L::up, L::cut_undeclared);
  both(s, 300, N1, N3, L::cut_undeclared, L::up);
  // N3 crashes at 400: its peers' ends are cut but N3 is not live: still connected (the
  // definition counts links between live nodes); declared at 410: still connected.
  (*f.alive)[N3] = false;
  s.on_link(link(400, N1, N3, L::up, L::cut_undeclared));
  s.on_link(link(400, N2, N3, L::up, L::cut_undeclared));
  CHECK(s.current_period() == Period::connected);
  s.on_link(link(410, N1, N3, L::cut_undeclared, L::declared_lost));
  s.on_link(link(410, N2, N3, L::cut_undeclared, L::declared_lost));
  CHECK(s.current_period() == Period::connected);
  // N3 restarts at 500 with its ends declared lost: partitioned until its links are up.
  (*f.alive)[N3] = true;
  s.on_link(link(500, N3, N1, L::up, L::declared_lost));
  s.on_link(link(500, N3, N2, L::up, L::declared_lost));
  CHECK(s.current_period() == Period::partitioned);
  both(s, 500.08, N3, N1, L::declared_lost, L::resyncing);
  both(s, 500.08, N3, N2, L::declared_lost, L::resyncing);
  both(s, 500.1, N3, N1, L::resyncing, L::up);
  both(s, 500.1, N3, N2, L::resyncing, L::up);
  CHECK(s.current_period() == Period::connected);
  // N1-N2 declared lost at 600, then N2 dies at 650 without any link change: liveness alone
  // ends the partition (refresh runs after every event when attached to a cluster).
  both(s, 600, N1, N2, L::up, L::declared_lost);
  CHECK(s.current_period() == Period::partitioned);
  (*f.alive)[N2] = false;
  s.refresh(seconds(650));
  CHECK(s.current_period() == Period::connected);

  // Calls by period of arrival: at 110 the declaration (a timer) precedes the arrival.
  s.on_call(call(1, 50, N1, SALES, CallOutcome::answered_local, 1));
  s.on_call(call(2, 105, N1, SALES, CallOutcome::answered_local, 1));
  s.on_call(call(3, 110, N1, SALES, CallOutcome::answered_local, 1));
  s.on_call(call(4, 205.1, N2, SALES, CallOutcome::abandoned, 1));
  s.on_call(call(5, 300, N1, SALES, CallOutcome::answered_local, 1));
  s.on_call(call(6, 620, N1, SALES, CallOutcome::answered_local, 30));
  s.finish(seconds(700));

  CHECK(s.period_at(seconds(99.999999)) == Period::connected);
  CHECK(s.period_at(seconds(100)) == Period::undetected);
  CHECK(s.period_at(seconds(110)) == Period::partitioned);
  CHECK(s.period_at(seconds(205.08)) == Period::resyncing);
  CHECK(s.period_at(seconds(205.12)) == Period::connected);
  CHECK(s.period_at(seconds(300)) == Period::connected);
  CHECK(s.period_at(seconds(450)) == Period::connected);
  CHECK(s.period_at(seconds(500.05)) == Period::partitioned);
  CHECK(s.period_at(seconds(500.09)) == Period::resyncing);
  CHECK(s.period_at(seconds(649)) == Period::partitioned);
  CHECK(s.period_at(seconds(650)) == Period::connected);

  CHECK(s.period_time(Period::undetected) == seconds(10));
  CHECK(s.period_time(Period::partitioned) == seconds(95.08 + 0.08 + 50));
  CHECK(s.period_time(Period::resyncing) == seconds(0.04 + 0.02));
  CHECK(s.period_time(Period::connected) ==
        seconds(700) - seconds(10) - seconds(95.08 + 0.08 + 50) - seconds(0.06));

  CHECK(s.period_kpis(Period::connected).offered == 2);  // calls 1, 5
  CHECK(s.period_kpis(Period::undetected).offered == 1);
  CHECK(s.period_kpis(Period::partitioned).offered == 2);  // calls 3 and 6
  CHECK(s.period_kpis(Period::partitioned).sl == Approx(0.5));
  CHECK(s.period_kpis(Period::resyncing).abandonment_rate == Approx(1.0));
  CHECK(s.period_kpis(Period::partitioned, N2).offered == 0);

  // Episodes: [100, 205.12), [500, 500.1), [600, 650).
  REQUIRE(s.episodes().size() == 3);
  const auto& e0 = s.episodes()[0];
  CHECK(e0.start == seconds(100));
  CHECK(e0.end == seconds(205.12));
  CHECK(e0.kinds == ((1u << 1) | (1u << 2) | (1u << 3)));
  CHECK(e0.time_in[static_cast<int>(Period::partitioned)] == seconds(95.08));
  CHECK(s.episodes()[1].kinds == ((1u << 2) | (1u << 3)));

  auto periods = read_csv(dir.path / "periods.csv");
  REQUIRE(periods.size() == 1 + 4 * 8);  // 4 periods x (all, 3 nodes, 2 DCs, 2 none)
  CHECK(periods[1][col(periods[0], "period")] == "connected");
  CHECK(periods[1][col(periods[0], "node")] == "all");
  CHECK(periods[1][col(periods[0], "spans")] == "4");
  auto episodes = read_csv(dir.path / "episodes.csv");
  REQUIRE(episodes.size() == 1 + 3 * 8 * 3);  // episodes x rows x windows
  CHECK(episodes[1][col(episodes[0], "kinds")] == "cut");
  CHECK(episodes[1][col(episodes[0], "periods")] == "undetected+partitioned+resyncing");
  CHECK(episodes[1][col(episodes[0], "nodes_touched")] == "N1+N2");
  CHECK(episodes[1][col(episodes[0], "dcs_touched")] == "DC1+DC2");
}

TEST_CASE(
    "DOMAIN 6.5: a node crash is an episode of kind crash, to the end of its resync, "
    "holding the calls it dropped; faults closer than episode_merge_gap_s merge") {
  TmpDir dir("crash-episode");
  Fixture f;
  f.setup.episode_merge_gap = seconds(60);
  CallStats s(f.setup, dir.path, RunLabel{1, "crash"});
  using L = LinkEndState;
  // N2 crashes at 1000 and restarts at 1200; its links are declared lost until 1200.08, then
  // resync until 1200.1. The periods stay `connected` during the crash (6.4).
  (*f.alive)[N2] = false;
  s.on_node(model::NodeChange{seconds(1000), N2, false});
  s.refresh(seconds(1000));
  CHECK(s.current_period() == Period::connected);
  (*f.alive)[N2] = true;
  s.on_node(model::NodeChange{seconds(1200), N2, true});
  s.on_link(link(1200, N2, N1, L::up, L::declared_lost));
  CHECK(s.current_period() == Period::partitioned);
  s.on_link(link(1200.08, N2, N1, L::declared_lost, L::resyncing));
  s.on_link(link(1200.1, N2, N1, L::resyncing, L::up));
  // A cut 30 s later merges into the same episode; one 100 s after that is another.
  both(s, 1230, N1, N3, L::up, L::cut_undeclared);
  both(s, 1240, N1, N3, L::cut_undeclared, L::up);
  both(s, 1340, N1, N3, L::up, L::cut_undeclared);
  both(s, 1350, N1, N3, L::cut_undeclared, L::up);
  // A call answered at 950 on N2 and dropped by the crash at 1000 (R38).
  CallRecord dropped = call(1, 940, N2, SALES, CallOutcome::answered_local, 10);
  dropped.dropped_after_answer = true;
  dropped.ended = seconds(1000);
  s.on_call(dropped);
  s.finish(seconds(2000));

  REQUIRE(s.episodes().size() == 2);
  const auto& e = s.episodes()[0];
  CHECK(e.start == seconds(1000));
  CHECK(e.end == seconds(1240));
  CHECK(e.faults == (CallStats::kFaultCrash | CallStats::kFaultCut));
  CHECK(e.crashed == seconds(200));
  CHECK(s.episode_ended_by_fault(0, CallStats::Window::during) == 1);
  CHECK(s.episode_ended_by_fault(0, CallStats::Window::before) == 0);
  CHECK(s.episodes()[1].faults == CallStats::kFaultCut);
  auto rows = read_csv(dir.path / "episodes.csv");
  CHECK(rows[1][col(rows[0], "kinds")] == "cut+crash");
  CHECK(rows[1][col(rows[0], "crashed_s")] == "200.000000");
}

TEST_CASE("CallStats: episode windows before, during and after, per node, in whole seconds") {
  TmpDir dir("episodes");
  Fixture f;
  CallStats s(f.setup, dir.path, RunLabel{1, "episodes"});
  using L = LinkEndState;
  both(s, 100.5, N1, N2, L::up, L::cut_undeclared);
  both(s, 110, N1, N2, L::cut_undeclared, L::declared_lost);
  both(s, 130.2, N1, N2, L::declared_lost, L::up);
  // Second episode, still open at the run's end.
  both(s, 250, N1, N2, L::up, L::cut_undeclared);

  // During = [100, 131), before = [69, 100), after = [131, 162).
  double times[] = {68.999999, 69, 99.9, 100, 120, 130.9, 131, 161.999999, 162};
  uint64_t id = 0;
  for (double t : times)
    s.on_call(call(++id, t, N1, SALES, CallOutcome::answered_local, 10));
  s.on_call(call(++id, 120, N2, SALES, CallOutcome::abandoned, 30));
  s.on_call(call(++id, 140, N2, SALES, CallOutcome::answered_remote, 40));
  s.finish(seconds(300));

  REQUIRE(s.episodes().size() == 2);
  const auto& e = s.episodes()[0];
  CHECK(e.from_s[0] == 69);
  CHECK(e.to_s[0] == 100);
  CHECK(e.from_s[1] == 100);
  CHECK(e.to_s[1] == 131);
  CHECK(e.from_s[2] == 131);
  CHECK(e.to_s[2] == 162);
  CHECK(e.complete[0]);
  CHECK(e.complete[2]);
  using W = CallStats::Window;
  CHECK(s.episode_kpis(0, W::before).offered == 2);  // 69, 99.9
  CHECK(s.episode_kpis(0, W::during).offered == 4);  // 100, 120, 130.9 and N2's 120
  CHECK(s.episode_kpis(0, W::during, N1).offered == 3);
  CHECK(s.episode_kpis(0, W::during, N2).abandonment_rate == Approx(1.0));
  CHECK(s.episode_kpis(0, W::during).abandonment_rate == Approx(0.25));
  CHECK(s.episode_kpis(0, W::after).offered == 3);  // 131, 140 (N2), 161.999999
  CHECK(s.episode_kpis(0, W::after).remote_share == Approx(1.0 / 3.0));
  CHECK(s.episode_kpis(0, W::after).asa == Approx(20.0));
  CHECK(s.episode_kpis(0, W::after).sl == Approx(2.0 / 3.0));

  const auto& open = s.episodes()[1];
  CHECK(open.open_at_end);
  CHECK(open.end == seconds(300));
  CHECK(open.from_s[0] == 200);
  CHECK(open.complete[0]);
  CHECK(!open.complete[1]);
  CHECK(!open.complete[2]);
  CHECK(open.from_s[2] == 300);
  CHECK(open.to_s[2] == 300);  // clipped at the run's end
  CHECK(s.episode_kpis(1, W::after).offered == 0);

  auto rows = read_csv(dir.path / "episodes.csv");
  REQUIRE(rows.size() == 1 + 2 * 8 * 3);
  const auto& h = rows[0];
  CHECK(h[0] == "seed");
  CHECK(rows[1][col(h, "node")] == "all");
  CHECK(rows[1][col(h, "window")] == "before");
  CHECK(rows[1][col(h, "window_from")] == "69.000000");
  CHECK(rows[1][col(h, "window_to")] == "100.000000");
  CHECK(rows[1][col(h, "offered")] == "2");
  CHECK(rows[1][col(h, "start")] == "100.500000");
  CHECK(rows[1][col(h, "end")] == "130.200000");
  CHECK(rows[1][col(h, "undetected_s")] == "9.500000");
  CHECK(rows[1][col(h, "partitioned_s")] == "20.200000");
}

TEST_CASE("CallStats: calls.csv and routing.csv columns and RFC 4180 quoting") {
  TmpDir dir("format");
  Fixture f;
  f.setup.group_names = {"sales, \"EU\"", "support"};
  CallStats s(f.setup, dir.path, RunLabel{42, "my, \"scenario\""});
  auto c = call(1, 12.5, N2, SALES, CallOutcome::answered_remote, 2.06);
  c.dn = 0;
  c.dn_owner = N1;
  c.same_dc = false;
  c.failed[0] = 1;
  c.failed[2] = 3;
  c.misrouted = true;
  s.on_call(c);
  auto r = call(2, 20, N1, SUPPORT, CallOutcome::routing_failure, 10);
  r.failure = model::RoutingFailureCause::redirection_limit;
  s.on_call(r);
  model::RoutingDecision d;
  d.at = seconds(12.5);
  d.call = 1;
  d.node = N2;
  d.group = SALES;
  d.eligible = 2;
  d.excluded_oos = 1;
  d.excluded_busy = 3;
  d.stale = 1;
  d.chosen_dn = 0;
  d.chosen_owner = N1;
  d.result = model::DecisionResult::offer;
  s.on_decision(d);
  s.finish(seconds(100));

  std::string text = read_text(dir.path / "calls.csv");
  std::string header = text.substr(0, text.find('\n'));
  CHECK(header ==
        "seed,scenario,id,arrival,dc,node,group,outcome,failure_cause,wait,answered,ended,dn,"
        "dn_owner,scope,dc_scope,failed_stale_view,failed_race,failed_collision,"
        "failed_no_answer,misrouted,dropped_after_answer,period,interval,counted");
  std::string row1 = text.substr(header.size() + 1);
  row1 = row1.substr(0, row1.find('\n'));
  CHECK(row1 ==
        "42,\"my, \"\"scenario\"\"\",1,12.500000,DC2,N2,\"sales, \"\"EU\"\"\",answered_remote,,"
        "2.060000,14.560000,74.560000,1001,N1,remote,other_dc,1,0,3,0,true,false,connected,0,"
        "true");
  auto rows = read_csv(dir.path / "calls.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[2][col(rows[0], "failure_cause")] == "redirection_limit");
  CHECK(rows[2][col(rows[0], "answered")].empty());
  CHECK(rows[2][col(rows[0], "scope")].empty());
  CHECK(rows[1][col(rows[0], "group")] == "sales, \"EU\"");

  auto routing = read_csv(dir.path / "routing.csv");
  REQUIRE(routing.size() == 2);
  CHECK(routing[0] == std::vector<std::string>{"seed", "scenario", "time", "call", "node", "group",
                                               "mode", "eligible", "excluded_oos", "excluded_busy",
                                               "stale", "chosen_dn", "chosen_owner", "result",
                                               "period"});
  CHECK(routing[1] == std::vector<std::string>{"42", "my, \"scenario\"", "12.500000", "1", "N2",
                                               "sales, \"EU\"", "auto", "2", "1", "3", "1", "1001",
                                               "N1", "offer", "connected"});
  // Every results file starts with seed and scenario.
  for (const char* name :
       {"intervals.csv", "periods.csv", "episodes.csv", "call_summary.csv", "routing.csv"}) {
    auto rs = read_csv(dir.path / name);
    REQUIRE(!rs.empty());
    CHECK(rs[0][0] == "seed");
    CHECK(rs[0][1] == "scenario");
  }
}

TEST_CASE("CallStats: equal observations give equal bytes; memory is per second, not per call") {
  std::string first;
  for (int run = 0; run < 2; ++run) {
    TmpDir dir("bytes");
    Fixture f;
    {
      CallStats s(f.setup, dir.path, RunLabel{3, "bytes"});
      both(s, 10, N1, N2, LinkEndState::up, LinkEndState::cut_undeclared);
      both(s, 20, N1, N2, LinkEndState::cut_undeclared, LinkEndState::up);
      // Many calls in the same few seconds: the per-second bins do not grow with them.
      for (uint64_t i = 1; i <= 2000; ++i) {
        s.on_call(call(i, 1 + static_cast<double>(i % 40), static_cast<int>(i % 3),
                       static_cast<int>(i % 2), CallOutcome::answered_local,
                       static_cast<double>(i % 30)));
      }
      s.finish(seconds(50));
      CHECK(s.kpis().offered == 2000);
    }
    std::string all;
    for (const char* name :
         {"calls.csv", "intervals.csv", "periods.csv", "episodes.csv", "call_summary.csv"})
      all += read_text(dir.path / name);
    if (run == 0) {
      first = all;
    } else {
      CHECK(all == first);
    }
  }
}

TEST_CASE("Issue 17: DC rows, none rows, ended_by_fault by the fault's interval, aht_s") {
  TmpDir dir("dc-rows");
  Fixture f;
  f.setup.dn_dc = {0, 1, 0};
  CallStats s(f.setup, dir.path, RunLabel{1, "dc"});
  // N1 and N3 (DC1) and N2 (DC2); call 4 found no node in DC2 (R42: lost at the proxy).
  CallRecord c1 = call(1, 10, N1, SALES, CallOutcome::answered_local, 5);
  c1.handle = seconds(100);
  c1.acw = seconds(20);
  CallRecord c2 = call(2, 20, N3, SALES, CallOutcome::answered_local, 30);
  c2.handle = seconds(40);
  // Dropped at 150 by a crash (R38): arrived in interval 0, ended by the fault in interval 1.
  CallRecord c3 = call(3, 30, N2, SUPPORT, CallOutcome::answered_local, 1);
  c3.dropped_after_answer = true;
  c3.ended = seconds(150);
  CallRecord c4 = call(4, 40, -1, SALES, CallOutcome::lost_node_failure);
  c4.dc = 1;
  for (const auto& c : {c1, c2, c3, c4})
    s.on_call(c);
  s.finish(seconds(200));
  CHECK(s.dc_kpis(0).offered == 2);
  CHECK(s.dc_kpis(1).offered == 2);
  CHECK(s.none_kpis(1).offered == 1);
  CHECK(s.none_kpis(1).lost_node_failures == 1);
  CHECK(s.none_kpis(0).offered == 0);
  CHECK(s.kpis().offered == 4);
  CHECK(s.dc_kpis(0).sl == Approx(0.5));  // ratios from the DC's counts
  CHECK(s.dc_kpis(0).aht == Approx((120.0 + 40.0) / 2));
  CHECK(s.interval_kpis(0).ended_by_fault == 1);  // call 4 at 40
  CHECK(s.interval_kpis(1).ended_by_fault == 1);  // call 3 at 150
  CHECK(s.interval_kpis(1, N2).ended_by_fault == 1);
  CHECK(s.interval_kpis(1).offered == 0);
  CHECK(s.interval_kpis(0).arrivals == 4);

  auto iv = read_csv(dir.path / "intervals.csv");
  const auto& h = iv[0];
  bool saw_none = false;
  for (size_t r = 1; r < iv.size(); ++r) {
    if (iv[r][col(h, "interval")] != "0" || iv[r][col(h, "group")] != "all") continue;
    CHECK(iv[r][col(h, "from_clock")] == "00:00:00");
    if (iv[r][col(h, "node")] == "none" && iv[r][col(h, "dc")] == "DC2") {
      CHECK(iv[r][col(h, "offered")] == "1");
      CHECK(iv[r][col(h, "occupancy")] == "");  // agent time is not on rows of calls
      saw_none = true;
    }
  }
  CHECK(saw_none);
}

TEST_CASE("R36: agent time held busy after the call's real end, by the agent's DC") {
  TmpDir dir("r36");
  Fixture f;
  f.setup.dn_dc = {0, 1, 0};
  CallStats s(f.setup, dir.path, RunLabel{1, "r36"});
  // DN 1 (DC2) owned by N2 answers a call from N1 at 10; the call ends at 70 but N2 misses the
  // end (R36) and releases the agent only at 130 (the resync); DN 0 is freed at its call's end.
  s.on_dn_view(truth(0, 1, N2, true, AgentState::ready));
  s.on_dn_view(truth(0, 0, N1, true, AgentState::ready));
  s.on_dn_view(truth(10, 1, N2, true, AgentState::talking));
  s.on_dn_view(truth(10, 0, N1, true, AgentState::talking));
  CallRecord held = call(1, 10, N1, SALES, CallOutcome::answered_remote, 0);
  held.dn = 1;
  held.dn_owner = N2;
  held.ended = seconds(70);
  CallRecord normal = call(2, 10, N1, SALES, CallOutcome::answered_local, 0);
  normal.dn = 0;
  normal.ended = seconds(70);
  s.on_call(held);
  s.on_call(normal);
  s.on_dn_view(truth(70, 0, N1, true, AgentState::ready));
  s.on_dn_view(truth(130, 1, N2, true, AgentState::acw));
  s.finish(seconds(200));
  CHECK(s.kpis().held_by_r36_s == Approx(60));
  CHECK(s.dc_kpis(1).held_by_r36_s == Approx(60));
  CHECK(s.dc_kpis(0).held_by_r36_s == 0);
  CHECK(s.interval_kpis(0).held_by_r36_s == Approx(30));  // 70-100
  CHECK(s.interval_kpis(1).held_by_r36_s == Approx(30));  // 100-130
  CHECK(s.occupancy_kpis(-1, 1, N2).held_by_r36_s == Approx(60));
  CHECK(std::isnan(s.kpis(N1).occupancy));
}

TEST_CASE("DOMAIN 6.5, R12/R47: a logged-in agent's DN out of service in the truth is an episode") {
  TmpDir dir("dn-oos");
  Fixture f;
  CallStats s(f.setup, dir.path, RunLabel{1, "dn-oos"});
  auto change = [](double t, int dn, model::DnView before, model::DnView after) {
    model::DnViewChange c;
    c.at = seconds(t);
    c.level = model::ViewLevel::truth;
    c.node = -1;
    c.dn = dn;
    c.before = before;
    c.after = after;
    return c;
  };
  const model::DnView ready_n1{N1, true, AgentState::ready, {}, {}};
  const model::DnView oos_ready{-1, false, AgentState::ready, {}, {}};
  const model::DnView oos_out{-1, false, AgentState::logged_out, {}, {}};
  const model::DnView ready_n2{N2, true, AgentState::ready, {}, {}};
  // DN 0: its registration at N1 expires at 100 (R12) and N2 takes it at 150: one fault.
  s.on_dn_view(change(100, 0, ready_n1, oos_ready));
  s.on_dn_view(change(150, 0, oos_ready, ready_n2));
  // DN 1: out of service at 400 and the agent logs out at 400.01 (a WWE logout, R46): no fault.
  s.on_dn_view(change(400, 1, ready_n2, oos_ready));
  s.on_dn_view(change(400.01, 1, oos_ready, oos_out));
  // DN 2: owner N3 crashed at 600 (the crash's fault, not R12's): no dn_oos fault.
  (*f.alive)[N3] = false;
  s.on_node(model::NodeChange{seconds(600), N3, false});
  s.on_dn_view(change(600, 2, {N3, true, AgentState::ready, {}, {}}, oos_ready));
  (*f.alive)[N3] = true;
  s.on_node(model::NodeChange{seconds(700), N3, true});
  // DN 0 again at 900, still out of service at the end: open to the end.
  s.on_dn_view(change(900, 0, ready_n2, oos_ready));
  s.finish(seconds(1000));

  REQUIRE(s.episodes().size() == 3);
  CHECK(s.episodes()[0].faults == CallStats::kFaultDnOos);
  CHECK(s.episodes()[0].start == seconds(100));
  CHECK(s.episodes()[0].end == seconds(150));
  CHECK(s.episodes()[0].nodes_touched == (uint64_t(1) << N1));
  CHECK(s.episodes()[1].faults == CallStats::kFaultCrash);  // DN 2 adds nothing
  CHECK(s.episodes()[1].start == seconds(600));
  CHECK(s.episodes()[2].faults == CallStats::kFaultDnOos);
  CHECK(s.episodes()[2].open_at_end);
  CHECK(s.episodes()[2].nodes_touched == (uint64_t(1) << N2));
  auto rows = read_csv(dir.path / "episodes.csv");
  CHECK(rows[1][col(rows[0], "kinds")] == "dn_oos");
}

TEST_CASE("DOMAIN 6.5: a one-way cut is an episode of kind one_way_cut, its resync included") {
  TmpDir dir("one-way");
  Fixture f;
  CallStats s(f.setup, dir.path, RunLabel{1, "one-way"});
  model::Action cut;
  cut.kind = model::ActionKind::cut;
  cut.at = seconds(100);
  cut.one_way = true;
  model::Action both_ways = cut;
  both_ways.at = seconds(500);
  both_ways.one_way = false;
  s.add_action_faults({cut, both_ways}, model::ClusterSpec{});
  using L = LinkEndState;
  // N1 -> N2 cut at 100 (one way), declared at 110, healed at 130, resynced by 130.1.
  s.on_link(link(100, N1, N2, L::up, L::cut_undeclared));
  s.on_link(link(110, N1, N2, L::cut_undeclared, L::declared_lost));
  s.on_link(link(130, N1, N2, L::declared_lost, L::resyncing));
  s.on_link(link(130.1, N1, N2, L::resyncing, L::up));
  // A cut of both directions at 500.
  both(s, 500, N1, N3, L::up, L::cut_undeclared);
  both(s, 520, N1, N3, L::cut_undeclared, L::up);
  s.finish(seconds(1000));
  REQUIRE(s.episodes().size() == 2);
  CHECK(s.episodes()[0].faults == CallStats::kFaultOneWayCut);
  CHECK(s.episodes()[0].end == seconds(130.1));
  CHECK(s.episodes()[1].faults == CallStats::kFaultCut);
  auto rows = read_csv(dir.path / "episodes.csv");
  CHECK(rows[1][col(rows[0], "kinds")] == "one_way_cut");
}
