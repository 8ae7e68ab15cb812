// Timeline controls: play / pause, step one event, step to the next timeline action, speed
// (real time x1 up to x100 000, or as fast as possible), run until T, and a seek slider over
// the whole run that also goes back in time (the Session restores its nearest earlier
// checkpoint and replays from it).
#pragma once

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

struct PlayState {
  bool playing = false;
  double speed = 10;  // simulated seconds per real second; 0: as fast as possible
};

class ControlsPanel {
 public:
  Commands draw(const Session& s, const PlayState& play);

 private:
  void timeline_strip(const Session& s, float x0, float x1);

  float seek_s_ = 0;
  bool seeking_ = false;
  char until_[32] = "";
  std::string until_error_;
};

}  // namespace scsim::viz
