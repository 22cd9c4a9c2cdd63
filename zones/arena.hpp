// Where a compiled zone keeps its bytes: names, record data and rendered sets are copied into
// large chunks owned by the zone, and read through views and spans. A million records are
// then a few hundred allocations, not several million, and nothing moves once written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lodestar::zones {

/// A read-only run of `T` that something else owns (the zone's arena).
template <typename T>
struct Span {
  const T* first = nullptr;
  uint32_t count = 0;

  const T* begin() const noexcept { return first; }
  const T* end() const noexcept { return first + count; }
  size_t size() const noexcept { return count; }
  bool empty() const noexcept { return count == 0; }
  const T& front() const noexcept { return first[0]; }
  const T& operator[](size_t i) const noexcept { return first[i]; }
};

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;

  std::string_view copy(std::string_view bytes) {
    if (bytes.empty()) return {};
    char* at = static_cast<char*>(claim(bytes.size(), 1));
    std::memcpy(at, bytes.data(), bytes.size());
    return {at, bytes.size()};
  }

  /// A copy of `items` (plain data only: the arena runs no destructors).
  template <typename T>
  Span<T> copy(const T* items, size_t count) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (count == 0) return {};
    T* at = static_cast<T*>(claim(sizeof(T) * count, alignof(T)));
    std::memcpy(static_cast<void*>(at), items, sizeof(T) * count);
    return {at, static_cast<uint32_t>(count)};
  }

  /// Room for `size` bytes, which the caller writes before anything reads them.
  unsigned char* claimBytes(size_t size) { return static_cast<unsigned char*>(claim(size, 1)); }

  /// Takes `bytes` as they are (no copy): the view stays valid as long as the arena.
  std::string_view adopt(std::string&& bytes) {
    adopted_.push_back(std::make_unique<std::string>(std::move(bytes)));
    held_ += adopted_.back()->size();
    return *adopted_.back();
  }

  /// Bytes held, for the load's own account.
  size_t bytes() const noexcept { return held_; }

 private:
  static constexpr size_t kChunk = 1 << 20;

  void* claim(size_t size, size_t align) {
    size_t pad = (align - reinterpret_cast<uintptr_t>(at_) % align) % align;
    if (!at_ || pad + size > left_) {
      const size_t chunk = size + align > kChunk ? size + align : kChunk;
      chunks_.push_back(std::unique_ptr<char[]>(new char[chunk]));  // not zeroed: every byte is written before it is read
      at_ = chunks_.back().get();
      left_ = chunk;
      held_ += chunk;
      pad = (align - reinterpret_cast<uintptr_t>(at_) % align) % align;
    }
    char* out = at_ + pad;
    at_ = out + size;
    left_ -= pad + size;
    return out;
  }

  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::unique_ptr<std::string>> adopted_;
  char* at_ = nullptr;
  size_t left_ = 0;
  size_t held_ = 0;
};

}  // namespace lodestar::zones
