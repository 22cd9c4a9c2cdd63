// Wire-name reading (RFC 1035 4.1.4 compression) and comparison helpers.
#include "dns/wire/name.hpp"

#include <cstring>

#include "dns/wire/name_hash.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::wire {

namespace {
using Index = NameHash;  // the view's name index hashes with it too


// ASCII lowercase of eight bytes at once. Label length bytes (0..63) are never letters, so
// a whole wire name can go through it.
inline uint64_t lowerEight(uint64_t x) noexcept {
  constexpr uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  const uint64_t low7 = x & ~high;
  const uint64_t aboveZ = low7 + (0x7F - 'Z') * ones;  // high bit set where byte > 'Z'
  const uint64_t atLeastA = low7 + (0x80 - 'A') * ones;  // high bit set where byte >= 'A'
  const uint64_t upper = (atLeastA ^ aboveZ) & ~x & high;
  return x | (upper >> 2);
}
}  // namespace

bool readName(Reader& reader, WireName& out) noexcept {
  const uint8_t* data = reader.data();
  const size_t size = reader.size();
  size_t pos = reader.position();
  size_t resumeAt = 0;  // where the reader continues after the first pointer
  bool jumped = false;
  size_t written = 0;

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
    pos += 1 + len;
  }
  out.length = static_cast<uint8_t>(written);
  size_t end = jumped ? resumeAt : pos + 1;
  return reader.skip(end - reader.position());
}

bool readNameLowered(Reader& reader, WireName& out, WireName& lower, uint64_t& lowerHash) noexcept {
  const uint8_t* data = reader.data();
  const size_t size = reader.size();
  const size_t start = reader.position();
  size_t pos = start;
  // First the structure, from the length bytes alone. The final zero must lie inside the
  // packet and within 255 bytes of the start: one bound covers both.
  const size_t limit = size < start + kMaxNameLength ? size : start + kMaxNameLength;
  for (;;) {
    if (pos >= limit) return false;
    const uint8_t len = data[pos];
    if (len & 0xC0) {
      // A pointer (or a bad label type): the general path decides.
      if (!readName(reader, out)) return false;
      lowercaseName(out, lower);
      lowerHash = Index::of(lower.view());
      return true;
    }
    if (len == 0) break;
    pos += 1 + len;
  }
  // Then the bytes, a word at a time: one copy as sent, one lowercased. The last word
  // overlaps the one before rather than reading past the name (lowering twice is harmless).
  const size_t length = pos + 1 - start;
  const uint8_t* from = data + start;
  uint64_t h = Index::seed(length);
  auto copyWord = [&](size_t at) {
    uint64_t word;
    std::memcpy(&word, from + at, 8);
    std::memcpy(out.bytes + at, &word, 8);
    word = lowerEight(word);
    std::memcpy(lower.bytes + at, &word, 8);
    h = Index::absorb(h, word);
  };
  if (length >= 8) {
    for (size_t i = 0; i + 8 < length; i += 8) copyWord(i);
    copyWord(length - 8);  // the same words, in the same order, as NameHash::of reads
    h = Index::finish(h);
  } else {
    for (size_t i = 0; i < length; ++i) {
      out.bytes[i] = from[i];
      lower.bytes[i] = asciiLower(from[i]);
    }
    h = Index::of({reinterpret_cast<const char*>(lower.bytes), length});
  }
  lowerHash = h;
  out.length = lower.length = static_cast<uint8_t>(length);
  return reader.skip(length);
}

bool skipName(Reader& reader) noexcept {
  WireName scratch;
  return readName(reader, scratch);
}

void lowercaseName(const WireName& in, WireName& out) noexcept {
  out.length = in.length;
  size_t i = 0;
  while (i < in.length) {
    uint8_t len = in.bytes[i];
    out.bytes[i++] = len;
    for (uint8_t k = 0; k < len; ++k, ++i) out.bytes[i] = asciiLower(in.bytes[i]);
    if (len == 0) break;
  }
}


}  // namespace lodestar::wire
