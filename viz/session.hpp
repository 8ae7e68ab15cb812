// The GUI's simulation: a scenario, a seed, the actions made by hand, and the cluster that runs
// them. The panels read it (const); only the app loop changes it, through Commands.
//
// Invariants kept here:
//   - The cluster is always exactly the run that `scsim run` makes of the scenario file that
//     "Save scenario as" writes: it is built with stats::build_cluster from the scenario's
//     timeline merged with the hand-made actions (stats::merge_timeline). An edit made at time T
//     is therefore not slipped into the running cluster (that would give the action a different
//     scheduler sequence number and so a different fingerprint); the run is re-executed from
//     the start with the action in the timeline, up to T.
//   - Seeking (back, or forward past a checkpoint) restores the latest checkpoint at or before
//     T and runs forward from it: the state after seeking to T is the state of an uninterrupted
//     run at T, because a checkpoint is a deep copy of the whole state at its time (the cluster:
//     Cluster::clone; the panels' data: Watch's data) and run_until(a) then run_until(b) runs the
//     same events as run_until(b). The rewind test (viz/tests/rewind_test.cpp) checks the
//     fingerprint and every panel's data against an uninterrupted run.
//   - Checkpoints (instant rewind, issue 19 §3) are taken during forward runs, between two
//     instants, every `spacing` executed events (20 000 at first), at most kMaxCheckpoints of
//     them: when one more is due, every other is dropped and the spacing doubles. Spaced by
//     events rather than simulated time, a seek replays at most one spacing of events however
//     busy the period (a partition's resync, a registration storm) or quiet the night. The
//     sequence chart's 400 000 messages are shared between the live data and the checkpoints in
//     copy-on-write chunks (ChunkedRing): a checkpoint copies only the chunks written since.
//     Editing the timeline drops them all (the run changes from time 0).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/cluster.hpp"
#include "scenario/scenario.hpp"
#include "stats/call_stats.hpp"

