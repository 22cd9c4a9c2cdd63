// A bounds-checked cursor over untrusted bytes: every read checks, none throws.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lodestar::wire {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) noexcept : data_(data), size_(size) {}

  size_t position() const noexcept { return pos_; }
  size_t remaining() const noexcept { return size_ - pos_; }
  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  const uint8_t* current() const noexcept { return data_ + pos_; }

  bool u16(uint16_t& out) noexcept {
    if (remaining() < 2) return false;
    out = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool skip(size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace lodestar::wire
