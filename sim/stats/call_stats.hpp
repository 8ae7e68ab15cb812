// Call statistics of DOMAIN §6: an Observer of the Cluster that turns call records, routing
// decisions, truth agent states and link states into the call files of a results directory:
//   calls.csv         one row per call (§6.1): times, DC, node, group, outcome, failure cause,
//                     wait, answering DN and its owner, local/remote and same/other DC, failed
//                     offers per cause, misrouted, dropped_after_answer, period at arrival
//   routing.csv       one row per routing decision of URS_N (issue 6, R50-R63)
//   intervals.csv     interval (stats_interval_s) x row x group (each also "all"): the KPIs of
//                     §6.2 over the calls that arrived in the interval
//   periods.csv       per §6.4 period (connected, undetected, partitioned, resyncing) x row:
//                     time spent in it and the KPIs of the calls that arrived in it
//   episodes.csv      each fault episode (DOMAIN §6.5: cuts, crashes, GWS failures and cuts,
//                     WWE disconnects), per row and window (the equal-length window before,
//                     during and after it): KPIs
//   call_summary.csv  the run's KPIs per row x group (warm-up excluded), metric per row
//   occupancy.csv     interval x agent DC x DN truth owner x group: agent time
// Rows (issue 17 §1, DOMAIN §6.4 item 3): per DC, each node of arrival, `none` (calls that found
// no live node at the DC's proxy) and the DC's total; then `all`. Counts are summed into each
// row, ratios computed from the row's counts. Agent time (occupancy, held_by_r36_s) is on DC
// and `all` rows only (by the agent's home DC), empty on node rows.
// Every file has a header row and starts with the `seed` and `scenario` columns (CsvWriter);
// times are seconds with six decimals (format_time); ratios are printed with six decimals and
// left empty when undefined (0 / 0).
//
// Counting (§6): a call is counted when it arrived at or after `warmup_s` and ended by the
// run's end; calls still in progress are counted apart (`in_progress`). A call counts in the
// interval, period and second of its arrival. Occupancy (§6.2) is time-weighted over the truth
// after `warmup_s`: busy = Reserved/Ringing/Talking/ACW; available = Ready with the DN InSrv
// under a truth owner; Ready otherwise is `ready_oos_s`; a DN counts for each of its agent's
// groups, in its agent's DC, and in occupancy.csv under its truth owner (or `none`).
//
// Periods (§6.4) are evaluated after every link change and every executed event (node
// liveness): partitioned if a link end between two live nodes is declared lost; else
// undetected if one is cut but undeclared; else resyncing if one is resyncing; else connected.
// Several changes within one instant leave one period (the last), so a period that lasts no
// time is no period. A call arriving at instant t belongs to the period in force at the end of
// t's faults, deliveries and timers (DOMAIN "same instant": arrivals come after them).
//
// Invariants kept here: memory does not grow with the number of calls: rows of calls.csv and
// routing.csv are streamed; aggregates live in fixed-size cells per interval, per period and
// per second of arrival (episodes), i.e. they grow with the run's duration and faults only.
// Output depends only on the observations: equal runs give equal bytes.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/calls.hpp"
#include "model/cluster.hpp"
#include "stats/csv.hpp"
#include "stats/kpis.hpp"
#include "stats/periods.hpp"
#include "stats/recorder.hpp"

namespace scsim::stats {

// What CallStats needs to know about the cluster; call_stats_setup() fills it from a Cluster,
// tests build it by hand.
struct CallStatsSetup {
  std::vector<std::string> dc_names;
  std::vector<std::string> node_names;
  std::vector<int> node_dc;
  std::vector<std::string> group_names;     // index = CallRecord::group
  std::vector<std::string> dn_numbers;      // per DN index
  std::vector<std::vector<int>> dn_groups;  // per DN index: group indices of its agent
  std::vector<int> dn_dc;                   // per DN index: its agent's home DC (default 0)
  Time service_level_threshold = seconds(20);
  Time short_abandon_threshold = Time::zero();
  Time stats_interval = seconds(900);
  Time warmup = Time::zero();
  Time episode_merge_gap = seconds(60);
  std::string routing_mode = "auto";
  Time start = Time::zero();
  std::vector<model::DnView> initial_truth;        // per DN (default: no owner, OOS)
  std::vector<model::LinkEndState> initial_links;  // node * nodes + peer (default: up)
  std::function<bool(int)> node_alive;             // default: always alive
};

// The groups of a spec as Cluster::groups() defines them: every group named by an agent or the
// workload, sorted by name (for tools that need them without a Cluster).
std::vector<std::string> routing_groups(const model::ClusterSpec& spec);
// From a cluster: its groups (Cluster::groups), names, parameters, current truth and links.
CallStatsSetup call_stats_setup(const model::Cluster& cluster);

class CallStats : public model::Observer {
 public:
  // Opens the files in `dir` (which must exist). Register with cluster.add_observer(&stats)
  // before running; after the run call cluster.finish_calls(), then finish(end).
  // `recording`: which of its files are written (kpis: intervals, periods, episodes,
  // call_summary; calls; routing) and whether compressed; what it counts is the same.
  CallStats(const model::Cluster& cluster, const std::filesystem::path& dir, RunLabel label,
            const Recording& recording = Recording::every());
  // Without a cluster (tests): node liveness from setup.node_alive; instants end when an
  // observation with a later time arrives (or end_instant()).
  CallStats(CallStatsSetup setup, const std::filesystem::path& dir, RunLabel label,
            const model::Cluster* cluster = nullptr,
            const Recording& recording = Recording::every());
  ~CallStats() override;
  CallStats(const CallStats&) = delete;
  CallStats& operator=(const CallStats&) = delete;

