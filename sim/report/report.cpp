#include "report/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "report/campaign_report.hpp"
#include "report/page.hpp"
#include "report/table.hpp"

namespace scsim::report {

namespace fs = std::filesystem;
using nlohmann::json;

const char* to_string(Kind k) {
  switch (k) {
    case Kind::run:
      return "run";
    case Kind::compare:
      return "compare";
    case Kind::campaign:
      return "campaign";
    default:
      return "unknown";
  }
}

namespace {

bool exists_table(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  return fs::is_regular_file(dir / (name + ".csv"), ec) ||
         fs::is_regular_file(dir / (name + ".csv.gz"), ec);
}

// A number for the JSON: null when the field is empty or not a number.
json jnum(const Table& t, size_t r, const char* col) {
  const std::string& s = t.get(r, col);
  if (s.empty()) return nullptr;
  double v = t.num(r, col, NAN);
  if (std::isnan(v)) return nullptr;
  return v;
}

double round_to(double v, double q) {
  return std::round(v / q) * q;
}

// The scope of a row: its DC (when a `dc` column names one and the node is not set) or its node.
std::string scope_of(const Table& t, size_t r) {
  const std::string& node = t.get(r, "node");
  const std::string& dc = t.get(r, "dc");
  if (!dc.empty() && node == "none") return dc + " none";
  if (!dc.empty() && (node.empty() || node == "all")) return dc;
  return node.empty() ? "all" : node;
}

// Time bins over [0, end].
struct Bins {
  double end = 0, width = 1;
  size_t n = 1;
  Bins(double end_s, size_t max_bins) : end(std::max(end_s, 1e-9)) {
    n = std::max<size_t>(1, max_bins);
    width = end / double(n);
  }
  json centers() const {
    json a = json::array();
    for (size_t i = 0; i < n; ++i)
      a.push_back(round_to((double(i) + 0.5) * width, 0.001));
    return a;
  }
  // Adds v * (overlap of [from, to) with each bin) / width to acc: a time-weighted mean.
  void spread(std::vector<double>& acc, double from, double to, double v) const {
    from = std::max(from, 0.0);
    to = std::min(to, end);
    if (to <= from) return;
    size_t i = std::min(n - 1, size_t(from / width));
    while (i < n) {
      double b0 = double(i) * width, b1 = b0 + width;
      double lo = std::max(from, b0), hi = std::min(to, b1);
      if (hi > lo) acc[i] += v * (hi - lo) / width;
      if (to <= b1) break;
      ++i;
    }
  }
};

json rounded(const std::vector<double>& v, double q) {
  json a = json::array();
  for (double x : v)
    a.push_back(std::isnan(x) ? json(nullptr) : json(round_to(x, q)));
  return a;
}

std::string fmt(double v, const char* f = "%.2f") {
  if (std::isnan(v)) return "n/a";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// A duration for people: 10.4 s, 29.9 min, 23.5 h.
std::string duration_text(double s) {
  if (std::isnan(s)) return "n/a";
  if (s < 120) return fmt(s, "%.1f s");
  if (s < 7200) return fmt(s / 60, "%.1f min");
  return fmt(s / 3600, "%.1f h");
}

std::string hhmm(double s) {
  long t = long(std::llround(s));
  char b[32];
  std::snprintf(b, sizeof b, "%02ld:%02ld", t / 3600, (t / 60) % 60);
  return b;
}

// ---- run ----------------------------------------------------------------------------------

json meta_of(const fs::path& dir, double& end) {
  json m = json::object();
  auto run = Table::load(dir, "run");
  if (!run) return m;
  for (size_t r = 0; r < run->rows(); ++r) {
    const std::string& sec = run->get(r, "section");
    if (sec == "run") m[run->get(r, "name")] = run->get(r, "value");
  }
  if (m.contains("end_time")) end = std::atof(m["end_time"].get<std::string>().c_str());
  if (end <= 0 && m.contains("duration")) end = std::atof(m["duration"].get<std::string>().c_str());
  json choices = json::array();
  for (size_t r = 0; r < run->rows(); ++r) {
    if (run->get(r, "section") == "model_choice") {
      choices.push_back({run->get(r, "name"), run->get(r, "value")});
    }
  }
  m["model_choices"] = choices;
  return m;
}

const char* const kKpis[] = {
    "offered", "sl", "asa_s", "abandonment_rate", "routing_failure_rate", "remote_share"};

json periods_of(const fs::path& dir) {
  auto t = Table::load(dir, "periods");
  if (!t) return nullptr;
  json rows = json::array();
  for (size_t r = 0; r < t->rows(); ++r) {
    // A DC's `none` row (calls that found no live node) only when such calls arrived.
    if (t->get(r, "node") == "none" && t->num(r, "offered") == 0) continue;
    json row = {{"period", t->get(r, "period")},
                {"scope", scope_of(*t, r)},
                {"time_s", jnum(*t, r, "time_s")}};
    for (const char* k : kKpis)
      row[k] = jnum(*t, r, k);
    rows.push_back(row);
  }
  return rows;
}

// Link state spans: one lane per TC link end (links.csv) and GWS link (gws_links.csv if any).
json links_of(const fs::path& dir, const Options& o, json& spans, double end) {
  auto t = Table::load(dir, "links");
  if (!t) return nullptr;
  json lanes = json::array();
  std::map<std::string, size_t> lane_index;
  size_t segs = 0;
  // Period shading: partitioned while any link end is declared lost, else undetected while any
  // is cut and undeclared, else resyncing while any resyncs (docs/MODEL.md choice 70).
  std::vector<std::pair<double, int>> ev[3];
  const char* const names[3] = {"partitioned", "undetected", "resyncing"};
  for (size_t r = 0; r < t->rows(); ++r) {
    std::string lane = t->get(r, "node") + "→" + t->get(r, "peer");
    // GWS-node connection ends (kind gws) get their own lanes but no period shading (§6.4
    // periods are of TC links).
    const bool gws = t->has("kind") && t->get(r, "kind") == "gws";
    if (gws) lane = "gws " + lane;
    double from = t->num(r, "from"), to = t->num(r, "to");
    const std::string& st = t->get(r, "state");
    int k = st == "declared_lost" ? 0 : st == "cut_undeclared" ? 1 : st == "resyncing" ? 2 : -1;
    if (gws) k = -1;
    if (k >= 0) {
      ev[k].push_back({from, +1});
      ev[k].push_back({to, -1});
    }
    auto [it, fresh] = lane_index.emplace(lane, lanes.size());
    if (fresh) lanes.push_back({{"lane", lane}, {"segs", json::array()}});
    if (segs < o.max_link_segments) {
      lanes[it->second]["segs"].push_back({round_to(from, 0.001), round_to(to, 0.001), st});
      ++segs;
    }
  }
  // Sweep each state's intervals into union spans; a higher-priority state wins its time.
  std::vector<std::pair<double, double>> taken;
  for (int k = 0; k < 3; ++k) {
    auto& e = ev[k];
    std::sort(e.begin(), e.end());
    int depth = 0;
    double start = 0;
    std::vector<std::pair<double, double>> u;
    for (auto& [time, d] : e) {
      if (depth == 0 && d > 0) start = time;
      depth += d;
      if (depth == 0 && time > start) u.push_back({start, time});
    }
    for (auto [a, b] : u) {
      // Cut out the time already taken by a higher-priority state.
      std::vector<std::pair<double, double>> pieces = {{a, b}};
      for (auto [ta, tb] : taken) {
        std::vector<std::pair<double, double>> next;
        for (auto [pa, pb] : pieces) {
          if (tb <= pa || ta >= pb) {
            next.push_back({pa, pb});
            continue;
          }
          if (ta > pa) next.push_back({pa, ta});
          if (tb < pb) next.push_back({tb, pb});
        }
        pieces = std::move(next);
      }
      for (auto [pa, pb] : pieces) {
        if (pb > pa) spans.push_back({round_to(pa, 0.001), round_to(pb, 0.001), names[k]});
      }
      taken.push_back({a, b});
    }
  }
  (void)end;
  return {{"lanes", lanes}, {"truncated", segs >= o.max_link_segments}};
}

// Fault episodes: KPIs before, during and after, for all nodes and per node/DC.
json episodes_of(const fs::path& dir, const Options& o, json& marks) {
  auto t = Table::load(dir, "episodes");
  if (!t) return nullptr;
  json rows = json::array();
  std::set<std::string> seen;
  for (size_t r = 0; r < t->rows(); ++r) {
    const std::string& ep = t->get(r, "episode");
    if (seen.insert(ep).second) {
      std::string kinds = t->get(r, "kinds");
      marks.push_back({{"t", t->num(r, "start")}, {"label", kinds + " (episode " + ep + ")"}});
      if (t->get(r, "open_at_end") != "true") {
        marks.push_back(
            {{"t", t->num(r, "end")}, {"label", "end of " + kinds + " (episode " + ep + ")"}});
      }
    }
    if (rows.size() >= o.max_table_rows) continue;
    json row = {{"episode", ep},
                {"kinds", t->get(r, "kinds")},
                {"start", jnum(*t, r, "start")},
                {"end", jnum(*t, r, "end")},
                {"duration", jnum(*t, r, "duration")},
                {"scope", scope_of(*t, r)},
                {"window", t->get(r, "window")},
                {"complete", t->get(r, "window_complete")}};
    for (const char* k : kKpis)
      row[k] = jnum(*t, r, k);
    rows.push_back(row);
  }
  return rows;
}

// Service over time from intervals.csv (group "all"), down-sampled to at most max_bins points.
json service_of(const fs::path& dir, const Options& o) {
  auto t = Table::load(dir, "intervals");
  if (!t) return nullptr;
  // scope -> interval start -> (offered-weighted sums)
  struct Acc {
    double offered = 0, sl_w = 0, sl_n = 0, asa_w = 0, asa_n = 0, ab_w = 0, ab_n = 0;
  };
  std::map<std::string, std::map<double, Acc>> by_scope;
  std::set<double> starts;
  double width = 0;
  for (size_t r = 0; r < t->rows(); ++r) {
    const std::string& g = t->get(r, "group");
    if ((!g.empty() && g != "all") || t->get(r, "node") == "none") continue;
    double from = t->num(r, "from"), to = t->num(r, "to");
    width = std::max(width, to - from);
    starts.insert(from);
    Acc& a = by_scope[scope_of(*t, r)][from];
    double off = t->num(r, "offered");
    double ans = t->num(r, "answered");
    a.offered += off;
    double sl = t->num(r, "sl", NAN), asa = t->num(r, "asa_s", NAN),
           ab = t->num(r, "abandonment_rate", NAN);
    if (!std::isnan(sl)) a.sl_w += sl * off, a.sl_n += off;
    if (!std::isnan(asa)) a.asa_w += asa * ans, a.asa_n += ans;
    if (!std::isnan(ab)) a.ab_w += ab * off, a.ab_n += off;
  }
  // Merge consecutive intervals so that at most max_bins points remain.
  std::vector<double> xs(starts.begin(), starts.end());
  size_t merge =
      std::max<size_t>(1, (xs.size() + o.max_bins - 1) / std::max<size_t>(1, o.max_bins));
  json out = {{"interval_s", width * double(merge)}, {"scopes", json::object()}};
  json tx = json::array();
  for (size_t i = 0; i < xs.size(); i += merge)
    tx.push_back(round_to(xs[i] + width * double(std::min(merge, xs.size() - i)) / 2, 0.001));
  out["t"] = tx;
  for (auto& [scope, m] : by_scope) {
    std::vector<double> off, sl, asa, ab;
    for (size_t i = 0; i < xs.size(); i += merge) {
      Acc s;
      for (size_t j = i; j < std::min(xs.size(), i + merge); ++j) {
        auto it = m.find(xs[j]);
        if (it == m.end()) continue;
        const Acc& a = it->second;
        s.offered += a.offered, s.sl_w += a.sl_w, s.sl_n += a.sl_n, s.asa_w += a.asa_w;
        s.asa_n += a.asa_n, s.ab_w += a.ab_w, s.ab_n += a.ab_n;
      }
      off.push_back(s.offered);
      sl.push_back(s.sl_n > 0 ? s.sl_w / s.sl_n : NAN);
      asa.push_back(s.asa_n > 0 ? s.asa_w / s.asa_n : NAN);
      ab.push_back(s.ab_n > 0 ? s.ab_w / s.ab_n : NAN);
    }
    out["scopes"][scope] = {{"offered", rounded(off, 1)},
                            {"sl", rounded(sl, 0.0001)},
                            {"asa_s", rounded(asa, 0.01)},
                            {"abandonment_rate", rounded(ab, 0.0001)}};
  }
  return out;
}

// Calls: queue length over time (time-weighted mean of calls waiting, per node) and the
// routing attribution of outcomes per period.
void calls_of(const fs::path& dir, const Bins& bins, json& queue, json& outcomes) {
  auto t = Table::load(dir, "calls");
  if (!t) return;
  std::map<std::string, std::vector<double>> q;
  std::map<std::string, std::map<std::string, double>> oc;  // period -> outcome(cause) -> n
  const int c_arr = t->index("arrival"), c_wait = t->index("wait"), c_node = t->index("node"),
            c_dc = t->index("dc"), c_out = t->index("outcome"), c_cause = t->index("failure_cause"),
            c_per = t->index("period"), c_scope = t->index("dc_scope");
  for (size_t r = 0; r < t->rows(); ++r) {
    double a = std::atof(t->at(r, c_arr).c_str());
    const std::string& w = t->at(r, c_wait);
    if (!w.empty()) {
      std::string node = t->at(r, c_node);
      if (node.empty()) node = t->at(r, c_dc);
      auto& v = q[node.empty() ? "all" : node];
      if (v.empty()) v.assign(bins.n, 0.0);
      bins.spread(v, a, a + std::atof(w.c_str()), 1.0);
    }
    std::string out = t->at(r, c_out);
    const std::string& cause = t->at(r, c_cause);
    if (!cause.empty()) out += " (" + cause + ")";
    if (out == "answered_remote" && !t->at(r, c_scope).empty()) {
      out += " (" + t->at(r, c_scope) + ")";
    }
    std::string per = t->at(r, c_per);
    oc[per.empty() ? "n/a" : per][out] += 1;
  }
  outcomes = json::object();
  json qs = json::object();
  for (auto& [k, v] : q)
    qs[k] = rounded(v, 0.01);
  queue = {{"t", bins.centers()}, {"scopes", qs}};
  outcomes = oc;
}

void routing_of(const fs::path& dir, json& results, json& exclusions) {
  auto t = Table::load(dir, "routing");
  if (!t) return;
  std::map<std::string, std::map<std::string, double>> res, exc;
  const int c_res = t->index("result"), c_per = t->index("period"),
            c_oos = t->index("excluded_oos"), c_busy = t->index("excluded_busy"),
            c_stale = t->index("stale");
  for (size_t r = 0; r < t->rows(); ++r) {
    std::string per = t->at(r, c_per);
    if (per.empty()) per = "n/a";
    res[per][t->at(r, c_res)] += 1;
    auto& e = exc[per];
    e["excluded OOS"] += std::atof(t->at(r, c_oos).c_str());
    e["excluded busy"] += std::atof(t->at(r, c_busy).c_str());
    e["stale view"] += std::atof(t->at(r, c_stale).c_str());
    e["decisions"] += 1;
  }
  results = res;
  exclusions = exc;
}

// Availability: DNs in service and eligible per view over time (dn_views.csv, else the
// default recording's view_series.csv), and staleness DN-seconds per view (summary.csv).
json availability_of(const fs::path& dir, const Bins& bins) {
  json out = json::object();
  std::map<std::string, std::vector<double>> insrv, elig;
  int c_lvl = -1, c_node = -1, c_from = -1, c_to = -1, c_srv = -1, c_el = -1;
  const std::string empty;
  auto at = [&](const std::vector<std::string>& row, int c) -> const std::string& {
    return c >= 0 && size_t(c) < row.size() ? row[size_t(c)] : empty;
  };
  bool found =
      Table::scan(dir, "dn_views", [&](const Table& t, const std::vector<std::string>& row) {
        if (c_lvl < 0) {
          c_lvl = t.index("level"), c_node = t.index("node"), c_from = t.index("from");
          c_to = t.index("to"), c_srv = t.index("service"), c_el = t.index("eligible");
        }
        const std::string& lvl = at(row, c_lvl);
        std::string view;
        if (lvl == "truth") {
          view = "truth";
        } else if (lvl == "stat") {
          view = "SS_" + at(row, c_node);
        } else {
          return;
        }
        const bool up = at(row, c_srv) == "InSrv", el = at(row, c_el) == "true";
        if (!up && !el) return;
        double from = std::atof(at(row, c_from).c_str()), to = std::atof(at(row, c_to).c_str());
        if (up) {
          auto& v = insrv[view];
          if (v.empty()) v.assign(bins.n, 0.0);
          bins.spread(v, from, to, 1.0);
        }
        if (el) {
          auto& v = elig[view];
          if (v.empty()) v.assign(bins.n, 0.0);
          bins.spread(v, from, to, 1.0);
        }
      });
  if (!found) {
    // The default recording has no dn_views.csv: view_series.csv gives the mean number of DNs
    // in service and eligible per stats interval and view, spread over the report's bins.
    int v_lvl = -1, v_node = -1, v_from = -1, v_to = -1, v_srv = -1, v_el = -1;
    found =
        Table::scan(dir, "view_series", [&](const Table& t, const std::vector<std::string>& row) {
          if (v_lvl < 0) {
            v_lvl = t.index("level"), v_node = t.index("node"), v_from = t.index("from");
            v_to = t.index("to"), v_srv = t.index("in_service_mean"),
            v_el = t.index("eligible_mean");
          }
          const std::string& lvl = at(row, v_lvl);
          std::string view;
          if (lvl == "truth") {
            view = "truth";
          } else if (lvl == "stat") {
            view = "SS_" + at(row, v_node);
          } else {
            return;
          }
          double from = std::atof(at(row, v_from).c_str()), to = std::atof(at(row, v_to).c_str());
          auto& a = insrv[view];
          if (a.empty()) a.assign(bins.n, 0.0);
          bins.spread(a, from, to, std::atof(at(row, v_srv).c_str()));
          auto& b = elig[view];
          if (b.empty()) b.assign(bins.n, 0.0);
          bins.spread(b, from, to, std::atof(at(row, v_el).c_str()));
        });
  }
  if (found) {
    json a = json::object(), b = json::object();
    for (auto& [k, v] : insrv)
      a[k] = rounded(v, 0.01);
    for (auto& [k, v] : elig)
      b[k] = rounded(v, 0.01);
    out["t"] = bins.centers();
    out["insrv"] = a;
    out["eligible"] = b;
  }
  if (auto s = Table::load(dir, "summary")) {
    std::map<std::string, std::map<std::string, double>> st;  // view -> kind level -> s
    for (size_t r = 0; r < s->rows(); ++r) {
      if (s->get(r, "category") != "staleness" || s->get(r, "metric") != "total_s") continue;
      std::string kind = s->get(r, "kind") == "false_up" ? "false-up" : "false-down";
      st["SS_" + s->get(r, "node")][kind + " " + s->get(r, "level")] += s->num(r, "value");
    }
    if (!st.empty()) out["staleness"] = st;
  }
  return out;
}

std::string run_sentence(const json& episodes, const json& periods) {
  if (episodes.is_array()) {
    // The first episode with a cut, else the first one; all-node before/during rows.
    std::string ep;
    for (const auto& e : episodes) {
      if (e["kinds"].get<std::string>().find("cut") != std::string::npos) {
        ep = e["episode"];
        break;
      }
    }
    if (ep.empty() && !episodes.empty()) ep = episodes[0]["episode"];
    double before = NAN, during = NAN, after = NAN, dur = 0, start = 0, worst = 2;
    std::string kinds, worst_scope;
    for (const auto& e : episodes) {
      if (e["episode"] != ep) continue;
      kinds = e["kinds"];
      dur = e["duration"].is_number() ? e["duration"].get<double>() : 0;
      start = e["start"].is_number() ? e["start"].get<double>() : 0;
      double sl = e["sl"].is_number() ? e["sl"].get<double>() : NAN;
      if (e["scope"] == "all") {
        if (e["window"] == "before") before = sl;
        if (e["window"] == "during") during = sl;
        if (e["window"] == "after") after = sl;
      } else if (e["window"] == "during" && !std::isnan(sl) && sl < worst) {
        worst = sl;
        worst_scope = e["scope"];
      }
    }
    if (!ep.empty() && !std::isnan(during)) {
      std::string s = "During the " + fmt(dur / 60, "%.0f") + "-minute " + kinds + " at " +
                      hhmm(start) + ", SL fell from " + fmt(before) + " to " + fmt(during);
      if (!worst_scope.empty()) s += " (worst: " + worst_scope + " at " + fmt(worst) + ")";
      if (!std::isnan(after)) s += " and recovered to " + fmt(after) + " after it";
      return s + ".";
    }
  }
  if (periods.is_array()) {
    for (const auto& p : periods) {
      if (p["period"] == "connected" && p["scope"] == "all" && p["sl"].is_number()) {
        return "While connected, SL was " + fmt(p["sl"].get<double>()) + " over " +
               fmt(p["offered"].is_number() ? p["offered"].get<double>() : 0, "%.0f") +
               " calls; no fault episode changed it.";
      }
    }
  }
  return "No calls were offered in this run: the report shows its views, links and episodes.";
}

json build_run(const fs::path& dir, const Options& o) {
  double end = 0;
  json d = {{"kind", "run"}};
  d["meta"] = meta_of(dir, end);
  Bins bins(end, o.max_bins);
  d["end"] = end;
  d["periods"] = periods_of(dir);
  json spans = json::array(), marks = json::array();
  d["links"] = links_of(dir, o, spans, end);
  d["episodes"] = episodes_of(dir, o, marks);
  d["spans"] = spans;
  d["marks"] = marks;
  d["service"] = service_of(dir, o);
  json queue = nullptr, outcomes = nullptr, results = nullptr, exclusions = nullptr;
  calls_of(dir, bins, queue, outcomes);
  routing_of(dir, results, exclusions);
  d["queue"] = queue;
  d["routing"] = {{"outcomes", outcomes}, {"results", results}, {"exclusions", exclusions}};
  d["availability"] = availability_of(dir, bins);
  d["sentence"] = run_sentence(d["episodes"], d["periods"]);
  return d;
}

// ---- compare ------------------------------------------------------------------------------

// DOMAIN §6.4 item 2: with stuck_busy_until_resync (R36), agents on a call from across the cut
// stay busy at their owner for the rest of the partition, so the first mode (auto) loses that
// capacity in partitioned periods; say how much, per DC, beside the difference.
std::string r36_note(const json& means) {
  std::string held, mode;
  double total = 0;
  for (const auto& x : means) {
    if (x["kpi"] != "held_by_r36_s" || x["scope"] != "partitioned") continue;
    if (mode.empty()) mode = x["mode"].get<std::string>();
    if (x["mode"] != mode || !x["mean"].is_number() || x["mean"].get<double>() <= 0) continue;
    const double min = x["mean"].get<double>() / 60;
    total += min;
    held += (held.empty() ? "" : " and ") + fmt(min, "%.0f") +
            (held.empty() ? " agent-minutes" : "") + " in " + x["dc"].get<std::string>();
  }
  if (held.empty()) return "";
  return "Held capacity (R36): under " + mode +
         ", agents whose call came from across the cut stay busy at their owner until the "
         "resync; during partitioned periods that held " +
         held + " per replication (" + fmt(total, "%.0f") +
         " in all). Local routing keeps that capacity, so part of the partitioned difference is "
         "the held capacity, not the routing (stuck_busy_until_resync=false shows the routing "
         "effect alone).";
}

json build_compare(const fs::path& dir, const Options& o) {
  json d = {{"kind", "compare"}};
  json meta = json::object();
  json means = json::array(), diffs = json::array(), runs = json::array();
  // The page shows the whole cluster: the rows of dc "all" (compare also writes rows per DC and
  // node of arrival, DOMAIN §6.4 item 3).
  auto whole = [](const Table& t, size_t r) {
    const std::string& dc = t.get(r, "dc");
    return dc.empty() || dc == "all";
  };
  json dc_held = json::array();  // R36's held capacity per DC (the DC totals' rows)
  if (auto t = Table::load(dir, "means")) {
    for (size_t r = 0; r < t->rows(); ++r) {
      const std::string& node = t->get(r, "node");
      if (t->get(r, "kpi") == "held_by_r36_s" && !whole(*t, r) && (node.empty() || node == "all"))
        dc_held.push_back({{"scope", t->get(r, "scope")},
                           {"dc", t->get(r, "dc")},
                           {"kpi", t->get(r, "kpi")},
                           {"mode", t->get(r, "mode")},
                           {"mean", jnum(*t, r, "mean")}});
      if (!whole(*t, r)) continue;
      if (meta.empty())
        meta = {{"scenario", t->get(r, "scenario")}, {"seed", t->get(r, "base_seed")}};
      means.push_back({{"scope", t->get(r, "scope")},
                       {"dc", t->get(r, "dc").empty() ? "all" : t->get(r, "dc")},
                       {"kpi", t->get(r, "kpi")},
                       {"mode", t->get(r, "mode")},
                       {"mean", jnum(*t, r, "mean")},
                       {"ci", jnum(*t, r, "ci95_half_width")},
                       {"n", jnum(*t, r, "n")}});
    }
  }
  if (auto t = Table::load(dir, "differences")) {
    for (size_t r = 0; r < t->rows(); ++r) {
      if (!whole(*t, r)) continue;
      if (meta.empty())
        meta = {{"scenario", t->get(r, "scenario")}, {"seed", t->get(r, "base_seed")}};
      diffs.push_back({{"scope", t->get(r, "scope")},
                       {"dc", t->get(r, "dc").empty() ? "all" : t->get(r, "dc")},
                       {"kpi", t->get(r, "kpi")},
                       {"a", t->get(r, "mode_a")},
                       {"b", t->get(r, "mode_b")},
                       {"mean_a", jnum(*t, r, "mean_a")},
                       {"mean_b", jnum(*t, r, "mean_b")},
                       {"diff", jnum(*t, r, "diff_mean")},
                       {"low", jnum(*t, r, "ci95_low")},
                       {"high", jnum(*t, r, "ci95_high")},
                       {"n", jnum(*t, r, "n")},
                       {"significant", t->get(r, "significant")}});
    }
  }
  if (auto t = Table::load(dir, "runs")) {
    for (size_t r = 0; r < t->rows() && r < o.max_table_rows; ++r) {
      runs.push_back({{"replication", t->get(r, "replication")},
                      {"seed", t->get(r, "seed")},
                      {"mode", t->get(r, "mode")},
                      {"events", t->get(r, "events")},
                      {"fingerprint", t->get(r, "fingerprint")},
                      {"calls", t->get(r, "calls")}});
    }
  }
  json choices = json::array();
  if (auto t = Table::load(dir, "choices")) {
    for (size_t r = 0; r < t->rows(); ++r) {
      choices.push_back({(t->get(r, "differs") == "yes" ? "* " : "") + t->get(r, "question") + " " +
                             t->get(r, "topic"),
                         t->get(r, "setting")});
    }
  }
  meta["model_choices"] = choices;
  d["meta"] = meta;
  d["means"] = means;
  d["differences"] = diffs;
  d["runs"] = runs;
  // The sentence: SL during partitions, first mode against the other, with the paired CI.
  std::string s;
  for (const auto& x : diffs) {
    if (x["kpi"] != "sl" || !x["mean_a"].is_number() || !x["mean_b"].is_number()) continue;
    if (x["scope"] != "partitioned" || x["dc"] != "all") continue;
    double a = x["mean_a"], b = x["mean_b"];
    s = "During partitions, SL was " + fmt(a) + " with " + x["a"].get<std::string>() +
        " routing; " + x["b"].get<std::string>() + " routing alone would have given " + fmt(b);
    if (x["low"].is_number() && x["high"].is_number()) {
      double half = (x["high"].get<double>() - x["low"].get<double>()) / 2;
      s += " ± " + fmt(half) + " (paired difference " + fmt(x["diff"].get<double>(), "%+.3f") +
           ", 95 % CI [" + fmt(x["low"].get<double>(), "%+.3f") + ", " +
           fmt(x["high"].get<double>(), "%+.3f") + "])";
    }
    s += ".";
    break;
  }
  if (s.empty()) s = "No partitioned period with calls: see the table for the other periods.";
  d["sentence"] = s;
  d["r36_note"] = r36_note(dc_held);
  return d;
}

}  // namespace

Kind kind_of(const fs::path& dir) {
  std::error_code ec;
  if (exists_table(dir, "run")) return Kind::run;
  if (exists_table(dir, "means") || exists_table(dir, "differences")) return Kind::compare;
  if (fs::is_regular_file(dir / "campaign.sqlite", ec)) return Kind::campaign;
  return Kind::unknown;
}

std::string build_json(const fs::path& dir, const Options& o) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir.string() + ": not a directory");
  json d;
  switch (kind_of(dir)) {
    case Kind::run:
      d = build_run(dir, o);
      break;
    case Kind::compare:
      d = build_compare(dir, o);
      break;
    case Kind::campaign:
      d = build_campaign(dir, o);
      break;
    default:
      throw std::runtime_error(
          dir.string() +
          ": not a results directory: no run.csv (scsim run), means.csv (scsim compare) or "
          "campaign.sqlite");
  }
  d["source"] = o.name.empty() ? dir.filename().string() : o.name;
  return d.dump(-1, ' ', false, json::error_handler_t::replace);
}

