#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "catch.hpp"
#include "core/random.hpp"
#include "core/scheduler.hpp"

using namespace scsim;

namespace {
std::vector<uint32_t> run_all(Scheduler& s) {
  std::vector<uint32_t> order;
  s.run([&](const FiredEvent& f) { order.push_back(f.event.target); });
  return order;
}

// A reference for randomized scheduler tests: every pending event's (time, effective priority,
// sequence) with its payload in a std::map, which iterates in the header comment's total order,
// scheduled and cancelled through it; each fired event (time, sequence, priority, kind, target,
// arg) must be the reference's least and peek must list the reference's first ones.
struct Reference {
  using Key = std::tuple<int64_t, int, uint64_t>;
  Scheduler& s;
  std::map<Key, Event> pending;
  std::map<uint64_t, EventHandle> handles;  // by sequence
  std::vector<std::tuple<int64_t, uint64_t, int, uint32_t, uint32_t, uint64_t>> stream;
  uint64_t seq = 0, mismatches = 0, peek_mismatches = 0;
  uint64_t fired = 0;
  Time last = Time::zero();
  uint8_t running = 0;

  explicit Reference(Scheduler& sched) : s(sched) {}
  void add(Time t, uint8_t prio) { add(t, prio, Event{0, uint32_t(seq), 0}); }
  void add(Time t, uint8_t prio, Event e) {
    // R26 / the header comment: an event for the running instant below the running priority is
    // raised to it; equal (time, priority) keep their scheduling order (FIFO).
    uint8_t eff = !stream.empty() && t == last && prio < running ? running : prio;
    handles[seq] = s.schedule_at(t, prio, e);
    pending.emplace(Key{t.micros(), eff, seq}, e);
    ++seq;
  }
  void on_fired(const FiredEvent& f) {
    stream.emplace_back(f.time.micros(), f.seq, f.priority, f.event.kind, f.event.target,
                        f.event.arg);
    REQUIRE(!pending.empty());
    auto want = pending.begin();
    const auto& [t, p, q] = want->first;
    if (t != f.time.micros() || p != f.priority || q != f.seq ||
        want->second.kind != f.event.kind || want->second.target != f.event.target ||
        want->second.arg != f.event.arg)
      ++mismatches;
    handles.erase(q);
    pending.erase(want);
    last = f.time;
    running = f.priority;
    ++fired;
  }
  void cancel_one(Rng& r) {
    if (handles.empty()) return;
    auto it = handles.begin();
    std::advance(it, long(r.below(handles.size())));
    const Key k{it->second.time.micros(), int(it->second.key >> Scheduler::kSeqBits), it->first};
    if (!s.cancel(it->second)) ++mismatches;
    pending.erase(k);
    handles.erase(it);
  }
  void check_peek(size_t n) {
    auto next = s.peek(n);
    auto ref = pending.begin();
    for (const auto& e : next) {
      if (ref == pending.end() || std::get<2>(ref->first) != e.seq ||
          ref->second.target != e.event.target)
        ++peek_mismatches;
      if (ref != pending.end()) ++ref;
    }
    if (next.size() != std::min(n, pending.size())) ++peek_mismatches;
  }
};

constexpr int64_t kBucketUs = int64_t(1) << 23;  // the calendar's bucket width (8.4 s)

Event payload(Rng& r, uint64_t n) {
  return Event{uint32_t(r.below(9)), uint32_t(n), r.below(uint64_t(1) << 40)};
}

// A delay for the calendar tests: zero (the running instant), microseconds (inside the heap's
// sub-bucket), milliseconds (the next sub-buckets), up to one bucket (later sub-buckets and the
// next buckets), hours (the 2.4 h ring) and days (its overflow).
Time calendar_delay(Rng& r) {
  switch (r.below(6)) {
    case 0:
      return Time::zero();
    case 1:
      return micros(int64_t(r.below(50)));
    case 2:
      return millis(int64_t(r.below(40)));
    case 3:
      return micros(int64_t(r.below(uint64_t(kBucketUs))));
    case 4:
      return seconds(double(r.below(4 * 3600)));
    default:
      return seconds(double(r.below(3 * 86400)));
  }
}
}  // namespace

