// The scenario loader: YAML (yaml-cpp) scenario files and CSV (libfccp) agent rosters to a
// validated Scenario, or every error found. The format is documented in scenarios/README.md.
//
// Robustness: files are read whole first (size limit, NUL / UTF-8 checks) before yaml-cpp sees
// them; yaml-cpp's own depth guard stops deep nesting while parsing; this code walks only the
// fixed structure of the format (depth <= 6) and never uses the inserting operator[] of a map.
// Everything is caught at the boundary: load_scenario never throws.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "scenario/scenario.hpp"
#include "scenario/workload.hpp"

#include "scenario/csv_input.hpp"

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

namespace {

namespace fs = std::filesystem;
using model::ActionKind;

constexpr uintmax_t kMaxScenarioBytes = 16u << 20;  // 16 MiB
constexpr uintmax_t kMaxRosterBytes = 64u << 20;    // 64 MiB
constexpr size_t kMaxErrors = 100;
constexpr size_t kMaxActions = 1'000'000;  // after expanding repeats

uint64_t fnv1a(const std::string& bytes, uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? sep : "") + v[i];
  return s;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 80)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > 80) out += "...";
  return out + "\"";
}

// "100", "12.5", "0.01" (seconds, trailing zeros dropped).
std::string secs(Time t) {
  std::string s = format_time(t);
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// A read file: its bytes, or why it could not be read.
struct FileRead {
  std::string bytes;
  std::string error;
  int line = 0, column = 0;
};

FileRead check_text(FileRead r, uintmax_t limit, const char* what);

// Reads a whole text file, rejecting missing files, directories, files over `limit`, and
// binary content (NUL bytes or invalid UTF-8), with the position of the first bad byte.
FileRead read_text_file(const fs::path& p, uintmax_t limit, const char* what) {
  FileRead r;
  std::error_code ec;
  auto st = fs::status(p, ec);
  if (ec || !fs::exists(st)) {
    r.error = std::string("cannot open ") + what + ": no such file";
    return r;
  }
  if (!fs::is_regular_file(st)) {
    r.error = std::string("cannot open ") + what + ": not a regular file";
    return r;
  }
  uintmax_t size = fs::file_size(p, ec);
  if (ec) {
    r.error = std::string("cannot read ") + what + ": " + ec.message();
    return r;
  }
  if (size > limit) {
    r.error = std::string(what) + " is too large: " + std::to_string(size) +
              " bytes (the limit is " + std::to_string(limit >> 20) + " MiB)";
    return r;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    r.error = std::string("cannot open ") + what + ": permission denied or unreadable";
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  r.bytes = ss.str();
  return check_text(std::move(r), limit, what);
}

// The checks on a file's bytes, read from disk or given in memory: at most `limit` bytes, no
// NUL or other control bytes but tab/CR/LF, valid UTF-8.
FileRead check_text(FileRead r, uintmax_t limit, const char* what) {
  if (r.bytes.size() > limit) {
    r.error =
        std::string(what) + " is too large (the limit is " + std::to_string(limit >> 20) + " MiB)";
    r.bytes.clear();
    return r;
  }
  // Binary check: NUL bytes, control characters other than tab/CR/LF, or invalid UTF-8.
  int line = 1, col = 1;
  const auto& b = r.bytes;
  for (size_t i = 0; i < b.size();) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    size_t len = 1;
    bool bad = false;
    if (c < 0x80) {
      bad = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
    } else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      len = 2;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      len = 4;
    } else {
      bad = true;
    }
    const char* why = nullptr;  // what a well-formed but invalid sequence encodes
    if (!bad && len > 1) {
      if (i + len > b.size()) {
        bad = true;
      } else {
        for (size_t k = 1; k < len; ++k) {
          if ((static_cast<unsigned char>(b[i + k]) & 0xc0) != 0x80) bad = true;
        }
      }
      // The second byte's range (RFC 3629): no UTF-16 surrogates (ED A0..BF: U+D800..U+DFFF,
      // issue 12), no overlong forms (E0 80..9F, F0 80..8F), nothing above U+10FFFF (F4 90..).
      unsigned char c1 = bad ? 0 : static_cast<unsigned char>(b[i + 1]);
      if (!bad && c == 0xed && c1 >= 0xa0) {
        why = "an encoded UTF-16 surrogate, U+D800..U+DFFF";
      } else if (!bad && ((c == 0xe0 && c1 < 0xa0) || (c == 0xf0 && c1 < 0x90))) {
        why = "an overlong encoding";
      } else if (!bad && c == 0xf4 && c1 >= 0x90) {
        why = "a code point above U+10FFFF";
      }
    }
    if (bad || why) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      std::string kind = std::string(what) == "roster file" ? "CSV" : "YAML";
      if (why) {
        r.error = std::string("not valid UTF-8 (bytes from ") + hex + " are " + why +
                  "); expected a UTF-8 " + kind + " text file";
      } else {
        r.error = std::string("not a text file (binary byte ") + hex + "); expected a UTF-8 " +
                  kind + " text file";
      }
      r.line = line;
      r.column = col;
      r.bytes.clear();
      return r;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return r;
}

// The documents of a YAML stream, counted without building them: their number, where the
// second one's content starts, and whether yaml-cpp got stuck. yaml-cpp 0.7's LoadAll never
// returns on a ',' outside [ ] and { } (",", "\"a\",b"): each document it parses there is null
// and consumes nothing, forever, growing a vector (found by fuzz_scenario, issue 12 §4;
// yaml-cpp issue 1040, fixed upstream in 0.8.0 by PR 1319). A document that starts where the
// previous one started is that loop.
struct DocScan : YAML::EventHandler {
  int count = 0;
  bool stuck = false;
  YAML::Mark stuck_at, second;  // second: the second document's first node
  bool second_seen = false;
  int last_start = -1;

  void OnDocumentStart(const YAML::Mark& m) override {
    if (m.pos == last_start) {
      stuck = true;
      stuck_at = m;
    }
    last_start = m.pos;
    ++count;
  }
  void OnDocumentEnd() override {}
  void node(const YAML::Mark& m) {
    if (count == 2 && !second_seen) {
      second_seen = true;
      second = m;
    }
  }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}
};

// Scans `bytes` document by document (throws YAML::Exception as LoadAll would).
DocScan scan_documents(const std::string& bytes) {
  DocScan scan;
  std::istringstream in(bytes);
  YAML::Parser parser(in);
  while (!scan.stuck && parser.HandleNextDocument(scan)) {
  }
  return scan;
}

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar())
    return "\"" + n.Scalar().substr(0, 40) + (n.Scalar().size() > 40 ? "...\"" : "\"");
  return "something else";
}

struct Field {
  std::string key;
  YAML::Node k, v;
};