  void on_dn_view(const model::DnViewChange& c) override;
  bool wants_node_views() const override { return false; }  // the truth is enough
  // The next event may change the DN's truth: its record starts loading (MODEL.md choice 98).
  void prefetch_dn(model::ViewLevel level, int node, int dn) const override;
  bool wants_prefetch() const override { return true; }
  void on_link(const model::LinkChange& c) override;
  void on_call(const model::CallRecord& c) override;
  void on_decision(const model::RoutingDecision& d) override;
  void on_event(const FiredEvent& f) override;
  // routing.csv's `stale` column is filled in when asked for (before add_observer); without
  // it the column is 0 and the run is cheaper (its events are the same).
  void want_decision_detail(bool on) { decision_detail_ = on; }
  bool wants_decision_detail() const override { return decision_detail_; }

  // Without a cluster (tests): re-reads node liveness from setup.node_alive and re-classifies
  // the period at time t (attached to a cluster, liveness arrives by on_node).
  void refresh(Time t);

  // Closes the occupancy and period accounting at `end`, writes intervals.csv, periods.csv,
  // episodes.csv and call_summary.csv, and closes every file. Throws std::runtime_error if a
  // file could not be written. Idempotent.
  void finish(Time end);

  // ---- results (complete after finish(); the call counts are live)
  // node: -1 = all nodes; group: -1 = all groups. Rows of a node count the calls that arrived
  // on it; agent time (occupancy, held_by_r36_s) is on DC and "all" rows only.
  Kpis kpis(int node = -1, int group = -1) const;
  Kpis period_kpis(Period p, int node = -1) const;
  Kpis interval_kpis(int64_t interval, int node = -1, int group = -1) const;
  // The DC rows (calls arrived in the DC; agents whose home DC it is) and the DC's `none` row
  // (calls that found no node: lost at the proxy).
  Kpis dc_kpis(int dc, int group = -1) const;
  Kpis none_kpis(int dc, int group = -1) const;
  Kpis period_dc_kpis(Period p, int dc) const;
  // A row's KPIs (RowSlot::slot) over the run (warm-up excluded), in one §6.4 period, in one
  // interval.
  Kpis row_kpis(int slot, int group = -1) const { return run_kpis_at(slot, group); }
  Kpis row_period_kpis(Period p, int slot) const { return period_kpis_at(p, slot); }
  Kpis row_interval_kpis(int64_t interval, int slot, int group = -1) const;
  // occupancy.csv's cells: agents of `dc` (-1: all) whose DN's truth owner is `owner` (-1: any,
  // -2: none), in `interval` (-1: the whole run after warm-up). Only the agent-time fields.
  Kpis occupancy_kpis(int64_t interval, int dc = -1, int owner = -1, int group = -1) const;
  // The rows of every KPI table, in order: per DC its nodes, its none row and its total (node
  // "all"); then "all" (or first, all_first). Each with its dc and node names.
  struct RowSlot {
    int slot;
    std::string dc, node;
    bool agent_time;  // DC and "all" rows carry agent time
  };
  std::vector<RowSlot> row_slots(bool all_first = false) const;
  Time period_time(Period p) const;          // whole run
  Time period_counted_time(Period p) const;  // after warm-up
  Period period_at(Time t) const;
  Period current_period() const;

