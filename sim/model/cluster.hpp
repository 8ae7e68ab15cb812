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
#include "model/reach.hpp"
#include "model/spec.hpp"

namespace scsim::model {

enum class AgentState { logged_out, not_ready, ready, reserved, ringing, talking, acw };
const char* to_string(AgentState s);
inline bool is_busy(AgentState s) {
  return s == AgentState::reserved || s == AgentState::ringing || s == AgentState::talking ||
         s == AgentState::acw;
}

// What one place (the truth, view_N, SS_N) holds about one DN.
struct DnView {
  int owner = -1;  // believed owner node, -1: none
  bool in_service = false;
  AgentState agent = AgentState::logged_out;
  Time ready_since;  // owner's timestamp of the last entry into Ready (R55, R64)
  Time claim_time;   // owner's last accepted registration time (R25, R67)
  bool operator==(const DnView&) const = default;
  // Eligible for routing as far as this view knows (R51 without the group test).
  bool eligible() const { return owner >= 0 && in_service && agent == AgentState::ready; }
};

enum class ViewLevel { truth, view, stat };
const char* to_string(ViewLevel l);

enum class LinkEndState { up, cut_undeclared, declared_lost, resyncing, peer_down };
const char* to_string(LinkEndState s);

enum class OwnershipCause {
  registration,
  move,
  crash_recovery,
  gws_failover,
  release,
  drop,
  split_brain,
  expiry
};
const char* to_string(OwnershipCause c);

struct DnViewChange {
  Time at;
  ViewLevel level;
  int node;  // -1 for the truth
  int dn;
  DnView before, after;
};
struct OwnershipChange {
  Time at;
  int dn;
  int old_owner, new_owner;  // truth owner before and after (-1: none)
  OwnershipCause cause;
};
struct LinkChange {
  Time at;
  int node, peer;  // the end `node` of link node-peer
  LinkEndState before, after;
};
// A node crashed (alive false) or restarted (alive true): DOMAIN §3.6.
struct NodeChange {
  Time at;
  int node;
  bool alive;
};
// One end of a GWS-node connection changed state (DOMAIN §3.7, R28, R31, R47; issue 21 §6):
// GWS `gws` with node `node`, the end at the GWS (`gws_end`) or at the node. States as for a
// TC link end: up; cut_undeclared (cut, this end has not declared it lost); declared_lost
// (this end declared it lost, or the connection is gone: the GWS is connected elsewhere, to
// nothing, or has failed); peer_down (the node is down). A pair is first reported (`before`
// declared_lost) when the GWS first connects to that node, or when an observer is attached.
struct GwsLinkChange {
  Time at;
  int gws, node;
  bool gws_end;
  LinkEndState before, after;
};
struct Conflict {
  Time at;  // resolution time
  int dn;
  int winner, loser;
  Time since;  // when both claims started to coexist
};

// A message leaves its sender, for message diagrams (the GUI's sequence chart): a TC message on
// link from -> to (`kind` and `seq` as in TcApply, so the two pair up; `held` when R28 holds it
// back behind a cut, `dropped` when the link is already declared lost and it is never sent), or
// a client request (`kind` "REGISTER", "REGISTER expires 0", "TRegisterAddress", "login", ...)
// to node `to` from a phone (from = -1) or from GWS g (from = -2 - g), due at `arrive`.
struct MessageSent {
  Time at;
  int from, to;
  uint64_t seq = 0;
  const char* kind = "";
  int dn = -1;              // the DN it is about, -1 for a snapshot
  bool in_service = false;  // update: the owner's entry
  AgentState agent = AgentState::logged_out;
  uint32_t epoch = 0;         // the channel's epoch (TC) when sent
  size_t entries = 0;         // snapshot: DN entries
  Time arrive = Time::max();  // max while held or dropped
  bool held = false, dropped = false;
};

// Node `to` applies a TC message from `from` (R26): `seq` is the message's place in the order
// `from` sent on this link (1, 2, ...; messages lost by R28 leave gaps, never reorderings).
struct TcApply {
  Time at;
  int from, to;
  uint64_t seq;
  const char* kind;  // "update", "release", "drop", "snapshot", "claim_request", "retained"
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_dn_view(const DnViewChange&) {}
  virtual void on_ownership(const OwnershipChange&) {}
  virtual void on_link(const LinkChange&) {}
  virtual void on_conflict(const Conflict&) {}
  // A node crashed or restarted (emitted by the one liveness setter).
  virtual void on_node(const NodeChange&) {}
  // A TC message is applied at its receiver (before its effects are emitted).
  virtual void on_tc_apply(const TcApply&) {}
  // A call ended (or was still in progress at the run's end: Cluster::finish_calls).
  virtual void on_call(const CallRecord&) {}
  // URS_N made a routing decision (an offer, or why the call waits or fails).
  virtual void on_decision(const RoutingDecision&) {}
  // A TC message or client request is sent (only to observers that want_messages()).
  virtual void on_message(const MessageSent&) {}
  virtual bool wants_messages() const { return false; }
  // Called once per executed event, after it ran (for invariant checkers and tracing).
  virtual void on_event(const FiredEvent&) {}
  // Whether on_dn_view wants the nodes' views and Stat Servers (ViewLevel::view and ::stat),
  // not only the truth; asked once, by add_observer. An observer of the truth alone saves
  // the model eight of every nine notifications in a four-node cluster.
  virtual bool wants_node_views() const { return true; }
  // GWS-node connection ends (only to observers that want_gws_links(), asked once by
  // add_observer: following them costs the model a look at every GWS after each event).
  virtual void on_gws_link(const GwsLinkChange&) {}
  virtual bool wants_gws_links() const { return false; }
};

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
  bool node_alive(int node) const;
  // Counts node crashes and restarts so far: observers that track liveness re-read it only
  // when this changes.
  uint64_t liveness_changes() const;
  // Counts cut and heal actions so far (pair_cut and reachable_for_offers change only then, or
  // with liveness_changes).
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
  // The count of "stale" DNs per routing decision (routing.csv); off unless a recorder of
  // routing.csv asks for it. Kept up to date as views and Stat Servers change, it costs O(N^2)
  // per decision, not O(eligible DNs).
  void set_detailed_decisions(bool on);
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