TEST_CASE("Events at equal time and priority run in the order they were scheduled") {
  Scheduler s;
  for (uint32_t i = 0; i < 50; ++i)
    s.schedule_at(seconds(1), 3, Event{0, i, 0});
  auto order = run_all(s);
  REQUIRE(order.size() == 50);
  for (uint32_t i = 0; i < 50; ++i)
    CHECK(order[i] == i);
}

TEST_CASE("At equal time a lower priority number runs first, whatever the insertion order") {
  Scheduler s;
  s.schedule_at(seconds(1), 3, Event{0, 30, 0});
  s.schedule_at(seconds(1), 1, Event{0, 10, 0});
  s.schedule_at(seconds(0.5), 9, Event{0, 5, 0});
  s.schedule_at(seconds(1), 2, Event{0, 20, 0});
  CHECK(run_all(s) == std::vector<uint32_t>{5, 10, 20, 30});
}

TEST_CASE("An event scheduled for now with a higher-ranked priority still runs after its cause") {
  Scheduler s;
  std::vector<uint32_t> order;
  s.schedule_at(seconds(1), 5, Event{0, 1, 0});
  s.schedule_at(seconds(1), 6, Event{0, 3, 0});
  s.run([&](const FiredEvent& f) {
    order.push_back(f.event.target);
    if (f.event.target == 1) s.schedule_at(seconds(1), 0, Event{0, 2, 0});
  });
  CHECK(order == std::vector<uint32_t>{1, 2, 3});
}

TEST_CASE("A cancelled event never runs and cancel reports whether it took effect") {
  Scheduler s;
  auto a = s.schedule_at(seconds(1), 0, Event{0, 1, 0});
  auto b = s.schedule_at(seconds(2), 0, Event{0, 2, 0});
  s.schedule_at(seconds(3), 0, Event{0, 3, 0});
  CHECK(s.pending() == 3);
  CHECK(s.cancel(b));
  CHECK_FALSE(s.cancel(b));  // twice: no effect
  CHECK(s.pending() == 2);
  CHECK(run_all(s) == std::vector<uint32_t>{1, 3});
  CHECK_FALSE(s.cancel(a));  // already ran
  CHECK_FALSE(s.cancel(EventHandle{}));
  CHECK(s.empty());
}

TEST_CASE("Cancelling an event that already ran at the current instant does nothing") {
  Scheduler s;
  EventHandle first = s.schedule_at(seconds(1), 0, Event{0, 1, 0});
  EventHandle second = s.schedule_at(seconds(1), 0, Event{0, 2, 0});
  std::vector<uint32_t> order;
  bool cancelled_ran = true, cancelled_pending = false;
  s.run([&](const FiredEvent& f) {
    order.push_back(f.event.target);
    if (f.event.target == 1) {
      cancelled_ran = s.cancel(first);       // itself: already running
      cancelled_pending = s.cancel(second);  // same instant, still pending
    }
  });
  CHECK_FALSE(cancelled_ran);
  CHECK(cancelled_pending);
  CHECK(order == std::vector<uint32_t>{1});
}

TEST_CASE("run_until runs events at exactly t and leaves later ones pending") {
  Scheduler s;
  s.schedule_at(seconds(1), 0, Event{0, 1, 0});
  s.schedule_at(seconds(2), 0, Event{0, 2, 0});
  s.schedule_at(seconds(2) + micros(10), 0, Event{0, 3, 0});
  std::vector<uint32_t> order;
  auto reason =
      s.run_until(seconds(2), [&](const FiredEvent& f) { order.push_back(f.event.target); });
  CHECK(order == std::vector<uint32_t>{1, 2});
  CHECK(reason == StopReason::until_reached);
  CHECK(s.now() == seconds(2));
  CHECK(s.pending() == 1);
  // now() advances to t even when no event sits at t.
  s.run_until(seconds(2) + micros(5), [&](const FiredEvent&) {});
  CHECK(s.now() == seconds(2) + micros(5));
  CHECK(s.pending() == 1);
}

TEST_CASE("The event limit stops a run that would never end, with a stated reason") {
  Scheduler s;
  s.schedule_at(seconds(0), 0, Event{0, 0, 0});
  s.set_event_limit(1000);
  auto reason = s.run([&](const FiredEvent&) { s.schedule_after(millis(1), 0, Event{}); });
  CHECK(reason == StopReason::event_limit);
  CHECK(s.executed() == 1000);
  CHECK(std::string(to_string(reason)) == "event-count limit reached");
}

