#include "stats/recorder.hpp"

#include "core/prefetch.hpp"

#include "model/events.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace scsim::stats {

using model::AgentState;
using model::DnView;
using model::LinkEndState;
using model::ViewLevel;

namespace {

constexpr int kLinkStates = 5;
constexpr int kCauses = 8;

// What an interval row holds: for DN views (owner, service, agent state), for link ends the
// state in `a`.
struct State {
  int32_t a = -1;
  uint8_t b = 0;
  uint8_t c = 0;
  bool operator==(const State&) const = default;
};

State of_view(const DnView& v) {
  return State{v.owner, static_cast<uint8_t>(v.in_service), static_cast<uint8_t>(v.agent)};
}
State of_link(LinkEndState s) {
  return State{static_cast<int32_t>(s), 0, 0};
}
bool state_eligible(const State& s) {
  return s.a >= 0 && s.b != 0 && static_cast<AgentState>(s.c) == AgentState::ready;
}

std::string seconds_text(int64_t us) {
  return format_time(Time::from_micros(us));
}
Time us_time(int64_t us) {
  return Time::from_micros(us);
}

}  // namespace

struct Recorder::Interval {
  State state;
  int64_t from = 0, to = 0;  // microseconds, [from, to)
};

// One current interval per key, plus the last closed one held back so that an interval that
// lasts no time can be merged away (see the header). The held-back interval always ends where
// the current one starts (`since`), so a slot keeps only its start: 32 bytes a slot.
struct Recorder::IntervalSet {
  struct alignas(32) Slot {  // never across two cache lines
    State cur;
    int64_t since = 0;
    int32_t last_a = -1;  // the held-back interval's state (State fields), if has_last
    uint8_t last_b = 0, last_c = 0;
    bool has_last = false;
    int64_t last_from = 0;
    State last_state() const { return State{last_a, last_b, last_c}; }
    Interval last() const { return Interval{last_state(), last_from, since}; }
  };
  static_assert(sizeof(Slot) == 32);
  std::vector<Slot> slots;

  explicit IntervalSet(size_t n) : slots(n) {}

  // `emit(key, interval)` writes a finished row; `add(key, state, duration_us)` accumulates.
  template <class Emit, class Add>
  void set(int key, State s, int64_t t, Emit&& emit, Add&& add) {
    Slot& sl = slots[static_cast<size_t>(key)];
    if (s == sl.cur) return;
    if (t > sl.since) {
      close_cur(key, sl, t, emit, add);
      sl.cur = s;
      return;
    }
    // Same instant as the current interval's start: it lasted no time.
    sl.cur = s;
    if (sl.has_last && sl.last_state() == s) {
      add(key, sl.last_state(), -(sl.since - sl.last_from));  // counted again when it closes
      sl.since = sl.last_from;
      sl.has_last = false;
    }
  }

  template <class Emit, class Add>
  void finish(int key, int64_t t, Emit&& emit, Add&& add) {
    Slot& sl = slots[static_cast<size_t>(key)];
    if (t > sl.since) close_cur(key, sl, t, emit, add);
    if (sl.has_last) emit(key, sl.last());
    sl.has_last = false;
  }

 private:
  // Closes the current interval at t (t > since); the next one starts at t.
  template <class Emit, class Add>
  static void close_cur(int key, Slot& sl, int64_t t, Emit& emit, Add& add) {
    add(key, sl.cur, t - sl.since);
    if (sl.has_last && sl.last_state() == sl.cur) {
      sl.since = t;  // the held-back interval extends to t
      return;
    }
    if (sl.has_last) emit(key, sl.last());
    sl.last_a = sl.cur.a;
    sl.last_b = sl.cur.b;
    sl.last_c = sl.cur.c;
    sl.last_from = sl.since;
    sl.has_last = true;
    sl.since = t;
  }
};

// Without dn_views.csv a view's intervals are no rows, only time summed per state
// (view_time_us_): a slot is the current state and its start. The sums are those of
// IntervalSet: there, merging an interval that lasted no time subtracts the held-back
// interval's time that its next close adds again.
struct Recorder::StateSet {
  struct alignas(16) Slot {
    State cur;
    int64_t since = 0;
  };
  static_assert(sizeof(Slot) == 16);
  std::vector<Slot> slots;

  explicit StateSet(size_t n) : slots(n) {}

