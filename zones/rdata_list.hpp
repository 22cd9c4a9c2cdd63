// The records' data of one RRset, packed one after another in the zone's arena, each after
// its 16-bit length: 2 bytes a record beside its data, where a view into the loader's buffer
// cost 16 (a million A records: 6 MB, not 20). Read in order; RDATA is at most 65,535 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "zones/arena.hpp"

namespace lodestar::zones {

class RdataList {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;

    Iterator() = default;
    explicit Iterator(const unsigned char* at) noexcept : at_(at) {}
    std::string_view operator*() const noexcept {
      return {reinterpret_cast<const char*>(at_) + 2, length()};
    }
    Iterator& operator++() noexcept {
      at_ += 2 + length();
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator was = *this;
      ++*this;
      return was;
    }
    bool operator==(const Iterator& o) const noexcept { return at_ == o.at_; }
    bool operator!=(const Iterator& o) const noexcept { return at_ != o.at_; }

   private:
    size_t length() const noexcept { return static_cast<size_t>(at_[0]) << 8 | at_[1]; }
    const unsigned char* at_ = nullptr;
  };

  /// Each of `rdata` copied into `arena`, in order. Each must be at most 65,535 bytes (as
  /// RDATA is; ZoneBuilder::add refuses longer): a longer one would be cut.
  template <typename Range>
  static RdataList pack(const Range& rdata, Arena& arena) {
    RdataList out;
    size_t bytes = 0;
    for (std::string_view rd : rdata) bytes += 2 + rd.size();
    if (bytes == 0) return out;
    unsigned char* at = arena.claimBytes(bytes);
    out.first_ = at;
    for (std::string_view rd : rdata) {
      at[0] = static_cast<unsigned char>(rd.size() >> 8);
      at[1] = static_cast<unsigned char>(rd.size() & 0xFF);
      if (!rd.empty()) std::memcpy(at + 2, rd.data(), rd.size());
      at += 2 + rd.size();
      ++out.count_;
    }
    out.bytes_ = static_cast<uint32_t>(bytes);
    return out;
  }

  Iterator begin() const noexcept { return Iterator(first_); }
  Iterator end() const noexcept { return Iterator(first_ + bytes_); }
  size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  std::string_view front() const noexcept { return *begin(); }
  /// The i-th record's data: a walk from the first (for checks and tests, not the answer path).
  std::string_view operator[](size_t i) const noexcept {
    Iterator it = begin();
    while (i--) ++it;
    return *it;
  }

 private:
  const unsigned char* first_ = nullptr;
  uint32_t count_ = 0;
  uint32_t bytes_ = 0;
};

}  // namespace lodestar::zones