TEST_CASE("Issue 12: the pending-event limit stops a run whose queue grows without bound") {
  Scheduler s;
  s.schedule_at(seconds(0), 0, Event{});
  s.set_pending_limit(100);
  // Every event schedules two more: the queue doubles until the guard stops it.
  auto reason = s.run([&](const FiredEvent&) {
    s.schedule_after(millis(1), 0, Event{});
    s.schedule_after(millis(1), 0, Event{});
  });
  CHECK(reason == StopReason::pending_limit);
  CHECK(s.pending() == 101);
  CHECK(std::string(to_string(reason)) == "limit of pending events reached");
}

TEST_CASE("Issue 12: request_stop ends run_until after the event that asked, first reason wins") {
  Scheduler s;
  for (int i = 0; i < 10; ++i)
    s.schedule_at(seconds(i), 0, Event{0, uint32_t(i), 0});
  std::vector<uint32_t> ran;
  auto reason = s.run_until(seconds(100), [&](const FiredEvent& f) {
    ran.push_back(f.event.target);
    if (f.event.target == 3) {
      s.request_stop(StopReason::call_limit);
      s.request_stop(StopReason::memory_limit);
    }
  });
  CHECK(reason == StopReason::call_limit);
  CHECK(ran == std::vector<uint32_t>{0, 1, 2, 3});
  CHECK(s.now() == seconds(3));  // not advanced to 100: the run did not reach its end
  CHECK_FALSE(s.step().has_value());
  CHECK(s.stop_reason() == StopReason::call_limit);
}

TEST_CASE("The time limit stops a run before any event after it") {
  Scheduler s;
  s.schedule_at(seconds(0), 0, Event{});
  s.set_time_limit(seconds(10));
  auto reason = s.run([&](const FiredEvent&) { s.schedule_after(seconds(1), 0, Event{}); });
  CHECK(reason == StopReason::time_limit);
  CHECK(s.now() == seconds(10));
  CHECK(s.executed() == 11);  // 0, 1, ..., 10: the limit itself is inclusive
}

TEST_CASE("Scheduling into the past is refused, so time never goes backwards") {
  Scheduler s;
  s.schedule_at(seconds(5), 0, Event{});
  s.run([](const FiredEvent&) {});
  CHECK_THROWS_AS(s.schedule_at(seconds(4), 0, Event{}), std::logic_error);
  Time last = Time::zero();
  Scheduler t;
  for (int i = 0; i < 100; ++i)
    t.schedule_at(micros((i * 7919) % 1000), 0, Event{});
  t.run([&](const FiredEvent& f) {
    CHECK(f.time >= last);
    last = f.time;
  });
}

namespace {
uint64_t fingerprint_of(int variant) {
  Scheduler s;
  for (uint32_t i = 0; i < 20; ++i) {
    uint32_t kind = (variant == 1 && i == 13) ? 7 : 1;
    Time t = (variant == 2 && i == 5) ? micros(5001) : millis(i * 1);
    s.schedule_at(t, 0, Event{kind, i, 0});
  }
  s.run([](const FiredEvent&) {});
  return s.fingerprint();
}
}  // namespace

TEST_CASE("The fingerprint is equal for equal runs and differs when one event differs") {
  CHECK(fingerprint_of(0) == fingerprint_of(0));
  CHECK(fingerprint_of(0) != fingerprint_of(1));  // one kind differs
  CHECK(fingerprint_of(0) != fingerprint_of(2));  // one time differs
}

TEST_CASE("peek lists the next live events in execution order without running them") {
  Scheduler s;
  for (uint32_t i = 0; i < 40; ++i)
    s.schedule_at(micros((i * 37) % 40), 0, Event{0, i, 0});
  auto gone = s.schedule_at(micros(0), 0, Event{0, 99, 0});
  s.cancel(gone);
  auto next = s.peek(10);
  REQUIRE(next.size() == 10);
  for (size_t k = 1; k < next.size(); ++k)
    CHECK(next[k - 1].time <= next[k].time);
  for (const auto& f : next)
    CHECK(f.event.target != 99);
  CHECK(s.executed() == 0);
  std::vector<uint32_t> ran;
  s.run([&](const FiredEvent& f) {
    if (ran.size() < 10) ran.push_back(f.event.target);
  });
  for (size_t k = 0; k < 10; ++k)
    CHECK(ran[k] == next[k].event.target);
}

