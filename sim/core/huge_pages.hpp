// Transparent huge pages for a large site's memory (Linux; elsewhere a no-op).
//
// A site of tens of thousands of agents keeps hundreds of MiB of per-DN state that each event
// touches at random: with 4 KiB pages most of those touches also miss the TLB. This asks the
// kernel to back the process's large private anonymous mappings (the heap and malloc's big
// blocks) with 2 MiB pages. It changes where memory lives, never what the run computes.
#pragma once

#include <cstddef>

namespace scsim {

struct HugePageReport {
  size_t advised_bytes = 0;    // marked MADV_HUGEPAGE
  size_t collapsed_bytes = 0;  // also collapsed now (MADV_COLLAPSE) because mostly populated
};

// Walks /proc/self/smaps once. Every private anonymous read-write mapping (the heap or an
// unnamed one; never a file or the main stack) of `min_bytes` to 16 GiB that is at least three
// quarters resident (Rss) is marked MADV_HUGEPAGE over its 2 MiB-aligned interior, so that
// later page faults there take huge pages, and collapsed now (MADV_COLLAPSE, Linux 6.1, where
// the kernel allows it), so that memory in use moves to huge pages without waiting for
// khugepaged. Sparse mappings are left alone: huge pages there would populate them. Does
// nothing while the process runs other threads (a range read from smaps could be unmapped and
// reused before madvise reaches it), with SCSIM_NO_HUGE_PAGES set in the environment, or in a
// sanitizer or non-Linux build. Errors (no /proc, THP disabled) are ignored: the run is the
// same, only slower.
HugePageReport advise_huge_pages(size_t min_bytes = size_t(8) << 20);

// Whether this build can advise at all (Linux, no sanitizer).
bool huge_pages_built_in();

}  // namespace scsim