  template <class Emit, class Add>
  void set(int key, State s, int64_t t, Emit&&, Add&& add) {
    Slot& sl = slots[static_cast<size_t>(key)];
    if (s == sl.cur) return;
    if (t > sl.since) {
      add(key, sl.cur, t - sl.since);
      sl.since = t;
    }
    sl.cur = s;
  }

  template <class Emit, class Add>
  void finish(int key, int64_t t, Emit&&, Add&& add) {
    Slot& sl = slots[static_cast<size_t>(key)];
    if (t > sl.since) add(key, sl.cur, t - sl.since);
    sl.since = t;
  }
};

// view_series.csv: per bin of stats_interval and view level, the number of DNs in service and
// eligible, as a time mean over the bin and at its end. Each level's count is integrated lazily
// (at its own changes and at bin ends): O(1) per view change, O(levels) per bin.
struct Recorder::ViewSeries {
  CsvWriter out;
  int64_t interval_us;
  int64_t bin_from = 0, bin_to = 0;  // the current bin [bin_from, bin_to)
  struct Level {
    int64_t insrv = 0, elig = 0;            // DNs now
    int64_t area_insrv = 0, area_elig = 0;  // count x us in the bin so far
    int64_t since = 0;                      // integrated up to
  };
  std::vector<Level> levels;

  ViewSeries(const std::filesystem::path& dir, const RunLabel& label, CsvMode mode, int level_count,
             int64_t interval, int64_t now)
      : out(dir / "view_series.csv", {std::to_string(label.seed), label.scenario}, mode),
        interval_us(std::max<int64_t>(1, interval)),
        levels(static_cast<size_t>(level_count), Level{0, 0, 0, 0, now}) {
    out.header({"bin", "from", "to", "level", "node", "dns", "in_service_mean", "eligible_mean",
                "in_service_end", "eligible_end"});
    bin_from = now;
    bin_to = (now / interval_us + 1) * interval_us;
  }
  void integrate(size_t li, int64_t t) {
    Level& l = levels[li];
    l.area_insrv += l.insrv * (t - l.since);
    l.area_elig += l.elig * (t - l.since);
    l.since = t;
  }
  // Closes every bin that ends at or before t (a change at a bin's end belongs to the next).
  void advance(int64_t t, const Recorder& rec) {
    while (t >= bin_to)
      close_bin(bin_to, rec);
  }
  void close_bin(int64_t to, const Recorder& rec) {
    const double dur = double(to - bin_from);
    char mean[2][32];
    for (size_t li = 0; li < levels.size(); ++li) {
      Level& lv = levels[li];
      integrate(li, to);
      if (to > bin_from) {
        const int l = static_cast<int>(li), nodes = rec.nodes_;
        const char* level = l == 0 ? "truth" : (l <= nodes ? "view" : "stat");
        const int node = l == 0 ? -1 : (l <= nodes ? l - 1 : l - 1 - nodes);
        std::snprintf(mean[0], sizeof mean[0], "%.3f", double(lv.area_insrv) / dur);
        std::snprintf(mean[1], sizeof mean[1], "%.3f", double(lv.area_elig) / dur);
        out.field(bin_from / interval_us)
            .field(us_time(bin_from))
            .field(us_time(to))
            .field(level)
            .field(rec.node_name(node))
            .field(rec.dns_)
            .field(mean[0])
            .field(mean[1])
            .field(lv.insrv)
            .field(lv.elig);
        out.end_row();
      }
      lv.area_insrv = lv.area_elig = 0;
    }
    bin_from = to;
    bin_to = (to / interval_us + 1) * interval_us;
  }
  void change(int li, int64_t t, int d_insrv, int d_elig, const Recorder& rec) {
    if (t >= bin_to) advance(t, rec);
    integrate(static_cast<size_t>(li), t);
    levels[static_cast<size_t>(li)].insrv += d_insrv;
    levels[static_cast<size_t>(li)].elig += d_elig;
  }
  void finish(int64_t end, const Recorder& rec) {
    advance(end, rec);
    if (end > bin_from) close_bin(end, rec);
  }
};

