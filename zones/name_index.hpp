// A hash index from lowercase wire names to pointers, for the answer path: open addressing
// in one array, the wire library's name hash and an inline compare (no library call per lookup).
// Keys are views of names the owner keeps alive; built once, then only read.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "dns/wire/name_hash.hpp"

namespace lodestar::zones {

template <typename T>
class NameIndex {
 public:
  /// Adds `key` → `value`; false (and nothing changed) when `key` is present already.
  bool emplace(std::string_view key, T* value) {
    if ((count_ + 1) * 2 > slots_.size()) grow(slots_.empty() ? 16 : slots_.size() * 2);
    const uint64_t h = hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.value) {
        s = {h, key, value};
        ++count_;
        return true;
      }
      if (s.hash == h && equal(s.key, key)) return false;
    }
  }

  /// Room for `count` keys without growing (a loader that knows how many comes saves the
  /// rehashing of every key at each doubling).
  void reserve(size_t count) {
    size_t slots = 16;
    while ((count + 1) * 2 > slots) slots *= 2;
    if (slots > slots_.size()) grow(slots);
  }

  /// The value for `key`, or null.
  T* find(std::string_view key) const noexcept { return find(key, hash(key)); }
  /// The same when the caller has hash(key) already (the query parser makes it on the way).
  T* find(std::string_view key, uint64_t h) const noexcept {
    if (slots_.empty()) return nullptr;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.value) return nullptr;
      if (s.hash == h && equal(s.key, key)) return s.value;
    }
  }

  bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
  size_t size() const noexcept { return count_; }

  /// The hash of every key: wire::NameHash, the one the query parser makes.
  static uint64_t hash(std::string_view key) noexcept { return wire::NameHash::of(key); }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view key;
    T* value = nullptr;  // null: an empty slot
  };

  static uint64_t load8(const unsigned char* p) noexcept { return wire::NameHash::load8(p); }
  // Always inlined: on the answer path (two or three per query); LTO once chose a call here,
  // ~30 instructions a query more (the guard saw +4 %).
  [[gnu::always_inline]] static bool equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    const auto* x = reinterpret_cast<const unsigned char*>(a.data());
    const auto* y = reinterpret_cast<const unsigned char*>(b.data());
    const size_t n = a.size();
    if (n < 8) return std::memcmp(x, y, n) == 0;
    for (size_t i = 0; i + 8 <= n; i += 8)
      if (load8(x + i) != load8(y + i)) return false;
    return load8(x + n - 8) == load8(y + n - 8);  // the tail, overlapping
  }

  void grow(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    mask_ = slots_.size() - 1;
    count_ = 0;
    for (const Slot& s : old)
      if (s.value) emplace(s.key, s.value);
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace lodestar::zones
