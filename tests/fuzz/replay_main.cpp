// Replays files through a fuzz harness's LLVMFuzzerTestOneInput without libFuzzer, so that the
// committed corpus (tests/fuzz/corpus/) and the seeds are checked in every build, GCC included
// (ctest fuzz_corpus_replay). Arguments are files or directories (every regular file in them,
// recursively, in name order). A finding aborts the process (fuzz_check.hpp); an exception or a
// non-zero return counts as failed. Prints "N passed, M failed"; exits non-zero unless all
// passed and there was at least one input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) inputs.push_back(e.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      inputs.push_back(p);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  size_t passed = 0, failed = 0;
  for (const auto& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s\n", p.string().c_str());
    int rc = 0;
    try {
      rc = LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "replay: %s: exception: %s\n", p.string().c_str(), e.what());
      rc = -1;
    } catch (...) {
      std::fprintf(stderr, "replay: %s: unknown exception\n", p.string().c_str());
      rc = -1;
    }
    if (rc == 0) {
      ++passed;
    } else {
      ++failed;
    }
  }
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
