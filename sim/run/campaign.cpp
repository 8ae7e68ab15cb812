// Campaign runs (campaign.hpp): planning, one run through the facade, the result's encoding and
// the thread pool.
#include "run/campaign.hpp"

#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/random.hpp"
#include "model/params.hpp"
#include "run/simulation.hpp"
#include "stats/call_stats.hpp"

namespace scsim::run {

namespace fs = std::filesystem;

Plan plan_campaign(const scenario::Campaign& c) {
  Plan p;
  p.grid = scenario::campaign_grid(c);
  const size_t M = c.modes.size(), R = size_t(c.replications);
  p.runs.reserve(p.grid.size() * R * M);
  for (size_t pt = 0; pt < p.grid.size(); ++pt) {
    for (size_t rep = 0; rep < R; ++rep) {
      const uint64_t seed = run_seed(c, p.grid[pt], int(rep));
      for (size_t m = 0; m < M; ++m) {
        p.runs.push_back(PlannedRun{uint64_t(p.runs.size()), pt, int(m), int(rep), seed});
      }
    }
  }
  return p;
}

uint64_t run_seed(const scenario::Campaign& c, const std::vector<int>& point, int replication) {
  std::string key = "campaign-run";
  for (size_t k = 0; k < c.knobs.size(); ++k)
    key += ";" + c.knobs[k].name + "=" + c.knobs[k].values[size_t(point[k])];
  // Below 2^63 so that SQLite's signed integers hold it.
  return Rng(c.seed, key, uint64_t(replication)).next_u64() >> 1;
}

std::vector<std::string> kpi_names() {
  std::vector<std::string> out;
  for (const auto& f : stats::kpi_fields(stats::Kpis{}))
    out.push_back(f.name);
  return out;
}

namespace {

// A row's KPI values; agent time (occupancy, held_by_r36_s) is NaN on node and `none` rows, as
// in the run's CSV files (empty there).
std::vector<double> values_of(const stats::Kpis& k, bool agent_time = true) {
  std::vector<double> v;
  for (const auto& f : stats::kpi_fields(k))
    v.push_back(f.agent_time && !agent_time ? NAN : f.value);
  return v;
}

void collect(const stats::CallStats& cs, const scenario::Scenario& sc, Time end, const Store& store,
             RunResult& out) {
  const std::vector<std::string> groups = stats::routing_groups(sc.cluster);
  const auto rows = cs.row_slots();
  for (const auto& row : rows) {
    for (int g = -1; g < int(groups.size()); ++g) {
      out.kpis.push_back(KpiRow{"all", row.dc, row.node, g < 0 ? "all" : groups[size_t(g)],
                                values_of(cs.row_kpis(row.slot, g), row.agent_time)});
    }
  }
  for (int p = 0; p < stats::kPeriods; ++p) {
    for (const auto& row : rows) {
      out.kpis.push_back(
          KpiRow{stats::to_string(stats::Period(p)), row.dc, row.node, "all",
                 values_of(cs.row_period_kpis(stats::Period(p), row.slot), row.agent_time)});
    }
  }
  static const char* const windows[] = {"before", "during", "after"};
  const auto& eps = cs.episodes();
  for (size_t e = 0; e < eps.size(); ++e) {
    for (int w = 0; w < 3; ++w) {
      EpisodeRow row;
      row.episode = int64_t(e);
      row.window = windows[w];
      row.start_s = eps[e].start.to_seconds();
      row.end_s = eps[e].end.to_seconds();
      row.open_at_end = eps[e].open_at_end;
      row.kinds = eps[e].kinds;
      row.faults = eps[e].faults;
      auto win = stats::CallStats::Window(w);
      row.ended_by_fault = int64_t(cs.episode_ended_by_fault(e, win));
      row.values = values_of(cs.episode_kpis(e, win));
      out.episodes.push_back(std::move(row));
    }
  }
  if (store.intervals) {
    const int64_t len = sc.cluster.params.stats_interval.micros();
    const int64_t count = len > 0 ? (end.micros() + len - 1) / len : 0;
    for (int64_t i = 0; i < count; ++i) {
      for (const auto& row : rows) {
        out.intervals.push_back(IntervalRow{
            i, row.dc, row.node, values_of(cs.row_interval_kpis(i, row.slot), row.agent_time)});
      }
    }
  }
}

// Byte buffer helpers for encode/decode.
struct Writer {
  std::string b;
  void u64(uint64_t v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void f64(double v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(const std::string& s) {
    u64(s.size());
    b += s;
  }
  void vec(const std::vector<double>& v) {
    u64(v.size());
    for (double x : v)
      f64(x);
  }
  void strs(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& x : v)
      str(x);
  }
};
struct Reader {
  const std::string& b;
  size_t at = 0;
  void need(size_t n) {
    if (at + n > b.size()) throw std::runtime_error("truncated run result message");
  }
  uint64_t u64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, b.data() + at, 8);
    at += 8;
    return v;
  }
  double f64() {
    need(8);
    double v;
    std::memcpy(&v, b.data() + at, 8);
    at += 8;
    return v;
  }
  std::string str() {
    size_t n = u64();
    need(n);
    std::string s = b.substr(at, n);
    at += n;
    return s;
  }
  std::vector<double> vec() {
    std::vector<double> v(u64());
    for (double& x : v)
      x = f64();
    return v;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(u64());
    for (auto& x : v)
      x = str();
    return v;
  }
};

}  // namespace

