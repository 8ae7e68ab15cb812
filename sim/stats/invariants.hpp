// A run-time checker of DOMAIN §3's invariants, as a Cluster Observer (`scsim run
// --check-invariants`):
//   - time never goes backwards: executed events have non-decreasing times;
//   - R10: two live nodes whose TC link is up at both ends (not cut, resynced) never both
//     claim a DN for longer than one TC delay (the new owner's announcement in flight).
// Claims are re-examined at the end of every instant in which a view, an ownership or a link
// changed (or a node died or came back), so the cost follows the changes, not the DN count.
// On the first violation the checker records a message naming the rule, DN, nodes and time,
// and stops the run (through the scheduler's event limit) so that the caller can report it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "model/cluster.hpp"

namespace scsim::stats {

class InvariantChecker : public model::Observer {
 public:
  explicit InvariantChecker(model::Cluster& cluster);

  void on_dn_view(const model::DnViewChange& c) override;
  void on_ownership(const model::OwnershipChange& c) override;
  void on_link(const model::LinkChange& c) override;
  void on_event(const FiredEvent& f) override;

  // Checks the state at the end of the run (a double claim still pending at `end`).
  void finish(Time end) { end_instant(end); }

  bool violated() const { return !message_.empty(); }
  // Empty while no invariant was violated; else e.g. "R10 violated at 12.050000: DN 1001 is
  // claimed by N1 and N2 ...".
  const std::string& message() const { return message_; }
  uint64_t checks() const { return checks_; }

 private:
  void mark(int dn);
  void end_instant(Time t);
  void fail(std::string msg);

  model::Cluster& cluster_;
  int nodes_, dns_;
  std::vector<char> dirty_;
  std::vector<int> dirty_list_;
  bool all_dirty_ = true;
  std::vector<char> alive_;
  bool have_last_ = false;
  Time last_time_;
  // (dn, a, b) with a < b -> since when both claim it with their link up.
  std::map<std::tuple<int, int, int>, Time> double_claims_;
  std::string message_;
  uint64_t checks_ = 0;
};

}  // namespace scsim::stats