TEST_CASE(
    "Events scheduled for the running instant (kept beside the heap) still run in (time, "
    "priority, sequence) order, mixed with heap events of that instant, cancels and peeks") {
  // A reference: every pending event in a std::set keyed by (time, priority, sequence). The
  // handler schedules zero-delay and later events at random priorities and cancels some; each
  // fired event must be the reference's least, and peek must list the reference's first five.
  Scheduler s;
  Rng r(7, "scheduler-now-queue");
  Reference ref(s);
  for (int i = 0; i < 20; ++i)
    ref.add(millis(int64_t(r.below(5))), uint8_t(r.below(6)));
  s.run([&](const FiredEvent& f) {
    ref.on_fired(f);
    if (ref.fired > 3000) return;
    int children = int(r.below(4));
    for (int k = 0; k < children; ++k) {
      Time at = r.below(2) == 0 ? f.time : f.time + millis(int64_t(r.below(3)));
      ref.add(at, uint8_t(r.below(6)));
    }
    if (r.below(4) == 0) ref.cancel_one(r);
    ref.check_peek(5);
    CHECK(s.pending() == ref.pending.size());
  });
  CHECK(ref.fired > 1000);
  CHECK(ref.mismatches == 0);
  CHECK(ref.peek_mismatches == 0);
  CHECK(ref.pending.empty());
}

TEST_CASE(
    "Issue 11 §6: timeline events fed lazily run in the same order, with the same sequence "
    "numbers and fingerprint, as the same events pushed onto the heap") {
  // A random timeline (unsorted, ties in time and priority) and model events that the handler
  // schedules while running, some cancelled; once through schedule_at, once through
  // schedule_timeline. Every fired (time, sequence, priority, target), the peeks before the run
  // and the fingerprint must agree.
  auto run = [](bool lazy) {
    Scheduler s;
    Rng r(77, "timeline");
    std::vector<EventHandle> handles;
    for (uint32_t i = 0; i < 400; ++i) {
      Time t = seconds(double(r.below(50)));
      uint8_t prio = uint8_t(r.below(4));
      handles.push_back(lazy ? s.schedule_timeline(t, prio, Event{1, i, 0})
                             : s.schedule_at(t, prio, Event{1, i, 0}));
    }
    for (size_t k = 0; k < handles.size(); k += 7)
      s.cancel(handles[k]);
    std::vector<std::tuple<int64_t, uint64_t, int, uint32_t>> fired;
    std::vector<uint32_t> peeked;
    for (const FiredEvent& f : s.peek(20))
      peeked.push_back(f.event.target);
    uint32_t next = 1000;
    s.run([&](const FiredEvent& f) {
      fired.emplace_back(f.time.micros(), f.seq, f.priority, f.event.target);
      if (f.event.kind == 1 && f.event.target % 3 == 0 && next < 1600) {
        s.schedule_after(seconds(double(f.event.target % 5)), uint8_t(f.event.target % 4),
                         Event{2, next++, 0});
      }
    });
    return std::tuple{fired, peeked, s.fingerprint(), s.executed()};
  };
  auto heap = run(false);
  auto lazy = run(true);
  CHECK(std::get<0>(heap).size() > 400);
  CHECK(std::get<0>(lazy) == std::get<0>(heap));
  CHECK(std::get<1>(lazy) == std::get<1>(heap));
  CHECK(std::get<2>(lazy) == std::get<2>(heap));
  CHECK(std::get<3>(lazy) == std::get<3>(heap));
}

TEST_CASE("Issue 11 §6: pending() and empty() count timeline events that wait") {
  Scheduler s;
  s.schedule_timeline(seconds(2), 3, Event{0, 1, 0});
  s.schedule_timeline(seconds(1), 3, Event{0, 2, 0});
  CHECK(s.pending() == 2);
  CHECK_FALSE(s.empty());
  REQUIRE(s.next_time() == seconds(1));
  auto order = run_all(s);
  CHECK(order == std::vector<uint32_t>{2, 1});
  CHECK(s.empty());
}

