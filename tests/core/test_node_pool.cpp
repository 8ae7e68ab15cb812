#include <set>
#include <vector>

#include "catch.hpp"
#include "core/node_pool.hpp"
#include "core/random.hpp"

using namespace scsim;

TEST_CASE("NodePool gives a freed block back to the next request of its size class") {
  NodePool pool;
  void* a = pool.allocate(48);
  void* b = pool.allocate(48);
  CHECK(a != b);
  pool.deallocate(a, 48);
  CHECK(pool.allocate(40) == a);  // 40 and 48 bytes share the 33-48 class
  void* c = pool.allocate(48);    // the free list is empty again: a fresh block
  CHECK(c != a);
  CHECK(c != b);
  void* big = pool.allocate(4096);  // beyond the classes: plain operator new
  pool.deallocate(big, 4096);
  pool.deallocate(b, 48);
  pool.deallocate(c, 48);
}

TEST_CASE("Sets on a shared NodePool keep their order through random inserts and erases") {
  NodePool pool;
  using Set = std::set<int, std::less<int>, NodeAllocator<int>>;
  std::vector<Set> sets(3, Set(Set::allocator_type(&pool)));
  std::vector<std::set<int>> ref(3);
  Rng r(3, "node-pool");
  for (int i = 0; i < 20000; ++i) {
    size_t s = r.below(3);
    int v = int(r.below(500));
    if (r.below(2) == 0) {
      sets[s].insert(v);
      ref[s].insert(v);
    } else {
      sets[s].erase(v);
      ref[s].erase(v);
    }
  }
  for (size_t s = 0; s < 3; ++s)
    CHECK(std::vector<int>(sets[s].begin(), sets[s].end()) ==
          std::vector<int>(ref[s].begin(), ref[s].end()));
  std::swap(sets[0], sets[1]);  // same pool: nodes may move between sets
  CHECK(std::vector<int>(sets[1].begin(), sets[1].end()) ==
        std::vector<int>(ref[0].begin(), ref[0].end()));
}
