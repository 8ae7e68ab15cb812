// KPIs over simulated time, two views:
//   KpiPanel      per Stat Server (and the truth), the number of DNs in service and eligible for
//                 routing, as PlotLines
//   CallKpiPanel  the call KPIs of §6.2 per bin of arrival (SL, ASA, abandonment) and the queue
//                 length, per node and for all nodes, with the §6.4 periods (connected,
//                 undetected, partitioned, resyncing) shaded behind the plots, and a table of
//                 the KPIs per period with the calls answered locally vs remotely
#pragma once

#include <vector>

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

class KpiPanel {
 public:
  Commands draw(const Session& s);

 private:
  bool eligible_ = true;
};

class CallKpiPanel {
 public:
  Commands draw(const Session& s);

 private:
  static std::vector<int> widths(const Session& s);  // bin widths offered, in base bins
  static int auto_width(const Session& s, const std::vector<int>& ks);

  int bin_k_ = 0;           // chosen bin width in base bins; 0: auto
  bool whole_run_ = false;  // x axis 0..end instead of first calls..now
  bool per_node_ = true;
};

}  // namespace scsim::viz