struct Fields {
  std::vector<Field> list;
  bool ok = false;                  // the node was a map
  int rejected = 0;                 // keys reported as unknown or duplicate
  std::set<std::string> suggested;  // keys offered as "did you mean" for an unknown key
  // True when `name` is missing and not already explained by a misspelt key.
  bool missing(const std::string& name) const { return !get(name) && !suggested.count(name); }
  const Field* get(std::string_view name) const {
    for (const auto& f : list) {
      if (f.key == name) return &f;
    }
    return nullptr;
  }
};

std::string sub(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string idx(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// A name table: names in definition order, for lookups and "(nodes are N1, N2)" messages.
struct Names {
  const char* what_singular;  // "node"
  const char* what_plural;    // "nodes"
  std::vector<std::string> names;
  bool reliable = true;  // false when its section had errors (no cascade of unknown-name errors)
  int find(const std::string& n) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == n) return static_cast<int>(i);
    }
    return -1;
  }
  std::string unknown(const std::string& n) const {
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
};

struct Loader {
  std::string file;  // the scenario path as given
  fs::path dir;      // its directory, for the roster path
  std::vector<LoadError> errors;
  size_t dropped = 0;

  Scenario sc;
  Names dcs{"DC", "DCs", {}};
  Names nodes{"node", "nodes", {}};
  Names gws{"GWS node", "GWS nodes", {}};
  Names agents{"agent", "agents", {}};
  std::vector<std::string> dns;      // agent index -> DN
  const MemoryFiles* mem = nullptr;  // load_scenario_text: the files it may name; else the disk