namespace scsim::viz {

// One line of the event log: an observation of the model, as text, with its time and type.
struct LogEntry {
  enum class Type { link, ownership, conflict, dn_view, action };
  Time at;
  Type type;
  int dn = -1;  // for DN filters; -1 when not about one DN
  std::string text;
};
const char* to_string(LogEntry::Type t);

// Counts per Stat Server (and the truth) sampled over simulated time, for the KPI strip.
struct KpiSeries {
  Time step;                                   // sampling interval
  std::vector<std::vector<float>> in_service;  // [level][sample]; level 0 = truth, 1+n = SS_n
  std::vector<std::vector<float>> eligible;
};

// Calls and routing over simulated time, for the calls panel and the call KPI plots. Bounded:
// fixed base bins over the scenario's duration (the plots merge k of them: the bin width
// control), a ring of the last decisions, and one period span per
// change of §6.4 period (grows with faults only).
struct CallSeries {
  // Calls by bin of arrival, per node slot (0..N-1 the node the call arrived on, N all nodes),
  // counted when they end (a bin fills up as its calls end): [bin * (N + 1) + slot].
  Time bin;
  int bins = 0;
  std::vector<stats::CallAggregate> by_bin;
  // Calls waiting per node, sampled at KpiSeries::step (state before each sample time).
  std::vector<std::vector<float>> queue;  // [node][sample]
  // §6.4 periods (as stats::CallStats classifies them from the link ends between live nodes),
  // in time order; a period change lasting no time is replaced by the next one.
  struct Span {
    Time start;
    stats::Period period;
  };
  std::vector<Span> periods;
  // Fault episodes, shaded on the plots and the time slider: node crashes as observed (from
  // the crash to the restart; open while the node is down), GWS and WWE faults from the
  // timeline (fail/cut/disconnect to restart/heal/reconnect).
  struct Episode {
    Time start, end;  // end = Time::max() while it lasts
    enum class Kind { crash, gws, wwe } kind;
    std::string what;  // "crash N2", "GWS G1 down", ...
  };
  std::vector<Episode> episodes;
  // Ended calls by period of arrival, all nodes, and over the whole run so far.
  stats::CallAggregate by_period[stats::kPeriods];
  stats::CallAggregate total;
  uint64_t ended = 0;
  uint64_t lost_with_node = 0;  // ended as lost_node_failure (R39: the node died with them)
  uint64_t decisions = 0;       // routing decisions seen since 0
  std::deque<model::RoutingDecision> last;  // the last kDecisionRing of them, in time order
  static constexpr size_t kDecisionRing = 2000;
  stats::Period period_at(Time t) const;
  // Ended calls of bins [b0, b1) merged, for one slot.
  stats::CallAggregate merged(int b0, int b1, int slot) const;
  const stats::CallAggregate& at(int bin, int slot) const {
    return by_bin[static_cast<size_t>(bin) * (queue.size() + 1) + static_cast<size_t>(slot)];
  }
};

// The messages of the sequence chart (issue 19 §4): TC messages and client requests as sent,
// with their fate. Bounded: a ring of the last kMax (older ones fall out, oldest first).
struct SeqMessage {
  enum class Fate : uint8_t { in_flight, delivered, lost };
  Time sent, end;  // end: applied, arrived, or lost (Time::max() while in flight)
  int from, to;    // nodes; from = -1 a phone (through its DC's proxy), -2 - g GWS g
  int dn;
  uint64_t seq;
  const char* kind;
  uint32_t epoch;
  uint32_t entries;
  model::AgentState agent;
  bool in_service;
  bool held;  // R28: held back behind a cut when sent
  Fate fate;
  const char* why_lost = "";
};
// An ADDP declaration (a link end declared lost) or another marker on a lane.
struct SeqMark {
  Time at;
  int node, peer;
  const char* what;  // "declared lost", "crash", "restart", "resync"
};
// A ring of T in chunks of kChunk that copies share (a checkpoint of the panels' data): copying
// the ring copies one pointer per chunk, and a write (mut, push_back) first copies its chunk
// if another ring shares it. Reads are by index from the front, or by random-access iterator.
template <class T, size_t kChunk = 4096>
class ChunkedRing {
  using Chunk = std::array<T, kChunk>;

 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const {
    const size_t j = head_ + i;
    return (*chunks_[j / kChunk])[j % kChunk];
  }
  // Writable element i: its chunk becomes this ring's own.
  T& mut(size_t i) {
    const size_t j = head_ + i;
    return own(j / kChunk)[j % kChunk];
  }
  void push_back(const T& v) {
    const size_t j = head_ + size_;
    if (j / kChunk == chunks_.size()) chunks_.push_back(std::make_shared<Chunk>());
    own(j / kChunk)[j % kChunk] = v;
    ++size_;
  }
  void pop_front() {
    ++head_;
    --size_;
    if (head_ == kChunk) {
      chunks_.pop_front();
      head_ = 0;
    }
  }
  // Chunks held (each kChunk * sizeof(T) bytes), and those also held by another ring.
  size_t chunks() const { return chunks_.size(); }
  size_t shared_chunks() const {
    size_t k = 0;
    for (const auto& c : chunks_)
      k += c.use_count() > 1 ? 1 : 0;
    return k;
  }

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const ChunkedRing* r, size_t i) : r_(r), i_(i) {}
    reference operator*() const { return (*r_)[i_]; }
    pointer operator->() const { return &(*r_)[i_]; }
    reference operator[](difference_type k) const { return (*r_)[i_ + size_t(k)]; }
    const_iterator& operator++() { return ++i_, *this; }
    const_iterator operator++(int) { return {r_, i_++}; }
    const_iterator& operator--() { return --i_, *this; }
    const_iterator operator--(int) { return {r_, i_--}; }
    const_iterator& operator+=(difference_type k) { return i_ += size_t(k), *this; }
    const_iterator& operator-=(difference_type k) { return i_ -= size_t(k), *this; }
    const_iterator operator+(difference_type k) const { return {r_, i_ + size_t(k)}; }
    friend const_iterator operator+(difference_type k, const_iterator it) { return it + k; }
    const_iterator operator-(difference_type k) const { return {r_, i_ - size_t(k)}; }
    difference_type operator-(const const_iterator& o) const {
      return difference_type(i_) - difference_type(o.i_);
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    auto operator<=>(const const_iterator& o) const { return i_ <=> o.i_; }

   private:
    const ChunkedRing* r_ = nullptr;
    size_t i_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  Chunk& own(size_t c) {
    auto& p = chunks_[c];
    if (p.use_count() > 1) p = std::make_shared<Chunk>(*p);
    return *p;
  }
  std::deque<std::shared_ptr<Chunk>> chunks_;
  size_t head_ = 0;  // index of the front in chunks_.front()
  size_t size_ = 0;
};

struct SeqSeries {
  static constexpr size_t kMax = 400'000;
  ChunkedRing<SeqMessage> msgs;  // in order of sending
  uint64_t dropped_old = 0;      // fell out of the ring
  std::vector<SeqMark> marks;
};

// Per-node figures the panels show, computed once after each advance (not in every frame).
struct NodeSummary {
  int owned = 0;          // DNs whose truth owner is this node
  int ss_in_service = 0;  // DNs in service in SS_N
  int ss_eligible = 0;
  int stale_view = 0;  // DNs where view_N differs from the truth
  int stale_ss = 0;
};

class Session {
 public:
  Session(scenario::Scenario sc, uint64_t seed);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- reading (panels) ----
  const scenario::Scenario& scenario() const { return sc_; }
  uint64_t seed() const { return seed_; }
  Time end() const { return sc_.duration; }
  const model::Cluster& cluster() const { return *cluster_; }
  Time now() const { return cluster_->now(); }
  bool at_end() const { return now() >= end() || finished_; }
  const std::vector<model::Action>& user_actions() const { return user_actions_; }
  const std::vector<model::Action>& timeline() const { return timeline_; }  // merged
  // Index in timeline() of the first action not yet run (timeline().size() when none is left).
  size_t next_action() const;
  std::optional<Time> next_event_time() const { return next_event_; }
  // The last observations of each LogEntry::Type (kept per type, so that a flood of DN view
  // changes does not push the link changes out), each in time order.
  const std::vector<std::deque<LogEntry>>& log() const;
  const KpiSeries& kpis() const;
  const CallSeries& calls() const;
  const SeqSeries& sequence() const;
  const std::vector<NodeSummary>& summary() const { return summary_; }
  uint64_t rebuilds() const { return rebuilds_; }
  double last_rebuild_ms() const { return last_rebuild_ms_; }
  // Instant rewind: checkpoints kept, their interval of simulated time, seeks served from one.
  static constexpr size_t kMaxCheckpoints = 24;
  static constexpr uint64_t kFirstSpacing = 20'000;  // events between checkpoints at first
  size_t checkpoints() const { return checkpoints_.size(); }
  uint64_t checkpoint_spacing() const { return spacing_; }  // events between checkpoints
  uint64_t restores() const { return restores_; }
  // Off: no checkpoints; a seek back re-executes from 0 (the bench's "before").
  void set_checkpoints(bool on);
  // The scenario with the hand-made actions and the seed: what "Save scenario as" writes.
  scenario::Scenario edited_scenario() const;

