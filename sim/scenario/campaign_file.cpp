// The campaign file loader (campaign_file.hpp). Only this file knows the campaign format.
#include "scenario/campaign_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/random.hpp"
#include "model/params.hpp"
#include "model/spec.hpp"
#include "scenario/scale.hpp"

namespace scsim::scenario {
namespace {

namespace fs = std::filesystem;
using model::ActionKind;

constexpr size_t kMaxValues = 100'000;     // per knob
constexpr size_t kMaxPoints = 1'000'000;   // grid points
constexpr uintmax_t kMaxBytes = 1u << 20;  // campaign file

struct Errors {
  std::string file;
  std::vector<LoadError> list;
  void add(const YAML::Node& n, const std::string& key, const std::string& msg) {
    int line = 0, col = 0;
    if (n.IsDefined()) {
      line = n.Mark().line + 1;
      col = n.Mark().column + 1;
    }
    list.push_back(LoadError{file, line, col, key, msg});
  }
};

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string canonical(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string column_of(const std::string& name) {
  std::string c;
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (ok) {
      c += ch;
    } else if (!c.empty() && c.back() != '_') {
      c += '_';
    }
  }
  while (!c.empty() && c.back() == '_')
    c.pop_back();
  if (c.empty() || (c[0] >= '0' && c[0] <= '9')) c = "k_" + c;
  return c;
}

std::optional<ActionKind> action_kind(const std::string& s) {
  for (int k = 0; k <= int(ActionKind::call); ++k) {
    if (s == model::to_string(ActionKind(k))) return ActionKind(k);
  }
  return std::nullopt;
}

// The end action that `duration` moves, for an action kind; nullopt when it has none.
std::optional<ActionKind> end_kind(ActionKind k) {
  switch (k) {
    case ActionKind::cut:
      return ActionKind::heal;
    case ActionKind::crash:
      return ActionKind::restart;
    case ActionKind::gws_fail:
      return ActionKind::gws_restart;
    case ActionKind::gws_cut:
      return ActionKind::gws_heal;
    case ActionKind::wwe_disconnect:
      return ActionKind::wwe_reconnect;
    case ActionKind::phone_off:
      return ActionKind::phone_on;
    default:
      return std::nullopt;
  }
}

bool same_target(const model::Action& a, const model::Action& b) {
  auto sorted = [](std::vector<int> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  return a.agent == b.agent && a.node == b.node && a.gws == b.gws &&
         sorted(a.nodes_a) == sorted(b.nodes_a) && sorted(a.nodes_b) == sorted(b.nodes_b);
}

// Parses the knob's name into kind/action/index; returns an error message or "".
std::string parse_knob_name(Knob& k) {
  const std::string& n = k.name;
  if (n == "routing_mode") return "routing_mode is paired by `modes:`, not varied";
  if (n == "workload.rate_factor") {
    k.kind = KnobKind::rate;
    return "";
  }
  if (n == "agents.copies") {
    k.kind = KnobKind::copies;
    return "";
  }
  if (n.rfind("timeline.", 0) == 0) {
    auto lb = n.find('['), rb = n.find(']');
    if (lb == std::string::npos || rb == std::string::npos || rb < lb) {
      return "expected timeline.<action>[n].at or timeline.<action>[n].duration";
    }
    k.action = n.substr(9, lb - 9);
    auto idx = number(n.substr(lb + 1, rb - lb - 1));
    std::string field = n.substr(rb + 1);
    auto kind = action_kind(k.action);
    if (!kind) return "unknown action \"" + k.action + "\"";
    if (!idx || *idx < 0 || *idx != std::floor(*idx)) return "the index must be a whole number";
    k.index = int(*idx);
    if (field == ".at") {
      k.kind = KnobKind::at;
    } else if (field == ".duration") {
      if (!end_kind(*kind)) {
        return "\"" + k.action +
               "\" has no end action (duration works for cut, crash, gws_fail, gws_cut, "
               "wwe_disconnect, phone_off)";
      }
      k.kind = KnobKind::duration;
    } else {
      return "expected .at or .duration after the index";
    }
    return "";
  }
  bool known = false;
  for (const auto& p : model::param_table())
    known = known || p.name == n;
  if (!known) {
    model::Params p;
    std::string err = model::set_param(p, n, "0");
    return err.empty() ? "unknown knob" : err;
  }
  k.kind = KnobKind::param;
  return "";
}

// Checks and canonicalises one value of a knob; returns an error message or "".
std::string check_value(const Knob& k, std::string& v) {
  switch (k.kind) {
    case KnobKind::param: {
      model::Params p = model::reference_params();
      if (auto x = number(v)) v = canonical(*x);
      return model::set_param(p, k.name, v);
    }
    case KnobKind::at:
    case KnobKind::duration: {
      auto t = parse_time(v);
      if (!t.value) return t.error;
      if (*t.value < Time::zero() || (k.kind == KnobKind::duration && *t.value == Time::zero())) {
        return k.kind == KnobKind::at ? "must not be negative" : "must be > 0";
      }
      v = canonical(t.value->to_seconds());
      return "";
    }
    case KnobKind::rate: {
      auto x = number(v);
      if (!x || *x <= 0) return "expects a number > 0, got \"" + v + "\"";
      v = canonical(*x);
      return "";
    }
    case KnobKind::copies: {
      auto x = number(v);
      if (!x || *x < 1 || *x > 1000 || *x != std::floor(*x)) {
        return "expects a whole number from 1 to 1000, got \"" + v + "\"";
      }
      v = canonical(*x);
      return "";
    }
  }
  return "";
}

void parse_values(const YAML::Node& n, Knob& k, const std::string& key, Errors& e) {
  std::vector<std::pair<std::string, YAML::Node>> raw;
  if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar()) {
        e.add(n[i], key + "[" + std::to_string(i) + "]", "expected a value");
        continue;
      }
      raw.emplace_back(n[i].Scalar(), n[i]);
    }
  } else if (n.IsMap()) {
    std::optional<double> from, to, step;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string f = it->first.Scalar();
      if (f != "from" && f != "to" && f != "step") {
        e.add(it->first, key + "." + f, "unknown key (a range has from, to, step)");
        continue;
      }
      std::string text = it->second.IsScalar() ? it->second.Scalar() : "";
      std::optional<double> x = number(text);
      if (!x && (k.kind == KnobKind::at || k.kind == KnobKind::duration)) {
        auto t = parse_time(text);
        if (t.value) x = t.value->to_seconds();
      }
      if (!x) {
        e.add(it->second, key + "." + f, "expected a number");
        continue;
      }
      (f == "from" ? from : f == "to" ? to : step) = x;
    }
    if (!from || !to || !step) {
      e.add(n, key, "a range needs from, to and step");
      return;
    }
    if (*step <= 0) {
      e.add(n["step"], key + ".step", "must be > 0");
      return;
    }
    if (*to < *from) {
      e.add(n["to"], key + ".to", "must be >= from");
      return;
    }
    double count = std::floor((*to - *from) / *step + 1e-9) + 1;
    if (count > double(kMaxValues)) {
      e.add(n, key, "more than " + std::to_string(kMaxValues) + " values");
      return;
    }
    for (int64_t i = 0; i < int64_t(count); ++i)
      raw.emplace_back(canonical(*from + double(i) * *step), n);
  } else if (n.IsScalar()) {
    raw.emplace_back(n.Scalar(), n);
  } else {
    e.add(n, key, "expected a list of values or a range {from, to, step}");
    return;
  }
  if (raw.empty()) e.add(n, key, "no values");
  std::set<std::string> seen;
  for (auto& [v, node] : raw) {
    std::string err = check_value(k, v);
    if (!err.empty()) {
      e.add(node, key, err);
      continue;
    }
    if (!seen.insert(v).second) {
      e.add(node, key, "value " + v + " given twice");
      continue;
    }
    k.values.push_back(v);
  }
}

