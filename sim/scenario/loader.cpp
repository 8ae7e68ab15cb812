// The scenario loader: YAML (yaml-cpp) scenario files and CSV (libfccp) agent rosters to a
// validated Scenario, or every error found. The format is documented in scenarios/README.md.
// This file reads the top level and hands each section to its reader (loader_impl.hpp).
//
// Robustness: files are read whole first (size limit, NUL / UTF-8 checks) before yaml-cpp sees
// them; yaml-cpp's own depth guard stops deep nesting while parsing; this code walks only the
// fixed structure of the format (depth <= 6) and never uses the inserting operator[] of a map.
// Everything is caught at the boundary: load_scenario never throws.
#include <algorithm>
#include <set>

#include "core/hash.hpp"
#include "model/params.hpp"
#include "scenario/loader_impl.hpp"
#include "scenario/workload.hpp"
#include "scenario/writer.hpp"

namespace scsim::scenario {

std::string LoadError::to_string() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  s += ": ";
  if (!key.empty()) s += key + ": ";
  return s + message;
}

namespace detail {

int Names::find(const std::string& n) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == n) return static_cast<int>(i);
  }
  return -1;
}

std::string Names::unknown(const std::string& n) const {
  std::string m = std::string("unknown ") + what_singular + " " + quote(n);
  if (names.empty()) return m + " (there are no " + what_plural + ")";
  std::string hint = model::did_you_mean(n, names);
  if (names.size() <= 12) {
    m += std::string(" (") + what_plural + " are " + join(names) + ")";
  } else {
    std::vector<std::string> first(names.begin(), names.begin() + 8);
    m += std::string(" (") + what_plural + " are " + join(first) + ", ... " +
         std::to_string(names.size()) + " in all)";
  }
  if (!hint.empty() && names.size() > 12) m += "; did you mean " + quote(hint) + "?";
  return m;
}

Loader::Loader() {
  sink = [this](const std::string& f, int line, int col, const std::string& key,
                const std::string& msg) {
    if (errors.size() >= kMaxErrors) {
      ++dropped;
      return;
    }
    errors.push_back(LoadError{f, line, col, key, msg});
  };
}

FileRead Loader::read_input(const std::filesystem::path& p, uintmax_t limit,
                            const char* what) const {
  if (!mem) return read_text_file(p, limit, what);
  FileRead r;
  auto it = mem->find(p.lexically_normal().string());
  if (it == mem->end()) {
    r.error = std::string("cannot open ") + what + ": no such file";
    return r;
  }
  r.bytes = it->second;
  return check_text(std::move(r), limit, what);
}

void Loader::adopt(const Scenario& base) {
  sc = base;
  sc.timeline.clear();
  for (const auto& d : sc.cluster.dcs)
    dcs.names.push_back(d.name);
  for (const auto& n : sc.cluster.nodes)
    nodes.names.push_back(n.name);
  for (const auto& g : sc.cluster.gws)
    gws.names.push_back(g.name);
  for (const auto& a : sc.cluster.agents) {
    agents.names.push_back(a.name);
    dns.push_back(a.dn);
  }
}

void Loader::workload(const YAML::Node& n, const std::string& path) {
  detail::WorkloadContext ctx;
  ctx.file = file;
  ctx.dir = dir;
  ctx.dcs = dcs.names;
  ctx.nodes = nodes.names;
  for (const auto& nd : sc.cluster.nodes)
    ctx.node_dc.push_back(nd.dc);
  std::set<std::string> groups;
  for (const auto& a : sc.cluster.agents)
    groups.insert(a.groups.begin(), a.groups.end());
  ctx.groups.assign(groups.begin(), groups.end());
  ctx.names_reliable = dcs.reliable && nodes.reliable;
  ctx.groups_reliable = agents.reliable;
  ctx.params = sc.cluster.params;
  ctx.files = mem;
  detail::parse_workload(n, path, ctx, sc.cluster.workload, sc.file_hash,
                         [this](const std::string& f, int line, int col, const std::string& key,
                                const std::string& msg) { error_at(f, line, col, key, msg); });
  // Where each group is first named by a stream (warnings about a group point there).
  if (n.IsMap() && n["streams"] && n["streams"].IsSequence()) {
    for (const auto& st : n["streams"]) {
      if (!st.IsMap() || !st["group"] || !st["group"].IsScalar()) continue;
      const YAML::Node g = st["group"];
      sc.source.groups.emplace(g.Scalar(), file + ":" + std::to_string(g.Mark().line + 1) + ":" +
                                               std::to_string(g.Mark().column + 1));
    }
  }
}

