// The `workload:` section of a scenario file (arrival streams and call traces), parsed into
// model::Workload. Internal to scenario/: the loader calls parse_workload() with what it knows
// about the rest of the file; the format is documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/params.hpp"
#include "scenario/yaml_reader.hpp"

namespace scsim::scenario::detail {

struct WorkloadContext {
  std::string file;                 // the scenario path as given (for messages)
  std::filesystem::path dir;        // its directory: trace paths are relative to it
  std::vector<std::string> dcs;     // DC names by index
  std::vector<std::string> nodes;   // node names by index
  std::vector<int> node_dc;         // node index -> DC index
  std::vector<std::string> groups;  // groups named by agents, sorted
  bool names_reliable = true;       // false: DC/node sections had errors (no cascades)
  bool groups_reliable = true;      // false: the population had errors
  model::Params params;             // defaults for handle time, patience and ACW
  // In-memory files by resolved path (load_scenario_text); null: files are read from disk.
  const std::map<std::string, std::string>* files = nullptr;
};

// Parses `n` (the value of `workload:`, key path `path`) into `out`. A trace file's bytes are
// folded into `file_hash` (FNV-1a 64). Every problem is reported through `error`.
void parse_workload(const YAML::Node& n, const std::string& path, const WorkloadContext& ctx,
                    model::Workload& out, uint64_t& file_hash, const ErrorSink& error);

}  // namespace scsim::scenario::detail