Recorder::Recorder(const model::Cluster& cluster, const std::filesystem::path& dir, RunLabel label,
                   RecorderOptions options)
    : cluster_(cluster),
      label_(std::move(label)),
      options_(options),
      nodes_(cluster.node_count()),
      dns_(cluster.dn_count()),
      levels_(1 + 2 * cluster.node_count()),
      dn_views_(dir / "dn_views.csv", {std::to_string(label_.seed), label_.scenario},
                options_.recording.mode(Table::views)),
      ownership_(dir / "ownership.csv", {std::to_string(label_.seed), label_.scenario},
                 options_.recording.mode(Table::ownership)),
      conflicts_(dir / "conflicts.csv", {std::to_string(label_.seed), label_.scenario},
                 options_.recording.mode(Table::ownership)),
      links_(dir / "links.csv", {std::to_string(label_.seed), label_.scenario},
             options_.recording.mode(Table::links)),
      summary_(dir / "summary.csv", {std::to_string(label_.seed), label_.scenario},
               options_.recording.always()) {
  if (options_.trace) options_.recording.tables |= Recording::bit(Table::events);
  dn_views_.header({"dn", "agent", "level", "node", "from", "to", "duration", "owner", "service",
                    "agent_state", "eligible"});
  ownership_.header({"time", "dn", "agent", "old_owner", "new_owner", "cause"});
  conflicts_.header({"time", "dn", "agent", "winner", "loser", "since", "coexistence"});
  links_.header({"node", "peer", "from", "to", "duration", "state", "kind"});
  if (options_.recording.has(Table::events)) {
    events_ = std::make_unique<CsvWriter>(
        dir / "events.csv", std::vector<std::string>{std::to_string(label_.seed), label_.scenario},
        options_.recording.mode(Table::events));
    events_->header({"time", "seq", "priority", "kind", "target", "arg", "event"});
  }

  const int64_t now = cluster.now().micros();
  const int levels = levels_;
  const size_t view_slots = static_cast<size_t>(levels) * static_cast<size_t>(dns_);
  if (dn_views_.on()) {
    views_ = std::make_unique<IntervalSet>(view_slots);
  } else {
    view_states_ = std::make_unique<StateSet>(view_slots);
  }
  auto start = [&](int key, const DnView& v) {
    if (views_) {
      views_->slots[static_cast<size_t>(key)].cur = of_view(v);
      views_->slots[static_cast<size_t>(key)].since = now;
    } else {
      view_states_->slots[static_cast<size_t>(key)].cur = of_view(v);
      view_states_->slots[static_cast<size_t>(key)].since = now;
    }
  };
  for (int dn = 0; dn < dns_; ++dn) {
    start(view_key(0, dn), cluster.truth(dn));
    for (int n = 0; n < nodes_; ++n) {
      start(view_key(1 + n, dn), cluster.view(n, dn));
      start(view_key(1 + nodes_ + n, dn), cluster.stat(n, dn));
    }
  }
  link_ends_ =
      std::make_unique<IntervalSet>(static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_));
  link_model_.assign(static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_), LinkEndState::up);
  alive_.assign(static_cast<size_t>(nodes_), 0);
  for (int n = 0; n < nodes_; ++n)
    alive_[static_cast<size_t>(n)] = cluster.node_alive(n) ? 1 : 0;
  for (int n = 0; n < nodes_; ++n) {
    for (int p = 0; p < nodes_; ++p) {
      if (p == n) continue;
      auto& sl = link_ends_->slots[static_cast<size_t>(n * nodes_ + p)];
      link_model_[static_cast<size_t>(n * nodes_ + p)] = cluster.link_end(n, p);
      sl.cur = of_link(cluster.node_alive(n) && cluster.node_alive(p) ? cluster.link_end(n, p)
                                                                      : LinkEndState::peer_down);
      sl.since = now;
    }
  }
  view_time_us_.assign(static_cast<size_t>(levels), {0, 0, 0});
  if (options_.recording.has(Table::kpis)) {
    series_ = std::make_unique<ViewSeries>(dir, label_, options_.recording.mode(Table::kpis),
                                           levels, cluster.params().stats_interval.micros(), now);
    for (int key = 0; key < levels * dns_; ++key) {
      const State& st = views_ ? views_->slots[static_cast<size_t>(key)].cur
                               : view_states_->slots[static_cast<size_t>(key)].cur;
      series_->levels[static_cast<size_t>(key % levels)].insrv += st.b ? 1 : 0;
      series_->levels[static_cast<size_t>(key % levels)].elig += state_eligible(st) ? 1 : 0;
    }
  }
  link_time_us_.assign(static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_), {});
  link_entries_.assign(static_cast<size_t>(nodes_) * static_cast<size_t>(nodes_), {});
  if (options_.staleness) {
    staleness_ = std::make_unique<StalenessTracker>(
        cluster, dir, std::vector<std::string>{std::to_string(label_.seed), label_.scenario},
        options_.recording.mode(Table::staleness), now);
  }
}

