// The one 64-bit FNV-1a of the project: file hashes of scenarios (and the rosters and traces
// they name), random stream names (core/random.hpp) and the scheduler's fingerprint seed.
// Stable across platforms and runs; not a cryptographic hash.
#pragma once

#include <cstdint>
#include <string_view>

namespace scsim {

inline constexpr uint64_t kFnv1aOffset = 14695981039346656037ull;  // 0xcbf29ce484222325
inline constexpr uint64_t kFnv1aPrime = 1099511628211ull;          // 0x100000001b3

// FNV-1a 64 of `bytes`, continuing from `h` (fold several files into one hash).
constexpr uint64_t fnv1a(std::string_view bytes, uint64_t h = kFnv1aOffset) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1aPrime;
  }
  return h;
}

}  // namespace scsim