bool compare(const std::string& a, const std::string& op, const std::string& b) {
  auto x = number(a), y = number(b);
  int c = (x && y) ? (*x < *y ? -1 : *x > *y ? 1 : 0) : a.compare(b) < 0 ? -1 : a == b ? 0 : 1;
  if (op == "eq") return c == 0;
  if (op == "ne") return c != 0;
  if (op == "lt") return c < 0;
  if (op == "le") return c <= 0;
  if (op == "gt") return c > 0;
  return c >= 0;
}

void parse_where(const YAML::Node& n, Campaign& c, Errors& e) {
  if (!n.IsSequence()) {
    e.add(n, "where", "expected a list of exclusions, e.g. - {a: 1, b: {gt: 5}}");
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string key = "where[" + std::to_string(i) + "]";
    if (!n[i].IsMap() || n[i].size() == 0) {
      e.add(n[i], key, "expected a mapping knob: value or knob: {op: value}");
      continue;
    }
    std::vector<Condition> conds;
    for (auto it = n[i].begin(); it != n[i].end(); ++it) {
      const std::string name = it->first.Scalar();
      auto k = std::find_if(c.knobs.begin(), c.knobs.end(),
                            [&](const Knob& kn) { return kn.name == name; });
      if (k == c.knobs.end()) {
        e.add(it->first, key + "." + name, "not a knob of vary:");
        continue;
      }
      Condition cond;
      cond.knob = int(k - c.knobs.begin());
      if (it->second.IsScalar()) {
        cond.op = "eq";
        cond.value = it->second.Scalar();
      } else if (it->second.IsMap() && it->second.size() == 1) {
        cond.op = it->second.begin()->first.Scalar();
        cond.value = it->second.begin()->second.Scalar();
        static const std::set<std::string> ops = {"eq", "ne", "lt", "le", "gt", "ge"};
        if (!ops.count(cond.op)) {
          e.add(it->second, key + "." + name,
                "unknown operator \"" + cond.op + "\" (eq, ne, lt, le, gt, ge)");
          continue;
        }
      } else {
        e.add(it->second, key + "." + name, "expected a value or {op: value}");
        continue;
      }
      if (auto x = number(cond.value)) cond.value = canonical(*x);
      conds.push_back(cond);
    }
    c.where.push_back(conds);
  }
}

