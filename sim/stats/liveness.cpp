#include "stats/liveness.hpp"

namespace scsim::stats {

std::string describe(const model::Cluster& c, const model::DnView& v) {
  std::string owner = v.owner < 0 ? "none" : c.spec().nodes[size_t(v.owner)].name;
  return "owner " + owner + ", " + (v.in_service ? "InSrv" : "OOS") + ", " +
         model::to_string(v.agent);
}

std::vector<std::string> check_converged(const model::Cluster& c, size_t limit) {
  std::vector<std::string> out;
  for (int d = 0; d < c.dn_count(); ++d) {
    model::DnView t = c.truth(d);
    for (int n = 0; n < c.node_count(); ++n) {
      if (!c.node_alive(n)) continue;
      for (int level = 0; level < 2; ++level) {
        const model::DnView& v = level == 0 ? c.view(n, d) : c.stat(n, d);
        bool same = v.owner == t.owner && v.in_service == t.in_service &&
                    (t.owner < 0 || v.agent == t.agent);
        if (same) continue;
        if (out.size() >= limit) return out;
        out.push_back("DN " + c.spec().agents[size_t(d)].dn + " at " +
                      (level == 0 ? "view_" : "SS_") + c.spec().nodes[size_t(n)].name + ": " +
                      describe(c, v) + "; truth: " + describe(c, t));
      }
    }
  }
  return out;
}

}  // namespace scsim::stats