TEST_CASE(
    "Issue 20: events far ahead (calendar buckets, beyond the ring's horizon too) run in "
    "(time, priority, sequence) order with cancels, peeks, pending counts and run_until") {
  // A reference std::set of every pending (time, priority, sequence). Delays range from zero
  // through seconds (the next buckets) to hours and days (beyond the 2.4 h ring, the overflow);
  // the run goes in run_until chunks so now() also jumps over empty stretches.
  Scheduler s;
  Rng r(2020, "scheduler-calendar");
  Reference ref(s);
  for (int i = 0; i < 300; ++i)
    ref.add(calendar_delay(r), uint8_t(r.below(4)));
  uint64_t count_mismatches = 0;
  auto handler = [&](const FiredEvent& f) {
    ref.on_fired(f);
    if (ref.fired > 6000) return;
    for (int k = int(r.below(4)); k > 0; --k)
      ref.add(f.time + calendar_delay(r), uint8_t(r.below(4)));
    if (r.below(3) == 0) ref.cancel_one(r);
    if (ref.fired % 50 == 0) ref.check_peek(40);
    if (s.pending() != ref.pending.size()) ++count_mismatches;
  };
  for (Time until = seconds(3600); !s.empty(); until = until + seconds(5 * 3600)) {
    s.run_until(until, handler);
    CHECK(s.pending() == ref.pending.size());
  }
  CHECK(ref.fired > 5000);
  CHECK(ref.mismatches == 0);
  CHECK(ref.peek_mismatches == 0);
  CHECK(count_mismatches == 0);
  CHECK(ref.pending.empty());
}

TEST_CASE(
    "Issue 20: a crowded calendar bucket is split and poured piece by piece, and every fired "
    "event (time, sequence, priority, kind, target, arg) is still the reference's least") {
  // The header comment's total order (time, priority, sequence), FIFO at equal keys (R26). Four
  // thousand events crowd bucket 0 and three thousand bucket 3 (so both are split into
  // sub-buckets when they come up); the handler schedules same-instant events (raised
  // priorities, FIFO), events a few microseconds to milliseconds ahead (before and after the
  // heap's boundary inside the split bucket), seconds ahead (later sub-buckets and buckets) and
  // hours to days ahead (the ring and its overflow), and cancels some.
  Scheduler s;
  Rng r(2026, "scheduler-split");
  Reference ref(s);
  uint64_t n = 0;
  for (int i = 0; i < 4000; ++i)
    ref.add(micros(int64_t(r.below(uint64_t(kBucketUs)))), uint8_t(r.below(4)), payload(r, n++));
  for (int i = 0; i < 3000; ++i)
    ref.add(micros(3 * kBucketUs + int64_t(r.below(uint64_t(kBucketUs)))), uint8_t(r.below(4)),
            payload(r, n++));
  for (int i = 0; i < 200; ++i)  // one crowded instant: FIFO within each priority
    ref.add(micros(kBucketUs / 2), uint8_t(r.below(3)), payload(r, n++));
  for (int i = 0; i < 300; ++i)
    ref.add(seconds(double(r.below(3 * 86400))), uint8_t(r.below(4)), payload(r, n++));
  // Once the first event is next, the heap holds one sub-bucket, not the bucket's 4 200 events.
  REQUIRE(s.next_time().has_value());
  CHECK(s.heap_size() < 100);
  uint64_t count_mismatches = 0;
  size_t largest_heap = 0;
  auto handler = [&](const FiredEvent& f) {
    ref.on_fired(f);
    largest_heap = std::max(largest_heap, s.heap_size());
    if (ref.stream.size() < 12000) {
      for (int k = int(r.below(3)); k > 0; --k)
        ref.add(f.time + calendar_delay(r), uint8_t(r.below(4)), payload(r, n++));
    }
    if (r.below(4) == 0) ref.cancel_one(r);
    if (ref.stream.size() % 97 == 0) ref.check_peek(30);
    if (s.pending() != ref.pending.size()) ++count_mismatches;
  };
  for (Time until = seconds(2); !s.empty(); until = until + seconds(3 * 3600))
    s.run_until(until, handler);
  CHECK(ref.stream.size() > 12000);
  CHECK(ref.mismatches == 0);
  CHECK(ref.peek_mismatches == 0);
  CHECK(count_mismatches == 0);
  CHECK(ref.pending.empty());
  CHECK(largest_heap < 400);  // a few sub-buckets' worth, never a crowded bucket's thousands
}

