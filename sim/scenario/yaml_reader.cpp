// The shared YAML reading of scenario/ (see yaml_reader.hpp).
#include "scenario/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "model/params.hpp"

namespace scsim::scenario::detail {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& v, const std::string& sep) {
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

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar())
    return "\"" + n.Scalar().substr(0, 40) + (n.Scalar().size() > 40 ? "...\"" : "\"");
  return "something else";
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << YAML::Flow << n;
  std::string s = e.good() ? std::string(e.c_str()) : describe(n);
  return s.size() > 80 ? s.substr(0, 80) + "..." : s;
}

std::string sub(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string idx(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

namespace {

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
}  // namespace

ParsedYaml parse_yaml(const std::string& bytes, const char* expected) {
  ParsedYaml out;
  auto at = [&](const YAML::Mark& m, std::string msg) {
    out.line = m.line >= 0 ? m.line + 1 : 0;
    out.column = m.column >= 0 ? m.column + 1 : 0;
    out.error = std::move(msg);
  };
  bool blank = std::all_of(bytes.begin(), bytes.end(),
                           [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  if (blank) {
    out.error = std::string("empty file; expected ") + expected;
    return out;
  }
  DocScan scan;
  try {
    scan = scan_documents(bytes);
    if (!scan.stuck) out.root = YAML::Load(bytes);  // the first document
  } catch (const YAML::DeepRecursion& e) {
    at(e.mark,
       "not a usable YAML file: nesting too deep (hundreds of nested lists or maps; a "
       "scenario needs at most six levels)");
    return out;
  } catch (const YAML::Exception& e) {
    at(e.mark, "not valid YAML: " + e.msg);
    return out;
  }
  if (scan.stuck) {
    const YAML::Mark& m = scan.stuck_at;
    size_t pos = m.pos >= 0 ? static_cast<size_t>(m.pos) : 0;
    at(m, std::string("not valid YAML: ") +
              (pos < bytes.size() && bytes[pos] == ','
                   ? "unexpected ',' outside a flow collection ([...] or {...})"
                   : "cannot parse the text from here"));
    return out;
  }
  if (scan.count == 0 || (scan.count == 1 && out.root.IsNull())) {
    out.error = std::string("empty file (only comments); expected ") + expected;
    return out;
  }
  if (scan.count > 1) {
    out.second_line = scan.second_seen ? scan.second.line + 1 : 0;
    out.second_column = scan.second_seen ? scan.second.column + 1 : 0;
    out.second_error = "expected one YAML document, found " + std::to_string(scan.count) +
                       " (remove the second '---')";
  }
  return out;
}

const Field* Fields::get(std::string_view name) const {
  for (const auto& f : list) {
    if (f.key == name) return &f;
  }
  return nullptr;
}

void YamlReader::error_at(const std::string& f, int line, int col, const std::string& key,
                          const std::string& msg) {
  ++reported;
  if (sink) sink(f, line, col, key, msg);
}

void YamlReader::error(const YAML::Node& n, const std::string& key, const std::string& msg) {
  int line = 0, col = 0;
  if (n.IsDefined()) {
    YAML::Mark m = n.Mark();
    if (m.line >= 0) line = m.line + 1;
    if (m.column >= 0) col = m.column + 1;
  }
  error_at(file, line, col, key, msg);
}

// Lists a map's fields, rejecting non-maps, duplicate and unknown keys (with a suggestion).
Fields YamlReader::fields(const YAML::Node& n, const std::string& path,
                          const std::vector<std::string>& allowed, const char* expected) {
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

std::optional<std::string> YamlReader::scalar(const YAML::Node& n, const std::string& path,
                                              const char* expected) {
  if (!n.IsScalar()) {
    error(n, path, std::string("expected ") + expected + ", got " + describe(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::string> YamlReader::name(const YAML::Node& n, const std::string& path,
                                            const char* expected) {
  auto s = scalar(n, path, expected);
  if (!s) return s;
  if (s->empty()) {
    error(n, path, std::string("expected ") + expected + ", got an empty value");
    return std::nullopt;
  }
  return s;
}

std::optional<Time> YamlReader::time_value(const YAML::Node& n, const std::string& path,
                                           bool positive, const char* what) {
  const bool dur = std::string_view(what) == "duration";
  auto s = scalar(n, path,
                  dur ? "a duration such as 180, 2.5s, 250ms or 5min"
                      : "a time such as 12.5, 12.5s, 250ms or 01:30:00");
  if (!s) return std::nullopt;
  std::string t = *s;
  std::string low = t;
  std::transform(low.begin(), low.end(), low.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (low.find("inf") != std::string::npos || low.find("nan") != std::string::npos) {
    error(n, path, std::string(what) + " must be finite, got " + quote(t));
    return std::nullopt;
  }
  TimeParse p = parse_time(t);
  if (!p.value) {
    error(n, path, p.error);
    return std::nullopt;
  }
  if (positive && *p.value <= Time::zero()) {
    error(n, path, std::string("expected a ") + what + " greater than 0, got " + quote(t));
    return std::nullopt;
  }
  return p.value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, const std::string& path) {
  auto s = scalar(n, path, "true or false");
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "yes" || *s == "on") return true;
  if (*s == "false" || *s == "no" || *s == "off") return false;
  error(n, path, "expected true or false, got " + quote(*s));
  return std::nullopt;
}

std::optional<uint64_t> YamlReader::whole(const YAML::Node& n, const std::string& path, uint64_t lo,
                                          uint64_t hi) {
  std::string range = std::to_string(lo) + " to " + std::to_string(hi);
  auto s = scalar(n, path, "a whole number");
  if (!s) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(s->data(), s->data() + s->size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    error(n, path, "number " + quote(*s) + " is too large; expected a whole number from " + range);
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
std::optional<Time> YamlReader::delay_ms(const YAML::Node& n, const std::string& path,
                                         double max_ms) {
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
    error(n, path, "delay " + *s + " ms is out of range 0-" + std::to_string(int(max_ms)) + " ms");
    return std::nullopt;
  }
  return millis_f(d);
}

// A scalar or a list of scalars.
std::vector<std::pair<std::string, YAML::Node>> YamlReader::name_list(const YAML::Node& n,
                                                                      const std::string& path,
                                                                      const char* expected) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  if (n.IsScalar()) {
    if (auto s = name(n, path, expected)) out.push_back({*s, n});
    return out;
  }
  if (!n.IsSequence()) {
    error(n, path, std::string("expected ") + expected + " or a list of them, got " + describe(n));
    return out;
  }
  size_t i = 0;
  for (auto it = n.begin(); it != n.end(); ++it, ++i) {
    YAML::Node e = *it;
    if (auto s = name(e, idx(path, i), expected)) out.push_back({*s, e});
  }
  return out;
}

}  // namespace scsim::scenario::detail
