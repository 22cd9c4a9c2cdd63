// Name compression for the writer (RFC 1035 4.1.4), bounded in time and table size.
#include "dns/wire/writer.hpp"

#include "dns/wire/name_text.hpp"

namespace lodestar::wire {

// Does the name in the message at `offset` equal wire[from..] (case-insensitively)?
bool Writer::matchesAt(size_t offset, std::string_view wire, size_t from) const noexcept {
  size_t hops = 0;
  for (;;) {
    if (offset >= pos_) return false;
    uint8_t len = buf_[offset];
    if ((len & 0xC0) == 0xC0) {
      if (offset + 1 >= pos_ || ++hops > 64) return false;
      offset = size_t(len & 0x3F) << 8 | buf_[offset + 1];
      continue;
    }
    if (from >= wire.size() || static_cast<uint8_t>(wire[from]) != len) return false;
    if (len == 0) return true;
    if (offset + 1 + len > pos_) return false;
    for (uint8_t i = 1; i <= len; ++i)
      if (asciiLower(buf_[offset + i]) != asciiLower(static_cast<uint8_t>(wire[from + i]))) return false;
    offset += 1 + len;
    from += 1 + len;
  }
}

void Writer::rememberName(size_t offset) noexcept {
  // Every label start of the name becomes a compression target of its own.
  while (offset < pos_ && nameCount_ < kMaxNames && offset < 0x3FFF) {
    uint8_t len = buf_[offset];
    if (len == 0 || (len & 0xC0)) return;
    names_[nameCount_++] = static_cast<uint16_t>(offset);
    offset += 1 + len;
  }
}

void Writer::name(std::string_view wire) noexcept {
  for (; pendingDone_ < pendingEnd_; ++pendingDone_) rememberName(pending_[pendingDone_]);
  size_t start = pos_;
  size_t from = 0;
  while (from < wire.size()) {
    uint8_t len = static_cast<uint8_t>(wire[from]);
    if (len == 0) {
      u8(0);
      break;
    }
    for (unsigned i = 0; i < nameCount_; ++i) {
      if (matchesAt(names_[i], wire, from)) {
        pointer(names_[i]);
        if (!overflow_) rememberName(start);
        return;
      }
    }
    bytes(wire.data() + from, 1 + len);
    from += 1 + len;
  }
  if (!overflow_) rememberName(start);
}

}  // namespace lodestar::wire
