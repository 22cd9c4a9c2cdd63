// A hash index from lowercase wire names to the places of values in an array the owner keeps
// (a zone's nodes, a view's names), for the answer path: open addressing in one array, the
// wire library's name hash and an inline compare (no library call per lookup). A slot is 8
// bytes (32 bits of the hash and the value's place): a million names cost 16 MiB of slots.
// The key is read from the value (`KeyOf`), and the array may grow while the index is built
// (places, not addresses, are kept). Built once, then only read.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "dns/wire/name_hash.hpp"

namespace lodestar::zones {

namespace detail {
inline constexpr uint32_t kEmptyPlace = ~uint32_t{0};
// One for every index (takeOver() moves slots between indexes of different values).
struct NameSlot {
  uint32_t tag = 0;              // the hash's upper half (its lower bits choose the slot)
  uint32_t place = kEmptyPlace;  // the value's place in the array
};
}  // namespace detail

/// `KeyOf{}(value)`: the lowercase wire name a value is found by; it must not change while
/// the value is in an index. Every call passes `values`, the array's current start.
template <typename T, typename KeyOf>
class NameIndex {
 public:
  /// Adds values[place] under its key; false (the value not added) when that key is present.
  bool emplace(uint32_t place, const T* values) {
    if ((count_ + 1) * 2 > slots_.size()) grow(slots_.empty() ? 16 : slots_.size() * 2, values);
    const std::string_view key = KeyOf{}(values[place]);
    const uint64_t h = hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.place == kEmpty) {
        s = {tag(h), place};
        ++count_;
        return true;
      }
      if (s.tag == tag(h) && equal(KeyOf{}(values[s.place]), key)) return false;
    }
  }

  /// Room for `count` keys without growing (a loader that knows how many comes saves the
  /// rehashing of every key at each doubling).
  void reserve(size_t count, const T* values) {
    if (slotsFor(count) > slots_.size()) grow(slotsFor(count), values);
  }
  /// The slots its keys need, fewer or more than now: for an index reserved by a guess.
  void fit(const T* values) {
    if (slotsFor(count_) != slots_.size()) grow(slotsFor(count_), values);
  }

  /// The value for `key`, or null.
  const T* find(std::string_view key, const T* values) const noexcept { return find(key, hash(key), values); }
  /// The same when the caller has hash(key) already (the query parser makes it on the way).
  const T* find(std::string_view key, uint64_t h, const T* values) const noexcept {
    if (slots_.empty()) return nullptr;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.place == kEmpty) return nullptr;
      if (s.tag == tag(h) && equal(KeyOf{}(values[s.place]), key)) return &values[s.place];
    }
  }

  bool contains(std::string_view key, const T* values) const noexcept { return find(key, values) != nullptr; }
  size_t size() const noexcept { return count_; }

  /// The slots of an index built over another array whose element i has the key this one's
  /// element i has (names gathered first, then the nodes made from them), as they are.
  template <typename U, typename K>
  static NameIndex takeOver(NameIndex<U, K>&& other) noexcept {
    NameIndex out;
    out.slots_ = std::move(other.slots_);
    out.mask_ = other.mask_;
    out.count_ = other.count_;
    other.mask_ = other.count_ = 0;
    return out;
  }

  /// The hash of every key: wire::NameHash, the one the query parser makes.
  static uint64_t hash(std::string_view key) noexcept { return wire::NameHash::of(key); }

 private:
  template <typename, typename>
  friend class NameIndex;

  static constexpr uint32_t kEmpty = detail::kEmptyPlace;
  using Slot = detail::NameSlot;
  static size_t slotsFor(size_t count) noexcept {
    size_t slots = 16;
    while ((count + 1) * 2 > slots) slots *= 2;
    return slots;
  }
  static uint32_t tag(uint64_t h) noexcept { return static_cast<uint32_t>(h >> 32); }

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

  // A slot keeps only the hash's upper half: growing hashes the keys again.
  void grow(size_t slots, const T* values) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.place == kEmpty) continue;
      const uint64_t h = hash(KeyOf{}(values[s.place]));
      size_t i = h & mask_;
      while (slots_[i].place != kEmpty) i = (i + 1) & mask_;
      slots_[i] = {tag(h), s.place};
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace lodestar::zones
