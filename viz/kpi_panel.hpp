// KPI strip: per Stat Server (and the truth), the number of DNs in service and eligible for
// routing over simulated time, as PlotLines. (Calls, SL and ASA come with the routing model.)
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

}  // namespace scsim::viz
