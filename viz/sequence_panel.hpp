// Sequence chart (issue 19 §4), like OMNeT++'s Sequence Chart and Maelstrom's message diagrams:
// one horizontal lane per SIP node, GWS node and DC proxy (the phones' REGISTERs come through
// it), time to the right over a zoomable window; an arrow per TC message (update, release,
// drop, snapshot, ...) and client request (REGISTER, TRegisterAddress, login, ...) from its
// sending to its arrival; a message lost (a cut link declared lost, a crash) ends in a cross;
// ADDP declarations, resyncs, crashes and restarts are marks on their lanes. Filters: DN or
// agent, link, kind. The same picture is written headless as SVG (`--sequence-svg`).
#pragma once

#include <string>
#include <vector>

#include "commands.hpp"
#include "session.hpp"

namespace scsim::viz {

struct SeqFilter {
  std::string dn;                // DN or agent name (substring); empty: all
  int link_a = -1, link_b = -1;  // a TC link (both ways); -1: all
  bool tc = true, snapshots = true, requests = true, marks = true;
};

// What to draw, in pixels of a (w x h) canvas with origin (0, 0).
struct SeqPicture {
  struct Lane {
    float y;
    std::string name;
    bool node;
  };
  struct Arrow {
    float x0, y0, x1, y1;
    unsigned rgb;     // 0xRRGGBB
    bool lost, open;  // open: still in flight at the window's end
    size_t msg;       // index into SeqSeries::msgs
  };
  struct Mark {
    float x, y;
    unsigned rgb;
    std::string text;
  };
  struct Tick {
    float x;
    std::string label;
  };
  std::vector<Lane> lanes;
  std::vector<Arrow> arrows;
  std::vector<Mark> marks;
  std::vector<Tick> ticks;
  float left = 0, right = 0, top = 0, bottom = 0;  // the plotting area
  size_t in_window = 0;                            // messages in the window that pass the filters
  bool truncated = false;                          // more than kMaxArrows: the first are drawn
  static constexpr size_t kMaxArrows = 20000;
};

SeqPicture layout_sequence(const Session& s, Time from, Time to, const SeqFilter& f, float w,
                           float h, float label_w);
// One line of hover text for message `i`: "update N2->N1 DN 2001 OOS Ready epoch 3 ...".
std::string describe(const Session& s, size_t i);
// Writes the window [from, to] as an SVG file; empty or an error message.
std::string write_sequence_svg(const Session& s, Time from, Time to, const SeqFilter& f,
                               const std::string& path);

class SequencePanel {
 public:
  Commands draw(const Session& s);

 private:
  double from_s_ = -1;  // window start; < 0: follow now
  double span_s_ = 2.0;
  bool follow_ = true;
  char dn_[64] = "";
  int link_ = 0;  // 0 all, else index + 1 into the pairs
  SeqFilter f_;
};

}  // namespace scsim::viz
