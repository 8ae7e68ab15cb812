// The event scheduler: a deterministic discrete-event kernel that knows nothing of telephony.
//
// Events are plain data (kind, target, arg): the owner of the scheduler (the cluster model, a
// benchmark) gives kinds their meaning and dispatches them in one place. Events run in the
// total order (time, priority, sequence):
//   - time first, because that is simulated causality;
//   - priority next, because DOMAIN "same instant" fixes classes (faults before deliveries
//     before timers before scenario actions) that must not depend on when they were scheduled;
//   - the insertion sequence last, so equal (time, priority) run in the order they were
//     scheduled: deterministic, and FIFO as TC links require (R26).
// An event scheduled for the current instant with a priority below the running one's is raised
// to the running priority: nothing can run "before" the event that caused it, so executed keys
// are strictly increasing. That makes cancel() O(1) and exact: a handle whose key is not above
// the last executed key has already run.
//
// Events scheduled for the running instant (the zero-delay consequences of an event: a routing
// pass, a Stat Server delivery with no delay) skip the heap. They arrive in key order within a
// priority, so a FIFO per priority holds them, and the next event is the least of the heap's
// top and the first non-empty FIFO's front: the same total order, without two heap walks.
//
// A scenario's timeline (schedule_timeline) is fed lazily: its events take their sequence
// numbers when scheduled, as any event, but wait in a sorted array outside the heap, read from
// its front. The order (time, priority, sequence) is the same as if they had been pushed onto the
// heap; the heap only holds what the model schedules, so its size stays that of the model's
// pending work instead of the whole day's actions.
//
// Events beyond the current calendar bucket (2^23 us, about 8.4 s of simulated time) skip the
// heap too: they wait, unsorted, in a ring of buckets (beyond the ring's 2.4 hours, in one
// overflow array) and are moved into the heap, which holds every event before a boundary, when
// the heap runs empty. A bucket that comes up holding more than a few dozen events is not poured
// whole: it is first spread, in one pass, over sub-buckets of a finer width chosen so that each
// holds about kSubTarget of them (a radix step), and the sub-buckets are poured one at a time,
// the boundary advancing by one sub-bucket. An event scheduled into the split bucket goes to the
// heap if it falls before the boundary, else to its sub-bucket. So the heap holds one
// sub-bucket's events (128 us to 4 s wide, as crowded as the bucket was) and those scheduled into
// it since, a handful whatever the size of the site (a whole bucket holds tens of thousands at
// tens of thousands of agents: the heap's log n, mispredicted compares and cache misses would
// grow with it). From ring to heap an event moves at most twice, and the order is exactly
// (time, priority, sequence): a heap pop only ever compares events before the boundary, and
// every event at or after it waits in a later sub-bucket or bucket.
//
// Invariants: now() never decreases (asserted); a cancelled event never runs; every run stops
// at a stated limit (simulated time, event count) instead of hanging.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/hash.hpp"
#include "core/prefetch.hpp"
#include "core/time.hpp"

namespace scsim {

// One event as data. `kind` and `target` are the owner's; `arg` carries one payload word
// (a value, or an index into the owner's tables).
struct Event {
  uint32_t kind = 0;
  uint32_t target = 0;
  uint64_t arg = 0;
};

struct EventHandle {
  Time time = Time::max();
  uint64_t key = ~uint64_t(0);  // priority << 56 | sequence; ~0 is the null handle
  bool valid() const { return key != ~uint64_t(0); }
};

struct FiredEvent {
  Time time;
  uint64_t seq = 0;
  uint8_t priority = 0;
  Event event;
};

// Why a run stopped. The last four are guards that stop a runaway run before it exhausts memory
// or that report a broken run: call_limit (calls in the system), pending_limit (events waiting
// in the queue), memory_limit (resident memory, checked by the front end) and invariant (an
// invariant checker found a violation). They are set through request_stop() or the limits.
enum class StopReason {
  none,
  empty,
  until_reached,
  time_limit,
  event_limit,
  call_limit,
  pending_limit,
  memory_limit,
  invariant,
};
const char* to_string(StopReason r);

class Scheduler {
 public:
  static constexpr int kSeqBits = 56;
  static constexpr uint64_t kSeqMask = (uint64_t(1) << kSeqBits) - 1;

