// Wire-name reading (RFC 1035 4.1.4 compression) and comparison helpers.
#include "dns/wire/name.hpp"

#include <cstring>

namespace lodestar::dns {

namespace {
inline uint8_t asciiLower(uint8_t c) noexcept { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
}  // namespace

bool readName(Reader& reader, WireName& out) noexcept {
  const uint8_t* data = reader.data();
  const size_t size = reader.size();
  size_t pos = reader.position();
  size_t resumeAt = 0;  // where the reader continues after the first pointer
  bool jumped = false;
  size_t written = 0;
  uint8_t labels = 0;

  for (;;) {
    if (pos >= size) return false;
    uint8_t len = data[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= size) return false;
      size_t target = size_t(len & 0x3F) << 8 | data[pos + 1];
      // Strictly backwards from this pointer: terminates and forbids loops.
      if (target >= pos) return false;
      if (!jumped) resumeAt = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if (len & 0xC0) return false;  // 0x40 / 0x80: extended or reserved label types
    if (written + 1 + len > kMaxNameLength) return false;
    if (pos + 1 + len > size) return false;
    out.bytes[written++] = len;
    if (len == 0) break;
    std::memcpy(out.bytes + written, data + pos + 1, len);
    written += len;
    ++labels;
    pos += 1 + len;
  }
  out.length = static_cast<uint8_t>(written);
  out.labels = labels;
  size_t end = jumped ? resumeAt : pos + 1;
  return reader.skip(end - reader.position());
}

bool skipName(Reader& reader) noexcept {
  WireName scratch;
  return readName(reader, scratch);
}

void lowercaseName(const WireName& in, WireName& out) noexcept {
  out.length = in.length;
  out.labels = in.labels;
  size_t i = 0;
  while (i < in.length) {
    uint8_t len = in.bytes[i];
    out.bytes[i++] = len;
    for (uint8_t k = 0; k < len; ++k, ++i) out.bytes[i] = asciiLower(in.bytes[i]);
    if (len == 0) break;
  }
}


}  // namespace lodestar::dns
