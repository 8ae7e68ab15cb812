// The cluster model: nodes, TC links, SIP Proxies, phones, GWS nodes, WWE sessions and agents,
// with the ownership, service and view-propagation rules of DOMAIN §3 (R1-R49, R66-R68).
//
// State lives in plain vectors indexed by integer ids (node, DN, GWS); every change happens in
// one event handler, dispatched from the Scheduler in one place. The model does no I/O: it
// emits observations (DN view changes per level, ownership changes, link state changes,
// conflicts) to subscribed observers. The same model runs under the CLI, the GUI and the tests.
//
// Invariants kept here: a node learns about a DN it does not own only from its believed owner
// over their direct link (R19, R23); updates on a link are applied in sending order (R26); a
// remote view is never ahead of the owner (R29).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/scheduler.hpp"
#include "model/dn_view.hpp"
#include "model/observer.hpp"
#include "model/reach.hpp"
#include "model/spec.hpp"

namespace scsim::model {

class Cluster {
 public:
  Cluster(ClusterSpec spec, uint64_t seed);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // A checkpoint of the run: a deep copy of the whole model state (scheduler, random streams,
  // views, calls, pending events) without its observers. Run on, the copy executes exactly the
  // events the original would (same fingerprint); the caller attaches its own observers (an
  // observer that wants GWS links is told the connected lanes again, as on any add_observer).
  std::unique_ptr<Cluster> clone() const;

  void add_observer(Observer* o);

  // Schedules an action at a.at (scenario-action class of DOMAIN "same instant": faults such as
  // cut, heal, crash, restart, phone on/off/move run first at an instant, agent actions last).
  void schedule(const Action& a);
  // Runs every event with time <= t (events at t run); returns why it stopped.
  StopReason run_until(Time t);
  // Runs one event; false when there is none or a limit stops the run.
  bool step();

  // A readable name for an event kind of this model ("tc_deliver", "offer_arrive", ...).
  static const char* event_name(uint32_t kind);

  Scheduler& scheduler();
  const Scheduler& scheduler() const;
  Time now() const;

  const ClusterSpec& spec() const;
  const Params& params() const;
  int node_count() const;
  int dn_count() const;
  int gws_count() const;
  int dn_of_agent(int agent) const;  // DN index == agent index
  bool node_alive(int node) const;   // changes only with Observer::on_node
  // Counts cut and heal actions so far (pair_cut and reachable_for_offers change only then, or
  // with a node's liveness: Observer::on_node).
  uint64_t cut_changes() const;

  const DnView& view(int node, int dn) const;  // view_N(d)
  const DnView& stat(int node, int dn) const;  // SS_N(d)
  DnView truth(int dn) const;                  // the truth (owner = truth owner)
  int truth_owner(int dn) const;
  // Nodes currently claiming the DN (live or not), lowest first.
  std::vector<int> claimants(int dn) const;
  LinkEndState link_end(int node, int peer) const;
  bool pair_cut(int a, int b) const;                  // either direction cut
  bool reachable_for_offers(int from, int to) const;  // R30 (network scope: not cut)
  int gws_node(int gws) const;                        // -1: not connected
  bool gws_alive(int gws) const;
  Time one_way_delay(int a, int b) const;
  // Who reaches whom over the TC mesh right now (live nodes, uncut directions).
  Reachability reachability() const;

  // ---- calls and routing (R50-R65)
  // Routing groups: every group named by an agent or the workload, sorted by name.
  const std::vector<std::string>& groups() const;
  int group_index(const std::string& name) const;  // -1 if unknown
  // Calls waiting in node's queue for group (-1: all groups).
  int queue_length(int node, int group = -1) const;
  uint64_t calls_arrived() const;
  uint64_t calls_active() const;
  // Runaway guard: when more than `n` calls are in the system at once (queued, offered, ringing,
  // talking or in ACW), the run stops after that event with StopReason::call_limit.
  void set_call_limit(uint64_t n);
  // Emits on_call for every call still in progress (outcome in_progress); call once at the
  // end of a run, after run_until.
  void finish_calls();
  // The count of "stale" DNs per routing decision (routing.csv) is filled in only when an
  // observer wants_decision_detail(). Kept up to date as views and Stat Servers change, it
  // costs O(N^2) per decision, not O(eligible DNs).
  // Tests: with detailed decisions, recount every decision's stale DNs by a walk over the
  // eligible set and count the decisions where the kept count differs.
  void set_verify_stale_counts(bool on);
  uint64_t stale_count_checks() const;
  uint64_t stale_count_mismatches() const;

  struct Impl;

 private:
  explicit Cluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace scsim::model