  Scheduler() = default;

  Time now() const { return now_; }
  bool empty() const { return waiting() == cancelled_.size(); }
  size_t pending() const { return waiting() - cancelled_.size(); }
  uint64_t executed() const { return executed_; }
  uint64_t fingerprint() const { return fingerprint_; }
  // Events in the heap (not the calendar, the timeline or the running instant's FIFOs): for
  // tests and benchmarks of the calendar, which keeps it to about one sub-bucket's events.
  size_t heap_size() const { return heap_.size(); }

  // Limits: an event after time_limit is not run; no more than event_limit events run.
  void set_time_limit(Time t) { time_limit_ = t; }
  void set_event_limit(uint64_t n) { event_limit_ = n; }
  // No more than this many events may wait in the queue (a runaway guard; default none).
  void set_pending_limit(uint64_t n) { pending_limit_ = n; }
  uint64_t pending_limit() const { return pending_limit_; }
  // Asks the running step()/run_until()/run() to stop after the event being handled, with
  // this reason (the first request wins). Used by the model's runaway guards and by observers.
  void request_stop(StopReason r) {
    if (stop_requested_ == StopReason::none) stop_requested_ = r;
  }
  StopReason stop_requested() const { return stop_requested_; }
  Time time_limit() const { return time_limit_; }
  uint64_t event_limit() const { return event_limit_; }
  StopReason stop_reason() const { return stop_reason_; }

  EventHandle schedule_at(Time t, uint8_t priority, Event e) {
    if (t < now_)
      throw std::logic_error("schedule_at: time " + format_time(t) + " is before now " +
                             format_time(now_));
    if (executed_ > 0 && t == last_time_ && priority < running_priority_) {
      priority = running_priority_;
    }
    uint64_t key = (uint64_t(priority) << kSeqBits) | (next_seq_++ & kSeqMask);
    if (executed_ > 0 && t == last_time_ && priority < kNowPriorities) {
      // The running instant: every later key of this priority arrives after this one.
      NowFifo& f = instant_[priority];
      f.q.push_back(Entry{t.micros(), key, e.arg, e.target, e.kind});
      now_mask_ |= 1u << priority;
      ++now_count_;
    } else {
      enqueue(Entry{t.micros(), key, e.arg, e.target, e.kind});
    }
    return EventHandle{t, key};
  }
  EventHandle schedule_after(Time dt, uint8_t priority, Event e) {
    return schedule_at(now_ + dt, priority, e);
  }

  // Schedules a timeline event (a scenario action) in the same order as schedule_at, but held
  // outside the heap until it is next (see the header comment). Once the run has started, this
  // is schedule_at.
  EventHandle schedule_timeline(Time t, uint8_t priority, Event e) {
    if (executed_ > 0) return schedule_at(t, priority, e);
    if (t < now_)
      throw std::logic_error("schedule_timeline: time " + format_time(t) + " is before now " +
                             format_time(now_));
    uint64_t key = (uint64_t(priority) << kSeqBits) | (next_seq_++ & kSeqMask);
    Entry en{t.micros(), key, e.arg, e.target, e.kind};
    if (timeline_sorted_ && timeline_.size() > timeline_head_ && before(en, timeline_.back()))
      timeline_sorted_ = false;
    timeline_.push_back(en);
    return EventHandle{t, key};
  }

  // Cancels a pending event; returns false if it already ran, was cancelled, or is null.
  bool cancel(EventHandle h) {
    if (!h.valid()) return false;
    if (h.time < last_time_ || (h.time == last_time_ && h.key <= last_key_ && executed_ > 0)) {
      return false;  // already executed (keys run strictly increasing)
    }
    return cancelled_.insert(h.key & kSeqMask).second;
  }

