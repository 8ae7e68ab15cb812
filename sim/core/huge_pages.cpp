#include "core/huge_pages.hpp"

// Sanitizers map terabytes of sparse shadow and allocator memory: leave theirs alone.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SCSIM_HUGE_PAGES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SCSIM_HUGE_PAGES 0
#endif
#endif
#if !defined(SCSIM_HUGE_PAGES) && defined(__linux__)
#define SCSIM_HUGE_PAGES 1
#endif

#if SCSIM_HUGE_PAGES
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#endif

namespace scsim {

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

void apply(const Mapping& m, size_t min_bytes, HugePageReport* r) {
  const uintptr_t size = m.end - m.start;
  // Only memory mostly in use: a sparse mapping (a reservation, a thread's arena) would grow
  // by up to 2 MiB for each 4 KiB page touched later.
  if (!m.candidate || size < min_bytes || size > kMaxMapping || 2 * m.rss < size) return;
  const uintptr_t a = (m.start + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t b = m.end & ~(kHuge - 1);
  if (b <= a) return;
  void* p = reinterpret_cast<void*>(a);
  const size_t len = size_t(b - a);
  if (madvise(p, len, MADV_HUGEPAGE) != 0) return;
  r->advised_bytes += len;
  if (madvise(p, len, MADV_COLLAPSE) == 0) r->collapsed_bytes += len;
}

}  // namespace

HugePageReport advise_huge_pages(size_t min_bytes) {
  HugePageReport r;
  FILE* f = std::fopen("/proc/self/smaps", "r");
  if (!f) return r;
  // Read every mapping first, then advise: madvise may split or merge the mappings that
  // smaps is listing.
  Mapping list[256];
  size_t n = 0;
  Mapping cur;
  bool have = false;
  char line[512];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long s = 0, e = 0, off = 0, inode = 0;
    char perms[8] = {}, dev[16] = {};
    int used = 0;
    if (std::sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &s, &e, perms, &off, dev, &inode, &used) ==
        6) {
      if (have && cur.candidate && n < sizeof list / sizeof list[0]) list[n++] = cur;
      const char* path = line + used;
      // Private anonymous memory: no file, or the heap; never a stack (it grows down and a
      // thread's stack is mostly empty).
      const bool anon =
          inode == 0 && (*path == '\n' || *path == '\0' || std::strncmp(path, "[heap]", 6) == 0);
      cur = Mapping{uintptr_t(s), uintptr_t(e), anon && std::strcmp(perms, "rw-p") == 0, 0};
      have = true;
      continue;
    }
    unsigned long kb = 0;
    if (have && std::sscanf(line, "Rss: %lu kB", &kb) == 1) cur.rss = size_t(kb) << 10;
  }
  if (have && cur.candidate && n < sizeof list / sizeof list[0]) list[n++] = cur;
  std::fclose(f);
  for (size_t i = 0; i < n; ++i)
    apply(list[i], min_bytes, &r);
  return r;
}

#else

HugePageReport advise_huge_pages(size_t) {
  return {};
}

#endif

}  // namespace scsim
