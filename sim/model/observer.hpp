// What the model tells its observers (issue 11 §4): every change of a DN view, an owner, a TC
// link end, a node's liveness or a GWS connection; conflicts; TC messages sent and applied;
// calls and routing decisions; executed events and the end of each instant. Observers are
// const readers of the cluster: they never change the model, and stop a run only by asking
// (Observer::stop_requested).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/scheduler.hpp"
#include "model/call_record.hpp"
#include "model/dn_view.hpp"

namespace scsim::model {

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
  // The instant `at` is over: its last event has run (DOMAIN "same instant": what holds now is
  // the state at the end of the instant). Called once per instant, after on_event of its last
  // event, only to observers that wants_instant_ends() (asked once, by add_observer: knowing
  // it costs the model a look at the next event after each one).
  virtual void on_instant_end(Time) {}
  virtual bool wants_instant_ends() const { return false; }
  // Whether routing decisions should carry RoutingDecision::stale (routing.csv's `stale`
  // column); asked once, by add_observer. It only counts: the run is the same without it, and
  // cheaper.
  virtual bool wants_decision_detail() const { return false; }
  // Whether on_dn_view wants the nodes' views and Stat Servers (ViewLevel::view and ::stat),
  // not only the truth; asked once, by add_observer. An observer of the truth alone saves
  // the model eight of every nine notifications in a four-node cluster.
  virtual bool wants_node_views() const { return true; }
  // The next event will likely change DN `dn` at this level (at node `node`; -1 for the
  // truth): an observer that keeps per-DN state may start loading it (a cache hint; it must
  // change nothing). Called only to observers that wants_prefetch() (asked once, by
  // add_observer), and only on sites large enough for the model to prefetch its own state
  // (MODEL.md choice 98).
  virtual void prefetch_dn(ViewLevel /*level*/, int /*node*/, int /*dn*/) const {}
  virtual bool wants_prefetch() const { return false; }
  // GWS-node connection ends (only to observers that want_gws_links(), asked once by
  // add_observer: following them costs the model a look at every GWS after each event).
  virtual void on_gws_link(const GwsLinkChange&) {}
  virtual bool wants_gws_links() const { return false; }

  // Why this observer asks the run to stop (StopReason::none: it does not). The model reads
  // it after every event and stops the run before the next one; an observer never stops a
  // run any other way (it reads the cluster, never writes it).
  StopReason stop_requested() const { return stop_; }

 protected:
  // Asks the run to stop after the event being handled (the first request wins).
  void request_stop(StopReason r) {
    if (stop_ == StopReason::none) stop_ = r;
  }

 private:
  StopReason stop_ = StopReason::none;
};

}  // namespace scsim::model