  // Peeks at the time of the next live event (discarding cancelled ones at the top).
  std::optional<Time> next_time() {
    drop_cancelled_top();
    const Entry* e = next_entry();
    if (!e) return std::nullopt;
    return Time::from_micros(e->time);
  }

  // The event that would run next as far as the queue shows now, without readying it (it may
  // be cancelled, and an empty heap is not refilled): a hint for prefetching its data while the
  // current event runs, never for deciding anything.
  bool next_hint(Event* out) const {
    const Entry* e = next_entry();
    if (!e) return false;
    *out = Event{e->kind, e->target, e->arg};
    return true;
  }

  // The next `count` live events in execution order, without running them (for the GUI's
  // "next events" list): a best-first walk of the heap, O(count log count).
  std::vector<FiredEvent> peek(size_t count) const {
    std::vector<Entry> found;
    if (count == 0) return {};
    auto live = [&](const Entry& e) {
      return cancelled_.empty() || !cancelled_.count(e.key & kSeqMask);
    };
    // The heap's first `count`, plus every entry of the running instant's FIFOs (few), hold
    // the first `count` overall.
    auto later = [&](size_t a, size_t b) { return before(heap_[b], heap_[a]); };
    std::vector<size_t> frontier;
    if (!heap_.empty()) frontier.push_back(0);
    size_t from_heap = 0;
    while (!frontier.empty() && from_heap < count) {
      std::pop_heap(frontier.begin(), frontier.end(), later);
      size_t i = frontier.back();
      frontier.pop_back();
      if (live(heap_[i])) {
        found.push_back(heap_[i]);
        ++from_heap;
      }
      for (size_t c = 4 * i + 1; c < 4 * i + 5 && c < heap_.size(); ++c) {
        frontier.push_back(c);
        std::push_heap(frontier.begin(), frontier.end(), later);
      }
    }
    for (const NowFifo& f : instant_) {
      for (size_t k = f.head; k < f.q.size(); ++k) {
        if (live(f.q[k])) found.push_back(f.q[k]);
      }
    }
    // The split bucket's sub-buckets, then the calendar's buckets, in time order: whole ones
    // until they hold `count` live entries (no later one can hold one of the first `count`),
    // then the overflow if still short.
    size_t from_far = 0;
    for (size_t i = sub_next_; i < sub_head_.size() && from_far < count && sub_count_ > 0; ++i) {
      for (uint32_t k = sub_head_[i]; k != kNoBlock; k = blocks_[k].next) {
        for (uint32_t j = 0; j < blocks_[k].count; ++j) {
          if (live(blocks_[k].e[j])) {
            found.push_back(blocks_[k].e[j]);
            ++from_far;
          }
        }
      }
    }
    for (int64_t b = cur_bucket_;
         b < cur_bucket_ + int64_t(kBuckets) && from_far < count && ring_count_ > 0; ++b) {
      for (const Entry& e : ring_[size_t(b) & (kBuckets - 1)]) {
        if (live(e)) {
          found.push_back(e);
          ++from_far;
        }
      }
    }
    if (from_far < count) {
      for (const Entry& e : overflow_) {
        if (live(e)) found.push_back(e);
      }
    }
    sort_timeline();
    for (size_t k = timeline_head_, taken = 0; k < timeline_.size() && taken < count; ++k) {
      if (live(timeline_[k])) {
        found.push_back(timeline_[k]);
        ++taken;
      }
    }
    std::sort(found.begin(), found.end(), before);
    if (found.size() > count) found.resize(count);
    std::vector<FiredEvent> out;
    for (const Entry& e : found) {
      out.push_back(FiredEvent{Time::from_micros(e.time), e.key & kSeqMask,
                               static_cast<uint8_t>(e.key >> kSeqBits),
                               Event{e.kind, e.target, e.arg}});
    }
    return out;
  }

