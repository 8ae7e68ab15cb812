// The campaign database (campaign_db.hpp).
#include "run/campaign_db.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <tuple>

#include "stats/call_stats.hpp"
#include "stats/csv.hpp"
#include "stats/replication_stats.hpp"

namespace scsim::run {

namespace fs = std::filesystem;

namespace {

const char* kind_name(scenario::KnobKind k) {
  switch (k) {
    case scenario::KnobKind::param:
      return "param";
    case scenario::KnobKind::at:
      return "timeline_at";
    case scenario::KnobKind::duration:
      return "timeline_duration";
    case scenario::KnobKind::rate:
      return "rate_factor";
    case scenario::KnobKind::copies:
      return "agent_copies";
  }
  return "";
}

std::string kpi_columns(const char* type) {
  std::string s;
  for (const auto& k : kpi_names())
    s += ", " + k + " " + type;
  return s;
}

std::string schema(const scenario::Campaign& c, const std::string& db) {
  std::string knob_cols;
  for (const auto& k : c.knobs)
    knob_cols += ", " + k.column;
  return "CREATE TABLE " + db +
         ".campaign(name TEXT, campaign_file TEXT, scenario TEXT, file_hash TEXT, seed INTEGER, "
         "replications INTEGER, modes TEXT, grid_points INTEGER, runs INTEGER, "
         "scsim_version TEXT, git_commit TEXT);\n"
         "CREATE TABLE " +
         db +
         ".knobs(position INTEGER PRIMARY KEY, name TEXT, column_name TEXT, kind TEXT);\n"
         "CREATE TABLE " +
         db + ".runs(run_id INTEGER PRIMARY KEY, point INTEGER" + knob_cols +
         ", mode TEXT, replication INTEGER, seed INTEGER, events INTEGER, calls INTEGER, "
         "fingerprint TEXT, status TEXT, stop_reason TEXT, error TEXT);\n"
         "CREATE TABLE " +
         db + ".kpis(run_id INTEGER, period TEXT, dc TEXT, node TEXT, grp TEXT" +
         kpi_columns("REAL") +
         ", PRIMARY KEY(run_id, period, dc, node, grp));\n"
         "CREATE TABLE " +
         db +
         ".episodes(run_id INTEGER, episode INTEGER, win TEXT, start_s REAL, end_s REAL, "
         "open_at_end INTEGER, kinds INTEGER, faults INTEGER, window_ended_by_fault INTEGER" +
         kpi_columns("REAL") + ", PRIMARY KEY(run_id, episode, win));\n" + "CREATE TABLE " + db +
         ".intervals(run_id INTEGER, interval INTEGER, dc TEXT, node TEXT" + kpi_columns("REAL") +
         ", PRIMARY KEY(run_id, interval, dc, node));\n";
}

struct Stmt {
  sqlite3_stmt* s = nullptr;
  int i = 0;
  Stmt(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Stmt() { sqlite3_finalize(s); }
  Stmt& i64(int64_t v) {
    sqlite3_bind_int64(s, ++i, v);
    return *this;
  }
  Stmt& real(double v) {
    if (std::isnan(v)) {
      sqlite3_bind_null(s, ++i);
    } else {
      sqlite3_bind_double(s, ++i, v);
    }
    return *this;
  }
  Stmt& text(const std::string& v) {
    sqlite3_bind_text(s, ++i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // A knob or calls.csv value: an integer or a real when it reads as one, else text.
  Stmt& value(const std::string& v) {
    char* end = nullptr;
    if (!v.empty() && v.find_first_of(".eEnN") == std::string::npos) {
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (end == v.c_str() + v.size()) return i64(n);
    }
    double x = std::strtod(v.c_str(), &end);
    return (!v.empty() && end == v.c_str() + v.size()) ? real(x) : text(v);
  }
  Stmt& reals(const std::vector<double>& v) {
    for (double x : v)
      real(x);
    return *this;
  }
  void done(sqlite3* db) {
    if (sqlite3_step(s) != SQLITE_DONE) {
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    i = 0;
  }
};

std::string placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += i ? ",?" : "?";
  return s;
}

sqlite3* open_db(const fs::path& file, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error(file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

std::string fmt6(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

void CampaignDb::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + msg);
  }
}

bool CampaignDb::is_work_db(const fs::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return false;
  }
  bool ok = false;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT scsim_version FROM campaign", -1, &s, nullptr) == SQLITE_OK) {
    ok = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return ok;
}

CampaignDb::CampaignDb(const fs::path& file, const scenario::Campaign& c, const Plan& plan,
                       const Provenance& prov)
    : c_(c), plan_(plan) {
  const bool existed = fs::exists(file);
  if (existed && !is_work_db(file)) {
    throw CampaignDbRefused(file.string() + " exists and is not an scsim campaign database");
  }
  db_ = open_db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (existed) {
      Stmt s(db_, "SELECT file_hash FROM campaign");
      std::string hash;
      if (sqlite3_step(s.s) == SQLITE_ROW) {
        hash = reinterpret_cast<const char*>(sqlite3_column_text(s.s, 0));
      }
      if (hash != stats::hex64(c.file_hash)) {
        throw CampaignDbRefused(file.string() +
                                " holds the runs of another version of the campaign or its "
                                "scenario (file hash " +
                                hash + ", now " + stats::hex64(c.file_hash) +
                                "); run without --resume to start again");
      }
      return;
    }
    exec("BEGIN; " + schema(c, "main"));
    std::string modes;
    for (const auto& m : c.modes)
      modes += (modes.empty() ? "" : ",") + m;
    Stmt(db_, "INSERT INTO campaign VALUES(?,?,?,?,?,?,?,?,?,?,?)")
        .text(c.name)
        .text(c.file)
        .text(c.scenario_path.empty() ? "(inline)" : c.scenario_path)
        .text(stats::hex64(c.file_hash))
        .i64(int64_t(c.seed))
        .i64(c.replications)
        .text(modes)
        .i64(int64_t(plan.grid.size()))
        .i64(int64_t(plan.runs.size()))
        .text(prov.version)
        .text(prov.git_commit)
        .done(db_);
    Stmt k(db_, "INSERT INTO knobs VALUES(?,?,?,?)");
    for (size_t i = 0; i < c.knobs.size(); ++i) {
      k.i64(int64_t(i)).text(c.knobs[i].name).text(c.knobs[i].column);
      k.text(kind_name(c.knobs[i].kind)).done(db_);
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

CampaignDb::~CampaignDb() {
  sqlite3_close(db_);
}

std::vector<uint64_t> CampaignDb::recorded() const {
  std::vector<uint64_t> out;
  Stmt s(db_, "SELECT run_id, seed FROM runs ORDER BY run_id");
  while (sqlite3_step(s.s) == SQLITE_ROW) {
    const auto id = uint64_t(sqlite3_column_int64(s.s, 0));
    const auto seed = uint64_t(sqlite3_column_int64(s.s, 1));
    if (id < plan_.runs.size() && plan_.runs[id].seed == seed) out.push_back(id);
  }
  return out;
}

uint64_t CampaignDb::failed() const {
  Stmt s(db_, "SELECT count(*) FROM runs WHERE status <> 'ok'");
  return sqlite3_step(s.s) == SQLITE_ROW ? uint64_t(sqlite3_column_int64(s.s, 0)) : 0;
}

void CampaignDb::insert(const RunResult& r) {
  const PlannedRun& p = plan_.runs.at(r.run_id);
  const size_t K = kpi_names().size();
  exec("BEGIN");
  try {
    Stmt run(db_,
             "INSERT OR REPLACE INTO runs VALUES(" + placeholders(2 + c_.knobs.size() + 9) + ")");
    run.i64(int64_t(r.run_id)).i64(int64_t(p.point));
    for (size_t k = 0; k < c_.knobs.size(); ++k)
      run.value(c_.knobs[k].values[size_t(plan_.grid[p.point][k])]);
    run.text(c_.modes[size_t(p.mode)]).i64(p.replication).i64(int64_t(r.seed));
    run.i64(int64_t(r.events)).i64(int64_t(r.calls)).text(stats::hex64(r.fingerprint));
    run.text(r.ok ? "ok" : "failed").text(r.stop_reason).text(r.error).done(db_);
    Stmt kp(db_, "INSERT OR REPLACE INTO kpis VALUES(" + placeholders(5 + K) + ")");
    for (const auto& row : r.kpis) {
      kp.i64(int64_t(r.run_id)).text(row.period).text(row.dc).text(row.node).text(row.group);
      kp.reals(row.values).done(db_);
    }
    Stmt ep(db_, "INSERT OR REPLACE INTO episodes VALUES(" + placeholders(9 + K) + ")");
    for (const auto& e : r.episodes) {
      ep.i64(int64_t(r.run_id)).i64(e.episode).text(e.window).real(e.start_s).real(e.end_s);
      ep.i64(e.open_at_end).i64(e.kinds).i64(e.faults).i64(e.ended_by_fault);
      ep.reals(e.values).done(db_);
    }
    Stmt iv(db_, "INSERT OR REPLACE INTO intervals VALUES(" + placeholders(4 + K) + ")");
    for (const auto& i : r.intervals) {
      iv.i64(int64_t(r.run_id)).i64(i.interval).text(i.dc).text(i.node).reals(i.values).done(db_);
    }
    insert_calls(r);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

bool CampaignDb::has_calls() const {
  Stmt s(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'calls'");
  return sqlite3_step(s.s) == SQLITE_ROW && sqlite3_column_int64(s.s, 0) > 0;
}

// --store calls: calls(run_id, seq, calls.csv's columns), created with the first run that has
// calls; seq is the row's position in the run's calls.csv. Called inside insert's transaction.
void CampaignDb::insert_calls(const RunResult& r) {
  const CallRows& c = r.calls_rows;
  if (c.columns.empty()) return;
  std::string cols;
  for (const auto& name : c.columns) {
    std::string q = "\"";
    for (char ch : name)
      q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    cols += ", " + q + "\"";
  }
  exec("CREATE TABLE IF NOT EXISTS calls(run_id INTEGER, seq INTEGER" + cols +
       ", PRIMARY KEY(run_id, seq))");
  Stmt st(db_, "INSERT OR REPLACE INTO calls VALUES(" + placeholders(2 + c.columns.size()) + ")");
  for (size_t i = 0; i < c.rows.size(); ++i) {
    st.i64(int64_t(r.run_id)).i64(int64_t(i));
    for (const auto& v : c.rows[i])
      st.value(v);
    st.done(db_);
  }
}

void CampaignDb::finalize(const fs::path& dir) const {
  const fs::path out = dir / "campaign.sqlite";
  {
    sqlite3* f = open_db(out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(f, sqlite3_close);
    Stmt att(f, "ATTACH DATABASE ? AS w");
    att.text(sqlite3_db_filename(db_, "main")).done(f);
    std::string sql = "BEGIN; " + schema(c_, "main") +
                      "INSERT INTO main.campaign SELECT * FROM w.campaign;\n"
                      "INSERT INTO main.knobs SELECT * FROM w.knobs ORDER BY position;\n"
                      "INSERT INTO main.runs SELECT * FROM w.runs ORDER BY run_id;\n"
                      "INSERT INTO main.kpis SELECT * FROM w.kpis ORDER BY run_id, period, dc, "
                      "node, grp;\n"
                      "INSERT INTO main.episodes SELECT * FROM w.episodes ORDER BY run_id, "
                      "episode, win;\n"
                      "INSERT INTO main.intervals SELECT * FROM w.intervals ORDER BY run_id, "
                      "interval, dc, node;\n" +
                      (has_calls() ? "CREATE TABLE main.calls AS SELECT * FROM w.calls ORDER BY "
                                     "run_id, seq;\n"
                                   : "") +
                      "COMMIT; DETACH DATABASE w;";
    char* err = nullptr;
    if (sqlite3_exec(f, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "error";
      sqlite3_free(err);
      throw std::runtime_error(out.string() + ": " + msg);
    }
  }

  write_summaries(out, dir);
}

// summary.csv and paired.csv from the finished campaign.sqlite `db_file`: per grid point, row
// of the run's KPI tables (dc, node), period and KPI; every mode's mean and the paired
// difference of the first mode and each other one, with 95 % Student-t intervals
// (stats::summarize, the statistics of scsim compare).
void CampaignDb::write_summaries(const fs::path& db_file, const fs::path& dir) const {
  sqlite3* f = open_db(db_file, SQLITE_OPEN_READONLY);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(f, sqlite3_close);
  const std::vector<std::string> periods = {"all", "connected", "undetected", "partitioned",
                                            "resyncing"};
  // The rows in the run's order: per DC its nodes, none and the DC's total; then all.
  std::vector<std::pair<std::string, std::string>> rows;
  {
    Stmt q(f, "SELECT DISTINCT dc, node FROM kpis WHERE grp = 'all'");
    while (sqlite3_step(q.s) == SQLITE_ROW) {
      rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q.s, 0)),
                        reinterpret_cast<const char*>(sqlite3_column_text(q.s, 1)));
    }
    auto rank = [](const std::pair<std::string, std::string>& r) {
      return std::make_tuple(r.first == "all", r.first, r.second == "all", r.second == "none",
                             r.second);
    };
    std::sort(rows.begin(), rows.end(),
              [&](const auto& x, const auto& y) { return rank(x) < rank(y); });
  }
  std::string cols;
  for (const auto& k : c_.kpis)
    cols += ", k." + k;
  Stmt q(f, "SELECT r.point, r.mode, r.replication, k.period, k.dc, k.node" + cols +
                " FROM runs r JOIN kpis k USING(run_id) WHERE r.status = 'ok' AND k.grp = 'all' "
                "ORDER BY r.run_id, k.period, k.dc, k.node");
  // [point][mode][period][row][kpi] -> replication -> value (absent: failed run or undefined)
  using PerRep = std::map<int, double>;
  const size_t P = plan_.grid.size(), M = c_.modes.size(), NP = periods.size();
  const size_t NR = rows.size(), NK = c_.kpis.size();
  std::vector<PerRep> cells(P * M * NP * NR * NK);
  auto cell = [&](size_t p, size_t m, size_t per, size_t row, size_t k) -> PerRep& {
    return cells[(((p * M + m) * NP + per) * NR + row) * NK + k];
  };
  auto text = [&](int col) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(q.s, col)));
  };
  while (sqlite3_step(q.s) == SQLITE_ROW) {
    const auto p = size_t(sqlite3_column_int64(q.s, 0));
    const std::string mode = text(1);
    const int rep = sqlite3_column_int(q.s, 2);
    const std::string period = text(3);
    const std::pair<std::string, std::string> row{text(4), text(5)};
    const size_t m = size_t(std::find(c_.modes.begin(), c_.modes.end(), mode) - c_.modes.begin());
    const size_t per = size_t(std::find(periods.begin(), periods.end(), period) - periods.begin());
    const size_t ri = size_t(std::find(rows.begin(), rows.end(), row) - rows.begin());
    if (p >= P || m >= M || per >= NP || ri >= NR) continue;
    for (size_t k = 0; k < NK; ++k) {
      if (sqlite3_column_type(q.s, int(6 + k)) == SQLITE_NULL) continue;
      cell(p, m, per, ri, k)[rep] = sqlite3_column_double(q.s, int(6 + k));
    }
  }
  std::vector<std::string> knob_cols;
  for (const auto& k : c_.knobs)
    knob_cols.push_back(k.column);
  auto header = [&](std::vector<std::string> tail) {
    std::vector<std::string> h = {"point"};
    h.insert(h.end(), knob_cols.begin(), knob_cols.end());
    h.insert(h.end(), tail.begin(), tail.end());
    return h;
  };
  auto point_fields = [&](stats::CsvWriter& w, size_t p, size_t ri) {
    w.field(uint64_t(p));
    for (size_t k = 0; k < c_.knobs.size(); ++k)
      w.field(c_.knobs[k].values[size_t(plan_.grid[p][k])]);
    w.field(rows[ri].first).field(rows[ri].second);
  };
  auto values = [](const PerRep& m) {
    std::vector<double> xs;
    for (const auto& [rep, v] : m)
      xs.push_back(v);
    return xs;
  };
  {
    stats::CsvWriter w(dir / "summary.csv", {c_.name}, {"campaign"});
    w.header(header({"dc", "node", "mode", "period", "kpi", "mean", "ci95_half_width", "n"}));
    for (size_t p = 0; p < P; ++p) {
      for (size_t ri = 0; ri < NR; ++ri) {
        for (size_t m = 0; m < M; ++m) {
          for (size_t per = 0; per < NP; ++per) {
            for (size_t k = 0; k < NK; ++k) {
              const stats::Sample s = stats::summarize(values(cell(p, m, per, ri, k)));
              point_fields(w, p, ri);
              w.field(c_.modes[m]).field(periods[per]).field(c_.kpis[k]);
              w.field(fmt6(s.mean)).field(fmt6(s.half)).field(uint64_t(s.n));
              w.end_row();
            }
          }
        }
      }
    }
    w.close();
  }
  {
    stats::CsvWriter w(dir / "paired.csv", {c_.name}, {"campaign"});
    w.header(header({"dc", "node", "period", "kpi", "mode_a", "mode_b", "diff_mean", "ci95_low",
                     "ci95_high", "n"}));
    for (size_t p = 0; p < P; ++p) {
      for (size_t ri = 0; ri < NR; ++ri) {
        for (size_t per = 0; per < NP; ++per) {
          for (size_t k = 0; k < NK; ++k) {
            for (size_t m = 1; m < M; ++m) {
              const PerRep& a = cell(p, 0, per, ri, k);
              const PerRep& b = cell(p, m, per, ri, k);
              std::vector<double> d;
              for (const auto& [rep, v] : a) {
                auto it = b.find(rep);
                if (it != b.end()) d.push_back(v - it->second);
              }
              const stats::Sample s = stats::summarize(d);
              point_fields(w, p, ri);
              w.field(periods[per]).field(c_.kpis[k]).field(c_.modes[0]).field(c_.modes[m]);
              w.field(fmt6(s.mean)).field(fmt6(s.low())).field(fmt6(s.high()));
              w.field(uint64_t(s.n));
              w.end_row();
            }
          }
        }
      }
    }
    w.close();
  }
}

}  // namespace scsim::run
