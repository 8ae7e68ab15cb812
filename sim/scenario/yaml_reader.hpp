// The YAML reading shared by every part of scenario/ that reads a scenario file (the loader's
// sections, the workload parser, actions files): whole-file text checks, the document scan that
// guards yaml-cpp 0.7's comma loop, and typed readers that report each problem as
// file:line:column: key: message and return nothing rather than throw. Internal to scenario/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/time.hpp"

namespace scsim::scenario::detail {

// ---- text helpers for messages --------------------------------------------------------------

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ");
// A value quoted for a message: control characters shown as '?', cut after 80 bytes.
std::string quote(std::string_view s);
// "100", "12.5", "0.01" (seconds, trailing zeros dropped).
std::string secs(Time t);
// "nothing", "a map", "a list" or the quoted scalar: what a message says it got.
std::string describe(const YAML::Node& n);
// The node in YAML flow style ({group: suport}), cut after 80 bytes: names a selector.
std::string yaml_text(const YAML::Node& n);
// Key paths: sub("timeline[3]", "at") = "timeline[3].at"; idx("timeline", 3) = "timeline[3]".
std::string sub(const std::string& path, const std::string& key);
std::string idx(const std::string& path, size_t i);

// ---- whole files ----------------------------------------------------------------------------

// A read file: its bytes, or why it could not be read (with the first bad byte's position).
struct FileRead {
  std::string bytes;
  std::string error;
  int line = 0, column = 0;
};

// Reads a whole text file, rejecting missing files, directories, files over `limit`, and
// binary content (see check_text). `what` names the file in messages ("roster file").
FileRead read_text_file(const std::filesystem::path& p, uintmax_t limit, const char* what);
// The checks on a file's bytes, read from disk or given in memory: at most `limit` bytes, no
// NUL or other control bytes but tab/CR/LF, valid UTF-8 (no surrogates, no overlong forms).
FileRead check_text(FileRead r, uintmax_t limit, const char* what);

// One YAML document parsed from checked bytes, or the error (with its position) that a
// loader reports as is: invalid YAML, nesting too deep, several documents, only comments.
struct ParsedYaml {
  YAML::Node root;
  std::string error;  // empty: root is the file's one document
  int line = 0, column = 0;
  // A second document (reported, but the first one is still read).
  std::string second_error;
  int second_line = 0, second_column = 0;
};
ParsedYaml parse_yaml(const std::string& bytes, const char* expected);

// ---- typed readers --------------------------------------------------------------------------

// file, line, column (1-based, 0 unknown), key path, message.
using ErrorSink =
    std::function<void(const std::string&, int, int, const std::string&, const std::string&)>;

struct Field {
  std::string key;
  YAML::Node k, v;
};

// The fields of one map, in file order.
struct Fields {
  std::vector<Field> list;
  bool ok = false;                  // the node was a map
  int rejected = 0;                 // keys reported as unknown or duplicate
  std::set<std::string> suggested;  // keys offered as "did you mean" for an unknown key
  // True when `name` is missing and not already explained by a misspelt key.
  bool missing(const std::string& name) const { return !get(name) && !suggested.count(name); }
  const Field* get(std::string_view name) const;
};

// Reads values of one file; every problem goes to `sink` (and is counted in `reported`).
class YamlReader {
 public:
  std::string file;  // the path as given, for messages
  ErrorSink sink;
  size_t reported = 0;

  void error_at(const std::string& f, int line, int col, const std::string& key,
                const std::string& msg);
  void error(const YAML::Node& n, const std::string& key, const std::string& msg);

  // A map's fields, rejecting non-maps, duplicate and unknown keys (with a suggestion).
  Fields fields(const YAML::Node& n, const std::string& path,
                const std::vector<std::string>& allowed, const char* expected = "a map");
  // Any scalar (may be empty).
  std::optional<std::string> scalar(const YAML::Node& n, const std::string& path,
                                    const char* expected = "a text value");
  // A non-empty scalar ("got an empty value").
  std::optional<std::string> name(const YAML::Node& n, const std::string& path,
                                  const char* expected = "a name");
  // A time (12.5, 12.5s, 250ms, 01:30:00), finite; > 0 when `positive`.
  std::optional<Time> time_value(const YAML::Node& n, const std::string& path, bool positive,
                                 const char* what = "time");
  std::optional<bool> boolean(const YAML::Node& n, const std::string& path);
  std::optional<uint64_t> whole(const YAML::Node& n, const std::string& path, uint64_t lo,
                                uint64_t hi);
  // A delay in milliseconds (a number), finite, 0..max_ms.
  std::optional<Time> delay_ms(const YAML::Node& n, const std::string& path, double max_ms);
  // A scalar or a list of scalars, each with its node.
  std::vector<std::pair<std::string, YAML::Node>> name_list(const YAML::Node& n,
                                                            const std::string& path,
                                                            const char* expected);
};

}  // namespace scsim::scenario::detail