  // Runs at most one event: returns it, or nothing when stopped (see stop_reason()).
  std::optional<FiredEvent> step() {
    drop_cancelled_top();
    const Entry* next = next_entry();
    if (!next) {
      stop_reason_ = StopReason::empty;
      return std::nullopt;
    }
    if (stop_requested_ != StopReason::none) {
      stop_reason_ = stop_requested_;
      return std::nullopt;
    }
    if (executed_ >= event_limit_) {
      stop_reason_ = StopReason::event_limit;
      return std::nullopt;
    }
    if (next->time > time_limit_.micros()) {
      stop_reason_ = StopReason::time_limit;
      return std::nullopt;
    }
    if (pending() > pending_limit_) {
      stop_reason_ = StopReason::pending_limit;
      return std::nullopt;
    }
    return fire(take_next());
  }

  // Runs every event with time <= t (events at exactly t run), then sets now() to t if the run
  // was not stopped by a limit. Returns why it stopped.
  template <class Handler>
  StopReason run_until(Time t, Handler&& handler) {
    while (true) {
      drop_cancelled_top();
      const Entry* next = next_entry();
      if (!next || next->time > t.micros()) break;
      if (stop_requested_ != StopReason::none) return stop_reason_ = stop_requested_;
      if (executed_ >= event_limit_) return stop_reason_ = StopReason::event_limit;
      if (next->time > time_limit_.micros()) return stop_reason_ = StopReason::time_limit;
      if (pending() > pending_limit_) return stop_reason_ = StopReason::pending_limit;
      handler(fire(take_next()));
    }
    if (stop_requested_ != StopReason::none) return stop_reason_ = stop_requested_;
    if (t > time_limit_) {
      now_ = std::max(now_, time_limit_);
      return stop_reason_ = StopReason::time_limit;
    }
    if (t > now_) now_ = t;
    return stop_reason_ = empty() ? StopReason::empty : StopReason::until_reached;
  }

  // Runs until the queue is empty or a limit stops it.
  template <class Handler>
  StopReason run(Handler&& handler) {
    while (auto f = step())
      handler(*f);
    return stop_reason_;
  }

 private:
  // 32 bytes: four entries share two cache lines, the children of one node in the 4-ary heap.
  struct Entry {
    int64_t time;
    uint64_t key;  // priority << 56 | sequence
    uint64_t arg;
    uint32_t target;
    uint32_t kind;
  };
  static bool before(const Entry& a, const Entry& b) {
    // (time, priority, sequence): see the header comment for why this order.
    return a.time < b.time || (a.time == b.time && a.key < b.key);
  }

  FiredEvent fire(const Entry& e) {
    assert(e.time >= now_.micros() && "time never goes backwards");
    now_ = Time::from_micros(e.time);
    last_time_ = now_;
    last_key_ = e.key;
    running_priority_ = static_cast<uint8_t>(e.key >> kSeqBits);
    ++executed_;
    uint64_t seq = e.key & kSeqMask;
    fold(static_cast<uint64_t>(e.time));
    fold(seq);
    fold(e.kind);
    fold(e.target);
    return FiredEvent{now_, seq, running_priority_, Event{e.kind, e.target, e.arg}};
  }

  void fold(uint64_t x) {
    // A cheap, well-mixing 64-bit fold (multiply-xorshift); order-sensitive.
    fingerprint_ = (fingerprint_ ^ x) * 0x9E3779B97F4A7C15ull;
    fingerprint_ ^= fingerprint_ >> 29;
  }

  // The running instant's FIFO of one priority: entries [head, size) wait, in key order.
  struct NowFifo {
    std::vector<Entry> q;
    size_t head = 0;
  };
  static constexpr uint8_t kNowPriorities = 32;

  size_t timeline_left() const { return timeline_.size() - timeline_head_; }
  size_t waiting() const {
    return heap_.size() + now_count_ + timeline_left() + sub_count_ + ring_count_ +
           overflow_.size();
  }