Recorder::~Recorder() = default;

const std::string& Recorder::node_name(int node) const {
  static const std::string none;
  if (node < 0 || node >= nodes_) return none;
  return cluster_.spec().nodes[static_cast<size_t>(node)].name;
}

void Recorder::write_dn_view_row(int key, const Interval& iv) {
  if (!dn_views_.on()) return;
  int li = key % levels_;
  int dn = key / levels_;
  const auto& agent = cluster_.spec().agents[static_cast<size_t>(dn)];
  const char* level = li == 0 ? "truth" : (li <= nodes_ ? "view" : "stat");
  int node = li == 0 ? -1 : (li <= nodes_ ? li - 1 : li - 1 - nodes_);
  dn_views_.field(agent.dn)
      .field(agent.name)
      .field(level)
      .field(node_name(node))
      .field(us_time(iv.from))
      .field(us_time(iv.to))
      .field(us_time(iv.to - iv.from))
      .field(node_name(iv.state.a))
      .field(iv.state.b ? "InSrv" : "OOS")
      .field(model::to_string(static_cast<AgentState>(iv.state.c)))
      .field(state_eligible(iv.state));
  dn_views_.end_row();
}

void Recorder::write_link_row(int key, const Interval& iv) {
  links_.field(node_name(key / nodes_))
      .field(node_name(key % nodes_))
      .field(us_time(iv.from))
      .field(us_time(iv.to))
      .field(us_time(iv.to - iv.from))
      .field(model::to_string(static_cast<LinkEndState>(iv.state.a)))
      .field("tc");
  links_.end_row();
}

template <class Set>
void Recorder::view_change(Set& set, int key, int li, const model::DnViewChange& c) {
  if (c.level != ViewLevel::stat && c.dn != prefetched_dn_) {
    // A change of the truth or a view is followed by the DN's other levels over the next TC
    // delays: its slots (side by side) are fetched now, together.
    prefetched_dn_ = c.dn;
    const auto* first = reinterpret_cast<const char*>(&set.slots[static_cast<size_t>(key - li)]);
    const auto* last = first + static_cast<size_t>(levels_) * sizeof(set.slots[0]) - 1;
    for (const char* p = first; p < last; p += 64)
      scsim::prefetch_write(p);
    scsim::prefetch_write(last);
  }
  const State after = of_view(c.after);
  if (series_) {
    const State before = set.slots[static_cast<size_t>(key)].cur;
    const int d_insrv = int(after.b != 0) - int(before.b != 0);
    const int d_elig = int(state_eligible(after)) - int(state_eligible(before));
    if (d_insrv != 0 || d_elig != 0) series_->change(li, c.at.micros(), d_insrv, d_elig, *this);
  }
  set.set(
      key, after, c.at.micros(), [this](int k, const Interval& iv) { write_dn_view_row(k, iv); },
      [this, li](int, const State& s, int64_t dur) {
        auto& acc = view_time_us_[static_cast<size_t>(li)];
        acc[s.b ? 0 : 1] += dur;
        if (state_eligible(s)) acc[2] += dur;
      });
}

template <class Set>
void Recorder::finish_views(Set& set, int64_t t) {
  auto add_view = [this](int k, const State& s, int64_t dur) {
    auto& acc = view_time_us_[static_cast<size_t>(k % levels_)];
    acc[s.b ? 0 : 1] += dur;
    if (state_eligible(s)) acc[2] += dur;
  };
  auto emit_view = [this](int k, const Interval& iv) { write_dn_view_row(k, iv); };
  // Rows of intervals still open are written DN by DN, the truth first.
  for (int dn = 0; dn < dns_; ++dn) {
    for (int li = 0; li < 1 + 2 * nodes_; ++li)
      set.finish(view_key(li, dn), t, emit_view, add_view);
  }
}