  enum class Window { before = 0, during = 1, after = 2 };
  // Fault kinds of an episode (DOMAIN §6.5).
  static constexpr unsigned kFaultCut = 1, kFaultCrash = 2, kFaultGwsFail = 4, kFaultGwsCut = 8,
                            kFaultWweDisconnect = 16, kFaultDnOos = 32, kFaultOneWayCut = 64;
  struct Episode {
    Time start, end;
    bool open_at_end = false;
    unsigned kinds = 0;          // bit (1 << Period) for each period seen in it
    unsigned faults = 0;         // kFaultCut, kFaultCrash
    uint64_t nodes_touched = 0;  // bit per node: a link end of it left `up`, or it crashed
    Time time_in[kPeriods];
    Time crashed;  // node-time spent crashed within the episode
    // Windows in whole seconds of arrival: during = [floor(start), ceil(end)), before and after
    // of the same length, clipped to [0, ceil(run end)).
    int64_t from_s[3] = {0, 0, 0}, to_s[3] = {0, 0, 0};
    bool complete[3] = {true, true, true};
  };
  const std::vector<Episode>& episodes() const { return episodes_; }
  Kpis episode_kpis(size_t episode, Window w, int node = -1) const;
  Kpis episode_dc_kpis(size_t episode, Window w, int dc) const;
  // Answered calls dropped (R37, R38) and calls lost with their node, by the second the fault
  // ended them: the calls a fault cost, counted in its window (DOMAIN §6.4 item 3).
  uint64_t episode_ended_by_fault(size_t episode, Window w, int node = -1) const;
  void on_node(const model::NodeChange& c) override;
  // The faults a timeline schedules that no link or node change shows (DOMAIN §6.5): GWS
  // failures (gws_fail to gws_restart), GWS-node cuts (gws_cut to gws_heal) and WWE
  // disconnects (wwe_disconnect to wwe_reconnect of the same agent), each to the end of the run
  // if not undone; they touch the GWS's (first) node. One-way cuts: the link fault that starts
  // at a `cut` with `one_way` is kind one_way_cut. Call before the run ends.
  void add_action_faults(const std::vector<model::Action>& timeline,
                         const model::ClusterSpec& spec);

  uint64_t calls() const { return calls_seen_; }
  uint64_t decisions() const { return decisions_seen_; }
  void flush();

 private:
  struct Cell {
    CallAggregate calls;
    OccupancyAggregate occ;
  };
  // Per second of arrival and node slot: the few counts the episode windows need.
  struct SecondBin {
    uint32_t offered = 0, answered = 0, answered_remote = 0, within_t = 0, abandoned = 0,
             short_abandons = 0, routing_failures = 0, lost_node = 0, misrouted = 0, dropped = 0,
             ended_by_fault = 0;  // by the second of the call's end, not its arrival
    int64_t wait_us = 0, work_us = 0;
  };
  // R36 holds: agent time from a call's real end to its release, by the agent's home DC.
  struct HeldSpan {
    int dc;
    int64_t start, end;
  };
  struct Span {
    int64_t start;
    Period kind;
  };
  // Everything CallStats follows per DN, in one cache line (a truth change reads and writes
  // only this): the truth's (owner, service, agent state) since `since`, R36's held call end,
  // the open R12/R47 out-of-service span, its agent's home DC and groups (the first
  // kInlineGroups here, all of them in dn_group_list_ beyond that).
  static constexpr int kInlineGroups = 4;
  struct alignas(64) DnState {
    int64_t since = 0;
    int64_t call_end = -1;   // end of its last answered call while still talking (-1: none)
    int64_t oos_start = -1;  // R12/R47: start of the open span out of service (-1: none)
    int32_t owner = -1;
    int32_t oos_node = -1;   // the owner it left service under
    int32_t dc = 0;          // its agent's home DC (clamped)
    uint32_t groups_at = 0;  // more than kInlineGroups groups: their first in dn_group_list_
    model::AgentState agent = model::AgentState::logged_out;
    uint16_t group_count = 0;
    bool in_service = false;
    int32_t groups[kInlineGroups] = {};
  };
  static_assert(sizeof(DnState) == 64);
  const int32_t* groups_of(const DnState& s) const {
    return s.group_count <= kInlineGroups ? s.groups : dn_group_list_.data() + s.groups_at;
  }