  // The calendar (see the header comment): bucket b holds the times [b << kBucketShift,
  // (b + 1) << kBucketShift). The heap holds every entry before heap_end_; the split bucket's
  // sub-buckets sub_next_.. those in [heap_end_, ring_start_) (sub-bucket i the times from
  // sub_base_ + (i << sub_shift_), one sub_shift_-wide step each; no split: heap_end_ ==
  // ring_start_); ring slot b % kBuckets those of bucket b for cur_bucket_ <= b < cur_bucket_ +
  // kBuckets (ring_start_ == cur_bucket_ << kBucketShift, or INT64_MAX once the last bucket of
  // time has come up); the overflow those of later buckets.
  static constexpr int kBucketShift = 23;
  static constexpr size_t kBuckets = 1024;
  static constexpr size_t kSlotKeep = 64;  // entries a poured slot keeps room for
  static constexpr size_t kSplitMin = 64;  // a bucket holding more is split when it comes up
  static constexpr size_t kSubTarget = 8;  // entries per sub-bucket a split aims at
  static constexpr int kMaxSubShift = 16;  // at most 65536 sub-buckets (128 us wide)
  static int64_t bucket_of(int64_t time) { return time >> kBucketShift; }

  void enqueue(const Entry& e) {
    if (e.time < heap_end_) {
      push(e);
    } else if (e.time < ring_start_) {
      sub_push(size_t((e.time - sub_base_) >> sub_shift_), e);
    } else {
      const int64_t b = bucket_of(e.time);
      if (b < cur_bucket_) {
        push(e);  // only in the last bucket of time, whose end ring_start_ cannot hold
      } else if (b < cur_bucket_ + int64_t(kBuckets)) {
        ring_[size_t(b) & (kBuckets - 1)].push_back(e);
        ++ring_count_;
      } else {
        overflow_.push_back(e);
        overflow_min_ = std::min(overflow_min_, b);
      }
    }
  }

  // With the heap empty, moves the next non-empty sub-bucket or, with none left, the first
  // non-empty bucket into it (splitting a big one first), advancing heap_end_ past it.
  void refill() {
    if (!heap_.empty()) return;
    if (sub_count_ > 0) {
      pour_sub();
      return;
    }
    heap_end_ = ring_start_;  // the split bucket, if any, is done
    if (ring_count_ + overflow_.size() == 0) return;
    if (ring_count_ == 0) {
      // Everything waits beyond the ring: jump to the overflow's first bucket.
      cur_bucket_ = overflow_min_;
      pull_overflow();
    }
    int64_t b = cur_bucket_;
    while (ring_[size_t(b) & (kBuckets - 1)].empty())
      ++b;
    std::vector<Entry>& slot = ring_[size_t(b) & (kBuckets - 1)];
    ring_count_ -= slot.size();
    cur_bucket_ = b + 1;
    // The last bucket of time (up to Time::max()) ends past int64: it is never split.
    const bool last = b == bucket_of(INT64_MAX);
    ring_start_ = last ? INT64_MAX : cur_bucket_ << kBucketShift;
    const bool split = slot.size() > kSplitMin && !last;
    if (split) {
      // About kSubTarget entries per sub-bucket: 2^bits sub-buckets, bits = ceil(log2(n /
      // kSubTarget)).
      int bits = 1;
      while (bits < kMaxSubShift && (kSubTarget << bits) < slot.size())
        ++bits;
      sub_shift_ = kBucketShift - bits;
      sub_base_ = b << kBucketShift;
      sub_next_ = 0;
      if (sub_head_.size() < (size_t(1) << bits)) sub_head_.resize(size_t(1) << bits, kNoBlock);
      for (const Entry& e : slot)
        sub_push(size_t((e.time - sub_base_) >> sub_shift_), e);
    } else {
      for (const Entry& e : slot)
        heap_.push_back(e);
      heapify();
      heap_end_ = ring_start_;
    }
    // A slot's peak is the burst of near-term events just before its bucket comes up; keeping
    // every slot's peak capacity would hold a thousand bursts. Small slots keep theirs.
    if (slot.capacity() > kSlotKeep) {
      std::vector<Entry>().swap(slot);
    } else {
      slot.clear();
    }
    if (overflow_min_ < cur_bucket_ + int64_t(kBuckets)) pull_overflow();
    if (split) pour_sub();
  }