const std::set<std::string> kTopKeys = {"name",  "scenario", "vary",         "zip",
                                        "where", "modes",    "replications", "seed",
                                        "kpis",  "until",    "max_events"};

}  // namespace

CampaignLoad load_campaign(const std::string& path, const std::vector<std::string>& kpi_names) {
  CampaignLoad out;
  Errors e{path, {}};
  auto fail = [&](const std::string& msg) {
    out.errors.push_back(LoadError{path, 0, 0, "", msg});
    return out;
  };
  try {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return fail("no such file");
    if (fs::file_size(path, ec) > kMaxBytes) return fail("larger than 1 MiB");
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    YAML::Node root;
    try {
      root = YAML::Load(bytes);
    } catch (const YAML::Exception& ex) {
      out.errors.push_back(LoadError{path, ex.mark.line + 1, ex.mark.column + 1, "", ex.msg});
      return out;
    }
    if (!root.IsMap()) {
      e.add(root, "", "a campaign is a mapping (scenario, vary, modes, replications, ...)");
      out.errors = e.list;
      return out;
    }
    Campaign c;
    c.file = path;
    c.name = fs::path(path).stem().string();
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!kTopKeys.count(it->first.Scalar())) {
        e.add(it->first, it->first.Scalar(),
              "unknown key (keys: name, scenario, vary, zip, where, modes, replications, seed, "
              "kpis, until, max_events)");
      }
    }
    if (root["name"]) c.name = root["name"].Scalar();
    // scenario
    const YAML::Node sn = root["scenario"];
    if (!sn) {
      e.add(root, "scenario", "missing (a path, or an inline scenario mapping)");
    } else if (sn.IsScalar()) {
      fs::path p(sn.Scalar());
      if (p.is_relative()) p = fs::path(path).parent_path() / p;
      c.scenario_path = p.lexically_normal().string();
    } else if (sn.IsMap()) {
      YAML::Emitter em;
      em << sn;
      c.scenario_text = em.c_str();
    } else {
      e.add(sn, "scenario", "expected a path or an inline scenario mapping");
    }
    // vary
    const YAML::Node vn = root["vary"];
    if (vn && !vn.IsMap()) e.add(vn, "vary", "expected a mapping knob: values");
    if (vn && vn.IsMap()) {
      for (auto it = vn.begin(); it != vn.end(); ++it) {
        Knob k;
        k.name = it->first.Scalar();
        k.line = it->first.Mark().line + 1;
        k.column_no = it->first.Mark().column + 1;
        const std::string key = "vary." + k.name;
        std::string err = parse_knob_name(k);
        if (!err.empty()) {
          e.add(it->first, key, err);
          continue;
        }
        k.column = column_of(k.name);
        for (const auto& o : c.knobs) {
          if (o.column == k.column) e.add(it->first, key, "same column name as " + o.name);
        }
        parse_values(it->second, k, key, e);
        c.knobs.push_back(k);
      }
    }
    // zip
    if (const YAML::Node zn = root["zip"]) {
      if (!zn.IsSequence()) e.add(zn, "zip", "expected a list of knob lists, e.g. [[a, b]]");
      for (size_t g = 0; zn.IsSequence() && g < zn.size(); ++g) {
        const std::string key = "zip[" + std::to_string(g) + "]";
        if (!zn[g].IsSequence() || zn[g].size() < 2) {
          e.add(zn[g], key, "expected a list of at least two knobs");
          continue;
        }
        size_t len = 0;
        for (size_t i = 0; i < zn[g].size(); ++i) {
          const std::string name = zn[g][i].Scalar();
          auto k = std::find_if(c.knobs.begin(), c.knobs.end(),
                                [&](const Knob& kn) { return kn.name == name; });
          if (k == c.knobs.end()) {
            e.add(zn[g][i], key, "\"" + name + "\" is not a knob of vary:");
          } else if (k->zip >= 0) {
            e.add(zn[g][i], key, "\"" + name + "\" is already in a zip group");
          } else if (i > 0 && k->values.size() != len) {
            e.add(zn[g][i], key,
                  "\"" + name + "\" has " + std::to_string(k->values.size()) +
                      " values, the group's first knob " + std::to_string(len));
          } else {
            k->zip = int(g);
            len = k->values.size();
          }
        }
      }
    }
    if (const YAML::Node wn = root["where"]) parse_where(wn, c, e);
    // modes
    const YAML::Node mn = root["modes"];
    if (!mn) {
      c.modes = {"auto", "local_node"};
    } else if (!mn.IsSequence() || mn.size() < 1) {
      e.add(mn, "modes", "expected a list of routing modes, e.g. [auto, local_node]");
    } else {
      for (size_t i = 0; i < mn.size(); ++i) {
        std::string m = mn[i].Scalar();
        if (m == "local") m = "local_node";
        if (m != "auto" && m != "local_node" && m != "local_dc") {
          e.add(mn[i], "modes", "unknown routing_mode \"" + m + "\" (auto, local_node, local_dc)");
        } else if (std::find(c.modes.begin(), c.modes.end(), m) != c.modes.end()) {
          e.add(mn[i], "modes", "\"" + m + "\" given twice");
        } else {
          c.modes.push_back(m);
        }
      }
    }
    auto whole = [&](const char* key, uint64_t lo, uint64_t hi, uint64_t& dst) {
      const YAML::Node n = root[key];
      if (!n) return;
      auto x = n.IsScalar() ? number(n.Scalar()) : std::nullopt;
      if (!x || *x < double(lo) || *x > double(hi) || *x != std::floor(*x)) {
        e.add(n, key,
              "expects a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
        return;
      }
      dst = n.as<uint64_t>();
    };
    uint64_t reps = 1;
    whole("replications", 1, 100000, reps);
    c.replications = int(reps);
    whole("seed", 0, uint64_t(1) << 53, c.seed);
    whole("max_events", 1, uint64_t(1) << 53, c.max_events);
    if (const YAML::Node un = root["until"]) {
      auto t = parse_time(un.IsScalar() ? un.Scalar() : "");
      if (!t.value || *t.value <= Time::zero()) {
        e.add(un, "until", t.value ? "must be > 0" : t.error);
      } else {
        c.until = *t.value;
      }
    }
    // kpis
    const std::vector<std::string>& known = kpi_names;
    if (const YAML::Node kn = root["kpis"]) {
      if (!kn.IsSequence() || kn.size() == 0) e.add(kn, "kpis", "expected a list of KPI names");
      for (size_t i = 0; kn.IsSequence() && i < kn.size(); ++i) {
        const std::string k = kn[i].Scalar();
        if (std::find(known.begin(), known.end(), k) == known.end()) {
          e.add(kn[i], "kpis", "unknown KPI \"" + k + "\" (e.g. sl, asa_s, abandonment_rate)");
        } else {
          c.kpis.push_back(k);
        }
      }
    } else {
      c.kpis = {"offered",
                "sl",
                "asa_s",
                "abandonment_rate",
                "routing_failure_rate",
                "remote_share",
                "misroute_rate",
                "occupancy"};
    }
    if (!e.list.empty()) {
      out.errors = e.list;
      return out;
    }
    if (campaign_grid(c).empty()) {
      e.add(root["vary"], "vary", "every grid point is excluded by where:");
      out.errors = e.list;
      return out;
    }
    // The base scenario must load; its hash goes into the campaign's.
    LoadResult base = c.scenario_text.empty()
                          ? load_scenario(c.scenario_path)
                          : load_scenario_text(c.scenario_text, path + " (inline scenario)");
    if (!base.scenario) {
      out.errors = base.errors;
      return out;
    }
    c.file_hash = Rng(base.scenario->file_hash, bytes).next_u64();
    out.campaign = std::move(c);
  } catch (const std::exception& ex) {
    out.errors.push_back(LoadError{path, 0, 0, "", std::string("internal error: ") + ex.what()});
  }
  return out;
}