  // Row slots: nodes, then "none" per DC (calls with no node), then each DC, then "all".
  int node_slots() const { return nodes_ + 2 * dcs_ + 1; }
  int all_node() const { return nodes_ + 2 * dcs_; }
  int none_slot(int dc) const { return nodes_ + clamp_dc(dc); }
  int dc_slot(int dc) const { return nodes_ + dcs_ + clamp_dc(dc); }
  int clamp_dc(int dc) const { return dc >= 0 && dc < dcs_ ? dc : 0; }
  int dc_of_node(int node) const;
  int dc_of_slot(int slot) const;  // the DC of a node, none or DC slot; -1 for "all"
  // occupancy.csv cells: [(dc * (nodes + 2) + owner) * group_slots + group], dc = dcs_ for
  // all, owner = nodes_ for none and nodes_ + 1 for all.
  int occ_cells() const { return (dcs_ + 1) * (nodes_ + 2) * group_slots(); }
  void add_agent_time(const DnState& s, int64_t OccupancyAggregate::*field, int64_t from,
                      int64_t to);
  Kpis run_kpis_at(int slot, int group) const;
  Kpis period_kpis_at(Period p, int slot) const;
  CallAggregate episode_sum(size_t episode, Window w, int node, int dc, uint64_t* ended) const;
  double episode_held_s(size_t episode, Window w, int dc) const;
  int group_slots() const { return groups_ + 1; }  // groups, "all"
  int slot_of_node(int node) const;
  int slot_of_group(int group) const;
  Cell& interval_cell(int64_t interval, int node_slot, int group_slot);
  const Cell* interval_cell_if(int64_t interval, int node_slot, int group_slot) const;
  Period classify() const;
  void set_period(int64_t t, Period p);
  void account_dn(DnState& s, int64_t to);
  void add_occupancy(const DnState& s, int64_t from, int64_t to);
  void write_call_row(const model::CallRecord& c, Period p, bool counted);
  void track_dn_oos(DnState& s, const model::DnViewChange& c);
  void build_episodes(int64_t end);
  void write_intervals(int64_t end);
  void write_periods();
  void write_episodes();
  void write_occupancy(int64_t end);
  void write_summary(int64_t end);
  const std::string& node_name(int node) const;

  CallStatsSetup setup_;
  const model::Cluster* cluster_ = nullptr;
  RunLabel label_;
  int nodes_ = 0, groups_ = 0, dns_ = 0, dcs_ = 1;
  int64_t interval_us_ = 1, warmup_us_ = 0, start_us_ = 0, end_us_ = -1;

  CsvWriter calls_, routing_;
  std::unique_ptr<CsvWriter> intervals_, periods_, episodes_out_, summary_, occupancy_;

  std::vector<model::LinkEndState> links_;  // node * nodes + peer
  std::vector<char> alive_;
  std::vector<Span> timeline_;  // period changes, increasing start, no zero-length spans
  // Node crashes (on_node): [start, end), end -1 while the node is down.
  struct CrashSpan {
    int node;
    int64_t start, end;
  };
  std::vector<CrashSpan> crashes_;
  struct ActionFault {
    int64_t start, end;  // end -1: not undone
    unsigned kind;
    uint64_t nodes;
  };
  std::vector<ActionFault> action_faults_;
  std::vector<int64_t> one_way_cuts_;  // times of one-way cut actions
  // R12/R47 (DOMAIN §6.5): a logged-in agent's DN out of service in the truth after it was in
  // service under a live owner: the closed spans (the open ones are in DnState).
  struct OosSpan {
    int node;
    int64_t start, end;
  };
  std::vector<OosSpan> dn_oos_;
  // Link ends leaving `up` (on_link): when, and the two nodes, for the nodes an episode touches.
  std::vector<std::pair<int64_t, uint64_t>> link_faults_;
  SecondBin& second_bin(int64_t at_us, int node_slot);
  std::vector<DnState> dn_;
  std::vector<int32_t> dn_group_list_;              // groups of DNs with more than kInlineGroups
  std::vector<std::vector<Cell>> intervals_cells_;  // [interval][node_slot * group_slots + g]
  std::vector<Cell> run_cells_;                     // [node_slot * group_slots + g]
  std::vector<Cell> period_cells_;                  // [period * node_slots + node_slot]
  std::deque<SecondBin> seconds_;                   // [second * (nodes + dcs) + slot]
  std::vector<std::vector<OccupancyAggregate>> occ_intervals_;  // [interval][occ cell]
  std::vector<OccupancyAggregate> occ_run_;                     // [occ cell]
  std::vector<HeldSpan> held_;
  std::vector<Episode> episodes_;
  uint64_t calls_seen_ = 0, decisions_seen_ = 0;
  bool decision_detail_ = false;
  bool finished_ = false;
};

}  // namespace scsim::stats
