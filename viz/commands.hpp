// What a panel asks the app loop to do. Panels never change the Session themselves: they return
// Commands, and only the loop in app.cpp applies them (STYLE.md, "The GUI reads").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "model/spec.hpp"

namespace scsim::viz {

struct Command {
  enum class Kind {
    play,
    pause,
    step_event,
    step_action,
    run_until,      // t: forward, or back by re-execution
    set_speed,      // speed: simulated seconds per real second; 0 = as fast as possible
    edit,           // action: a hand-made timeline action at now()
    remove_edit,    // index into Session::user_actions()
    save_scenario,  // path
    write_results,  // path (a results directory)
    quit,
  };
  Kind kind = Kind::pause;
  Time t;
  double speed = 1;
  model::Action action;
  size_t index = 0;
  std::string path;
};
using Commands = std::vector<Command>;

inline Command make(Command::Kind k) {
  Command c;
  c.kind = k;
  return c;
}
inline Command run_until_cmd(Time t) {
  Command c;
  c.kind = Command::Kind::run_until;
  c.t = t;
  return c;
}
inline Command edit_cmd(model::Action a) {
  Command c;
  c.kind = Command::Kind::edit;
  c.action = std::move(a);
  return c;
}

}  // namespace scsim::viz
