// Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing
// Input", ddmin): a 1-minimal subset of `items` for which `test` holds, given that it holds
// for all of them. Deterministic: the same items and test give the same tests in the same
// order and the same result. Items keep their order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace scsim::scenario {

template <class T>
std::vector<T> ddmin(std::vector<T> items, const std::function<bool(const std::vector<T>&)>& test) {
  if (items.empty()) return items;
  if (test({})) return {};
  size_t n = 2;
  while (items.size() >= 2) {
    const size_t size = items.size();
    n = std::min(n, size);
    // Chunk k is [k * size / n, (k + 1) * size / n).
    auto chunk = [&](size_t k, bool complement) {
      std::vector<T> out;
      size_t lo = k * size / n, hi = (k + 1) * size / n;
      for (size_t i = 0; i < size; ++i) {
        if ((i >= lo && i < hi) != complement) out.push_back(items[i]);
      }
      return out;
    };
    bool reduced = false;
    for (size_t k = 0; k < n && !reduced; ++k) {
      auto c = chunk(k, false);
      if (test(c)) {
        items = std::move(c);
        n = 2;
        reduced = true;
      }
    }
    for (size_t k = 0; k < n && !reduced && n > 2; ++k) {
      auto c = chunk(k, true);
      if (test(c)) {
        items = std::move(c);
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= size) break;
    n = std::min(2 * n, size);
  }
  return items;
}

}  // namespace scsim::scenario