// results: {record: [kpis, calls] or "kpis,calls", compress: true} (issue 20 §2). The names
// are checked by the run layer (run::recording_of), which knows the tables.
void Loader::results(const YAML::Node& n, const std::string& path) {
  Fields f = fields(n, path, {"record", "compress"}, "a map with record and compress");
  if (!f.ok) return;
  if (const Field* x = f.get("compress")) {
    if (auto b = boolean(x->v, sub(path, "compress"))) sc.results.compress = *b;
  }
  const Field* r = f.get("record");
  if (!r) return;
  const std::string rp = sub(path, "record");
  std::vector<ResultsSection::Word> words;
  auto add = [&words](const YAML::Node& v, const std::string& text) {
    YAML::Mark m = v.Mark();
    size_t i = 0;
    while (i <= text.size()) {
      size_t j = text.find(',', i);
      if (j == std::string::npos) j = text.size();
      words.push_back({text.substr(i, j - i), m.line + 1, m.column + 1});
      i = j + 1;
    }
  };
  if (r->v.IsSequence()) {
    for (size_t i = 0; i < r->v.size(); ++i) {
      const YAML::Node v = r->v[i];
      auto s = scalar(v, rp + "[" + std::to_string(i) + "]", "a table name");
      if (s) add(v, *s);
    }
  } else if (auto s = scalar(r->v, rp, "a list of table names like [kpis, calls]")) {
    add(r->v, *s);
  }
  sc.results.record = std::move(words);
}

// ---- the whole file -----------------------------------------------------------------------

// Loads `path`, or when `text` is given, those bytes as if read from `path`.

void Loader::load(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& ov,
                  const std::string* text) {
  file = path;
  dir = std::filesystem::path(path).parent_path();
  sc.file = path;
  FileRead fr;
  if (text) {
    fr.bytes = *text;
    fr = check_text(std::move(fr), kMaxScenarioBytes, "scenario file");
  } else {
    fr = read_text_file(path, kMaxScenarioBytes, "scenario file");
  }
  if (!fr.error.empty()) {
    error_at(file, fr.line, fr.column, "", fr.error);
    return;
  }
  sc.file_hash = fnv1a(fr.bytes);
  ParsedYaml py = parse_yaml(fr.bytes, "a YAML map with name, seed, duration, topology, ...");
  if (!py.error.empty()) {
    error_at(file, py.line, py.column, "", py.error);
    return;
  }
  if (!py.second_error.empty()) {
    error_at(file, py.second_line, py.second_column, "", py.second_error);
  }
  const YAML::Node& root = py.root;
  Fields f = fields(root, "",
                    {"name", "description", "seed", "duration", "end", "settings", "parameters",
                     "topology", "population", "workload", "shifts", "timeline", "results"},
                    "a YAML map with name, seed, duration, topology, ... at the top level");
  if (!f.ok) return;

  if (const Field* x = f.get("name")) {
    if (auto s = name(x->v, "name", "the scenario's name")) sc.name = *s;
  } else if (f.missing("name")) {
    error(root, "", "missing name");
  }
  if (const Field* x = f.get("description")) {
    if (!x->v.IsNull()) {
      if (auto s = scalar(x->v, "description", "a text")) sc.description = *s;
    }
  }
  if (const Field* x = f.get("seed")) {
    if (auto s = whole(x->v, "seed", 0, UINT64_MAX)) sc.seed = *s;
  }
  std::optional<Time> end;
  const Field* du = f.get("duration");
  const Field* en = f.get("end");
  if (du && en) {
    error(en->k, "end", "give either duration or end, not both");
  } else if (du || en) {
    const Field* x = du ? du : en;
    end = time_value(x->v, x->key, true);
    if (end) sc.duration = *end;
  } else if (f.missing("duration") && f.missing("end")) {
    error(root, "", "missing duration (the simulated time at which the run ends)");
  }
  // Parameters: the base settings, the file's parameters, then the caller's overrides.
  sc.cluster.params = model::Params{};
  if (const Field* x = f.get("settings")) {
    if (auto s = scalar(x->v, "settings", "reference or defaults")) {
      if (*s == "reference") {
        sc.cluster.params = model::reference_params();
      } else if (*s != "defaults" && *s != "default") {
        error(x->v, "settings",
              "expected reference (DOMAIN section 5) or defaults (section 4), got " + quote(*s));
      }
    }
  }
  if (const Field* x = f.get("parameters")) parameters(x->v, "parameters");
  for (const auto& [k, v] : ov) {
    std::string err = model::set_param(sc.cluster.params, k, v);
    if (!err.empty()) {
      error_at("--set", 0, 0, k, err);
    } else {
      sc.parameter_overrides.emplace_back(k, v);
    }
  }
  model::Params params = sc.cluster.params;
  if (const Field* x = f.get("topology")) {
    topology(x->v, "topology");
  } else {
    if (f.missing("topology")) {
      error(root, "", "missing topology (T2, T4 or a map with dcs and nodes)");
    }
    dcs.reliable = nodes.reliable = gws.reliable = false;
  }
  sc.cluster.params = params;
  if (const Field* x = f.get("population")) population(x->v, "population");
  if (const Field* x = f.get("workload")) workload(x->v, "workload");
  // Shifts expand first: at one instant their actions come before the timeline's.
  if (const Field* x = f.get("shifts")) shifts(x->v, "shifts", end);
  if (const Field* x = f.get("timeline")) timeline(x->v, "timeline", end);
  if (const Field* x = f.get("results")) results(x->v, "results");
}
}  // namespace detail

