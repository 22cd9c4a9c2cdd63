// A hash index from lowercase wire names to pointers, for the answer path: open addressing
// in one array, a word-at-a-time hash and an inline compare (no library call per lookup).
// Keys are views of names the owner keeps alive; built once, then only read.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace lodestar::zones {

template <typename T>
class NameIndex {
 public:
  /// Adds `key` → `value`; false (and nothing changed) when `key` is present already.
  bool emplace(std::string_view key, T* value) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
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

  static uint64_t hash(std::string_view key) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(key.data());
    const size_t n = key.size();
    uint64_t h = seed(n);
    if (n < 8) {
      for (size_t i = 0; i < n; ++i) h = (h << 8 | h >> 56) ^ p[i];
      return mix(h);
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) h = absorb(h, load8(p + i));
    if (i < n) h = absorb(h, load8(p + n - 8));  // the last eight bytes, overlapping
    return finish(h);
  }
  // hash() of a key of 8 bytes or more, for a caller that reads its words anyway: seed(n),
  // absorb() the words at 0, 8, 16... while they fit, then the last eight bytes if any are
  // left, then finish(). Each word as memcpy loads it (host order).
  static uint64_t seed(size_t n) noexcept { return n * 0x9E3779B97F4A7C15ull; }
  static uint64_t absorb(uint64_t h, uint64_t word) noexcept { return mix(h ^ word); }
  static uint64_t finish(uint64_t h) noexcept { return h ^ (h >> 31); }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view key;
    T* value = nullptr;  // null: an empty slot
  };

  static uint64_t load8(const unsigned char* p) noexcept {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static uint64_t mix(uint64_t h) noexcept {
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
  }
  static bool equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    const auto* x = reinterpret_cast<const unsigned char*>(a.data());
    const auto* y = reinterpret_cast<const unsigned char*>(b.data());
    const size_t n = a.size();
    if (n < 8) return std::memcmp(x, y, n) == 0;
    for (size_t i = 0; i + 8 <= n; i += 8)
      if (load8(x + i) != load8(y + i)) return false;
    return load8(x + n - 8) == load8(y + n - 8);  // the tail, overlapping
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
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
