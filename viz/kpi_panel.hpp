// KPIs over simulated time, two views:
//   KpiPanel      per Stat Server (and the truth), the number of DNs in service and eligible for
//                 routing, as PlotLines
//   CallKpiPanel  the call KPIs of §6.2 per bin of arrival (SL, ASA, abandonment) and the queue
//                 length, per node and for all nodes, with the §6.4 periods (connected,
//                 undetected, partitioned, resyncing) shaded behind the plots, and a table of
//                 the KPIs per period with the calls answered locally vs remotely
#pragma once

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
  bool whole_run_ = false;  // x axis 0..end instead of first calls..now
  bool per_node_ = true;
};

}  // namespace scsim::viz