namespace {

using detail::Loader;

LoadResult load_any(const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& overrides,
                    const std::string* text, const MemoryFiles* files) {
  LoadResult out;
  try {
    Loader l;
    l.mem = files;
    try {
      l.load(path, overrides, text);
    } catch (const std::exception& e) {
      l.error_at(path, 0, 0, "", std::string("internal error while loading: ") + e.what());
    }
    if (l.dropped > 0) {
      l.errors.push_back(LoadError{
          path, 0, 0, "", "too many errors: " + std::to_string(l.dropped) + " more not shown"});
    }
    if (l.errors.empty()) {
      out.scenario = std::move(l.sc);
    } else {
      out.errors = std::move(l.errors);
    }
  } catch (const std::exception& e) {
    out.scenario.reset();
    out.errors = {LoadError{path, 0, 0, "", std::string("internal error: ") + e.what()}};
  } catch (...) {
    out.scenario.reset();
    out.errors = {LoadError{path, 0, 0, "", "internal error"}};
  }
  return out;
}

}  // namespace

LoadResult load_scenario(const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& overrides) {
  return load_any(path, overrides, nullptr, nullptr);
}

LoadResult load_scenario_text(const std::string& text, const std::string& name,
                              const MemoryFiles& files,
                              const std::vector<std::pair<std::string, std::string>>& overrides) {
  return load_any(name, overrides, &text, &files);
}

ActionsResult load_actions(const Scenario& base, const std::string& path) {
  ActionsResult out;
  Loader l;
  l.adopt(base);
  l.file = path;
  detail::FileRead fr = detail::read_text_file(path, detail::kMaxScenarioBytes, "actions file");
  if (!fr.error.empty()) {
    out.errors.push_back(LoadError{path, fr.line, fr.column, "", fr.error});
    return out;
  }
  detail::ParsedYaml py = detail::parse_yaml(fr.bytes, "a YAML map with timeline: [...]");
  if (!py.error.empty()) {
    out.errors.push_back(LoadError{path, py.line, py.column, "", py.error});
    return out;
  }
  if (!py.second_error.empty())
    l.error_at(path, py.second_line, py.second_column, "", py.second_error);
  detail::Fields f = l.fields(py.root, "", {"timeline"}, "a YAML map with timeline: [...]");
  if (f.ok) {
    if (const detail::Field* t = f.get("timeline")) {
      l.timeline(t->v, "timeline", base.duration);
    } else if (f.missing("timeline")) {
      l.error(py.root, "", "missing timeline");
    }
  }
  if (l.dropped > 0) {
    l.errors.push_back(LoadError{
        path, 0, 0, "", "too many errors: " + std::to_string(l.dropped) + " more not shown"});
  }
  out.errors = std::move(l.errors);
  if (out.errors.empty()) out.actions = std::move(l.sc.timeline);
  return out;
}

}  // namespace scsim::scenario
