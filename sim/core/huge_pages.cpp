#include "core/huge_pages.hpp"

// Sanitizers map terabytes of sparse shadow and allocator memory: leave theirs alone.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SCSIM_HUGE_PAGES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define SCSIM_HUGE_PAGES 0
#endif
#endif
#if !defined(SCSIM_HUGE_PAGES) && defined(__linux__)
#define SCSIM_HUGE_PAGES 1
#endif
#if !defined(SCSIM_HUGE_PAGES)
#define SCSIM_HUGE_PAGES 0
#endif

#if SCSIM_HUGE_PAGES
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#endif

namespace scsim {

bool huge_pages_built_in() {
  return SCSIM_HUGE_PAGES != 0;
}

#if SCSIM_HUGE_PAGES
namespace {

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1
#endif

constexpr uintptr_t kHuge = uintptr_t(2) << 20;
constexpr uintptr_t kMaxMapping = uintptr_t(16) << 30;  // larger: a reservation, not data

struct Mapping {
  uintptr_t start = 0, end = 0;
  bool candidate = false;
  size_t rss = 0;
};

// Whether m is worth huge pages: private anonymous memory of min_bytes..16 GiB, at least three
// quarters resident. A sparse mapping is left alone: a huge page there would turn 4 KiB of use
// into 2 MiB of memory, and MADV_COLLAPSE fills every 2 MiB region that has a page at all.
bool wanted(const Mapping& m, size_t min_bytes) {
  const uintptr_t size = m.end - m.start;
  return m.candidate && size >= min_bytes && size <= kMaxMapping && 4 * m.rss >= 3 * size;
}

void apply(const Mapping& m, HugePageReport* r) {
  const uintptr_t a = (m.start + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t b = m.end & ~(kHuge - 1);
  if (b <= a) return;
  void* p = reinterpret_cast<void*>(a);
  const size_t len = size_t(b - a);
  if (madvise(p, len, MADV_HUGEPAGE) != 0) return;
  r->advised_bytes += len;
  if (madvise(p, len, MADV_COLLAPSE) == 0) r->collapsed_bytes += len;
}

// Threads: 1 in /proc/self/status. With other threads running, a mapping read from smaps may
// be unmapped and its range reused (a fresh, sparse mapping) before madvise reaches it.
bool single_threaded() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return false;
  char line[256];
  int threads = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "Threads: %d", &threads) == 1) break;
  }
  std::fclose(f);
  return threads == 1;
}

}  // namespace

HugePageReport advise_huge_pages(size_t min_bytes) {
  HugePageReport r;
  if (std::getenv("SCSIM_NO_HUGE_PAGES") != nullptr || !single_threaded()) return r;
  FILE* f = std::fopen("/proc/self/smaps", "r");
  if (!f) return r;
  // Read the mappings first, then advise: madvise may split or merge the mappings that smaps
  // is listing. Only the wanted ones are kept (a process has few that large).
  Mapping list[256];
  size_t n = 0;
  Mapping cur;
  bool have = false;
  auto keep = [&] {
    if (have && wanted(cur, min_bytes) && n < sizeof list / sizeof list[0]) list[n++] = cur;
  };
  char line[512];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long s = 0, e = 0, off = 0, inode = 0;
    char perms[8] = {}, dev[16] = {};
    int used = 0;
    if (std::sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &s, &e, perms, &off, dev, &inode, &used) ==
        6) {
      keep();
      const char* path = line + used;
      // Private anonymous memory: no file, or the heap; not the main stack (thread stacks are
      // unnamed, and left alone because they are rarely mostly resident).
      const bool anon =
          inode == 0 && (*path == '\n' || *path == '\0' || std::strncmp(path, "[heap]", 6) == 0);
      cur = Mapping{uintptr_t(s), uintptr_t(e), anon && std::strcmp(perms, "rw-p") == 0, 0};
      have = true;
      continue;
    }
    unsigned long kb = 0;
    if (have && std::sscanf(line, "Rss: %lu kB", &kb) == 1) cur.rss = size_t(kb) << 10;
  }
  keep();
  std::fclose(f);
  for (size_t i = 0; i < n; ++i)
    apply(list[i], &r);
  return r;
}

#else

HugePageReport advise_huge_pages(size_t) {
  return {};
}

#endif

}  // namespace scsim
