// Event log and what comes next, as tabs:
//   Log     the last observations of the model (link state changes, ownership changes, split
//           brains, DN view changes), newest last, filtered by type and text
//   Next    the next 20 pending events of the scheduler (Scheduler::peek: time, kind by
//           Cluster::event_name, target, arg, same-instant class), then the upcoming timeline
//           actions (scenario and hand-made), in scheduling order
//   Edits   the actions made by hand in this session, each removable
#pragma once

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

// "12.000000 s  cut {a: [N1], b: [N2], one_way: false}"
std::string describe(const model::ClusterSpec& spec, const model::Action& a);

class EventsPanel {
 public:
  Commands draw(const Session& s);
  void select_next() { select_next_ = true; }  // open the Next tab (headless screenshots)

 private:
  bool select_next_ = false;
  char filter_[64] = "";
  bool show_[5] = {true, true, true, false, true};  // by LogEntry::Type; DN views off at first
  bool follow_ = true;
};

}  // namespace scsim::viz
