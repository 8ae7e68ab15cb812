// The rewind determinism test (issue 19 §3): a Session that seeks back and forth through its
// checkpoints shows, at every time it lands on, exactly what an uninterrupted run from 0 shows
// there: the same scheduler fingerprint and event count (the cluster is byte-identical in what
// it executes) and the same data in every panel (event log, KPI samples, calls and decisions,
// sequence chart messages with their fates, node summaries). Headless: Session needs no window.
//
// Usage: rewind_test SCENARIO.yaml   (exit 0: all seeks matched)
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "scenario/scenario.hpp"
#include "session.hpp"

using namespace scsim;

namespace {

struct Hash {
  uint64_t h = kFnv1aOffset;
  void bytes(const void* p, size_t n) { h = fnv1a({static_cast<const char*>(p), n}, h); }
  template <class T>
  void pod(const T& v) {
    bytes(&v, sizeof v);
  }
  void str(const char* s) { bytes(s, std::strlen(s)); }
  void str(const std::string& s) { bytes(s.data(), s.size()); }
};

// What each panel shows, hashed per panel (so that a failure names the panel).
struct Digest {
  int64_t now = 0;
  uint64_t fingerprint = 0, executed = 0;
  uint64_t log = 0, kpi = 0, calls = 0, sequence = 0, summary = 0;
  bool operator==(const Digest&) const = default;
};

Digest digest(const viz::Session& s) {
  Digest d;
  d.now = s.now().micros();
  d.fingerprint = s.cluster().scheduler().fingerprint();
  d.executed = s.cluster().scheduler().executed();
  Hash h;
  for (const auto& q : s.log())
    for (const auto& e : q) {
      h.pod(e.at);
      h.pod(e.type);
      h.pod(e.dn);
      h.str(e.text);
    }
  d.log = h.h;
  h = Hash{};
  for (const auto* series : {&s.kpis().in_service, &s.kpis().eligible})
    for (const auto& v : *series)
      h.bytes(v.data(), v.size() * sizeof(float));
  d.kpi = h.h;
  h = Hash{};
  const auto& c = s.calls();
  h.bytes(c.by_bin.data(), c.by_bin.size() * sizeof(c.by_bin[0]));  // uint64 counters only
  for (const auto& q : c.queue)
    h.bytes(q.data(), q.size() * sizeof(float));
  for (const auto& p : c.periods) {
    h.pod(p.start);
    h.pod(p.period);
  }
  for (const auto& e : c.episodes) {
    h.pod(e.start);
    h.pod(e.end);
    h.pod(e.kind);
    h.str(e.what);
  }
  h.bytes(c.by_period, sizeof c.by_period);
  h.pod(c.total);
  h.pod(c.ended);
  h.pod(c.lost_with_node);
  h.pod(c.decisions);
  for (const auto& r : c.last) {
    h.pod(r.at);
    h.pod(r.call);
    h.pod(r.node);
    h.pod(r.group);
    h.pod(r.eligible);
    h.pod(r.excluded_oos);
    h.pod(r.excluded_busy);
    h.pod(r.stale);
    h.pod(r.chosen_dn);
    h.pod(r.chosen_owner);
    h.pod(r.result);
  }
  d.calls = h.h;
  h = Hash{};
  const auto& sq = s.sequence();
  for (const auto& m : sq.msgs) {
    h.pod(m.sent);
    h.pod(m.end);
    h.pod(m.from);
    h.pod(m.to);
    h.pod(m.dn);
    h.pod(m.seq);
    h.str(m.kind);
    h.pod(m.epoch);
    h.pod(m.entries);
    h.pod(m.agent);
    h.pod(m.in_service);
    h.pod(m.held);
    h.pod(m.fate);
    h.str(m.why_lost);
  }
  h.pod(sq.dropped_old);
  for (const auto& m : sq.marks) {
    h.pod(m.at);
    h.pod(m.node);
    h.pod(m.peer);
    h.str(m.what);
  }
  d.sequence = h.h;
  h = Hash{};
  for (const auto& n : s.summary())
    h.pod(n);
  d.summary = h.h;
  return d;
}

void print(const char* what, const Digest& d) {
  std::printf(
      "  %s: t %lld fp %016llx events %llu log %016llx kpi %016llx calls %016llx "
      "sequence %016llx summary %016llx\n",
      what, static_cast<long long>(d.now), static_cast<unsigned long long>(d.fingerprint),
      static_cast<unsigned long long>(d.executed), static_cast<unsigned long long>(d.log),
      static_cast<unsigned long long>(d.kpi), static_cast<unsigned long long>(d.calls),
      static_cast<unsigned long long>(d.sequence), static_cast<unsigned long long>(d.summary));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: rewind_test SCENARIO.yaml\n");
    return 2;
  }
  auto loaded = scenario::load_scenario(argv[1]);
  if (!loaded.scenario) {
    std::fprintf(stderr, "rewind_test: cannot load %s\n", argv[1]);
    return 2;
  }
  const auto& sc = *loaded.scenario;
  const Time end = sc.duration;
  // Probe times: a little past a fifth, ..., and odd times between checkpoints.
  std::vector<Time> probes;
  for (int k = 1; k <= 9; ++k)
    probes.push_back(micros(end.micros() / 10 * k + 12'345'678));
  probes.push_back(end);

  // The reference: one uninterrupted run from 0, no checkpoints, read at each probe.
  std::vector<Digest> ref;
  {
    viz::Session a(sc, sc.seed);
    a.set_checkpoints(false);
    for (Time t : probes) {
      a.run_until(t);
      ref.push_back(digest(a));
    }
  }
  // The rewinding session: to the end (taking checkpoints), then back and forth.
  viz::Session b(sc, sc.seed);
  b.run_until(end);
  int failures = 0;
  auto check = [&](size_t i) {
    b.run_until(probes[i]);
    const Digest d = digest(b);
    if (!(d == ref[i])) {
      ++failures;
      std::printf("FAIL: seek to probe %zu differs from the uninterrupted run\n", i);
      print("uninterrupted", ref[i]);
      print("after seeking", d);
    }
  };
  check(probes.size() - 1);
  const std::vector<size_t> order = {4, 1, 8, 0, 6, 2, 7, 3, 5};  // back, forth, ...
  for (size_t i : order)
    check(i);
  check(probes.size() - 1);  // forward to the end from a restored checkpoint
  // Checkpoints taken while stepping and playing (Session::step, run_for) serve seeks as well.
  {
    viz::Session p(sc, sc.seed);
    for (int k = 0; k < 5000; ++k)
      p.step();
    p.run_for(1e12, probes[4]);  // play, with no wall-time budget, to probe 4
    for (size_t i : {size_t(1), size_t(4), size_t(0)}) {
      p.run_until(probes[i]);
      if (!(digest(p) == ref[i])) {
        ++failures;
        std::printf("FAIL: seek to probe %zu after stepping and playing differs\n", i);
        print("uninterrupted", ref[i]);
        print("after seeking", digest(p));
      }
    }
    if (p.restores() < 3) {
      std::printf("FAIL: seeks after stepping and playing did not restore checkpoints\n");
      ++failures;
    }
  }
  std::printf(
      "rewind_test: %zu seeks, %zu checkpoints every %lld events, %llu restores, %d failure(s)\n",
      order.size() + 2, b.checkpoints(), static_cast<long long>(b.checkpoint_spacing()),
      static_cast<unsigned long long>(b.restores()), failures);
  if (b.restores() < order.size()) {
    std::printf("FAIL: seeks did not restore checkpoints\n");
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
