// The answer writer: bounds-checked appends, name compression, room reserved for trailers.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dns/wire/constants.hpp"

namespace lodestar::wire {

class Writer {
 public:
  /// Writes into `buffer` of `capacity` bytes; nothing past `limit` bytes except through
  /// `releaseReserve` (the OPT record, which must always fit).
  Writer(uint8_t* buffer, size_t capacity) noexcept : buf_(buffer), capacity_(capacity), limit_(capacity) {}

  size_t size() const noexcept { return pos_; }
  const uint8_t* data() const noexcept { return buf_; }
  bool overflowed() const noexcept { return overflow_; }

  /// Keeps `bytes` at the end for a trailer written later; limits every other write.
  void setLimit(size_t limit) noexcept { limit_ = limit < capacity_ ? limit : capacity_; }
  void reserve(size_t bytes) noexcept { reserved_ = bytes; }
  /// Gives the reserved room back, right before the trailer is written.
  void releaseReserve() noexcept { reserved_ = 0; }

  struct Mark {
    size_t pos;
    unsigned names;
    uint8_t pendingDone, pendingEnd;
  };
  /// A point to come back to when a record does not fit (truncation at record bounds).
  Mark mark() const noexcept { return {pos_, nameCount_, pendingDone_, pendingEnd_}; }
  void rollback(Mark m) noexcept {
    pos_ = m.pos;
    nameCount_ = m.names;
    pendingDone_ = m.pendingDone;
    pendingEnd_ = m.pendingEnd;
    overflow_ = false;
  }

  void u8(uint8_t v) noexcept {
    if (room(1)) buf_[pos_++] = v;
  }
  void u16(uint16_t v) noexcept {
    if (room(2)) {
      put16(buf_ + pos_, v);
      pos_ += 2;
    }
  }
  void bytes(const void* p, size_t n) noexcept {
    if (room(n)) {
      std::memcpy(buf_ + pos_, p, n);
      pos_ += n;
    }
  }
  void bytes(std::string_view s) noexcept { bytes(s.data(), s.size()); }

  /// Room for `n` bytes that the caller fills through the returned pointer (put16/put32):
  /// one bounds check for a run of fixed-size fields. Null, and overflowed, when they do
  /// not fit.
  uint8_t* claim(size_t n) noexcept {
    uint8_t* p = tryClaim(n);
    if (!p) overflow_ = true;
    return p;
  }
  /// claim() for a caller with a slower way ready: null when `n` bytes do not fit, and the
  /// writer not marked overflowed.
  uint8_t* tryClaim(size_t n) noexcept {
    if (!fits(n)) return nullptr;
    uint8_t* p = buf_ + pos_;
    pos_ += n;
    return p;
  }
  // One byte-swapped store each, not a store per byte.
  static uint8_t* put16(uint8_t* p, uint16_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap16(v);
    std::memcpy(p, &v, 2);
    return p + 2;
  }
  static uint8_t* put32(uint8_t* p, uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
    return p + 4;
  }
  /// Overwrites two bytes already written (counts, RDLENGTH).
  void patch16(size_t at, uint16_t v) noexcept { put16(buf_ + at, v); }
  void pointer(size_t offset) noexcept { u16(static_cast<uint16_t>(0xC000 | offset)); }

  /// Writes an uncompressed wire name, replacing its longest suffix already in the
  /// message with a pointer, and remembers it for later names.
  void name(std::string_view wire) noexcept;
  /// Makes the name already written at `offset` (e.g. the question) a compression target.
  void rememberName(size_t offset) noexcept;
  /// rememberName(offset) when a later name() first needs it: most answers never compress
  /// a name. Past kMaxPending such names the rest are not compression targets.
  void rememberNameLater(size_t offset) noexcept {
    if (pendingEnd_ < kMaxPending) pending_[pendingEnd_++] = static_cast<uint16_t>(offset);
  }

 private:
  bool fits(size_t n) const noexcept { return !overflow_ && pos_ + n + reserved_ <= limit_; }
  bool room(size_t n) noexcept {
    if (fits(n)) return true;
    overflow_ = true;
    return false;
  }
  bool matchesAt(size_t offset, std::string_view wire, size_t from) const noexcept;

  static constexpr unsigned kMaxNames = 48;
  static constexpr uint8_t kMaxPending = 8;
  uint8_t* buf_;
  size_t capacity_;
  size_t limit_;
  size_t reserved_ = 0;
  size_t pos_ = 0;
  bool overflow_ = false;
  uint16_t names_[kMaxNames];  // offsets of names written, for compression
  unsigned nameCount_ = 0;
  // Names to remember before the next name(): [pendingDone_, pendingEnd_). Only appended to,
  // so that a rollback to a mark finds the entries it had.
  uint16_t pending_[kMaxPending];
  uint8_t pendingDone_ = 0;
  uint8_t pendingEnd_ = 0;
};

}  // namespace lodestar::wire
