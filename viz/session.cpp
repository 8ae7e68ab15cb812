#include "session.hpp"

#include "clock.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "run/simulation.hpp"
#include "scenario/writer.hpp"
#include "stats/periods.hpp"
#include "stats/recorder.hpp"
#include "stats/results_dir.hpp"

namespace scsim::viz {
namespace {

constexpr uint64_t kMaxEvents = 50'000'000;  // the CLI's default guard
constexpr size_t kLogMax = 5000;
constexpr int kKpiSamples = 600;
constexpr int kCallBins = 2880;  // base call KPI bins over the duration (30 s on a day)

double wall_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string node_name(const model::Cluster& c, int n) {
  if (n < 0) return "-";
  return c.spec().nodes.at(static_cast<size_t>(n)).name;
}

// GWS and WWE fault episodes of a timeline: a GWS from gws_fail / gws_cut to gws_restart /
// gws_heal; WWE disconnections (per agent) merged while they overlap. Open ones end at max.
std::vector<CallSeries::Episode> timeline_episodes(const model::ClusterSpec& spec,
                                                   const std::vector<model::Action>& tl) {
  using K = model::ActionKind;
  using E = CallSeries::Episode;
  std::vector<E> out;
  std::vector<int> open_gws(spec.gws.size(), -1);
  int wwe_open = 0, wwe_ep = -1, wwe_agents = 0;
  for (const auto& a : tl) {
    const bool gws_ok = a.gws >= 0 && static_cast<size_t>(a.gws) < spec.gws.size();
    if ((a.kind == K::gws_fail || a.kind == K::gws_cut) && gws_ok && open_gws[size_t(a.gws)] < 0) {
      open_gws[size_t(a.gws)] = static_cast<int>(out.size());
      out.push_back({a.at, Time::max(), E::Kind::gws,
                     "GWS " + spec.gws[size_t(a.gws)].name +
                         (a.kind == K::gws_fail ? " down" : " cut from its node")});
    } else if ((a.kind == K::gws_restart || a.kind == K::gws_heal) && gws_ok &&
               open_gws[size_t(a.gws)] >= 0) {
      out[size_t(open_gws[size_t(a.gws)])].end = a.at;
      open_gws[size_t(a.gws)] = -1;
    } else if (a.kind == K::wwe_disconnect) {
      if (wwe_open++ == 0) {
        wwe_ep = static_cast<int>(out.size());
        wwe_agents = 0;
        out.push_back({a.at, Time::max(), E::Kind::wwe, ""});
      }
      out[size_t(wwe_ep)].what = "WWE disconnected (" + std::to_string(++wwe_agents) + " agent(s))";
    } else if (a.kind == K::wwe_reconnect && wwe_open > 0) {
      if (--wwe_open == 0) out[size_t(wwe_ep)].end = a.at;
    }
  }
  return out;
}

}  // namespace

const char* to_string(LogEntry::Type t) {
  switch (t) {
    case LogEntry::Type::link:
      return "link";
    case LogEntry::Type::ownership:
      return "ownership";
    case LogEntry::Type::conflict:
      return "conflict";
    case LogEntry::Type::dn_view:
      return "dn view";
    case LogEntry::Type::action:
      return "action";
  }
  return "?";
}

stats::CallAggregate CallSeries::merged(int b0, int b1, int slot) const {
  stats::CallAggregate m;
  for (int b = std::max(0, b0); b < std::min(b1, bins); ++b)
    m.merge(at(b, slot));
  return m;
}

stats::Period CallSeries::period_at(Time t) const {
  auto it = std::upper_bound(periods.begin(), periods.end(), t,
                             [](Time x, const Span& s) { return x < s.start; });
  return it == periods.begin() ? stats::Period::connected : std::prev(it)->period;
}

// What the Watch collects: copied into a checkpoint and back (its copy is member-wise, so a
// member added later is part of the checkpoint too).
struct Session::WatchData {
  std::vector<std::deque<LogEntry>> log{5};
  KpiSeries kpi;
  CallSeries calls;
  SeqSeries seq;
  uint64_t seq_base = 0;  // absolute index of seq.msgs.front()
  // Per channel from*N+to: absolute indices of TC messages sent and not yet applied or lost.
  std::vector<std::deque<uint64_t>> pending;
  std::vector<int> alive_now;
  std::vector<int> insrv, elig;  // current counts per level (0 truth, 1+n SS_n)
  int64_t next_sample = 0;
};

// Watches the cluster: the event log, the KPI samples, the calls and the routing decisions,
// rebuilt with the cluster.
struct Session::Watch : model::Observer, Session::WatchData {
  const model::Cluster& c;

