#include "run/compare.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "core/random.hpp"
#include "model/params.hpp"
#include "run/simulation.hpp"
#include "stats/csv.hpp"
#include "stats/replication_stats.hpp"

namespace fs = std::filesystem;

namespace scsim::run {
namespace {

std::string fmt(double v, int decimals = 6) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

class CallCollector : public model::Observer {
 public:
  bool wants_node_views() const override { return false; }
  void on_call(const model::CallRecord& c) override {
    if (c.id == 0) return;
    if (calls.size() < c.id) calls.resize(c.id);
    CallBrief& b = calls[c.id - 1];
    b.id = c.id;
    b.arrival = c.arrival;
    b.dc = c.dc;
    b.node = c.node;
    b.group = c.group;
    b.outcome = c.outcome;
    b.wait = c.wait;
    bool answered = c.outcome == model::CallOutcome::answered_local ||
                    c.outcome == model::CallOutcome::answered_remote;
    b.dn = answered ? c.dn : -1;
    b.owner = answered ? c.dn_owner : -1;
  }
  std::vector<CallBrief> calls;  // index = id - 1
};

ModeRun run_mode(const scenario::Scenario& base, const std::string& mode, uint64_t seed,
                 const CompareOptions& o, const fs::path& scratch) {
  scenario::Scenario sc = base;
  std::string err = model::set_param(sc.cluster.params, "routing_mode", mode);
  if (!err.empty()) throw std::runtime_error(err);
  run::RunLimits limits;
  limits.max_events = o.max_events;
  fs::create_directories(scratch);
  ModeRun out;
  {
    run::Simulation sim(sc, seed, o.end, limits);
    sim.record_to(scratch, false, /*calls_only=*/true);
    CallCollector cc;
    sim.observe(&cc);
    out.reason = sim.run();
    sim.finish();
    const stats::CallStats& cs = *sim.call_stats();
    const auto slots = cs.row_slots(/*all_first=*/true);
    for (const auto& r : slots)
      out.rows.emplace_back(r.dc, r.node);
    for (int scope = 0; scope < kScopes; ++scope) {
      std::vector<stats::Kpis> rows;
      for (const auto& r : slots)
        rows.push_back(scope == 0 ? cs.row_kpis(r.slot)
                                  : cs.row_period_kpis(stats::Period(scope - 1), r.slot));
      out.kpis.push_back(std::move(rows));
    }
    out.calls_brief = std::move(cc.calls);
    out.events = sim.cluster().scheduler().executed();
    out.fingerprint = sim.cluster().scheduler().fingerprint();
    out.calls = sim.cluster().calls_arrived();
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return out;
}

}  // namespace

const char* scope_name(int s) {
  return s == 0 ? "all" : stats::to_string(stats::Period(s - 1));
}

uint64_t replication_seed(uint64_t base, size_t r) {
  return r == 0 ? base : Rng(base, "compare-replication", r).next_u64();
}

int kpi_row(const ModeRun& m, const std::string& dc, const std::string& node) {
  for (size_t r = 0; r < m.rows.size(); ++r) {
    if (m.rows[r].first == dc && m.rows[r].second == node) return int(r);
  }
  return -1;
}

double kpi_value(const ModeRun& m, int scope, int row, const std::string& name) {
  if (row < 0 || size_t(row) >= m.kpis[size_t(scope)].size()) return NAN;
  for (const auto& f : stats::kpi_fields(m.kpis[size_t(scope)][size_t(row)])) {
    if (name == f.name) return f.value;
  }
  return NAN;
}

std::vector<Replication> run_replications(const scenario::Scenario& sc, const CompareOptions& o,
                                          const fs::path& scratch,
                                          const std::function<void(int)>& progress) {
  std::vector<Replication> reps(size_t(std::max(0, o.replications)));
  for (size_t r = 0; r < reps.size(); ++r)
    reps[r].seed = replication_seed(o.seed, r);
  std::atomic<size_t> next{0};
  std::atomic<int> done{0};
  auto worker = [&] {
    while (true) {
      size_t r = next.fetch_add(1);
      if (r >= reps.size()) return;
      Replication& rep = reps[r];
      try {
        for (const auto& m : o.modes) {
          rep.modes.push_back(
              run_mode(sc, m, rep.seed, o, scratch / ("r" + std::to_string(r) + "-" + m)));
        }
      } catch (const std::exception& e) {
        rep.error = e.what();
      }
      int k = ++done;
      if (progress) progress(k);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < std::min<int>(o.jobs, int(reps.size())); ++j)
    threads.emplace_back(worker);
  worker();
  for (auto& t : threads)
    t.join();
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return reps;
}

void write_compare_results(const fs::path& dir, const scenario::Scenario& sc,
                           const CompareOptions& o, const std::vector<Replication>& reps) {
  // Group names as the model numbers them (CallRecord::group).
  const std::vector<std::string> group_names = stats::routing_groups(sc.cluster);
  const std::vector<std::string> label = {std::to_string(o.seed), sc.name};
  const std::vector<std::string> prefix = {"base_seed", "scenario"};
  const size_t M = o.modes.size();
  // Names of the KPIs (fixed order from stats::kpi_fields).
  std::vector<std::string> names;
  for (const auto& f : stats::kpi_fields(stats::Kpis{}))
    names.push_back(f.name);
  auto value = [&](const ModeRun& m, int scope, int row, size_t k) {
    return stats::kpi_fields(m.kpis[size_t(scope)][size_t(row)])[k].value;
  };
  // Rows (dc, node): as every run names them (the same cluster in every run).
  std::vector<std::pair<std::string, std::string>> row_names;
  for (const auto& rep : reps) {
    if (!rep.modes.empty()) row_names = rep.modes[0].rows;
  }
  const int rows = int(row_names.size());
  auto put_row = [&](stats::CsvWriter& w, int row) {
    w.field(row_names[size_t(row)].first).field(row_names[size_t(row)].second);
  };

  {
    // DOMAIN §7's model choices the comparison rests on (the same in every run: only
    // routing_mode varies), `differs` where a parameter is not at its default.
    stats::CsvWriter w(dir / "choices.csv", label, prefix);
    w.header({"question", "topic", "setting", "differs"});
    for (const auto& c : model::model_choices()) {
      w.field(c.question).field(c.topic).field(model::describe_choice(sc.cluster.params, c));
      w.field(model::choice_differs(sc.cluster.params, c) ? "yes" : "no");
      w.end_row();
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "runs.csv", label, prefix);
    w.header({"replication", "seed", "mode", "events", "fingerprint", "calls", "stop_reason"});
    for (size_t r = 0; r < reps.size(); ++r) {
      for (size_t m = 0; m < M; ++m) {
        const ModeRun& mr = reps[r].modes[m];
        w.field(uint64_t(r)).field(reps[r].seed).field(o.modes[m]).field(mr.events);
        w.field(stats::hex64(mr.fingerprint)).field(mr.calls).field(to_string(mr.reason));
        w.end_row();
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "kpis.csv", label, prefix);
    w.header({"replication", "seed", "mode", "scope", "dc", "node", "kpi", "value"});
    for (size_t r = 0; r < reps.size(); ++r) {
      for (size_t m = 0; m < M; ++m) {
        for (int s = 0; s < kScopes; ++s) {
          for (int row = 0; row < rows; ++row) {
            auto fields = stats::kpi_fields(reps[r].modes[m].kpis[size_t(s)][size_t(row)]);
            for (const auto& f : fields) {
              w.field(uint64_t(r)).field(reps[r].seed).field(o.modes[m]).field(scope_name(s));
              put_row(w, row);
              w.field(f.name).field(stats::format_kpi(f));
              w.end_row();
            }
          }
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "means.csv", label, prefix);
    w.header({"scope", "dc", "node", "kpi", "mode", "mean", "sd", "ci95_half_width", "n"});
    for (int s = 0; s < kScopes; ++s) {
      for (int row = 0; row < rows; ++row) {
        for (size_t k = 0; k < names.size(); ++k) {
          for (size_t m = 0; m < M; ++m) {
            std::vector<double> xs;
            for (const auto& rep : reps)
              xs.push_back(value(rep.modes[m], s, row, k));
            stats::Sample sm = stats::summarize(xs);
            w.field(scope_name(s));
            put_row(w, row);
            w.field(names[k]).field(o.modes[m]);
            w.field(fmt(sm.mean)).field(fmt(sm.sd)).field(fmt(sm.half)).field(sm.n);
            w.end_row();
          }
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "differences.csv", label, prefix);
    w.header({"scope", "dc", "node", "kpi", "mode_a", "mode_b", "mean_a", "mean_b", "diff_mean",
              "diff_sd", "ci95_low", "ci95_high", "n", "significant"});
    for (int s = 0; s < kScopes; ++s) {
      for (int row = 0; row < rows; ++row) {
        for (size_t k = 0; k < names.size(); ++k) {
          for (size_t m = 1; m < M; ++m) {
            std::vector<double> a, b, d;
            for (const auto& rep : reps) {
              double x = value(rep.modes[0], s, row, k), y = value(rep.modes[m], s, row, k);
              a.push_back(x);
              b.push_back(y);
              d.push_back(std::isnan(x) || std::isnan(y) ? NAN : x - y);
            }
            stats::Sample sa = stats::summarize(a), sb = stats::summarize(b),
                          sd = stats::summarize(d);
            w.field(scope_name(s));
            put_row(w, row);
            w.field(names[k]);
            w.field(o.modes[0]).field(o.modes[m]);
            w.field(fmt(sa.mean)).field(fmt(sb.mean)).field(fmt(sd.mean)).field(fmt(sd.sd));
            w.field(fmt(sd.low())).field(fmt(sd.high())).field(sd.n);
            w.field(sd.n >= 2 ? (sd.significant() ? "yes" : "no") : "");
            w.end_row();
          }
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "call_diff.csv", label, prefix);
    w.header({"replication", "seed", "call", "arrival", "dc", "node", "group", "mode_a", "mode_b",
              "outcome_a", "outcome_b", "wait_a", "wait_b", "wait_diff", "answer_node_a",
              "answer_node_b", "dn_a", "dn_b", "differs"});
    const auto& nodes = sc.cluster.nodes;
    const auto& dcs = sc.cluster.dcs;
    const auto& agents = sc.cluster.agents;
    auto node_name = [&](int n) {
      return n >= 0 && size_t(n) < nodes.size() ? nodes[size_t(n)].name : std::string();
    };
    for (size_t r = 0; r < reps.size(); ++r) {
      const auto& A = reps[r].modes[0].calls_brief;
      for (size_t m = 1; m < M; ++m) {
        const auto& B = reps[r].modes[m].calls_brief;
        size_t n = std::min(A.size(), B.size());
        for (size_t i = 0; i < n; ++i) {
          const CallBrief& a = A[i];
          const CallBrief& b = B[i];
          if (a.id == 0 || b.id == 0) continue;
          std::string why;
          if (a.outcome != b.outcome) why += "outcome";
          Time dw = a.wait - b.wait;
          if (dw > o.tolerance || -dw > o.tolerance) why += why.empty() ? "wait" : ";wait";
          if (a.owner >= 0 && b.owner >= 0 && a.owner != b.owner) {
            why += why.empty() ? "node" : ";node";
          }
          if (why.empty()) continue;
          w.field(uint64_t(r)).field(reps[r].seed).field(a.id).field(a.arrival);
          w.field(a.dc >= 0 && size_t(a.dc) < dcs.size() ? dcs[size_t(a.dc)].name : "");
          w.field(node_name(a.node));
          w.field(a.group >= 0 && size_t(a.group) < group_names.size()
                      ? group_names[size_t(a.group)]
                      : std::to_string(a.group));
          w.field(o.modes[0]).field(o.modes[m]);
          w.field(model::to_string(a.outcome)).field(model::to_string(b.outcome));
          w.field(a.wait).field(b.wait).field(dw);
          w.field(node_name(a.owner)).field(node_name(b.owner));
          w.field(a.dn >= 0 && size_t(a.dn) < agents.size() ? agents[size_t(a.dn)].dn : "");
          w.field(b.dn >= 0 && size_t(b.dn) < agents.size() ? agents[size_t(b.dn)].dn : "");
          w.field(why);
          w.end_row();
        }
      }
    }
    w.close();
  }
}

}  // namespace scsim::run