  // Sub-bucket i is a chain of blocks from sub_head_[i] (the one being filled) through next;
  // blocks come from one pool and return to its free list when poured, so splitting costs no
  // allocation in the steady state and memory stays that of the entries waiting (per-bucket
  // vectors would each keep their peak: a million events pass through a bucket's sub-buckets
  // at a million pending).
  void sub_push(size_t i, const Entry& e) {
    uint32_t h = sub_head_[i];
    if (h == kNoBlock || blocks_[h].count == kBlockEntries) {
      uint32_t nb = free_block_;
      if (nb != kNoBlock) {
        free_block_ = blocks_[nb].next;
      } else {
        nb = uint32_t(blocks_.size());
        blocks_.emplace_back();
      }
      blocks_[nb].next = h;
      blocks_[nb].count = 0;
      sub_head_[i] = h = nb;
    }
    Block& b = blocks_[h];
    b.e[b.count++] = e;
    ++sub_count_;
  }

  // With the heap empty and sub_count_ > 0, moves the next non-empty sub-bucket into the heap.
  void pour_sub() {
    while (sub_head_[sub_next_] == kNoBlock)
      ++sub_next_;
    for (uint32_t k = sub_head_[sub_next_]; k != kNoBlock;) {
      Block& b = blocks_[k];
      for (uint32_t j = 0; j < b.count; ++j)
        heap_.push_back(b.e[j]);
      sub_count_ -= b.count;
      const uint32_t next = b.next;
      b.next = free_block_;
      free_block_ = k;
      k = next;
    }
    sub_head_[sub_next_] = kNoBlock;
    ++sub_next_;
    heap_end_ = sub_base_ + (int64_t(sub_next_) << sub_shift_);
    heapify();
    // The next sub-bucket's last-filled block starts loading while this one's events run (at a
    // large site the blocks were written long ago and have left the caches).
    if (sub_count_ > 0) {
      size_t j = sub_next_;
      while (sub_head_[j] == kNoBlock)
        ++j;
      const char* p = reinterpret_cast<const char*>(&blocks_[sub_head_[j]]);
      for (size_t off = 0; off < sizeof(Block); off += 64)
        prefetch(p + off);
    }
  }

  // Moves the overflow's entries that now fall within the ring into it.
  void pull_overflow() {
    int64_t min_left = INT64_MAX;
    size_t kept = 0;
    for (const Entry& e : overflow_) {
      const int64_t b = bucket_of(e.time);
      if (b < cur_bucket_ + int64_t(kBuckets)) {
        ring_[size_t(b) & (kBuckets - 1)].push_back(e);
        ++ring_count_;
      } else {
        overflow_[kept++] = e;
        min_left = std::min(min_left, b);
      }
    }
    overflow_.resize(kept);
    overflow_min_ = min_left;
  }
  // Sorts the timeline's waiting entries (once: the loader schedules in file order).
  void sort_timeline() const {
    if (timeline_sorted_) return;
    std::sort(timeline_.begin() + std::ptrdiff_t(timeline_head_), timeline_.end(), before);
    timeline_sorted_ = true;
  }

  // Where the next entry comes from: the heap, the running instant's FIFOs or the timeline.
  enum class Source { none, heap, instant, timeline };
  // The next entry in (time, priority, sequence) order: the least of the heap's top, the front
  // of the lowest non-empty priority FIFO (all FIFO entries share the running time, so a lower
  // priority's front comes before every higher one's) and the timeline's front.
  Source next_source(const Entry** out) const {
    const Entry* best = heap_.empty() ? nullptr : &heap_[0];
    Source src = best ? Source::heap : Source::none;
    if (now_mask_ != 0) {
      const NowFifo& f = instant_[__builtin_ctz(now_mask_)];
      const Entry* front = &f.q[f.head];
      if (!best || before(*front, *best)) {
        best = front;
        src = Source::instant;
      }
    }
    if (timeline_head_ < timeline_.size()) {
      sort_timeline();
      const Entry* front = &timeline_[timeline_head_];
      if (!best || before(*front, *best)) {
        best = front;
        src = Source::timeline;
      }
    }
    *out = best;
    return src;
  }
  const Entry* next_entry() const {
    const Entry* e = nullptr;
    next_source(&e);
    return e;
  }