TEST_CASE(
    "Issue 20: a copy of the scheduler taken inside a split bucket runs the same events as the "
    "original (Cluster::clone checkpoints)") {
  // The header comment's total order; the copy must carry the heap, the sub-buckets, the ring
  // and the cancels. The handler schedules follow-ups from the fired event alone, so both runs
  // must fire the same stream with the same fingerprint.
  Scheduler s;
  Rng r(19, "scheduler-split-copy");
  std::vector<EventHandle> handles;
  for (uint32_t i = 0; i < 3000; ++i)
    handles.push_back(s.schedule_at(micros(int64_t(r.below(uint64_t(2 * kBucketUs)))),
                                    uint8_t(r.below(4)), Event{1, i, r.below(1000)}));
  for (size_t k = 0; k < handles.size(); k += 11)
    s.cancel(handles[k]);
  auto follow = [](Scheduler& sch, const FiredEvent& f) {
    if (f.event.kind == 1 && f.event.target % 2 == 0) {
      sch.schedule_after(micros(int64_t(f.event.arg % 5 * 997)), uint8_t(f.event.target % 4),
                         Event{2, f.event.target, f.event.arg});
      sch.schedule_after(micros(int64_t(f.event.arg * 6007)), 1,
                         Event{2, f.event.target + 100000, f.event.arg});
    }
  };
  using Stream = std::vector<std::tuple<int64_t, uint64_t, int, uint32_t, uint32_t, uint64_t>>;
  auto record = [&](Scheduler& sch, Stream& out) {
    return [&sch, &out, &follow](const FiredEvent& f) {
      out.emplace_back(f.time.micros(), f.seq, f.priority, f.event.kind, f.event.target,
                       f.event.arg);
      follow(sch, f);
    };
  };
  Stream head, a, b;
  s.run_until(micros(kBucketUs / 3), record(s, head));
  REQUIRE(head.size() > 100);
  Scheduler copy = s;
  CHECK(copy.pending() == s.pending());
  CHECK(copy.peek(20).size() == 20);
  s.run(record(s, a));
  copy.run(record(copy, b));
  CHECK(a.size() > 2000);
  CHECK(a == b);
  CHECK(copy.fingerprint() == s.fingerprint());
  // And the stream is in the total order.
  for (size_t k = 1; k < a.size(); ++k) {
    const auto& [t0, q0, p0, k0, g0, x0] = a[k - 1];
    const auto& [t1, q1, p1, k1, g1, x1] = a[k];
    CHECK((t0 < t1 || (t0 == t1 && (p0 < p1 || (p0 == p1 && q0 < q1)))));
  }
}

TEST_CASE("Issue 20: a crowded bucket at the end of time (up to Time::max()) runs in order too") {
  // The header comment's total order at the last representable bucket, whose end does not fit
  // in int64 (it is poured whole, never split), with events scheduled into it while it runs.
  Scheduler s;
  Rng r(64, "scheduler-end-of-time");
  Reference ref(s);
  uint64_t n = 0;
  const int64_t end = Time::max().micros();
  for (int i = 0; i < 300; ++i)
    ref.add(micros(end - int64_t(r.below(uint64_t(kBucketUs) / 2))), uint8_t(r.below(3)),
            payload(r, n++));
  ref.add(Time::max(), 0, payload(r, n++));
  for (int i = 0; i < 300; ++i)
    ref.add(micros(int64_t(r.below(uint64_t(kBucketUs)))), uint8_t(r.below(3)), payload(r, n++));
  s.run([&](const FiredEvent& f) {
    ref.on_fired(f);
    if (f.event.target % 5 == 0 && f.time.micros() < end - 100 && n < 2000)
      ref.add(f.time + micros(int64_t(r.below(100))), uint8_t(r.below(3)), payload(r, n++));
  });
  CHECK(ref.stream.size() > 650);
  CHECK(ref.mismatches == 0);
  CHECK(ref.pending.empty());
}
