// What the loader fuzzers check on every input (issue 12 §4): load_scenario_text() returns a
// Scenario or errors, never both and never neither, never throws, and never reports an
// "internal error" (the loader's catch-all for an exception it did not expect, e.g. bad_alloc,
// out_of_range or a libfccp/yaml-cpp exception that escaped its handler). Each error names a
// file and says something. Anything else (an abort, a sanitizer report, a hang) is a finding
// as well: the fuzzer and the replay driver stop on it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "scenario/scenario.hpp"

namespace scsim::fuzz {

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "scsim fuzz finding: %s\n", what.c_str());
  std::abort();
}

inline void check_result(const scenario::LoadResult& r) {
  if (r.scenario.has_value() == !r.errors.empty()) {
    finding(r.scenario ? "a scenario and errors" : "neither a scenario nor an error");
  }
  for (const auto& e : r.errors) {
    // The loader's catch-alls (load_any, parse_workload) say "internal error..." at line 0;
    // other messages may quote the input, which may say "internal error" itself.
    if (e.line == 0 && e.message.rfind("internal error", 0) == 0) finding(e.to_string());
    if (e.file.empty() || e.message.empty()) finding("an error without file or message");
  }
}

// Loads and checks, turning any exception that escapes into a finding.
inline void load_and_check(const std::string& text, const std::string& name,
                           const scenario::MemoryFiles& files) {
  try {
    check_result(scenario::load_scenario_text(text, name, files));
  } catch (const std::exception& e) {
    finding(std::string("exception escaped load_scenario_text: ") + e.what());
  } catch (...) {
    finding("unknown exception escaped load_scenario_text");
  }
}

}  // namespace scsim::fuzz
