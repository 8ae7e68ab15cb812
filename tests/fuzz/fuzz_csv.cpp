// libFuzzer harness over the CSV readers (issue 12 §4): an input whose first line names the
// column "arrival" is read as the call trace (workload.trace, workload.cpp) of a fixed valid
// scenario, any other as its agent roster (population.roster, loader.cpp), through
// load_scenario_text() with the file in memory. One CSV reader per input: each allocates libfccp's
// 48 MiB line buffer, which ASan poisons at a cost of tens of milliseconds. See fuzz_check.hpp
// for what is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"

namespace {

// T4 with two GWS nodes, so that roster rows can name DC1, DC2, G1, G2.
const char* kRosterScenario = R"(name: fuzz-roster
seed: 1
duration: 600
topology:
  base: T4
  gws:
    G1: {dc: DC1}
    G2: {dc: DC2}
population:
  roster: roster.csv
)";

// The same with fixed agents (groups support, sales) and the input as the trace.
const char* kTraceScenario = R"(name: fuzz-trace
seed: 1
duration: 600
topology: T4
population:
  agents:
    - {name: A1, dn: "1001", kind: sip, dc: DC1, groups: [support]}
    - {name: A2, dn: "2001", kind: pstn, dc: DC2, groups: [sales, support]}
workload:
  defaults: {acw: {law: fixed, mean: 5}}
  trace: calls.csv
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.substr(0, bytes.find('\n')).find("arrival") != std::string::npos) {
    scsim::fuzz::load_and_check(kTraceScenario, "fuzz.yaml", {{"calls.csv", bytes}});
  } else {
    scsim::fuzz::load_and_check(kRosterScenario, "fuzz.yaml", {{"roster.csv", bytes}});
  }
  return 0;
}