void Recorder::prefetch_dn(model::ViewLevel level, int node, int dn) const {
  if (finished_ || dn < 0 || dn >= dns_) return;
  if (level != ViewLevel::truth && (node < 0 || node >= nodes_)) return;
  int li = 0;
  if (level == ViewLevel::view) li = 1 + node;
  if (level == ViewLevel::stat) li = 1 + nodes_ + node;
  const auto key = static_cast<size_t>(view_key(li, dn));
  if (views_) {
    prefetch_write(&views_->slots[key]);
  } else {
    prefetch_write(&view_states_->slots[key]);
  }
  if (staleness_) staleness_->prefetch_dn(dn);
}

void Recorder::on_dn_view(const model::DnViewChange& c) {
  if (finished_ || c.dn < 0 || c.dn >= dns_) return;
  int li = 0;
  if (c.level == ViewLevel::view) li = 1 + c.node;
  if (c.level == ViewLevel::stat) li = 1 + nodes_ + c.node;
  if (c.level != ViewLevel::truth && (c.node < 0 || c.node >= nodes_)) return;
  const int key = view_key(li, c.dn);
  if (views_) {
    view_change(*views_, key, li, c);
  } else {
    view_change(*view_states_, key, li, c);
  }
  if (staleness_) {
    staleness_->touch(c.at.micros());
    if (c.level == ViewLevel::stat) staleness_->mark(c.node, c.dn);
    if (c.level == ViewLevel::truth) staleness_->mark_dn(c.dn);
  }
}

void Recorder::on_ownership(const model::OwnershipChange& c) {
  if (finished_) return;
  const auto& agent = cluster_.spec().agents[static_cast<size_t>(c.dn)];
  ownership_.field(c.at)
      .field(agent.dn)
      .field(agent.name)
      .field(node_name(c.old_owner))
      .field(node_name(c.new_owner))
      .field(model::to_string(c.cause));
  ownership_.end_row();
  ++ownership_changes_;
  auto cause = static_cast<size_t>(c.cause);
  if (cause < ownership_by_cause_.size()) ++ownership_by_cause_[cause];
  if (staleness_) {
    staleness_->touch(c.at.micros());
    staleness_->mark_dn(c.dn);
  }
}

void Recorder::set_link_shown(int key, Time at) {
  const int n = key / nodes_, p = key % nodes_;
  const bool up = alive_[static_cast<size_t>(n)] && alive_[static_cast<size_t>(p)];
  State before = link_ends_->slots[static_cast<size_t>(key)].cur;
  State after = of_link(up ? link_model_[static_cast<size_t>(key)] : LinkEndState::peer_down);
  link_ends_->set(
      key, after, at.micros(), [this](int k, const Interval& iv) { write_link_row(k, iv); },
      [this](int k, const State& s, int64_t dur) {
        link_time_us_[static_cast<size_t>(k)][static_cast<size_t>(s.a)] += dur;
      });
  if (!(before == after)) ++link_entries_[static_cast<size_t>(key)][static_cast<size_t>(after.a)];
}

bool Recorder::wants_gws_links() const {
  return options_.recording.has(Table::links);
}

void Recorder::on_gws_link(const model::GwsLinkChange& c) {
  if (finished_ || c.node < 0 || c.node >= nodes_ || c.gws < 0) return;
  const int gws = static_cast<int>(cluster_.spec().gws.size());
  if (c.gws >= gws) return;
  if (!gws_ends_) {
    const size_t n = static_cast<size_t>(gws) * static_cast<size_t>(nodes_) * 2;
    gws_ends_ = std::make_unique<IntervalSet>(n);
    gws_seen_.assign(n, 0);
  }
  const int key = (c.gws * nodes_ + c.node) * 2 + (c.gws_end ? 0 : 1);
  auto& sl = gws_ends_->slots[static_cast<size_t>(key)];
  if (!gws_seen_[static_cast<size_t>(key)]) {
    gws_seen_[static_cast<size_t>(key)] = 1;
    sl.cur = of_link(c.after);
    sl.since = c.at.micros();
    return;
  }
  gws_ends_->set(
      key, of_link(c.after), c.at.micros(),
      [this](int k, const Interval& iv) { write_gws_link_row(k, iv); },
      [](int, const State&, int64_t) {});
}

