// libFuzzer harness over the scenario loader (issue 12 §4): the input is a scenario file's
// bytes, loaded with load_scenario_text(). The roster and trace files a scenario may name are
// in memory (a small valid roster.csv and calls.csv, and the shipped two-dc-day-roster.csv
// name with a short roster), so no input reads the disk. See fuzz_check.hpp for what is a
// finding; scripts/fuzz runs it, tests/fuzz/replay_main.cpp replays the corpus in every build.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const scsim::scenario::MemoryFiles files = {
      {"roster.csv",
       "agent,dn,kind,dc,groups,gws\nA1,1001,sip,DC1,support,\nA2,2001,pstn,DC2,\"sales;support\","
       "\n"},
      {"two-dc-day-roster.csv",
       "agent,dn,kind,dc,groups,gws\nA001,10001,sip,DC1,support,\nA004,10004,pstn,DC1,"
       "\"support;billing\",G2\n"},
      {"calls.csv",
       "arrival,dc,group,handle,patience,acw\n1,DC1,support,30,none,\n2.5,N2,sales,1min,20,5\n"},
  };
  std::string text(reinterpret_cast<const char*>(data), size);
  scsim::fuzz::load_and_check(text, "fuzz.yaml", files);
  return 0;
}
