// core/huge_pages: large anonymous memory in use is advised for huge pages, its contents intact;
// sparse mappings are never advised (MODEL.md choice 99). Checked on the mappings' VmFlags
// ("hg": MADV_HUGEPAGE), which do not depend on the host's THP mode or on khugepaged.
#if defined(__linux__)
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/huge_pages.hpp"

namespace {

// Whether some mapping overlapping [p, p + len) carries VmFlags "hg" (madvise MADV_HUGEPAGE).
bool advised(const void* p, size_t len) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    unsigned long s = 0, e = 0;
    char c = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx%c", &s, &e, &c) == 3 && c == ' ') {
      inside = s < a + len && e > a;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0 && line.find(" hg") != std::string::npos)
      return true;
  }
  return false;
}

// Whether madvise(MADV_HUGEPAGE) works here at all (THP built into the kernel).
bool thp_available() {
  const size_t len = size_t(4) << 20;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  const bool ok = madvise(p, len, MADV_HUGEPAGE) == 0;
  munmap(p, len);
  return ok;
}

}  // namespace

TEST_CASE("choice 99: huge pages for memory in use, never for a sparse mapping", "[huge_pages]") {
  // A sparse mapping: 64 MiB reserved, one page touched, between two inaccessible pages (so
  // that the kernel does not merge it with a neighbour).
  const size_t page = 4096, sparse_len = size_t(64) << 20;
  void* base = mmap(nullptr, sparse_len + 2 * page, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(base != MAP_FAILED);
  REQUIRE(mprotect(base, page, PROT_NONE) == 0);
  REQUIRE(mprotect(static_cast<char*>(base) + page + sparse_len, page, PROT_NONE) == 0);
  char* sp = static_cast<char*>(base) + page;
  sp[12345] = 7;

  // Memory in use: 48 MiB, every page written.
  std::vector<uint64_t> dense(size_t(6) << 20);
  for (size_t i = 0; i < dense.size(); ++i)
    dense[i] = i * 0x9E3779B97F4A7C15ull;
  REQUIRE_FALSE(advised(sp, sparse_len));
  REQUIRE_FALSE(advised(dense.data(), dense.size() * sizeof dense[0]));

  const scsim::HugePageReport r = scsim::advise_huge_pages();
  if (scsim::huge_pages_built_in() && thp_available()) {
    // The vector's mapping (48 MiB, full) is advised.
    CHECK(r.advised_bytes >= (size_t(40) << 20));
    CHECK(advised(dense.data(), dense.size() * sizeof dense[0]));
  } else {
    CHECK(r.advised_bytes == 0);  // a sanitizer build, or no THP in this kernel
  }
  CHECK(r.collapsed_bytes <= r.advised_bytes);
  CHECK_FALSE(advised(sp, sparse_len));  // the sparse mapping was left alone
  bool intact = true;
  for (size_t i = 0; i < dense.size(); ++i)
    intact = intact && dense[i] == i * 0x9E3779B97F4A7C15ull;
  CHECK(intact);
  CHECK(sp[12345] == 7);
  munmap(base, sparse_len + 2 * page);
}
#endif
