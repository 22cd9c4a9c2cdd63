// Domain names in wire form: reading with decompression, lowercasing, suffix tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dns/wire/constants.hpp"
#include "dns/wire/reader.hpp"

namespace lodestar::wire {

/// An uncompressed wire name held in place (no heap): labels with length bytes, ending in 0.
/// Nothing is initialised: readName() and friends fill it (no stores for a name never read).
struct WireName {
  uint8_t bytes[kMaxNameLength];
  uint8_t length;  // including the final zero byte

  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(bytes), length}; }
};

/// Reads a possibly compressed name at the reader's position into `out`, advancing the
/// reader past it. Pointers must point strictly backwards, which rules out loops.
/// Returns false on any malformed name (bad label type, overlong, out of bounds).
bool readName(Reader& reader, WireName& out) noexcept;

/// readName() and lowercaseName() in one pass for the usual uncompressed name (the
/// question's): `out` as sent, `lower` lowercased, `lowerHash` the NameHash of
/// `lower` (for the view's name lookup, made while the words pass by).
bool readNameLowered(Reader& reader, WireName& out, WireName& lower, uint64_t& lowerHash) noexcept;

/// Skips a possibly compressed name without copying it.
bool skipName(Reader& reader) noexcept;

/// ASCII lowercase copy of an uncompressed wire name (length bytes are left alone).
void lowercaseName(const WireName& in, WireName& out) noexcept;


/// Offset of the label after the first one (the parent name); -1 for the root.
inline int parentOffset(std::string_view name, size_t at) noexcept {
  if (at >= name.size() || name[at] == 0) return -1;
  return static_cast<int>(at + 1 + static_cast<uint8_t>(name[at]));
}

}  // namespace lodestar::wire