std::vector<std::vector<int>> campaign_grid(const Campaign& c) {
  // Dimensions: each knob without a zip group, and each zip group at its first knob.
  std::vector<std::vector<int>> dims;  // knobs of each dimension
  std::map<int, size_t> zip_dim;
  for (size_t k = 0; k < c.knobs.size(); ++k) {
    const Knob& kn = c.knobs[k];
    if (kn.zip >= 0 && zip_dim.count(kn.zip)) {
      dims[zip_dim[kn.zip]].push_back(int(k));
      continue;
    }
    if (kn.zip >= 0) zip_dim[kn.zip] = dims.size();
    dims.push_back({int(k)});
  }
  size_t total = 1;
  for (const auto& d : dims) {
    total *= std::max<size_t>(1, c.knobs[size_t(d[0])].values.size());
    if (total > kMaxPoints) return {};
  }
  std::vector<std::vector<int>> out;
  for (size_t i = 0; i < total; ++i) {
    std::vector<int> point(c.knobs.size(), 0);
    size_t rest = i;
    for (size_t d = dims.size(); d-- > 0;) {
      size_t n = c.knobs[size_t(dims[d][0])].values.size();
      for (int k : dims[d])
        point[size_t(k)] = int(rest % n);
      rest /= n;
    }
    bool excluded = false;
    for (const auto& conds : c.where) {
      bool all = !conds.empty();
      for (const auto& cond : conds) {
        const Knob& kn = c.knobs[size_t(cond.knob)];
        all = all && compare(kn.values[size_t(point[size_t(cond.knob)])], cond.op, cond.value);
      }
      excluded = excluded || all;
    }
    if (!excluded) out.push_back(point);
  }
  return out;
}

