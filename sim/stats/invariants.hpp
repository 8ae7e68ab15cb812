// A run-time checker of DOMAIN §3's invariants, as a Cluster Observer (`scsim run
// --check-invariants`):
//   - time never goes backwards: executed events have non-decreasing times;
//   - R10: two live nodes whose TC link is up at both ends (not cut, resynced) never both
//     claim a DN for longer than one TC delay (the new owner's announcement in flight); two TC
//     delays for a double claim that existed when an undeclared cut of the pair ended (R28's
//     held announcement, then the winner's answer: docs/MODEL.md choice 38);
//   - every call ends once, with one outcome: a call id reported twice by on_call is a
//     violation, except that a call still in progress at the run's end may be reported once
//     (outcome in_progress, Cluster::finish_calls) if nothing reported it before; each record's
//     fields must agree with its outcome (answered <=> answered_*, a cause <=> routing_failure);
//   - no decision picks a DN its Stat Server shows OOS or busy: at an "offer" decision of URS_N,
//     SS_N(chosen DN) is eligible (owner, InSrv, Ready) and the DN is in the call's group (the
//     decision is emitted before R52's reservation mark, so SS_N is what URS_N saw);
//   - R29: a remote view is never ahead of the owner: whenever view_M(d) (M not the owner it
//     shows) shows owner O with d InSrv, the (InSrv, agent state, Ready time) it shows is one
//     that O's own view_O(d) has held, with O as owner, at or before that instant (docs/MODEL.md
//     choice 29: OOS marks are a node's own deduction, R21/R22, and are not compared; neither
//     is the claim time, which R14 changes without an update);
//   - R26: M applies O's TC messages in the order O sent them (Observer::on_tc_apply: each
//     link's sequence numbers only grow; R28's losses leave gaps).
// Claims are re-examined at the end of every instant (Observer::on_instant_end) in which a
// view, an ownership or a link changed (or a node died or came back: on_node), so the cost
// follows the changes, not the DN count. On the first violation the checker records a message
// naming the rule, DN, nodes and time, and asks the model to stop the run
// (Observer::stop_requested, StopReason::invariant) so that the caller can report it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "model/cluster.hpp"

namespace scsim::stats {

class InvariantChecker : public model::Observer {
 public:
  explicit InvariantChecker(const model::Cluster& cluster);

  void on_dn_view(const model::DnViewChange& c) override;
  void on_ownership(const model::OwnershipChange& c) override;
  void on_link(const model::LinkChange& c) override;
  void on_node(const model::NodeChange& c) override;
  void on_event(const FiredEvent& f) override;
  void on_instant_end(Time t) override { end_instant(t); }
  bool wants_instant_ends() const override { return true; }
  void on_call(const model::CallRecord& r) override;
  void on_decision(const model::RoutingDecision& d) override;
  void on_tc_apply(const model::TcApply& a) override;

  // Checks the state at the end of the run (a double claim still pending at `end`).
  void finish(Time end) { end_instant(end); }
  // After Cluster::finish_calls: every call that arrived (ids 1..arrived) was reported once,
  // ended or in progress.
  void check_calls_reported(uint64_t arrived);
  uint64_t calls_reported() const { return calls_reported_; }
  uint64_t decisions_checked() const { return decisions_checked_; }

  bool violated() const { return !message_.empty(); }
  // Empty while no invariant was violated; else e.g. "R10 violated at 12.050000: DN 1001 is
  // claimed by N1 and N2 ...".
  const std::string& message() const { return message_; }
  uint64_t checks() const { return checks_; }

 private:
  void mark(int dn);
  void end_instant(Time t);
  void fail(std::string msg);
  struct DoubleClaim;
  // R10: fails (and returns true) if the double claim `key` has lasted beyond its allowance at t.
  bool r10_too_long(const std::tuple<int, int, int>& key, const DoubleClaim& claim, Time t);

  const model::Cluster& cluster_;
  int nodes_, dns_;
  std::vector<char> dirty_;
  std::vector<int> dirty_list_;
  bool all_dirty_ = true;
  std::vector<char> alive_;
  bool liveness_changed_ = false;  // a node died or came back since the last instant's end
  bool have_last_ = false;
  Time last_time_;
  // (dn, a, b) with a < b -> since when both claim it with their link up, and whether the
  // double claim was carried over the end of an undeclared cut (allowed two TC delays).
  struct DoubleClaim {
    Time since;
    bool carried = false;
  };
  std::map<std::tuple<int, int, int>, DoubleClaim> double_claims_;
  // (dn, a, b): both claim the DN while a cut of the pair is declared by neither end.
  std::set<std::tuple<int, int, int>> held_over_cut_;
  // (dn, node) -> when node's view last came to name node as the DN's owner (its claim began).
  std::map<std::pair<int, int>, Time> claim_began_;
  Time claim_began(int dn, int node) const;
  std::string message_;
  uint64_t checks_ = 0;
  // Per call id: 0 not reported yet, else 1 + the CallOutcome it was reported with.
  std::vector<uint8_t> call_outcome_;
  uint64_t calls_reported_ = 0;
  uint64_t decisions_checked_ = 0;
  // R29: hashes of (dn, owner, InSrv, agent, Ready time) that an owner's own view has held
  // (membership only; never iterated).
  std::unordered_set<uint64_t> owner_states_;
  // R26: per link (from * nodes + to), the sequence number of the last message applied.
  std::vector<uint64_t> last_applied_;
};

}  // namespace scsim::stats
