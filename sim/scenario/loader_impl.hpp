// The scenario loader's state, shared by its section readers (internal to scenario/):
//   loader.cpp           the whole file: top-level keys, settings, parameters' order, workload
//   load_topology.cpp    parameters, topology (DCs, nodes, GWS nodes, link delays)
//   load_population.cpp  agents inline and from a roster CSV
//   load_timeline.cpp    the timeline: actions (vocabulary.hpp), repeats, spread
//   load_selectors.cpp   agent, node and GWS selectors, samples
//   load_shifts.cpp      shifts: phone on/off, login/logout, breaks per agent
// Each section reports every problem through YamlReader (file:line:col: key: message) and marks
// its name table unreliable after an error, so later sections do not cascade unknown-name errors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/spec.hpp"
#include "scenario/scenario.hpp"
#include "scenario/vocabulary.hpp"
#include "scenario/yaml_reader.hpp"

namespace scsim::scenario::detail {

inline constexpr uintmax_t kMaxScenarioBytes = 16u << 20;  // 16 MiB
inline constexpr uintmax_t kMaxRosterBytes = 64u << 20;    // 64 MiB
inline constexpr size_t kMaxErrors = 100;
inline constexpr size_t kMaxActions = 1'000'000;  // after expanding repeats and selectors

// "A001..A400" -> {"A", 1, 400, width 3}; "10001..10400" -> {"", 10001, 10400, 5}.
struct Range {
  std::string prefix;
  uint64_t lo = 0, hi = 0;
  size_t width = 0;  // digits of the lower end (zero padding kept when both ends have it)
  uint64_t size() const { return hi - lo + 1; }
};
// nullopt: not a range (no ".."); a default Range with `why` set: a malformed one.
std::optional<Range> parse_range(const std::string& s, std::string& why);
// The v-th name of a range ("A" + zero-padded v).
std::string range_name(const Range& r, uint64_t v);

// A name table: names in definition order, for lookups and "(nodes are N1, N2)" messages.
struct Names {
  const char* what_singular;  // "node"
  const char* what_plural;    // "nodes"
  std::vector<std::string> names;
  bool reliable = true;  // false when its section had errors (no cascade of unknown-name errors)
  int find(const std::string& n) const;
  std::string unknown(const std::string& n) const;
};

struct Loader : YamlReader {
  Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  std::filesystem::path dir;  // the scenario's directory, for the roster path
  std::vector<LoadError> errors;
  size_t dropped = 0;

  Scenario sc;
  Names dcs{"DC", "DCs", {}};
  Names nodes{"node", "nodes", {}};
  Names gws{"GWS node", "GWS nodes", {}};
  Names agents{"agent", "agents", {}};
  std::vector<std::string> dns;      // agent index -> DN
  const MemoryFiles* mem = nullptr;  // load_scenario_text: the files it may name; else the disk

  // Fills the name tables from an already loaded scenario (actions files).
  void adopt(const Scenario& base);

  // A file the scenario names (roster), from `mem` or from disk, with the text checks.
  FileRead read_input(const std::filesystem::path& p, uintmax_t limit, const char* what) const;
  // A name that must be in `table`; -1 (and an error) if not.
  int lookup(const YAML::Node& n, const std::string& path, const Names& table);

  // loader.cpp
  void load(const std::string& path, const std::vector<std::pair<std::string, std::string>>& ov,
            const std::string* text);
  void workload(const YAML::Node& n, const std::string& path);
  void results(const YAML::Node& n, const std::string& path);

  // load_topology.cpp
  void parameters(const YAML::Node& n, const std::string& path);
  void topology(const YAML::Node& n, const std::string& path);
  void gws_section(const YAML::Node& n, const std::string& path);
  void link_delays(const YAML::Node& n, const std::string& path);

  // load_population.cpp
  struct AgentIn {
    std::string name, dn, kind, dc, gws;
    std::vector<std::string> groups;
  };
  using Report = std::function<void(const std::string& field, const std::string& msg)>;
  std::map<std::string, std::string> dn_where, agent_where;
  bool too_many_dns = false;
  void add_agent(const AgentIn& in, const std::string& where, const Report& report);
  void population(const YAML::Node& n, const std::string& path);
  void inline_agents(const YAML::Node& n, const std::string& path);
  void roster(const std::string& rel, const YAML::Node& at, const std::string& path);

  // load_timeline.cpp
  int agent_ref(const YAML::Node& n, const Fields* f, const std::string& path);
  std::vector<int> node_set(const YAML::Node& n, const std::string& path,
                            std::vector<int>* gws_out = nullptr);
  // One action's value into `a`; a selector's agents, nodes or GWS nodes into `targets` (in
  // selector order; empty for forms without one). `entry` keys its random streams.
  bool action_value(const ActionWord& k, const YAML::Node& v, const std::string& path,
                    model::Action& a, std::vector<int>& targets, size_t entry);
  bool spread(const Fields& f, const std::string& p, std::vector<int>& targets,
              std::vector<Time>& offsets, size_t entry);
  // spread (sp) or stagger (st) of `targets`, either may be null; `order: random` draws from
  // the seed's stream `stream` keyed by `key`.
  bool spread_of(const Field* sp, const Field* st, const std::string& p, std::vector<int>& targets,
                 std::vector<Time>& offsets, const char* stream, uint64_t key);
  // A sample of `out` (fraction: or count: in f, either may be absent), drawn from the seed's
  // stream `stream` keyed by `key`, kept in selector order. False after an error.
  // report_count: say so when count is more than `out` holds (off after an earlier error).
  bool sample(const Fields& f, const std::string& path, std::vector<int>& out, const char* stream,
              uint64_t key, bool report_count);

  // load_shifts.cpp
  void shifts(const YAML::Node& n, const std::string& path, std::optional<Time> end);
  // One shift (shifts[i]) into sc.timeline; false when the action limit is reached.
  bool shift(const YAML::Node& e, const std::string& p, size_t i, std::optional<Time> end,
             std::set<std::string>& names);
  std::vector<int> shift_agents(const Fields& f, const YAML::Node& e, const std::string& p,
                                size_t i);
  void shift_breaks(const Field* fb, const std::string& p, uint64_t key0,
                    const std::vector<int>& agents, Time start, Time stop,
                    std::vector<model::Action>& acts);

  // load_selectors.cpp
  bool selector_filtered = false;       // the last agent selector had group/dc/kind/gws
  std::map<std::string, int> dn_index;  // DN -> agent, built on first use
  std::vector<int> named_agents(const YAML::Node& n, const std::string& path, bool by_dn);
  std::vector<int> agent_selector(const YAML::Node& v, const std::string& path, const Fields* f,
                                  size_t entry);
  std::vector<int> node_selector(const YAML::Node& n, const std::string& path);
  std::vector<int> gws_selector(const YAML::Node& n, const std::string& path);
  void timeline(const YAML::Node& n, const std::string& path, std::optional<Time> end);
};

}  // namespace scsim::scenario::detail