  // Removes and returns the next entry (which must exist).
  Entry take_next() {
    const Entry* e = nullptr;
    switch (next_source(&e)) {
      case Source::instant: {
        const unsigned p = unsigned(__builtin_ctz(now_mask_));
        NowFifo& f = instant_[p];
        Entry x = f.q[f.head++];
        --now_count_;
        if (f.head == f.q.size()) {
          f.q.clear();  // keeps its capacity: no allocation in the steady state
          f.head = 0;
          now_mask_ &= ~(1u << p);
        }
        return x;
      }
      case Source::timeline: {
        Entry x = timeline_[timeline_head_++];
        if (timeline_head_ == timeline_.size()) {
          timeline_.clear();
          timeline_.shrink_to_fit();
          timeline_head_ = 0;
        }
        return x;
      }
      case Source::heap:
      case Source::none:
        break;
    }
    return pop();
  }

  // Readies the next entry: refills an empty heap from the calendar and drops cancelled
  // entries at the front. next_entry() is exact only after this.
  void drop_cancelled_top() {
    refill();
    while (!cancelled_.empty()) {
      const Entry* e = next_entry();
      if (!e) return;
      auto it = cancelled_.find(e->key & kSeqMask);
      if (it == cancelled_.end()) return;
      cancelled_.erase(it);
      take_next();
      refill();
    }
  }