void Recorder::write_gws_link_row(int key, const Interval& iv) {
  const int g = key / 2 / nodes_, n = (key / 2) % nodes_;
  const std::string& gws = cluster_.spec().gws[static_cast<size_t>(g)].name;
  const bool gws_end = key % 2 == 0;
  links_.field(gws_end ? gws : node_name(n))
      .field(gws_end ? node_name(n) : gws)
      .field(us_time(iv.from))
      .field(us_time(iv.to))
      .field(us_time(iv.to - iv.from))
      .field(model::to_string(static_cast<LinkEndState>(iv.state.a)))
      .field("gws");
  links_.end_row();
}

void Recorder::on_node(const model::NodeChange& c) {
  if (finished_ || c.node < 0 || c.node >= nodes_) return;
  alive_[static_cast<size_t>(c.node)] = c.alive ? 1 : 0;
  if (staleness_) staleness_->liveness_changed();
  for (int p = 0; p < nodes_; ++p) {
    if (p == c.node) continue;
    set_link_shown(c.node * nodes_ + p, c.at);
    set_link_shown(p * nodes_ + c.node, c.at);
  }
}

void Recorder::on_link(const model::LinkChange& c) {
  if (finished_ || c.node < 0 || c.node >= nodes_ || c.peer < 0 || c.peer >= nodes_) return;
  int key = c.node * nodes_ + c.peer;
  link_model_[static_cast<size_t>(key)] = c.after;
  set_link_shown(key, c.at);
  if (staleness_) {
    staleness_->touch(c.at.micros());
    staleness_->mark_all();
  }
}

void Recorder::on_conflict(const model::Conflict& c) {
  if (finished_) return;
  const auto& agent = cluster_.spec().agents[static_cast<size_t>(c.dn)];
  int64_t co = (c.at - c.since).micros();
  conflicts_.field(c.at)
      .field(agent.dn)
      .field(agent.name)
      .field(node_name(c.winner))
      .field(node_name(c.loser))
      .field(c.since)
      .field(us_time(co));
  conflicts_.end_row();
  ++conflict_count_;
  conflict_total_us_ += co;
  conflict_max_us_ = std::max(conflict_max_us_, co);
}

void Recorder::on_event(const FiredEvent& f) {
  if (finished_) return;
  if (events_) {
    events_->field(f.time)
        .field(f.seq)
        .field(static_cast<int>(f.priority))
        .field(static_cast<uint64_t>(f.event.kind))
        .field(static_cast<uint64_t>(f.event.target))
        .field(f.event.arg)
        .field(model::describe_event(cluster_, f.event));
    events_->end_row();
  }
  if (staleness_) staleness_->touch(f.time.micros());
}

void Recorder::on_instant_end(Time) {
  if (!finished_ && staleness_) staleness_->end_instant();
}

uint64_t Recorder::staleness_windows() const {
  return staleness_ ? staleness_->window_count() : 0;
}

void Recorder::flush() {
  dn_views_.flush();
  ownership_.flush();
  conflicts_.flush();
  links_.flush();
  summary_.flush();
  if (events_) events_->flush();
  if (staleness_) staleness_->flush();
  if (series_) series_->out.flush();
}

void Recorder::finish(Time end) {
  if (finished_) return;
  const int64_t t = end.micros();
  if (staleness_) staleness_->finish(t);
  if (series_) series_->finish(t, *this);
  if (views_) {
    finish_views(*views_, t);
  } else {
    finish_views(*view_states_, t);
  }
  for (int n = 0; n < nodes_; ++n) {
    for (int p = 0; p < nodes_; ++p) {
      if (p == n) continue;
      link_ends_->finish(
          n * nodes_ + p, t, [this](int k, const Interval& iv) { write_link_row(k, iv); },
          [this](int k, const State& s, int64_t dur) {
            link_time_us_[static_cast<size_t>(k)][static_cast<size_t>(s.a)] += dur;
          });
    }
  }
  for (size_t k = 0; k < gws_seen_.size(); ++k) {
    if (!gws_seen_[k]) continue;
    gws_ends_->finish(
        static_cast<int>(k), t,
        [this](int key, const Interval& iv) { write_gws_link_row(key, iv); },
        [](int, const State&, int64_t) {});
  }
  finished_ = true;
  write_summary(end);
  dn_views_.close();
  ownership_.close();
  conflicts_.close();
  links_.close();
  summary_.close();
  if (events_) events_->close();
  if (staleness_) staleness_->close();
  if (series_) series_->out.close();
}

