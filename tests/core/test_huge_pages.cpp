// core/huge_pages: large anonymous memory in use moves to huge pages, its contents intact;
// sparse mappings are never populated (MODEL.md choice 99).
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/huge_pages.hpp"

namespace {

// Resident bytes of the mappings that overlap [p, p + len) (from /proc/self/smaps; madvise may
// split a mapping in several).
long long rss_of(const void* p, size_t len) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  long long sum = 0;
  while (std::getline(in, line)) {
    unsigned long s = 0, e = 0;
    char c = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx%c", &s, &e, &c) == 3 && c == ' ') {
      inside = s < a + len && e > a;
      continue;
    }
    unsigned long kb = 0;
    if (inside && std::sscanf(line.c_str(), "Rss: %lu kB", &kb) == 1) sum += (long long)kb << 10;
  }
  return sum;
}

bool sanitized() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#else
  return false;
#endif
}

}  // namespace

TEST_CASE("choice 99: huge pages keep the data and never populate a sparse mapping",
          "[huge_pages]") {
  // A sparse mapping: 64 MiB reserved, one page touched, between two inaccessible pages (so
  // that the kernel does not merge it with a neighbour).
  const size_t page = 4096, sparse_len = size_t(64) << 20;
  void* base = mmap(nullptr, sparse_len + 2 * page, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(base != MAP_FAILED);
  REQUIRE(mprotect(base, page, PROT_NONE) == 0);
  REQUIRE(mprotect(static_cast<char*>(base) + page + sparse_len, page, PROT_NONE) == 0);
  void* sp = static_cast<char*>(base) + page;
  static_cast<char*>(sp)[12345] = 7;
  const long long sparse_before = rss_of(sp, sparse_len);
  REQUIRE(sparse_before > 0);
  REQUIRE(sparse_before < (1 << 20));

  // Memory in use: 48 MiB, every page written.
  std::vector<uint64_t> dense(size_t(6) << 20);
  for (size_t i = 0; i < dense.size(); ++i)
    dense[i] = i * 0x9E3779B97F4A7C15ull;

  const scsim::HugePageReport r = scsim::advise_huge_pages();
  if (sanitized()) {
    CHECK(r.advised_bytes == 0);  // a no-op under sanitizers
  } else {
    // The vector's mapping (48 MiB, full) is advised, whether or not THP is enabled here.
    CHECK(r.advised_bytes >= (size_t(40) << 20));
    CHECK(r.collapsed_bytes <= r.advised_bytes);
  }
  // The sparse mapping was left alone: no more resident than before (MADV_COLLAPSE would have
  // filled it), and a page touched now takes 4 KiB, not 2 MiB (MADV_HUGEPAGE would).
  CHECK(rss_of(sp, sparse_len) == sparse_before);
  static_cast<char*>(sp)[sparse_len / 2] = 9;
  CHECK(rss_of(sp, sparse_len) == sparse_before + static_cast<long long>(page));
  bool intact = true;
  for (size_t i = 0; i < dense.size(); ++i)
    intact = intact && dense[i] == i * 0x9E3779B97F4A7C15ull;
  CHECK(intact);
  CHECK(static_cast<char*>(sp)[12345] == 7);
  CHECK(static_cast<char*>(sp)[sparse_len / 2] == 9);
  munmap(base, sparse_len + 2 * page);
}