  // A file the scenario names (roster), from `mem` or from disk, with the text checks.
  FileRead read_input(const fs::path& p, uintmax_t limit, const char* what) const {
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

  void error_at(const std::string& f, int line, int col, const std::string& key,
                const std::string& msg) {
    if (errors.size() >= kMaxErrors) {
      ++dropped;
      return;
    }
    errors.push_back(LoadError{f, line, col, key, msg});
  }
  void error(const YAML::Node& n, const std::string& key, const std::string& msg) {
    int line = 0, col = 0;
    if (n.IsDefined()) {
      YAML::Mark m = n.Mark();
      if (m.line >= 0) line = m.line + 1;
      if (m.column >= 0) col = m.column + 1;
    }
    error_at(file, line, col, key, msg);
  }

  // ---- typed readers ------------------------------------------------------------------------

  // Lists a map's fields, rejecting non-maps, duplicate and unknown keys (with a suggestion).
  Fields fields(const YAML::Node& n, const std::string& path,
                const std::vector<std::string>& allowed, const char* expected = "a map") {
    Fields out;
    if (!n.IsMap()) {
      error(n, path, std::string("expected ") + expected + ", got " + describe(n));
      return out;
    }
    out.ok = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
      YAML::Node k = it->first, v = it->second;
      if (!k.IsScalar()) {
        error(k, path, "expected a plain key, got " + describe(k));
        continue;
      }
      const std::string& key = k.Scalar();
      if (out.get(key)) {
        error(k, sub(path, key), "duplicate key " + quote(key));
        ++out.rejected;
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string m = "unknown key " + quote(key);
        std::string hint = model::did_you_mean(key, allowed);
        if (!hint.empty()) {
          m += " (did you mean " + quote(hint) + "?)";
          out.suggested.insert(hint);
        } else {
          m += " (expected one of " + join(allowed) + ")";
        }
        error(k, sub(path, key), m);
        ++out.rejected;
        continue;
      }
      out.list.push_back(Field{key, k, v});
    }
    return out;
  }

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& path,
                                    const char* expected = "a text value") {
    if (!n.IsScalar()) {
      error(n, path, std::string("expected ") + expected + ", got " + describe(n));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<std::string> name(const YAML::Node& n, const std::string& path,
                                  const char* expected = "a name") {
    auto s = scalar(n, path, expected);
    if (!s) return s;
    if (s->empty()) {
      error(n, path, std::string("expected ") + expected + ", got an empty value");
      return std::nullopt;
    }
    return s;
  }

  std::optional<Time> time_value(const YAML::Node& n, const std::string& path, bool positive) {
    auto s = scalar(n, path, "a time such as 12.5, 12.5s, 250ms or 01:30:00");
    if (!s) return std::nullopt;
    std::string t = *s;
    std::string low = t;
    std::transform(low.begin(), low.end(), low.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (low.find("inf") != std::string::npos || low.find("nan") != std::string::npos) {
      error(n, path, "time must be finite, got " + quote(t));
      return std::nullopt;
    }
    TimeParse p = parse_time(t);
    if (!p.value) {
      error(n, path, p.error);
      return std::nullopt;
    }
    if (positive && *p.value <= Time::zero()) {
      error(n, path, "expected a time greater than 0, got " + quote(t));
      return std::nullopt;
    }
    return p.value;
  }

  std::optional<bool> boolean(const YAML::Node& n, const std::string& path) {
    auto s = scalar(n, path, "true or false");
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "yes" || *s == "on") return true;
    if (*s == "false" || *s == "no" || *s == "off") return false;
    error(n, path, "expected true or false, got " + quote(*s));
    return std::nullopt;
  }

  std::optional<uint64_t> whole(const YAML::Node& n, const std::string& path, uint64_t lo,
                                uint64_t hi) {
    std::string range = std::to_string(lo) + " to " + std::to_string(hi);
    auto s = scalar(n, path, "a whole number");
    if (!s) return std::nullopt;
    uint64_t v = 0;
    auto r = std::from_chars(s->data(), s->data() + s->size(), v);
    if (r.ec == std::errc::result_out_of_range) {
      error(n, path,
            "number " + quote(*s) + " is too large; expected a whole number from " + range);
      return std::nullopt;
    }
    if (r.ec != std::errc() || r.ptr != s->data() + s->size()) {
      error(n, path, "expected a whole number from " + range + ", got " + quote(*s));
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      error(n, path, "number " + *s + " is out of range; expected a whole number from " + range);
      return std::nullopt;
    }
    return v;
  }

  // A delay in milliseconds (number) -> Time, finite, 0..max_ms.
  std::optional<Time> delay_ms(const YAML::Node& n, const std::string& path, double max_ms) {
    auto s = scalar(n, path, "a number of milliseconds");
    if (!s) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(s->c_str(), &end);
    if (s->empty() || end != s->c_str() + s->size()) {
      error(n, path, "expected a number of milliseconds, got " + quote(*s));
      return std::nullopt;
    }
    if (!std::isfinite(d)) {
      error(n, path, "delay must be finite, got " + quote(*s));
      return std::nullopt;
    }
    if (d < 0) {
      error(n, path, "delay must not be negative, got " + quote(*s));
      return std::nullopt;
    }
    if (d > max_ms) {
      error(n, path,
            "delay " + *s + " ms is out of range 0-" + std::to_string(int(max_ms)) + " ms");
      return std::nullopt;
    }
    return millis_f(d);
  }

  // A name that must be in `table`; -1 (and an error) if not.
  int lookup(const YAML::Node& n, const std::string& path, const Names& table) {
    auto s = name(n, path, (std::string("a ") + table.what_singular + " name").c_str());
    if (!s) return -1;
    int i = table.find(*s);
    if (i < 0 && table.reliable) error(n, path, table.unknown(*s));
    return i;
  }

  // A scalar or a list of scalars.
  std::vector<std::pair<std::string, YAML::Node>> name_list(const YAML::Node& n,
                                                            const std::string& path,
                                                            const char* expected) {
    std::vector<std::pair<std::string, YAML::Node>> out;
    if (n.IsScalar()) {
      if (auto s = name(n, path, expected)) out.push_back({*s, n});
      return out;
    }
    if (!n.IsSequence()) {
      error(n, path,
            std::string("expected ") + expected + " or a list of them, got " + describe(n));
      return out;
    }
    size_t i = 0;
    for (auto it = n.begin(); it != n.end(); ++it, ++i) {
      YAML::Node e = *it;
      if (auto s = name(e, idx(path, i), expected)) out.push_back({*s, e});
    }
    return out;
  }

  // ---- sections -----------------------------------------------------------------------------

  void parameters(const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      error(n, path, "expected a map of parameter names to values, got " + describe(n));
      return;
    }
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      YAML::Node k = it->first, v = it->second;
      if (!k.IsScalar()) {
        error(k, path, "expected a parameter name, got " + describe(k));
        continue;
      }
      std::string key = k.Scalar();
      if (!seen.insert(key).second) {
        error(k, sub(path, key), "duplicate key " + quote(key));
        continue;
      }
      std::string value;
      if (v.IsScalar()) {
        value = v.Scalar();
      } else if (v.IsSequence()) {
        std::vector<std::string> items;
        bool ok = true;
        for (auto e = v.begin(); e != v.end(); ++e) {
          if (!e->IsScalar()) {
            ok = false;
            break;
          }
          items.push_back(e->Scalar());
        }
        if (!ok) {
          error(v, sub(path, key), "expected a value or a list of plain values");
          continue;
        }
        value = "[" + join(items) + "]";
      } else {
        error(v, sub(path, key), "expected a value, got " + describe(v));
        continue;
      }
      std::string err = model::set_param(sc.cluster.params, key, value);
      if (!err.empty()) {
        bool unknown = err.rfind("unknown parameter", 0) == 0;
        error(unknown ? k : v, sub(path, key), err);
        continue;
      }
      sc.parameter_overrides.emplace_back(key, value);
    }
  }

  void topology(const YAML::Node& n, const std::string& path) {
    auto fail = [&] {
      dcs.reliable = false;
      nodes.reliable = false;
      gws.reliable = false;
    };
    model::Params params = sc.cluster.params;
    auto base_of = [&](const YAML::Node& b, const std::string& p) -> bool {
      auto s = scalar(b, p, "T2 or T4");
      if (!s) return false;
      if (*s == "T2" || *s == "t2") {
        sc.cluster = model::topology_t2();
      } else if (*s == "T4" || *s == "t4") {
        sc.cluster = model::topology_t4();
      } else {
        error(b, p, "unknown topology " + quote(*s) + "; expected T2 or T4 (DOMAIN section 2)");
        return false;
      }
      sc.cluster.params = params;
      return true;
    };
    auto fill_names = [&] {
      for (auto& d : sc.cluster.dcs)
        dcs.names.push_back(d.name);
      for (auto& nd : sc.cluster.nodes)
        nodes.names.push_back(nd.name);
    };
    if (n.IsScalar()) {
      if (base_of(n, path)) {
        fill_names();
      } else {
        fail();
      }
      return;
    }
    Fields f = fields(n, path, {"base", "dcs", "nodes", "gws", "link_delays"},
                      "T2, T4 or a map with dcs, nodes, gws, link_delays");
    if (!f.ok) {
      fail();
      return;
    }
    bool ok = true;
    if (const Field* b = f.get("base")) {
      if (!base_of(b->v, sub(path, "base"))) ok = false;
      for (const char* k : {"dcs", "nodes"}) {
        if (const Field* x = f.get(k)) {
          error(
              x->k, sub(path, k),
              std::string(k) + " cannot be combined with base (" + "base fixes the DCs and nodes)");
          ok = false;
        }
      }
      fill_names();
    } else {
      const Field* d = f.get("dcs");
      const Field* nd = f.get("nodes");
      if (!d || !nd) {
        error(n, path, "expected dcs and nodes (or base: T2 / T4)");
        fail();
        return;
      }
      std::string dp = sub(path, "dcs");
      if (!d->v.IsSequence() || d->v.size() == 0) {
        error(d->v, dp, "expected a non-empty list of DC names, got " + describe(d->v));
        ok = false;
      } else {
        size_t i = 0;
        for (auto it = d->v.begin(); it != d->v.end(); ++it, ++i) {
          auto s = name(*it, idx(dp, i), "a DC name");
          if (!s) {
            ok = false;
            continue;
          }
          if (dcs.find(*s) >= 0) {
            error(*it, idx(dp, i), "duplicate DC " + quote(*s));
            ok = false;
            continue;
          }
          dcs.names.push_back(*s);
          sc.cluster.dcs.push_back(model::DcSpec{*s});
        }
      }
      if (!ok) dcs.reliable = false;
      std::string np = sub(path, "nodes");
      if (!nd->v.IsMap()) {
        error(
            nd->v, np,
            "expected a map of node names to DCs, e.g. {N1: DC1, N2: DC2}, got " + describe(nd->v));
        ok = false;
      } else {
        if (nd->v.size() == 0) {
          error(nd->v, np, "expected at least one node");
          ok = false;
        }
        bool misnamed = false;  // report the first misnamed node only
        for (auto it = nd->v.begin(); it != nd->v.end(); ++it) {
          YAML::Node k = it->first, v = it->second;
          auto s = name(k, np, "a node name");
          if (!s) {
            ok = false;
            continue;
          }
          std::string p = sub(np, *s);
          std::string expect = "N" + std::to_string(sc.cluster.nodes.size() + 1);
          if (nodes.find(*s) >= 0) {
            error(k, p, "duplicate node " + quote(*s));
            ok = false;
            continue;
          }
          if (*s != expect && !misnamed) {
            misnamed = true;
            error(k, p,
                  "nodes are named N1, N2, ... in number order: expected " + expect +
                      " here, got " + quote(*s));
            ok = false;
          }
          if (int(sc.cluster.nodes.size()) == model::kNodesMax) {
            error(k, p,
                  "too many nodes: a cluster has at most " + std::to_string(model::kNodesMax) +
                      " nodes");
            ok = false;
            break;
          }
          int dc = lookup(v, p, dcs);
          if (dc < 0) ok = false;
          nodes.names.push_back(*s);
          sc.cluster.nodes.push_back(model::NodeSpec{*s, std::max(dc, 0)});
        }
      }
    }
    if (!ok) fail();
    if (const Field* g = f.get("gws")) gws_section(g->v, sub(path, "gws"));
    if (const Field* l = f.get("link_delays")) link_delays(l->v, sub(path, "link_delays"));
  }

  void gws_section(const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      error(n, path,
            "expected a map of GWS names, e.g. {G1: {dc: DC1, node: N1}}, got " + describe(n));
      gws.reliable = false;
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      YAML::Node k = it->first, v = it->second;
      auto s = name(k, path, "a GWS node name");
      if (!s) {
        gws.reliable = false;
        continue;
      }
      std::string p = sub(path, *s);
      if (gws.find(*s) >= 0) {
        error(k, p, "duplicate GWS node " + quote(*s));
        continue;
      }
      model::GwsSpec g;
      g.name = *s;
      Fields f = fields(v, p, {"dc", "node", "client"}, "a map with dc, node, client");
      gws.names.push_back(*s);
      if (f.ok) {
        int dc = -1, node = -1;
        if (const Field* d = f.get("dc")) dc = lookup(d->v, sub(p, "dc"), dcs);
        if (const Field* nd = f.get("node")) {
          node = lookup(nd->v, sub(p, "node"), nodes);
          if (node >= 0) {
            int ndc = sc.cluster.nodes[node].dc;
            if (!f.get("dc")) {
              dc = ndc;
            } else if (dc >= 0 && ndc != dc) {
              error(nd->v, sub(p, "node"),
                    "node " + nodes.names[node] + " is in " + dcs.names[ndc] + ", not in " +
                        dcs.names[dc] + " (a GWS node connects to a node of its own DC)");
            }
          }
        }
        if (!f.get("dc") && !f.get("node")) error(v, p, "expected dc (and optionally node)");
        if (const Field* c = f.get("client")) {
          if (auto cn = name(c->v, sub(p, "client"), "a client name")) g.client_name = *cn;
        }
        g.dc = std::max(dc, 0);
        g.node = node;
      } else {
        gws.reliable = false;
      }
      sc.cluster.gws.push_back(g);
    }
  }

  void link_delays(const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      error(n, path,
            "expected a list such as [{between: [N1, N2], one_way_ms: 40}], got " + describe(n));
      return;
    }
    std::set<std::pair<int, int>> seen;
    size_t i = 0;
    for (auto it = n.begin(); it != n.end(); ++it, ++i) {
      std::string p = idx(path, i);
      Fields f =
          fields(*it, p, {"between", "one_way_ms", "one_way"}, "a map with between and one_way_ms");
      if (!f.ok) continue;
      const Field* b = f.get("between");
      const Field* ms = f.get("one_way_ms");
      const Field* t = f.get("one_way");
      if (!b) error(*it, p, "expected between: [Na, Nb]");
      if (!ms && !t) error(*it, p, "expected one_way_ms (or one_way: a time)");
      if (ms && t) error(t->k, sub(p, "one_way"), "give either one_way_ms or one_way, not both");
      Time delay = Time::zero();
      bool have_delay = false;
      if (ms) {
        if (auto d = delay_ms(ms->v, sub(p, "one_way_ms"), 500)) {
          delay = *d;
          have_delay = true;
        }
      }
      if (t && !ms) {
        if (auto d = time_value(t->v, sub(p, "one_way"), false)) {
          if (*d > millis(500)) {
            error(t->v, sub(p, "one_way"), "delay is out of range 0-500 ms");
          } else {
            delay = *d;
            have_delay = true;
          }
        }
      }
      if (!b) continue;
      std::string bp = sub(p, "between");
      if (!b->v.IsSequence() || b->v.size() != 2) {
        error(b->v, bp, "expected two node names, e.g. [N1, N2], got " + describe(b->v));
        continue;
      }
      int a = lookup(b->v[0], idx(bp, 0), nodes);
      int c = lookup(b->v[1], idx(bp, 1), nodes);
      if (a < 0 || c < 0 || !have_delay) continue;
      if (a == c) {
        error(b->v, bp, "expected two different nodes");
        continue;
      }
      if (!seen.insert({std::min(a, c), std::max(a, c)}).second) {
        error(b->v, bp, "duplicate delay for " + nodes.names[a] + "-" + nodes.names[c]);
        continue;
      }
      sc.cluster.link_delays.push_back(model::LinkDelaySpec{a, c, delay});
    }
  }

  // Adds one agent after checking names and references; `at` reports positions.
  struct AgentIn {
    std::string name, dn, kind, dc, gws;
    std::vector<std::string> groups;
  };
  using Report = std::function<void(const std::string& field, const std::string& msg)>;
  std::map<std::string, std::string> dn_where, agent_where;
  bool too_many_dns = false;

  void add_agent(const AgentIn& in, const std::string& where, const Report& report) {
    model::AgentSpec a;
    bool ok = true;
    if (in.name.empty()) {
      report("agent", "expected an agent name");
      ok = false;
    } else if (auto w = agent_where.find(in.name); w != agent_where.end()) {
      report("agent",
             "duplicate agent name " + quote(in.name) + " (first defined at " + w->second + ")");
      ok = false;
    }
    if (in.dn.empty()) {
      report("dn", "expected a DN");
      ok = false;
    } else if (auto w = dn_where.find(in.dn); w != dn_where.end()) {
      report("dn", "duplicate DN " + quote(in.dn) + " (first used at " + w->second +
                       "; each agent DN is configured once, DOMAIN section 2)");
      ok = false;
    }
    if (in.kind == "sip" || in.kind.empty()) {
      a.kind = model::DnKind::sip;
    } else if (in.kind == "pstn") {
      a.kind = model::DnKind::pstn;
    } else {
      report("kind", "expected sip or pstn, got " + quote(in.kind));
    }
    int dc = -1;
    if (in.dc.empty()) {
      report("dc", "expected the agent's home DC");
    } else {
      dc = dcs.find(in.dc);
      if (dc < 0 && dcs.reliable) report("dc", dcs.unknown(in.dc));
    }
    int g = -1;
    if (!in.gws.empty()) {
      g = gws.find(in.gws);
      if (g < 0 && gws.reliable) {
        report("gws", gws.unknown(in.gws));
      } else if (g >= 0 && dc >= 0 && sc.cluster.gws[g].dc != dc) {
        report("gws", "GWS node " + in.gws + " is in " + dcs.names[sc.cluster.gws[g].dc] +
                          ", not in the agent's DC " + in.dc +
                          " (a WWE uses a GWS node of its DC, R44)");
      }
    }
    std::set<std::string> gs;
    for (const auto& grp : in.groups) {
      if (!gs.insert(grp).second) report("groups", "duplicate group " + quote(grp));
    }
    a.name = in.name;
    a.dn = in.dn;
    a.dc = std::max(dc, 0);
    a.gws = g;
    a.groups = in.groups;
    if (!in.name.empty() && !agent_where.count(in.name)) agent_where[in.name] = where;
    if (!in.dn.empty() && !dn_where.count(in.dn)) dn_where[in.dn] = where;
    if (!ok) return;
    if (int(sc.cluster.agents.size()) == model::kDnsMax) {
      if (!too_many_dns) {
        report("dn", "too many agents: a scenario has at most " + std::to_string(model::kDnsMax) +
                         " DNs");
      }
      too_many_dns = true;
      agents.reliable = false;
      return;
    }
    agents.names.push_back(a.name);
    dns.push_back(a.dn);
    sc.cluster.agents.push_back(std::move(a));
  }

  void population(const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    Fields f = fields(n, path, {"agents", "roster"}, "a map with agents and/or roster");
    if (!f.ok) {
      agents.reliable = false;
      return;
    }
    if (const Field* a = f.get("agents")) inline_agents(a->v, sub(path, "agents"));
    if (const Field* r = f.get("roster")) {
      if (auto s = name(r->v, sub(path, "roster"), "a CSV file path")) {
        roster(*s, r->v, sub(path, "roster"));
      } else {
        agents.reliable = false;
      }
    }
    const int64_t cells = int64_t(sc.cluster.nodes.size()) * int64_t(sc.cluster.agents.size());
    if (cells > model::kNodeDnCellsMax) {
      error(n, path,
            std::to_string(sc.cluster.nodes.size()) + " nodes x " +
                std::to_string(sc.cluster.agents.size()) + " DNs is over the limit of " +
                std::to_string(model::kNodeDnCellsMax) +
                " (each node keeps a view and a Stat Server entry of every DN)");
      agents.reliable = false;
    }
  }

  void inline_agents(const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      error(n, path, "expected a list of agents, got " + describe(n));
      agents.reliable = false;
      return;
    }
    size_t i = 0;
    for (auto it = n.begin(); it != n.end(); ++it, ++i) {
      std::string p = idx(path, i);
      YAML::Node e = *it;
      Fields f = fields(e, p, {"name", "dn", "kind", "dc", "groups", "gws"},
                        "a map with name, dn, kind, dc, groups, gws");
      if (!f.ok) {
        agents.reliable = false;
        continue;
      }
      AgentIn in;
      bool ok = true;
      auto text = [&](const char* key, std::string& out, bool required) {
        const Field* x = f.get(key);
        if (!x) {
          if (required) {
            error(e, p, std::string("missing ") + key);
            ok = false;
          }
          return;
        }
        if (auto s = name(x->v, sub(p, key), "a value")) {
          out = *s;
        } else {
          ok = false;
        }
      };
      text("name", in.name, true);
      text("dn", in.dn, true);
      text("kind", in.kind, false);
      text("dc", in.dc, true);
      text("gws", in.gws, false);
      if (const Field* g = f.get("groups")) {
        for (auto& [s, node] : name_list(g->v, sub(p, "groups"), "a group name")) {
          in.groups.push_back(s);
        }
      }
      if (!ok) {
        agents.reliable = false;
        continue;
      }
      YAML::Mark m = e.Mark();
      std::string where = file + ":" + std::to_string(m.line + 1);
      add_agent(in, where, [&](const std::string& field, const std::string& msg) {
        const Field* x = f.get(field == "agent" ? "name" : field);
        error(x ? x->v : e, sub(p, field == "agent" ? "name" : field), msg);
      });
    }
  }

  void roster(const std::string& rel, const YAML::Node& at, const std::string& path) {
    fs::path rp = fs::path(rel).is_absolute() ? fs::path(rel) : dir / rel;
    std::string rname = rp.lexically_normal().string();
    FileRead fr = read_input(rp, kMaxRosterBytes, "roster file");
    if (!fr.error.empty()) {
      agents.reliable = false;
      if (fr.line > 0) {
        error_at(rname, fr.line, fr.column, path, fr.error);
      } else {
        error(at, path, fr.error + " (" + quote(rname) + ", relative to the scenario file)");
      }
      return;
    }
    sc.file_hash = fnv1a(fr.bytes, sc.file_hash);
    std::istringstream in(fr.bytes);
    int line = 0;
    try {
      io::CSVReader<6, io::trim_chars<' ', '\t'>, strict_double_quote_escape<',', '"'>,
                    io::throw_on_overflow, io::empty_line_comment>
          csv(rname, in);
      csv.read_header(io::ignore_no_column, "agent", "dn", "kind", "dc", "groups", "gws");
      AgentIn row;
      std::string groups;
      size_t i = 0;
      while (csv.read_row(row.name, row.dn, row.kind, row.dc, groups, row.gws)) {
        line = static_cast<int>(csv.get_file_line());
        row.groups.clear();
        std::stringstream gs(groups);
        std::string g;
        while (std::getline(gs, g, ';')) {
          g.erase(0, g.find_first_not_of(" \t"));
          g.erase(g.find_last_not_of(" \t") + 1);
          if (!g.empty()) row.groups.push_back(g);
        }
        std::string p = idx(path, i++);
        add_agent(row, rname + ":" + std::to_string(line),
                  [&](const std::string& field, const std::string& msg) {
                    error_at(rname, line, 0, sub(p, field), msg);
                  });
        if (errors.size() >= kMaxErrors) break;
      }
    } catch (const io::error::base& e) {
      agents.reliable = false;
      CsvProblem pr =
          describe_csv_error(e, line + 1, "; expected 6 (agent,dn,kind,dc,groups,gws)",
                             "empty roster; expected the header agent,dn,kind,dc,groups,gws",
                             "bad header; expected the columns agent,dn,kind,dc,groups,gws: ");
      error_at(rname, pr.line, 0, path, pr.message);
    }
  }

  // ---- timeline -----------------------------------------------------------------------------

  enum class Form {
    agent,
    agent_dc,
    agent_ready,
    agent_node_client,
    pairs,
    crash,
    node,
    gws,
    call
  };
  struct KindInfo {
    const char* name;
    ActionKind kind;
    Form form;
  };
  static const std::vector<KindInfo>& kinds() {
    static const std::vector<KindInfo> k = {
        {"phone_on", ActionKind::phone_on, Form::agent},
        {"phone_off", ActionKind::phone_off, Form::agent},
        {"phone_move", ActionKind::phone_move, Form::agent_dc},
        {"phone_unregister", ActionKind::phone_unregister, Form::agent},
        {"phone_register", ActionKind::phone_register, Form::agent},
        {"agent_login", ActionKind::agent_login, Form::agent_ready},
        {"agent_logout", ActionKind::agent_logout, Form::agent},
        {"agent_ready", ActionKind::agent_ready, Form::agent},
        {"agent_not_ready", ActionKind::agent_not_ready, Form::agent},
        {"wwe_login", ActionKind::wwe_login, Form::agent_ready},
        {"wwe_logout", ActionKind::wwe_logout, Form::agent},
        {"wwe_disconnect", ActionKind::wwe_disconnect, Form::agent},
        {"wwe_reconnect", ActionKind::wwe_reconnect, Form::agent},
        {"tregister", ActionKind::tregister, Form::agent_node_client},
        {"cut", ActionKind::cut, Form::pairs},
        {"heal", ActionKind::heal, Form::pairs},
        {"crash", ActionKind::crash, Form::crash},
        {"restart", ActionKind::restart, Form::node},
        {"gws_fail", ActionKind::gws_fail, Form::gws},
        {"gws_restart", ActionKind::gws_restart, Form::gws},
        {"gws_cut", ActionKind::gws_cut, Form::gws},
        {"gws_heal", ActionKind::gws_heal, Form::gws},
        {"call", ActionKind::call, Form::call},
    };
    return k;
  }

  // The agent named by `agent:` (or `dn:`) in f, or by the scalar n.
  int agent_ref(const YAML::Node& n, const Fields* f, const std::string& path) {
    if (!f) return lookup(n, path, agents);
    const Field* a = f->get("agent");
    const Field* d = f->get("dn");
    if (a && d) {
      error(d->k, sub(path, "dn"), "give either agent or dn, not both");
      return -1;
    }
    if (a) return lookup(a->v, sub(path, "agent"), agents);
    if (d) {
      auto s = name(d->v, sub(path, "dn"), "a DN");
      if (!s) return -1;
      for (size_t i = 0; i < dns.size(); ++i) {
        if (dns[i] == *s) return static_cast<int>(i);
      }
      if (agents.reliable) {
        Names dn_names{"DN", "DNs", dns};
        error(d->v, sub(path, "dn"), dn_names.unknown(*s));
      }
      return -1;
    }
    error(n, path, "expected agent: <name> (or dn: <number>)");
    return -1;
  }

  // Nodes named directly or through their DC ("DC1" = every node of DC1); with gws_out, GWS
  // nodes named go there (a cut of their connection to a node of the other side, R30).
  std::vector<int> node_set(const YAML::Node& n, const std::string& path,
                            std::vector<int>* gws_out = nullptr) {
    std::vector<int> out;
    for (auto& [s, node] : name_list(n, path, "a node or DC name")) {
      int k = nodes.find(s);
      int d = dcs.find(s);
      int g = gws_out ? gws.find(s) : -1;
      if (g >= 0 && k < 0 && d < 0) {
        gws_out->push_back(g);
      } else if (k >= 0) {
        out.push_back(k);
      } else if (d >= 0) {
        for (size_t i = 0; i < sc.cluster.nodes.size(); ++i) {
          if (sc.cluster.nodes[i].dc == d) out.push_back(static_cast<int>(i));
        }
      } else if (nodes.reliable && dcs.reliable) {
        error(node, path,
              "unknown node or DC " + quote(s) + " (nodes are " + join(nodes.names) + "; DCs are " +
                  join(dcs.names) +
                  (gws_out && !gws.names.empty() ? "; GWS nodes are " + join(gws.names) : "") +
                  ")");
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Parses the value of one action key into `a`. Returns false on error.
  bool action_value(const KindInfo& k, const YAML::Node& v, const std::string& path,
                    model::Action& a) {
    size_t before = errors.size() + dropped;
    auto map_or_scalar = [&](std::vector<std::string> allowed, const char* expected) {
      std::optional<Fields> f;
      if (!v.IsScalar()) {
        f = fields(v, path, allowed, expected);
        if (!f->ok) return std::optional<Fields>();
      }
      return f;
    };
    switch (k.form) {
      case Form::agent: {
        auto f = map_or_scalar({"agent", "dn"}, "an agent name or {agent: A1}");
        if (!v.IsScalar() && !f) return false;
        a.agent = agent_ref(v, f ? &*f : nullptr, path);
        break;
      }
      case Form::agent_ready: {
        auto f =
            map_or_scalar({"agent", "dn", "ready"}, "an agent name or {agent: A1, ready: true}");
        if (!v.IsScalar() && !f) return false;
        a.agent = agent_ref(v, f ? &*f : nullptr, path);
        if (f) {
          if (const Field* r = f->get("ready")) {
            if (auto b = boolean(r->v, sub(path, "ready"))) a.ready = *b;
          }
        }
        break;
      }
      case Form::agent_dc: {
        Fields f = fields(v, path, {"agent", "dn", "dc"}, "a map {agent: A2, dc: DC1}");
        if (!f.ok) return false;
        a.agent = agent_ref(v, &f, path);
        if (const Field* d = f.get("dc")) {
          a.dc = lookup(d->v, sub(path, "dc"), dcs);
        } else {
          error(v, path, "missing dc (the DC the phone moves to)");
        }
        break;
      }
      case Form::agent_node_client: {
        Fields f = fields(v, path, {"agent", "dn", "node", "client"},
                          "a map {agent: A3, node: N1, client: Monitor}");
        if (!f.ok) return false;
        a.agent = agent_ref(v, &f, path);
        if (const Field* d = f.get("node")) {
          a.node = lookup(d->v, sub(path, "node"), nodes);
        } else {
          error(v, path, "missing node (where the TRegisterAddress goes)");
        }
        if (const Field* c = f.get("client")) {
          if (auto s = name(c->v, sub(path, "client"), "a client name")) a.client = *s;
        } else {
          error(v, path, "missing client (the client name, e.g. GWS or Monitor)");
        }
        break;
      }
      case Form::pairs: {
        Fields f = fields(v, path, {"between", "a", "b", "one_way"},
                          "{between: [DC1, DC2]} or {a: [N1], b: [N2], one_way: false}");
        if (!f.ok) return false;
        const Field* bt = f.get("between");
        const Field* fa = f.get("a");
        const Field* fb = f.get("b");
        if (bt && (fa || fb)) {
          error(bt->k, sub(path, "between"), "give either between or a and b, not both");
          return false;
        }
        if (bt) {
          std::string bp = sub(path, "between");
          if (!bt->v.IsSequence() || bt->v.size() != 2) {
            error(bt->v, bp,
                  "expected two node or DC names, e.g. [DC1, DC2], got " + describe(bt->v));
            return false;
          }
          a.nodes_a = node_set(bt->v[0], idx(bp, 0), &a.gws_a);
          a.nodes_b = node_set(bt->v[1], idx(bp, 1), &a.gws_b);
        } else if (fa && fb) {
          a.nodes_a = node_set(fa->v, sub(path, "a"), &a.gws_a);
          a.nodes_b = node_set(fb->v, sub(path, "b"), &a.gws_b);
        } else {
          error(v, path, "expected between: [X, Y] or both a: and b:");
          return false;
        }
        if (const Field* o = f.get("one_way")) {
          if (auto b = boolean(o->v, sub(path, "one_way"))) a.one_way = *b;
        }
        if (errors.size() + dropped == before) {
          for (auto* s : {&a.gws_a, &a.gws_b}) {
            std::sort(s->begin(), s->end());
            s->erase(std::unique(s->begin(), s->end()), s->end());
          }
          bool pairs = (!a.nodes_a.empty() || !a.gws_a.empty()) && !a.nodes_b.empty();
          pairs = pairs || (!a.gws_b.empty() && !a.nodes_a.empty());
          if (!pairs) {
            error(v, path,
                  "no pair to cut (a side names no node; a GWS node pairs only with a node)");
          }
          for (int g : a.gws_a) {
            if (std::find(a.gws_b.begin(), a.gws_b.end(), g) != a.gws_b.end()) {
              error(v, path, "GWS node " + gws.names[g] + " is on both sides");
              break;
            }
          }
          for (int x : a.nodes_a) {
            if (std::find(a.nodes_b.begin(), a.nodes_b.end(), x) != a.nodes_b.end()) {
              error(v, path, "node " + nodes.names[x] + " is on both sides");
              break;
            }
          }
        }
        break;
      }
      case Form::crash: {
        auto f = map_or_scalar({"node", "kind"}, "a node name or {node: N1, kind: host}");
        if (!v.IsScalar() && !f) return false;
        a.crash = sc.cluster.params.crash_kind;
        if (!f) {
          a.node = lookup(v, path, nodes);
        } else {
          if (const Field* n = f->get("node")) {
            a.node = lookup(n->v, sub(path, "node"), nodes);
          } else {
            error(v, path, "missing node");
          }
          if (const Field* kd = f->get("kind")) {
            if (auto s = scalar(kd->v, sub(path, "kind"), "host or process")) {
              if (*s == "host") {
                a.crash = model::CrashKind::host;
              } else if (*s == "process") {
                a.crash = model::CrashKind::process;
              } else {
                error(kd->v, sub(path, "kind"), "expected host or process, got " + quote(*s));
              }
            }
          }
        }
        break;
      }
      case Form::node: {
        auto f = map_or_scalar({"node"}, "a node name or {node: N1}");
        if (!v.IsScalar() && !f) return false;
        if (!f) {
          a.node = lookup(v, path, nodes);
        } else if (const Field* n = f->get("node")) {
          a.node = lookup(n->v, sub(path, "node"), nodes);
        } else {
          error(v, path, "missing node");
        }
        break;
      }
      case Form::gws: {
        auto f = map_or_scalar({"gws"}, "a GWS node name or {gws: G1}");
        if (!v.IsScalar() && !f) return false;
        if (!f) {
          a.gws = lookup(v, path, gws);
        } else if (const Field* n = f->get("gws")) {
          a.gws = lookup(n->v, sub(path, "gws"), gws);
        } else {
          error(v, path, "missing gws");
        }
        break;
      }
      case Form::call: {
        // One scripted call: through a DC's SIP Proxy (R56) or straight onto a node; handle
        // time, ACW and patience are drawn from the parameters.
        Fields f = fields(v, path, {"dc", "node", "group"},
                          "a map {dc: DC1, group: support} or {node: N1, group: support}");
        if (!f.ok) return false;
        const Field* d = f.get("dc");
        const Field* n = f.get("node");
        if (d && n) {
          error(n->k, sub(path, "node"), "give either dc or node, not both");
          return false;
        }
        if (d) {
          a.dc = lookup(d->v, sub(path, "dc"), dcs);
        } else if (n) {
          a.node = lookup(n->v, sub(path, "node"), nodes);
        } else {
          error(v, path, "missing dc (the DC whose proxy takes the call) or node");
        }
        std::set<std::string> groups;
        for (const auto& ag : sc.cluster.agents)
          groups.insert(ag.groups.begin(), ag.groups.end());
        for (const auto& st : sc.cluster.workload.streams)
          groups.insert(st.group);
        for (const auto& tc : sc.cluster.workload.trace)
          groups.insert(tc.group);
        if (const Field* g = f.get("group")) {
          if (auto gname = name(g->v, sub(path, "group"), "a group name")) {
            if (groups.count(*gname)) {
              a.group = *gname;
            } else if (agents.reliable) {
              Names gn{"group", "groups", {groups.begin(), groups.end()}};
              error(g->v, sub(path, "group"), gn.unknown(*gname));
            }
          }
        } else {
          error(v, path, "missing group (the call's routing group)");
        }
        break;
      }
    }
    if (errors.size() + dropped != before) return false;
    // Kind-specific consistency.
    if (a.agent >= 0) {
      const auto& ag = sc.cluster.agents[a.agent];
      std::string kname = k.name;
      if (kname.rfind("phone_", 0) == 0 && ag.kind != model::DnKind::sip) {
        error(v, path,
              "agent " + ag.name + " is a pstn agent: it has no SIP phone (" + kname +
                  " needs a sip agent)");
        return false;
      }
      if (kname.rfind("wwe_", 0) == 0 && ag.gws < 0) {
        error(v, path,
              "agent " + ag.name + " has no gws (" + kname +
                  " needs the agent's WWE GWS node; set gws in the population)");
        return false;
      }
    }
    return true;
  }

  void timeline(const YAML::Node& n, const std::string& path, std::optional<Time> end) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      error(n, path,
            "expected a list of actions such as [{at: 1, phone_on: A1}], got " + describe(n));
      return;
    }
    std::vector<std::string> allowed = {"at", "every", "count", "until"};
    for (const auto& k : kinds())
      allowed.push_back(k.name);
    std::optional<Time> prev;
    size_t prev_i = 0;
    size_t i = 0;
    for (auto it = n.begin(); it != n.end(); ++it, ++i) {
      std::string p = idx(path, i);
      YAML::Node e = *it;
      Fields f = fields(e, p, allowed, "a map such as {at: 100, cut: {between: [DC1, DC2]}}");
      if (!f.ok) continue;
      std::vector<const Field*> acts;
      for (const auto& fl : f.list) {
        if (fl.key != "at" && fl.key != "every" && fl.key != "count" && fl.key != "until") {
          acts.push_back(&fl);
        }
      }
      std::optional<Time> at;
      if (const Field* a = f.get("at")) {
        at = time_value(a->v, sub(p, "at"), false);
        if (at) {
          if (prev && *at < *prev) {
            error(a->v, sub(p, "at"),
                  "action at " + secs(*at) + " is out of time order: the action before it (" +
                      idx(path, prev_i) + ") is at " + secs(*prev) +
                      "; write timeline actions in time order");
          }
          if (end && *at > *end) {
            error(a->v, sub(p, "at"),
                  "action at " + secs(*at) + " is after the end of the run (" + secs(*end) + ")");
          }
          prev = at;
          prev_i = i;
        }
      } else if (f.missing("at")) {
        error(e, p, "missing at (the action's time)");
      }
      if (acts.empty()) {
        if (f.rejected > 0) continue;  // the unknown key was probably meant as the action
        std::vector<std::string> names;
        for (const auto& k : kinds())
          names.push_back(k.name);
        error(e, p, "expected one action key (" + join(names) + ")");
        continue;
      }
      if (acts.size() > 1) {
        error(acts[1]->k, sub(p, acts[1]->key),
              "one action per entry; this entry already has " + acts[0]->key);
        continue;
      }
      const Field* act = acts[0];
      const KindInfo* kind = nullptr;
      for (const auto& k : kinds()) {
        if (act->key == k.name) kind = &k;
      }
      model::Action a;
      a.kind = kind->kind;
      bool ok = action_value(*kind, act->v, sub(p, act->key), a);
      // Repeats.
      const Field* ev = f.get("every");
      const Field* ct = f.get("count");
      const Field* ut = f.get("until");
      std::optional<Time> every;
      uint64_t count = 1;
      bool rep_ok = true;
      if (ev) {
        every = time_value(ev->v, sub(p, "every"), true);
        if (!every) rep_ok = false;
        if (ct && ut) {
          error(ut->k, sub(p, "until"), "give either count or until, not both");
          rep_ok = false;
        } else if (!ct && !ut) {
          error(ev->k, sub(p, "every"), "every needs count: N or until: T");
          rep_ok = false;
        }
        if (ct) {
          if (auto c = whole(ct->v, sub(p, "count"), 1, kMaxActions)) {
            count = *c;
          } else {
            rep_ok = false;
          }
        }
        if (ut) {
          auto u = time_value(ut->v, sub(p, "until"), false);
          if (!u) {
            rep_ok = false;
          } else if (at && *u < *at) {
            error(ut->v, sub(p, "until"), "until " + secs(*u) + " is before at " + secs(*at));
            rep_ok = false;
          } else if (at && every) {
            count = static_cast<uint64_t>((*u - *at).micros() / every->micros()) + 1;
          }
        }
      } else {
        for (const Field* x : {ct, ut}) {
          if (x) {
            error(x->k, sub(p, x->key), x->key + " needs every: T (the repeat interval)");
            rep_ok = false;
          }
        }
      }
      if (!ok || !rep_ok || !at) continue;
      if (sc.timeline.size() + count > kMaxActions) {
        error(ev ? ev->k : e, p,
              "too many actions after expanding repeats (the limit is " +
                  std::to_string(kMaxActions) + ")");
        return;
      }
      if (every && count > 1) {
        // The last repeat's time must be representable (int64 µs) even without an end to
        // check it against (fuzzing, issue 12: every: 9000000000000, count: 3 overflowed).
        if ((Time::max() - *at).micros() / every->micros() < static_cast<int64_t>(count - 1)) {
          error(ct ? ct->v : ut->v, sub(p, ct ? "count" : "until"),
                "repeats run past the largest time scsim can represent (every " + secs(*every) +
                    " s, " + std::to_string(count) + " times from " + secs(*at) + ")");
          continue;
        }
        Time last = *at + *every * static_cast<int64_t>(count - 1);
        if (end && last > *end) {
          error(ct ? ct->v : ut->v, sub(p, ct ? "count" : "until"),
                "repeats run past the end of the run: the last one would be at " + secs(last) +
                    ", the run ends at " + secs(*end));
          continue;
        }
      }
      for (uint64_t r = 0; r < count; ++r) {
        a.at = *at + (every ? *every * static_cast<int64_t>(r) : Time::zero());
        sc.timeline.push_back(a);
      }
    }
    std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                     [](const model::Action& x, const model::Action& y) { return x.at < y.at; });
  }

  // ---- workload (scenario/workload.cpp) -----------------------------------------------------

  void workload(const YAML::Node& n, const std::string& path) {
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
  }

  // ---- the whole file -----------------------------------------------------------------------

  // Loads `path`, or when `text` is given, those bytes as if read from `path`.
  void load(const std::string& path, const std::vector<std::pair<std::string, std::string>>& ov,
            const std::string* text) {
    file = path;
    dir = fs::path(path).parent_path();
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
    bool blank = std::all_of(fr.bytes.begin(), fr.bytes.end(), [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    });
    if (blank) {
      error_at(file, 0, 0, "",
               "empty file; expected a YAML map with name, seed, duration, topology, ...");
      return;
    }
    DocScan scan;
    YAML::Node root;
    try {
      scan = scan_documents(fr.bytes);
      if (!scan.stuck) root = YAML::Load(fr.bytes);  // the first document
    } catch (const YAML::DeepRecursion& e) {
      int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
      int col = e.mark.column >= 0 ? e.mark.column + 1 : 0;
      error_at(file, line, col, "",
               "not a usable YAML file: nesting too deep (hundreds of nested lists or maps; a "
               "scenario needs at most six levels)");
      return;
    } catch (const YAML::Exception& e) {
      int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
      int col = e.mark.column >= 0 ? e.mark.column + 1 : 0;
      error_at(file, line, col, "", "not valid YAML: " + e.msg);
      return;
    }
    if (scan.stuck) {
      const YAML::Mark& m = scan.stuck_at;
      size_t pos = m.pos >= 0 ? static_cast<size_t>(m.pos) : 0;
      std::string what = pos < fr.bytes.size() && fr.bytes[pos] == ','
                             ? "unexpected ',' outside a flow collection ([...] or {...})"
                             : "cannot parse the text from here";
      error_at(file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0, "",
               "not valid YAML: " + what);
      return;
    }
    if (scan.count == 0 || (scan.count == 1 && root.IsNull())) {
      error_at(file, 0, 0, "",
               "empty file (only comments); expected a YAML map with name, seed, duration, ...");
      return;
    }
    if (scan.count > 1) {
      error_at(file, scan.second_seen ? scan.second.line + 1 : 0,
               scan.second_seen ? scan.second.column + 1 : 0, "",
               "expected one YAML document, found " + std::to_string(scan.count) +
                   " (remove the second '---')");
    }
    Fields f = fields(root, "",
                      {"name", "description", "seed", "duration", "end", "settings", "parameters",
                       "topology", "population", "workload", "timeline"},
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
    if (const Field* x = f.get("timeline")) timeline(x->v, "timeline", end);
  }
};

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

}  // namespace scsim::scenario
