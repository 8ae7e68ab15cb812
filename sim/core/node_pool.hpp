// A recycling allocator for node-based containers (std::set, std::map, std::multimap).
//
// The routing indexes insert and erase tree nodes several times per call; with the general
// allocator each of those is a malloc or a free. A NodePool keeps freed blocks on free lists
// by size class and carves new ones from large chunks, so in the steady state a node costs a
// pointer swap. The pool is owned by whoever owns the containers (declare it before them so
// that it outlives them); containers reach it through a NodeAllocator, which is cheap to copy
// and rebinds to any node type. Nothing here depends on addresses for ordering: containers
// still order by their keys, so results do not change.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace scsim {

class NodePool {
 public:
  NodePool() = default;
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;

  void* allocate(size_t bytes) {
    const size_t c = size_class(bytes);
    if (c >= kClasses) return ::operator new(bytes);
    if (Block* b = free_[c]) {
      free_[c] = b->next;
      return b;
    }
    const size_t size = (c + 1) * kGranule;
    if (left_ < size) {
      chunks_.push_back(std::make_unique<std::byte[]>(kChunk));
      cursor_ = chunks_.back().get();
      left_ = kChunk;
    }
    void* p = cursor_;
    cursor_ += size;
    left_ -= size;
    return p;
  }

  void deallocate(void* p, size_t bytes) noexcept {
    const size_t c = size_class(bytes);
    if (c >= kClasses) {
      ::operator delete(p);
      return;
    }
    Block* b = static_cast<Block*>(p);
    b->next = free_[c];
    free_[c] = b;
  }

 private:
  struct Block {
    Block* next;
  };
  // 16-byte granules up to 128 bytes: every tree node of the model fits, aligned for any
  // fundamental type (chunks come from operator new, aligned to __STDCPP_DEFAULT_NEW_ALIGNMENT__).
  static constexpr size_t kGranule = 16;
  static constexpr size_t kClasses = 8;
  static constexpr size_t kChunk = 64 * 1024;
  static size_t size_class(size_t bytes) { return bytes == 0 ? 0 : (bytes - 1) / kGranule; }

  Block* free_[kClasses] = {};
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::byte* cursor_ = nullptr;
  size_t left_ = 0;
};

template <class T>
class NodeAllocator {
 public:
  using value_type = T;
  explicit NodeAllocator(NodePool* pool) noexcept : pool_(pool) {}
  template <class U>
  NodeAllocator(const NodeAllocator<U>& o) noexcept : pool_(o.pool()) {}

  T* allocate(size_t n) { return static_cast<T*>(pool_->allocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { pool_->deallocate(p, n * sizeof(T)); }
  NodePool* pool() const noexcept { return pool_; }

  // Containers that share a pool may exchange nodes (swap, move assignment).
  template <class U>
  bool operator==(const NodeAllocator<U>& o) const noexcept {
    return pool_ == o.pool();
  }
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

 private:
  NodePool* pool_;
};

}  // namespace scsim