  void push(const Entry& e) {
    size_t i = heap_.size();
    heap_.push_back(e);
    while (i > 0) {
      size_t parent = (i - 1) >> 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  // Floyd's bottom-up construction of the 4-ary heap over its current contents.
  void heapify() {
    const size_t n = heap_.size();
    if (n < 2) return;
    for (size_t i = (n - 2) / 4 + 1; i-- > 0;) {
      const Entry x = heap_[i];
      size_t hole = i;
      while (true) {
        size_t c = 4 * hole + 1;
        if (c >= n) break;
        size_t best = c;
        const size_t end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; ++k) {
          if (before(heap_[k], heap_[best])) best = k;
        }
        if (!before(heap_[best], x)) break;
        heap_[hole] = heap_[best];
        hole = best;
      }
      heap_[hole] = x;
    }
  }

  Entry pop() {
    // Bottom-up deletion (Wegener): walk the hole down along the smallest children to a leaf,
    // then sift the last entry up from there. The last entry usually belongs near the bottom,
    // so this saves most of the comparisons against it.
    Entry top = heap_[0];
    Entry last = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size();
    if (n == 0) return top;
    size_t i = 0;
    while (true) {
      size_t c = 4 * i + 1;
      if (c >= n) break;
      // Fetch the grandchildren while the children are compared: at a million pending
      // events the walk is bound by memory latency, not by comparisons.
      size_t g = 4 * c + 1;
      if (g + 16 <= n) {
        for (size_t k = 0; k < 16; k += 2)
          prefetch(&heap_[g + k]);
      }
      size_t best = c;
      size_t end = c + 4 < n ? c + 4 : n;
      for (size_t k = c + 1; k < end; ++k) {
        if (before(heap_[k], heap_[best])) best = k;
      }
      heap_[i] = heap_[best];
      i = best;
    }
    while (i > 0) {
      size_t parent = (i - 1) >> 2;
      if (!before(last, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = last;
    return top;
  }

  // Heap storage laid out so that the four children of a node (indices 4i+1..4i+4, 32 bytes
  // each) fill exactly two 64-byte cache lines: index 1 sits on a 128-byte boundary.
  class HeapArray {
   public:
    HeapArray() = default;
    // Copies hold their own aligned storage (a scheduler copy is a checkpoint of the run).
    HeapArray(const HeapArray& o) { *this = o; }
    HeapArray& operator=(const HeapArray& o) {
      if (this == &o) return *this;
      size_ = 0;
      if (capacity_ < o.size_) {
        release();
        capacity_ = 0;
        reserve_exact(o.size_);
      }
      if (o.size_) std::memcpy(static_cast<void*>(data_), o.data_, o.size_ * sizeof(Entry));
      size_ = o.size_;
      return *this;
    }
    ~HeapArray() { release(); }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Entry& operator[](size_t i) { return data_[i]; }
    const Entry& operator[](size_t i) const { return data_[i]; }
    Entry& back() { return data_[size_ - 1]; }
    void pop_back() { --size_; }
    void push_back(const Entry& e) {
      if (size_ == capacity_) grow();
      data_[size_++] = e;
    }

   private:
    static constexpr size_t kPad = 3;  // entries before index 0: puts index 1 at 128 bytes
    void grow() { reserve_exact(capacity_ ? capacity_ * 2 : 1024); }
    void reserve_exact(size_t cap) {
      void* raw = ::operator new ((cap + kPad) * sizeof(Entry), std::align_val_t{128});
      Entry* data = static_cast<Entry*>(raw) + kPad;
      if (size_) std::memcpy(static_cast<void*>(data), data_, size_ * sizeof(Entry));
      release();
      raw_ = raw;
      data_ = data;
      capacity_ = cap;
    }
    void release() {
      if (raw_) ::operator delete (raw_, std::align_val_t{128});
      raw_ = nullptr;
    }
    void* raw_ = nullptr;
    Entry* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
  };

  HeapArray heap_;
  int64_t heap_end_ = 0;    // the heap holds every entry before this time, and no other
  int64_t ring_start_ = 0;  // cur_bucket_ << kBucketShift
  // The split bucket's sub-buckets (see the calendar comment above enqueue).
  static constexpr uint32_t kBlockEntries = 6;  // a block is 200 bytes
  static constexpr uint32_t kNoBlock = ~uint32_t(0);
  struct Block {
    Entry e[kBlockEntries];
    uint32_t next;  // the block filled before this one, or the next free block
    uint32_t count;
  };
  std::vector<Block> blocks_;
  uint32_t free_block_ = kNoBlock;
  std::vector<uint32_t> sub_head_;  // per sub-bucket: its last block, or kNoBlock
  size_t sub_next_ = 0;
  size_t sub_count_ = 0;
  int64_t sub_base_ = 0;
  int sub_shift_ = kBucketShift;
  std::array<std::vector<Entry>, kBuckets> ring_;
  size_t ring_count_ = 0;
  std::vector<Entry> overflow_;
  int64_t overflow_min_ = INT64_MAX;
  int64_t cur_bucket_ = 0;
  std::array<NowFifo, kNowPriorities> instant_;
  uint32_t now_mask_ = 0;  // bit p: instant_[p] is not empty
  size_t now_count_ = 0;
  // The timeline's events, [timeline_head_, size) waiting; sorted by (time, key) before a read.
  mutable std::vector<Entry> timeline_;
  mutable bool timeline_sorted_ = true;
  size_t timeline_head_ = 0;
  // Sequences of cancelled events still in the heap; looked up only, never iterated.
  std::unordered_set<uint64_t> cancelled_;
  Time now_ = Time::zero();
  Time last_time_ = Time::zero();
  uint64_t last_key_ = 0;
  uint8_t running_priority_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t executed_ = 0;
  uint64_t fingerprint_ = kFnv1aOffset;
  Time time_limit_ = Time::max();
  uint64_t event_limit_ = ~uint64_t(0);
  uint64_t pending_limit_ = ~uint64_t(0);
  StopReason stop_requested_ = StopReason::none;
  StopReason stop_reason_ = StopReason::none;
};

}  // namespace scsim