LoadResult campaign_point_scenario(const Campaign& c, const std::vector<int>& point) {
  std::vector<std::pair<std::string, std::string>> sets;
  for (size_t k = 0; k < c.knobs.size(); ++k) {
    if (c.knobs[k].kind == KnobKind::param) {
      sets.emplace_back(c.knobs[k].name, c.knobs[k].values[size_t(point[k])]);
    }
  }
  LoadResult r = c.scenario_text.empty()
                     ? load_scenario(c.scenario_path, sets)
                     : load_scenario_text(c.scenario_text, c.file + " (inline scenario)", {}, sets);
  if (!r.scenario) return r;
  Scenario& sc = *r.scenario;
  auto error = [&](const Knob& k, const std::string& msg) {
    LoadResult bad;
    bad.errors.push_back(LoadError{c.file, k.line, k.column_no, "vary." + k.name, msg});
    return bad;
  };
  // Timeline knobs: find every action first (on the scenario's own timeline), then move them.
  std::vector<std::pair<size_t, Time>> moves;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < c.knobs.size(); ++k) {
      const Knob& kn = c.knobs[k];
      const bool at = kn.kind == KnobKind::at;
      if ((pass == 0 && !at) || (pass == 1 && kn.kind != KnobKind::duration)) continue;
      const ActionKind kind = *action_kind(kn.action);
      size_t found = sc.timeline.size();
      for (size_t i = 0, n = 0; i < sc.timeline.size(); ++i) {
        if (sc.timeline[i].kind == kind && int(n++) == kn.index) {
          found = i;
          break;
        }
      }
      if (found == sc.timeline.size()) {
        return error(kn, "the scenario's timeline has no " + kn.action + " action number " +
                             std::to_string(kn.index) + " (counted from 0)");
      }
      const Time v = seconds(*number(kn.values[size_t(point[k])]));
      if (at) {
        moves.emplace_back(found, v);
        continue;
      }
      size_t end = sc.timeline.size();
      for (size_t i = found + 1; i < sc.timeline.size(); ++i) {
        if (sc.timeline[i].kind == *end_kind(kind) &&
            same_target(sc.timeline[i], sc.timeline[found])) {
          end = i;
          break;
        }
      }
      if (end == sc.timeline.size()) {
        return error(kn, "no matching " + std::string(model::to_string(*end_kind(kind))) +
                             " after " + kn.action + " action number " + std::to_string(kn.index));
      }
      Time start = sc.timeline[found].at;
      for (const auto& m : moves) {
        if (m.first == found) start = m.second;
      }
      moves.emplace_back(end, start + v);
    }
  }
  for (const auto& [i, t] : moves)
    sc.timeline[i].at = t;
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const model::Action& a, const model::Action& b) { return a.at < b.at; });
  for (size_t k = 0; k < c.knobs.size(); ++k) {
    const Knob& kn = c.knobs[k];
    const double v = *number(kn.values[size_t(point[k])]);
    if (kn.kind == KnobKind::copies && v > 1) {
      sc = scale_scenario(sc, ScaleSpec{int(v), 1, 1});
    }
  }
  for (size_t k = 0; k < c.knobs.size(); ++k) {
    const Knob& kn = c.knobs[k];
    if (kn.kind != KnobKind::rate) continue;
    const double f = *number(kn.values[size_t(point[k])]);
    for (auto& st : sc.cluster.workload.streams) {
      st.rate_per_s *= f;
      for (double& p : st.profile_per_s)
        p *= f;
    }
  }
  return r;
}

}  // namespace scsim::scenario