void Recorder::write_summary(Time end) {
  CsvWriter& s = summary_;
  s.header({"category", "level", "node", "peer", "kind", "scope", "metric", "value"});
  auto row = [&s](const char* category, const std::string& level, const std::string& node,
                  const std::string& peer, const std::string& kind, const std::string& scope,
                  const char* metric, const std::string& value) {
    s.field(category).field(level).field(node).field(peer).field(kind).field(scope).field(metric);
    s.field(value);
    s.end_row();
  };
  row("run", "", "", "", "", "", "end_time", format_time(end));
  row("run", "", "", "", "", "", "dns", std::to_string(dns_));
  row("run", "", "", "", "", "", "nodes", std::to_string(nodes_));
  // Time per view, summed over DNs.
  for (int li = 0; li < 1 + 2 * nodes_; ++li) {
    std::string level = li == 0 ? "truth" : (li <= nodes_ ? "view" : "stat");
    int node = li == 0 ? -1 : (li <= nodes_ ? li - 1 : li - 1 - nodes_);
    const auto& acc = view_time_us_[static_cast<size_t>(li)];
    row("view_time", level, node_name(node), "", "", "", "insrv_s", seconds_text(acc[0]));
    row("view_time", level, node_name(node), "", "", "", "oos_s", seconds_text(acc[1]));
    row("view_time", level, node_name(node), "", "", "", "eligible_s", seconds_text(acc[2]));
  }
  // Ownership changes per cause.
  for (int c = 0; c < kCauses; ++c) {
    row("ownership", "", "", "", model::to_string(static_cast<model::OwnershipCause>(c)), "",
        "changes", std::to_string(ownership_by_cause_[static_cast<size_t>(c)]));
  }
  row("ownership", "", "", "", "all", "", "changes", std::to_string(ownership_changes_));
  row("conflicts", "", "", "", "", "", "count", std::to_string(conflict_count_));
  row("conflicts", "", "", "", "", "", "coexistence_total_s", seconds_text(conflict_total_us_));
  row("conflicts", "", "", "", "", "", "coexistence_max_s", seconds_text(conflict_max_us_));
  // Links: time per state, entries into declared_lost and resyncing.
  for (int n = 0; n < nodes_; ++n) {
    for (int p = 0; p < nodes_; ++p) {
      if (p == n) continue;
      size_t k = static_cast<size_t>(n * nodes_ + p);
      for (int st = 0; st < kLinkStates; ++st) {
        std::string metric = std::string(model::to_string(static_cast<LinkEndState>(st))) + "_s";
        row("link", "", node_name(n), node_name(p), "", "", metric.c_str(),
            seconds_text(link_time_us_[k][static_cast<size_t>(st)]));
      }
      row("link", "", node_name(n), node_name(p), "", "", "declarations",
          std::to_string(link_entries_[k][static_cast<size_t>(LinkEndState::declared_lost)]));
      row("link", "", node_name(n), node_name(p), "", "", "resyncs",
          std::to_string(link_entries_[k][static_cast<size_t>(LinkEndState::resyncing)]));
    }
  }
  // Staleness: count, total and longest per SS_M, level, kind, scope.
  if (staleness_) {
    for (int m = 0; m < nodes_; ++m) {
      for (int level = 0; level < 2; ++level) {
        for (int up = 0; up < 2; ++up) {
          for (int remote = 0; remote < 2; ++remote) {
            const auto& tot = staleness_->totals(m, level, up != 0, remote != 0);
            std::string lv = level == 0 ? "service" : "eligibility";
            std::string kind = up ? "false_up" : "false_down";
            std::string scope = remote ? "remote" : "local";
            row("staleness", lv, node_name(m), "", kind, scope, "count", std::to_string(tot.count));
            row("staleness", lv, node_name(m), "", kind, scope, "total_s",
                seconds_text(tot.total_us));
            row("staleness", lv, node_name(m), "", kind, scope, "longest_s",
                seconds_text(tot.longest_us));
            row("staleness", lv, node_name(m), "", kind, scope, "open_at_end",
                std::to_string(tot.open_at_end));
          }
        }
      }
    }
  }
}

}  // namespace scsim::stats