  // ---- changing (the app loop only) ----
  void run_until(Time t);  // forward, or back by re-execution
  bool step();             // one event; false if none is left before the end
  void step_to_next_action();
  // Runs events for at most `budget_ms` of wall time, not past `limit`; true if time advanced.
  void run_for(double budget_ms, Time limit);
  void add_action(model::Action a);  // at a.at (normally now()); re-executes to now()
  void remove_action(size_t index);  // of user_actions(); re-executes to now()
  void set_user_actions(std::vector<model::Action> actions);
  std::string save(const std::string& path) const;  // empty or an error message
  // Runs the edited scenario from the start to the end with the CSV recorder into `dir`, as
  // `scsim run` does (same files, same bytes); returns an empty string or an error message.
  std::string write_results(const std::filesystem::path& dir, std::string* fingerprint) const;

 private:
  struct WatchData;
  struct Watch;
  struct Checkpoint;
  void rebuild(Time to);
  void after_advance();
  // Forward to t, taking the checkpoints due on the way.
  void advance(Time t);
  // One event, after a checkpoint if one is due (between instants).
  bool step_checkpointed();
  void take_checkpoint();  // at now(), unless there is one
  void refresh_due();
  void restore(const Checkpoint& cp);

  scenario::Scenario sc_;
  uint64_t seed_;
  std::vector<model::Action> user_actions_;
  std::vector<model::Action> timeline_;
  std::unique_ptr<model::Cluster> cluster_;
  std::unique_ptr<Watch> watch_;
  std::optional<Time> next_event_;
  std::vector<NodeSummary> summary_;
  bool finished_ = false;
  uint64_t rebuilds_ = 0;
  double last_rebuild_ms_ = 0;
  bool checkpoints_on_ = true;
  uint64_t spacing_ = kFirstSpacing;
  uint64_t due_ = 0;  // executed() at which the next checkpoint is due
  std::map<int64_t, std::unique_ptr<Checkpoint>> checkpoints_;  // by time (micros)
  uint64_t restores_ = 0;
};

// A copy of `sc` with every agent (and its timeline actions) repeated `times` times, names and
// DNs suffixed: the bench's way to reach 20 000 DNs from the 400-agent two-dc-day.
scenario::Scenario replicate_agents(const scenario::Scenario& sc, int times);

}  // namespace scsim::viz
