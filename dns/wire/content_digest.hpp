// A 64-bit FNV-1a digest of bytes, fed in pieces: enough to tell whether two nodes loaded
// the same files and geo database (not a defence against anyone forging a collision).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace lodestar::wire {

class ContentDigest {
 public:
  void add(const void* data, size_t size) noexcept {
    auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) value_ = (value_ ^ p[i]) * 0x100000001b3ull;
  }
  void add(std::string_view bytes) noexcept { add(bytes.data(), bytes.size()); }
  void add(uint64_t number) noexcept { add(&number, sizeof number); }
  uint64_t value() const noexcept { return value_; }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value_));
    return text;
  }

 private:
  uint64_t value_ = 0xcbf29ce484222325ull;
};

}  // namespace lodestar::wire
