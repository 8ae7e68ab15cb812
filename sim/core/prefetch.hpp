// A hint to start loading a cache line that the code will read soon (changes nothing else).
//
// GCC 12 drops a bare __builtin_prefetch that follows a bounds test against a member (seen on
// the model's per-DN prefetch: the test `d >= D` removed every prefetch after it). The empty
// asm takes the address as an input, so the prefetch is kept.
#pragma once

namespace scsim {

inline void prefetch(const void* p) {
  asm volatile("" : : "r"(p));
  __builtin_prefetch(p);
}
// The same, for a line about to be written.
inline void prefetch_write(const void* p) {
  asm volatile("" : : "r"(p));
  __builtin_prefetch(p, 1);
}

}  // namespace scsim
