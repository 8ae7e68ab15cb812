// A validated scenario: the only code that knows the scenario file format is scenario/.
//
// load_scenario() reads a YAML scenario file (and the roster CSV it may name) and returns a
// plain Scenario or *all* errors found, each naming file, line, column and key and saying what
// was expected, e.g. `sc04.yaml:17:9: timeline[3].partition: unknown node "N9" (nodes are N1,
// N2)`. It never throws and never crashes on any input.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "model/spec.hpp"

namespace scsim::scenario {

// The scenario's `results:` section (issue 20 §2): which result tables to record and whether to
// compress them; `scsim run --record` and `--compress` override it. The table names are checked
// by the run layer (run::recording_of), which knows them; each keeps where it was written.
struct ResultsSection {
  struct Word {
    std::string name;
    int line = 0, column = 0;
  };
  std::optional<std::vector<Word>> record;  // `record:` given (a list or a comma-separated text)
  std::optional<bool> compress;
};

// What one timeline entry or one shift expanded into (`scsim validate --explain`).
struct Expansion {
  std::string source;    // "timeline[3]", "shifts[0] (early)"
  int line = 0;          // of the entry in the file
  std::string action;    // "phone_on"; "shift" for a shift
  std::string selector;  // the selector as written, e.g. {dc: DC1}; empty without one
  size_t targets = 0;    // agents, nodes or GWS nodes it selected (0 without a selector)
  size_t actions = 0;    // actions it expanded into (selector x repeats, or a shift's)
};

// Where the parts a warning may name were written (issue 17 §4: warnings carry file:line:col):
// "file:line:col" texts, empty when unknown. Filled by the loader; a scenario whose timeline was
// changed afterwards (scaled, a campaign's knobs) keeps `action_entry` of another length, and
// then no action has a place.
struct SourceMap {
  std::vector<std::string> agents;            // per agent: its inline entry or roster line
  std::vector<std::string> entries;           // per timeline entry as written
  std::vector<uint32_t> action_entry;         // per action of Scenario::timeline: its entry
  std::map<std::string, std::string> groups;  // a group: the first workload stream naming it
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;        // path as given
  uint64_t file_hash = 0;  // FNV-1a 64 of the file bytes (and of the roster file, folded in)
  uint64_t seed = 1;
  Time duration;                        // the run ends at this simulated time
  model::ClusterSpec cluster;           // topology, population, parameters after overrides
  std::vector<model::Action> timeline;  // sorted by time, repeats expanded
  // Parameter overrides as applied, in order: first the file's `parameters`, then the caller's.
  std::vector<std::pair<std::string, std::string>> parameter_overrides;
  ResultsSection results;
  std::vector<Expansion> expansions;  // per timeline entry and shift, in file order
  SourceMap source;
  // Where timeline action i or agent i was written ("" when unknown).
  std::string where_action(size_t i) const {
    if (source.action_entry.size() != timeline.size() || i >= timeline.size()) return {};
    const size_t e = source.action_entry[i];
    return e < source.entries.size() ? source.entries[e] : std::string();
  }
  std::string where_agent(size_t i) const {
    return i < source.agents.size() && source.agents.size() == cluster.agents.size()
               ? source.agents[i]
               : std::string();
  }
};

struct LoadError {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  int column = 0;   // 1-based; 0 when unknown
  std::string key;  // path of the key, e.g. "timeline[3].partition"
  std::string message;
  // "file:line:column: key: message"
  std::string to_string() const;
};

struct LoadResult {
  std::optional<Scenario> scenario;
  std::vector<LoadError> errors;  // empty iff scenario is set
};

// `overrides` are `--set name=value` pairs, applied after the file's parameters and validated
// the same way (errors name "--set" as the file).
LoadResult load_scenario(const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& overrides = {});

// Files a scenario loaded from memory may name (roster, trace): the path as the loader resolves
// it (relative to the directory of the scenario's name, lexically normal, e.g. "roster.csv" for
// a scenario named "x.yaml") -> the file's bytes.
using MemoryFiles = std::map<std::string, std::string>;

// As load_scenario, from the scenario file's bytes (the same size, text and UTF-8 checks):
// `name` stands for the path in messages and for resolving roster and trace paths, which are
// looked up in `files` only, never on disk (a path not in `files` is "no such file"). For the
// fuzzers (tests/fuzz/) and for tests; never throws either.
LoadResult load_scenario_text(
    const std::string& text, const std::string& name, const MemoryFiles& files = {},
    const std::vector<std::pair<std::string, std::string>>& overrides = {});

}  // namespace scsim::scenario