  // The data of a checkpoint, watching the cluster restored with it.
  Watch(const WatchData& d, const model::Cluster& cl) : WatchData(d), c(cl) {}
  Watch(const model::Cluster& cl, Time end) : c(cl) {
    const int levels = 1 + c.node_count();
    pending.resize(static_cast<size_t>(c.node_count() * c.node_count()));
    kpi.step = micros(std::max<int64_t>(1000, end.micros() / kKpiSamples));
    // A whole number of seconds that divides a minute or a multiple of minutes, so that the
    // bin widths offered (1 min, 5 min, the stats interval ...) are whole multiples of it.
    int64_t base_s = std::max<int64_t>(1, (end.micros() / 1'000'000 + kCallBins - 1) / kCallBins);
    for (int64_t nice : {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900})
      if (base_s <= nice) {
        base_s = nice;
        break;
      }
    if (base_s > 900) base_s = (base_s + 899) / 900 * 900;
    calls.bin = seconds(static_cast<double>(base_s));
    calls.bins = static_cast<int>(end.micros() / calls.bin.micros()) + 1;
    calls.by_bin.assign(static_cast<size_t>(calls.bins) * static_cast<size_t>(levels), {});
    calls.queue.assign(static_cast<size_t>(c.node_count()), {});
    calls.periods.push_back({Time::zero(), classify()});
    kpi.in_service.assign(static_cast<size_t>(levels), {});
    kpi.eligible.assign(static_cast<size_t>(levels), {});
    insrv.assign(static_cast<size_t>(levels), 0);
    elig.assign(static_cast<size_t>(levels), 0);
    for (int d = 0; d < c.dn_count(); ++d) {
      count(0, c.truth(d), +1);
      for (int n = 0; n < c.node_count(); ++n)
        count(1 + n, c.stat(n, d), +1);
    }
  }
  void count(int level, const model::DnView& v, int sign) {
    if (v.owner >= 0 && v.in_service) insrv[static_cast<size_t>(level)] += sign;
    if (v.eligible()) elig[static_cast<size_t>(level)] += sign;
  }
  // Samples at k * step < t hold the state before anything that happens at t.
  void flush(Time t) {
    while (next_sample * kpi.step.micros() < t.micros() &&
           kpi.in_service[0].size() < static_cast<size_t>(kKpiSamples) + 2) {
      for (size_t l = 0; l < insrv.size(); ++l) {
        kpi.in_service[l].push_back(static_cast<float>(insrv[l]));
        kpi.eligible[l].push_back(static_cast<float>(elig[l]));
      }
      for (int n = 0; n < c.node_count(); ++n)
        calls.queue[static_cast<size_t>(n)].push_back(static_cast<float>(c.queue_length(n)));
      ++next_sample;
    }
  }
  void add(LogEntry e) {
    auto& q = log[static_cast<size_t>(e.type)];
    q.push_back(std::move(e));
    if (q.size() > kLogMax) q.pop_front();
  }
  void on_dn_view(const model::DnViewChange& ch) override {
    flush(ch.at);
    if (ch.level == model::ViewLevel::truth) {
      count(0, ch.before, -1);
      count(0, ch.after, +1);
    } else if (ch.level == model::ViewLevel::stat) {
      count(1 + ch.node, ch.before, -1);
      count(1 + ch.node, ch.after, +1);
    }
    std::string where = ch.level == model::ViewLevel::truth
                            ? std::string("truth")
                            : std::string(ch.level == model::ViewLevel::view ? "view_" : "SS_") +
                                  node_name(c, ch.node);
    const auto& a = ch.after;
    add({ch.at, LogEntry::Type::dn_view, ch.dn,
         "DN " + c.spec().agents[static_cast<size_t>(ch.dn)].dn + " " + where + ": owner " +
             node_name(c, a.owner) + ", " + (a.in_service ? "InSrv" : "OOS") + ", " +
             model::to_string(a.agent)});
  }
  void on_ownership(const model::OwnershipChange& ch) override {
    flush(ch.at);
    add({ch.at, LogEntry::Type::ownership, ch.dn,
         "DN " + c.spec().agents[static_cast<size_t>(ch.dn)].dn + " owner " +
             node_name(c, ch.old_owner) + " -> " + node_name(c, ch.new_owner) + " (" +
             model::to_string(ch.cause) + ")"});
  }
  void on_link(const model::LinkChange& ch) override {
    flush(ch.at);
    if (ch.after == model::LinkEndState::declared_lost) {
      seq.marks.push_back({ch.at, ch.node, ch.peer, "declared lost"});
      lose(ch.node, ch.peer, ch.at, "lost: the link was declared lost (R28)");
    } else if (ch.after == model::LinkEndState::resyncing) {
      seq.marks.push_back({ch.at, ch.node, ch.peer, "resync"});
    }
    add({ch.at, LogEntry::Type::link, -1,
         "link " + node_name(c, ch.node) + "-" + node_name(c, ch.peer) + " at " +
             node_name(c, ch.node) + ": " + model::to_string(ch.before) + " -> " +
             model::to_string(ch.after)});
  }
  bool wants_messages() const override { return true; }
  SeqMessage* msg(uint64_t abs) {
    return abs < seq_base ? nullptr : &seq.msgs.mut(static_cast<size_t>(abs - seq_base));
  }
  void on_message(const model::MessageSent& m) override {
    SeqMessage s{m.at,
                 m.arrive,
                 m.from,
                 m.to,
                 m.dn,
                 m.seq,
                 m.kind,
                 m.epoch,
                 static_cast<uint32_t>(m.entries),
                 m.agent,
                 m.in_service,
                 m.held,
                 SeqMessage::Fate::in_flight};
    const bool tc = m.from >= 0;
    if (m.dropped) {
      s.fate = SeqMessage::Fate::lost;
      s.end = m.at;
      s.why_lost = "not sent: the link is declared lost (R28)";
    } else if (!tc) {
      s.fate = SeqMessage::Fate::delivered;  // a request; lost if its node dies first
    } else {
      s.end = Time::max();
      pending[static_cast<size_t>(m.from * c.node_count() + m.to)].push_back(seq_base +
                                                                             seq.msgs.size());
    }
    seq.msgs.push_back(s);
    if (seq.msgs.size() > SeqSeries::kMax) {
      seq.msgs.pop_front();
      ++seq_base;
      ++seq.dropped_old;
    }
  }
  void on_tc_apply(const model::TcApply& a) override {
    auto& q = pending[static_cast<size_t>(a.from * c.node_count() + a.to)];
    while (!q.empty()) {
      SeqMessage* m = msg(q.front());
      if (m == nullptr) {
        q.pop_front();
        continue;
      }
      if (m->seq > a.seq) break;
      q.pop_front();
      if (m->seq == a.seq) {
        m->fate = SeqMessage::Fate::delivered;
        m->end = a.at;
        break;
      }
      m->fate = SeqMessage::Fate::lost;  // a gap: R28 lost it
      m->end = a.at;
      m->why_lost = "lost (R28)";
    }
  }
  // Every message still pending on the channels between a and b (or all of a's when b < 0)
  // is lost at t.
  void lose(int a, int b, Time t, const char* why) {
    const int n = c.node_count();
    for (int x = 0; x < n; ++x) {
      for (int y = 0; y < n; ++y) {
        if (!((x == a && (b < 0 || y == b)) || (y == a && (b < 0 || x == b)))) continue;
        auto& q = pending[static_cast<size_t>(x * n + y)];
        for (uint64_t i : q)
          if (SeqMessage* m = msg(i)) {
            m->fate = SeqMessage::Fate::lost;
            m->end = t;
            m->why_lost = why;
          }
        q.clear();
      }
    }
  }
  void on_node(const model::NodeChange& ch) override {
    flush(ch.at);
    seq.marks.push_back({ch.at, ch.node, -1, ch.alive ? "restart" : "crash"});
    if (!ch.alive) {
      lose(ch.node, -1, ch.at, "lost: a node of the link crashed");
      for (size_t i = seq.msgs.size(); i-- > 0 && seq.msgs[i].sent + seconds(60) > ch.at;) {
        const SeqMessage& m = seq.msgs[i];
        if (m.from < 0 && m.to == ch.node && m.end > ch.at) {
          SeqMessage& w = seq.msgs.mut(i);
          w.fate = SeqMessage::Fate::lost;
          w.why_lost = "lost: its node crashed before it arrived";
        }
      }
    }
    const std::string name = node_name(c, ch.node);
    if (!ch.alive) {
      calls.episodes.push_back(
          {ch.at, Time::max(), CallSeries::Episode::Kind::crash, "crash " + name});
    } else {
      for (auto& e : calls.episodes)
        if (e.kind == CallSeries::Episode::Kind::crash && e.end == Time::max() &&
            e.what == "crash " + name)
          e.end = ch.at;
    }
    add({ch.at, LogEntry::Type::link, -1, "node " + name + (ch.alive ? " restarted" : " crashed")});
  }
  void on_conflict(const model::Conflict& ch) override {
    flush(ch.at);
    add({ch.at, LogEntry::Type::conflict, ch.dn,
         "DN " + c.spec().agents[static_cast<size_t>(ch.dn)].dn +
             " split brain: " + node_name(c, ch.winner) + " wins over " + node_name(c, ch.loser) +
             " (since " + clock_time(ch.since) + ")"});
  }
  // §6.4: the one classifier CallStats uses too.
  stats::Period classify() const {
    return stats::classify_period(
        c.node_count(), [this](int n, int p) { return c.link_end(n, p); },
        [this](int n) { return c.node_alive(n); });
  }
  void on_event(const FiredEvent& f) override { flush(f.time); }
  // The period in force at the end of each instant (a period that lasted no time is no period).
  bool wants_instant_ends() const override { return true; }
  void on_instant_end(Time t) override {
    const stats::Period p = classify();
    auto& spans = calls.periods;
    if (spans.back().start == t) {
      spans.back().period = p;
      if (spans.size() > 1 && spans[spans.size() - 2].period == p) spans.pop_back();
    } else if (spans.back().period != p) {
      spans.push_back({t, p});
    }
  }
  // The `stale` count of each routing decision, as `scsim run` records it in routing.csv (it
  // only counts: the run and its fingerprint are the same with or without it).
  bool wants_decision_detail() const override { return !c.spec().workload.empty(); }
  void on_call(const model::CallRecord& r) override {
    if (r.outcome == model::CallOutcome::in_progress) return;
    const auto& P = c.params();
    const Time sl = P.service_level_threshold, sa = P.short_abandon_threshold;
    const size_t slots = calls.queue.size() + 1;
    const size_t bin = static_cast<size_t>(
        std::clamp<int64_t>(r.arrival.micros() / calls.bin.micros(), 0, calls.bins - 1));
    calls.by_bin[bin * slots + slots - 1].add(r, sl, sa);
    if (r.node >= 0) calls.by_bin[bin * slots + static_cast<size_t>(r.node)].add(r, sl, sa);
    calls.by_period[static_cast<int>(calls.period_at(r.arrival))].add(r, sl, sa);
    calls.total.add(r, sl, sa);
    ++calls.ended;
    if (r.outcome == model::CallOutcome::lost_node_failure) ++calls.lost_with_node;
  }
  // One row per routing decision: URS_N reports "queued" when a call joins the queue and the
  // offer right after when it routes it at the same instant; the two are one decision (the
  // queued report is replaced). A "queued" left alone is the call waiting.
  void on_decision(const model::RoutingDecision& d) override {
    if (!calls.last.empty() && calls.last.back().call == d.call && calls.last.back().at == d.at &&
        calls.last.back().result == model::DecisionResult::queued) {
      calls.last.back() = d;
      return;
    }
    ++calls.decisions;
    calls.last.push_back(d);
    if (calls.last.size() > CallSeries::kDecisionRing) calls.last.pop_front();
  }
};

// A checkpoint: the cluster and the panels' data at one time (session.hpp).
struct Session::Checkpoint {
  std::unique_ptr<model::Cluster> cluster;
  WatchData watch;
  uint64_t events = 0;  // executed by then
};

Session::Session(scenario::Scenario sc, uint64_t seed) : sc_(std::move(sc)), seed_(seed) {
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(Time::zero());
}

Session::~Session() = default;

const std::vector<std::deque<LogEntry>>& Session::log() const {
  return watch_->log;
}
const KpiSeries& Session::kpis() const {
  return watch_->kpi;
}
const CallSeries& Session::calls() const {
  return watch_->calls;
}
const SeqSeries& Session::sequence() const {
  return watch_->seq;
}

size_t Session::next_action() const {
  auto it = std::upper_bound(timeline_.begin(), timeline_.end(), now(),
                             [](Time t, const model::Action& a) { return t < a.at; });
  return static_cast<size_t>(it - timeline_.begin());
}

scenario::Scenario Session::edited_scenario() const {
  scenario::Scenario s = sc_;
  s.seed = seed_;
  s.timeline = timeline_;
  return s;
}

void Session::set_checkpoints(bool on) {
  checkpoints_on_ = on;
  if (!on) checkpoints_.clear();
}

void Session::refresh_due() {
  // Due `spacing_` events after the latest checkpoint at or before now (at once without one).
  auto it = checkpoints_.upper_bound(now().micros());
  due_ = it == checkpoints_.begin() ? 0 : std::prev(it)->second->events + spacing_;
}

void Session::take_checkpoint() {
  if (!checkpoints_on_ || now() >= sc_.duration) return;
  const int64_t at = now().micros();
  if (!checkpoints_.count(at)) {
    if (checkpoints_.size() >= kMaxCheckpoints) {
      // Bounded: every other one goes (the first stays), and the spacing doubles.
      spacing_ *= 2;
      bool keep = true;
      for (auto it = checkpoints_.begin(); it != checkpoints_.end(); keep = !keep)
        it = keep ? std::next(it) : checkpoints_.erase(it);
    }
    checkpoints_.emplace(at, std::make_unique<Checkpoint>(Checkpoint{
                                 cluster_->clone(), *watch_, cluster_->scheduler().executed()}));
  }
  refresh_due();
}

void Session::restore(const Checkpoint& cp) {
  watch_.reset();  // the observers go before the cluster they watch
  cluster_ = cp.cluster->clone();
  watch_ = std::make_unique<Watch>(cp.watch, *cluster_);
  cluster_->add_observer(watch_.get());
  finished_ = false;
  ++restores_;
  refresh_due();
}

bool Session::step_checkpointed() {
  auto& sched = cluster_->scheduler();
  // A checkpoint is taken between instants: every event at now() has run.
  if (checkpoints_on_ && sched.executed() >= due_) {
    const auto nt = sched.next_time();
    if (nt && *nt > now()) take_checkpoint();
  }
  return cluster_->step();
}

void Session::advance(Time t) {
  if (checkpoints_on_) {
    auto& sched = cluster_->scheduler();
    while (true) {
      const auto nt = sched.next_time();
      if (!nt || *nt > t) break;
      if (!step_checkpointed()) return;  // a limit stopped the run
    }
  }
  cluster_->run_until(t);
}

void Session::rebuild(Time to) {
  double t0 = wall_ms();
  checkpoints_.clear();  // a new run (the timeline changed)
  spacing_ = kFirstSpacing;
  // The observers go before the cluster they watch.
  watch_.reset();
  run::RunLimits limits;
  limits.max_events = kMaxEvents;
  cluster_ = run::build_cluster(sc_, seed_, timeline_, sc_.duration, limits);
  watch_ = std::make_unique<Watch>(*cluster_, sc_.duration);
  watch_->calls.episodes = timeline_episodes(cluster_->spec(), timeline_);
  cluster_->add_observer(watch_.get());
  finished_ = false;
  take_checkpoint();  // at 0
  if (to > Time::zero()) advance(std::min(to, sc_.duration));
  ++rebuilds_;
  last_rebuild_ms_ = wall_ms() - t0;
  after_advance();
}

void Session::after_advance() {
  next_event_ = cluster_->scheduler().next_time();
  const auto& c = *cluster_;
  const int n_nodes = c.node_count();
  summary_.assign(static_cast<size_t>(n_nodes), {});
  auto differs = [](const model::DnView& a, const model::DnView& b) {
    return a.owner != b.owner || a.in_service != b.in_service || a.agent != b.agent;
  };
  for (int d = 0; d < c.dn_count(); ++d) {
    model::DnView t = c.truth(d);
    if (t.owner >= 0) ++summary_[static_cast<size_t>(t.owner)].owned;
    for (int n = 0; n < n_nodes; ++n) {
      auto& s = summary_[static_cast<size_t>(n)];
      const auto& ss = c.stat(n, d);
      if (ss.owner >= 0 && ss.in_service) ++s.ss_in_service;
      if (ss.eligible()) ++s.ss_eligible;
      if (!c.node_alive(n)) continue;
      if (differs(c.view(n, d), t)) ++s.stale_view;
      if (differs(ss, t)) ++s.stale_ss;
    }
  }
}

void Session::run_until(Time t) {
  t = std::clamp(t, Time::zero(), sc_.duration);
  // The latest checkpoint at or before t: restored when going back, or when it is ahead.
  auto it = checkpoints_.upper_bound(t.micros());
  const bool have = it != checkpoints_.begin();
  if (have) --it;
  if (t < now() || (have && it->first > now().micros())) {
    if (!have) {
      rebuild(t);
      return;
    }
    restore(*it->second);
  }
  advance(t);
  after_advance();
}

bool Session::step() {
  bool ran = step_checkpointed();
  if (!ran) finished_ = !cluster_->scheduler().next_time().has_value() || now() >= end();
  after_advance();
  return ran;
}

void Session::step_to_next_action() {
  size_t i = next_action();
  run_until(i < timeline_.size() ? timeline_[i].at : sc_.duration);
}

void Session::run_for(double budget_ms, Time limit) {
  limit = std::min(limit, sc_.duration);
  const double t0 = wall_ms();
  auto& sched = cluster_->scheduler();
  while (true) {
    auto next = sched.next_time();
    if (!next || *next > limit) {
      advance(limit);
      break;
    }
    bool more = true;
    for (int k = 0; k < 512 && more; ++k) {
      auto nt = sched.next_time();
      if (!nt || *nt > limit) break;  // the check above finishes the run to `limit`
      more = step_checkpointed();
    }
    if (!more || wall_ms() - t0 > budget_ms) break;  // a limit stopped it, or time is up
  }
  after_advance();
}

void Session::add_action(model::Action a) {
  a.at = std::clamp(a.at, Time::zero(), sc_.duration);
  auto it = std::upper_bound(user_actions_.begin(), user_actions_.end(), a.at,
                             [](Time t, const model::Action& x) { return t < x.at; });
  user_actions_.insert(it, std::move(a));
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(now());
}

void Session::remove_action(size_t index) {
  if (index >= user_actions_.size()) return;
  user_actions_.erase(user_actions_.begin() + static_cast<std::ptrdiff_t>(index));
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(now());
}

void Session::set_user_actions(std::vector<model::Action> actions) {
  std::stable_sort(actions.begin(), actions.end(),
                   [](const model::Action& a, const model::Action& b) { return a.at < b.at; });
  user_actions_ = std::move(actions);
  timeline_ = run::merge_timeline(sc_.timeline, user_actions_);
  rebuild(now());
}

std::string Session::save(const std::string& path) const {
  std::string comment = "Saved by scsim-viz from " + sc_.file + " (seed " + std::to_string(seed_) +
                        ") with " + std::to_string(user_actions_.size()) +
                        " action(s) made by hand.\n`scsim run` replays it to the same fingerprint.";
  return scenario::save_scenario(path, edited_scenario(), comment);
}

std::string Session::write_results(const std::filesystem::path& dir,
                                   std::string* fingerprint) const {
  try {
    const scenario::Scenario sc = edited_scenario();
    stats::ResultsDir results(dir);
    run::RunLimits limits;
    limits.max_events = kMaxEvents;
    run::Simulation sim(sc, seed_, sc.duration, limits);
    sim.record_to(results.temp());
    sim.run();
    if (!sim.finish()) return std::string("run stopped early: ") + to_string(sim.stop_reason());
    run::RunInfo info;
    info.version = info.git_commit = "viz";
    sim.write_run_csv(results.temp(), info);
    results.commit();
    if (fingerprint) *fingerprint = stats::hex64(sim.cluster().scheduler().fingerprint());
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

scenario::Scenario replicate_agents(const scenario::Scenario& sc, int times) {
  scenario::Scenario out = sc;
  if (times <= 1) return out;
  const size_t base = sc.cluster.agents.size();
  for (int k = 1; k < times; ++k) {
    for (size_t i = 0; i < base; ++i) {
      auto a = sc.cluster.agents[i];
      a.name += "_" + std::to_string(k);
      a.dn += "_" + std::to_string(k);
      out.cluster.agents.push_back(std::move(a));
    }
    for (const auto& act : sc.timeline) {
      if (act.agent < 0) continue;
      auto copy = act;
      copy.agent = act.agent + static_cast<int>(base) * k;
      out.timeline.push_back(std::move(copy));
    }
  }
  std::stable_sort(out.timeline.begin(), out.timeline.end(),
                   [](const model::Action& a, const model::Action& b) { return a.at < b.at; });
  out.name += "-x" + std::to_string(times);
  return out;
}

}  // namespace scsim::viz