RunResult execute_run(const scenario::Campaign& c, const Plan& plan, const PlannedRun& r,
                      const fs::path& scratch, const Store& store) {
  RunResult out;
  out.run_id = r.run_id;
  out.seed = r.seed;
  try {
    auto loaded = scenario::campaign_point_scenario(c, plan.grid[r.point]);
    if (!loaded.scenario) throw std::runtime_error(loaded.errors.at(0).to_string());
    scenario::Scenario sc = std::move(*loaded.scenario);
    std::string err = model::set_param(sc.cluster.params, "routing_mode", c.modes[size_t(r.mode)]);
    if (!err.empty()) throw std::runtime_error(err);
    const Time end = c.until ? *c.until : sc.duration;
    RunLimits limits;
    limits.max_events = c.max_events ? c.max_events : estimate_run(sc, end).default_max_events();
    fs::create_directories(scratch);
    {
      Simulation sim(sc, r.seed, end, limits);
      // The KPIs come from CallStats in memory; its files are written only when the database
      // keeps them (calls.csv for --store calls).
      stats::Recording rec;
      rec.tables = store.calls ? stats::Recording::bit(stats::Table::calls) : 0;
      sim.record_to(scratch, false, /*calls_only=*/true, rec);
      sim.run();
      const bool complete = sim.finish();
      out.events = sim.cluster().scheduler().executed();
      out.fingerprint = sim.cluster().scheduler().fingerprint();
      out.calls = sim.cluster().calls_arrived();
      out.stop_reason = to_string(sim.stop_reason());
      if (complete) {
        collect(*sim.call_stats(), sc, end, store, out);
        if (store.calls && store.read_calls) out.calls_rows = store.read_calls(scratch);
        out.ok = true;
      } else {
        out.error = std::string("stopped by ") + out.stop_reason;
      }
    }
  } catch (const std::exception& e) {
    out.ok = false;
    out.error = e.what();
    out.kpis.clear();
    out.episodes.clear();
    out.intervals.clear();
    out.calls_rows = {};
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return out;
}

std::string encode_result(const RunResult& r) {
  Writer w;
  w.u64(r.run_id);
  w.u64(r.seed);
  w.u64(r.events);
  w.u64(r.calls);
  w.u64(r.fingerprint);
  w.u64(r.ok);
  w.str(r.stop_reason);
  w.str(r.error);
  w.u64(r.kpis.size());
  for (const auto& k : r.kpis) {
    w.str(k.period);
    w.str(k.dc);
    w.str(k.node);
    w.str(k.group);
    w.vec(k.values);
  }
  w.u64(r.episodes.size());
  for (const auto& e : r.episodes) {
    w.u64(uint64_t(e.episode));
    w.str(e.window);
    w.f64(e.start_s);
    w.f64(e.end_s);
    w.u64(uint64_t(e.open_at_end));
    w.u64(uint64_t(e.kinds));
    w.u64(uint64_t(e.faults));
    w.u64(uint64_t(e.ended_by_fault));
    w.vec(e.values);
  }
  w.u64(r.intervals.size());
  for (const auto& i : r.intervals) {
    w.u64(uint64_t(i.interval));
    w.str(i.dc);
    w.str(i.node);
    w.vec(i.values);
  }
  w.strs(r.calls_rows.columns);
  w.u64(r.calls_rows.rows.size());
  for (const auto& row : r.calls_rows.rows)
    w.strs(row);
  return w.b;
}

RunResult decode_result(const std::string& bytes) {
  Reader rd{bytes};
  RunResult r;
  r.run_id = rd.u64();
  r.seed = rd.u64();
  r.events = rd.u64();
  r.calls = rd.u64();
  r.fingerprint = rd.u64();
  r.ok = rd.u64() != 0;
  r.stop_reason = rd.str();
  r.error = rd.str();
  r.kpis.resize(rd.u64());
  for (auto& k : r.kpis) {
    k.period = rd.str();
    k.dc = rd.str();
    k.node = rd.str();
    k.group = rd.str();
    k.values = rd.vec();
  }
  r.episodes.resize(rd.u64());
  for (auto& e : r.episodes) {
    e.episode = int64_t(rd.u64());
    e.window = rd.str();
    e.start_s = rd.f64();
    e.end_s = rd.f64();
    e.open_at_end = int64_t(rd.u64());
    e.kinds = int64_t(rd.u64());
    e.faults = int64_t(rd.u64());
    e.ended_by_fault = int64_t(rd.u64());
    e.values = rd.vec();
  }
  r.intervals.resize(rd.u64());
  for (auto& i : r.intervals) {
    i.interval = int64_t(rd.u64());
    i.dc = rd.str();
    i.node = rd.str();
    i.values = rd.vec();
  }
  r.calls_rows.columns = rd.strs();
  r.calls_rows.rows.resize(rd.u64());
  for (auto& row : r.calls_rows.rows)
    row = rd.strs();
  return r;
}

void run_on_threads(const scenario::Campaign& c, const Plan& plan, const std::vector<size_t>& todo,
                    int jobs, const fs::path& scratch, const Store& store,
                    const std::function<void(const RunResult&)>& sink) {
  std::atomic<size_t> next{0};
  std::mutex sink_mutex;
  std::exception_ptr sink_error;
  auto worker = [&] {
    while (true) {
      const size_t i = next.fetch_add(1);
      if (i >= todo.size()) return;
      const PlannedRun& r = plan.runs[todo[i]];
      RunResult res = execute_run(c, plan, r, scratch / ("run-" + std::to_string(r.run_id)), store);
      std::lock_guard<std::mutex> lock(sink_mutex);
      if (sink_error) return;
      try {
        sink(res);
      } catch (...) {
        sink_error = std::current_exception();
        next = todo.size();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j)
    threads.emplace_back(worker);
  worker();
  for (auto& t : threads)
    t.join();
  if (sink_error) std::rethrow_exception(sink_error);
}

}  // namespace scsim::run