void write_report(const fs::path& dir, const fs::path& out, const Options& o) {
  std::string data = build_json(dir, o);
  // "</" inside a <script> element would end it: escape the slash (valid JSON).
  std::string safe;
  safe.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '<' && i + 1 < data.size() && data[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += data[i];
    }
  }
  std::error_code ec;
  if (!fs::is_regular_file(o.chartjs, ec)) {
    throw std::runtime_error(o.chartjs.string() +
                             ": Chart.js not found (install the Debian package libjs-chart.js, "
                             "or give its file with --chartjs FILE)");
  }
  // Never overwrite a file that scsim report did not write.
  if (fs::exists(out, ec)) {
    std::ifstream old(out, std::ios::binary);
    std::string head(1024, '\0');
    old.read(head.data(), std::streamsize(head.size()));
    head.resize(size_t(old.gcount()));
    if (!fs::is_regular_file(out, ec) ||
        head.find("<title>scsim report</title>") == std::string::npos) {
      throw std::runtime_error(out.string() +
                               ": exists and is not a report written by scsim; not overwritten "
                               "(choose another file with -o)");
    }
  }
  std::string chartjs = read_file_bytes(o.chartjs);
  std::string html = render_page(safe, chartjs);
  fs::path tmp = out;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(tmp.string() + ": cannot be written");
    f.write(html.data(), std::streamsize(html.size()));
    f.close();
    if (!f) {
      fs::remove(tmp, ec);
      throw std::runtime_error(tmp.string() + ": write error");
    }
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(out.string() + ": cannot be written (" + ec.message() + ")");
  }
}

std::vector<std::string> terminal_summary(const fs::path& dir) {
  std::vector<std::string> lines;
  auto t = Table::load(dir, "periods");
  if (!t) return lines;
  char b[160];
  std::snprintf(b, sizeof b, "  %-12s %10s %8s %8s %8s %10s", "period", "time", "calls", "SL",
                "ASA s", "abandoned");
  lines.emplace_back(b);
  for (size_t r = 0; r < t->rows(); ++r) {
    if (scope_of(*t, r) != "all") continue;
    std::snprintf(b, sizeof b, "  %-12s %10s %8.0f %8s %8s %10s", t->get(r, "period").c_str(),
                  duration_text(t->num(r, "time_s", NAN)).c_str(), t->num(r, "offered"),
                  fmt(t->num(r, "sl", NAN), "%.3f").c_str(),
                  fmt(t->num(r, "asa_s", NAN), "%.1f").c_str(),
                  fmt(t->num(r, "abandonment_rate", NAN), "%.3f").c_str());
    lines.emplace_back(b);
  }
  return lines;
}

}  // namespace scsim::report
