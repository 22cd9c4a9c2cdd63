// Uncompressed wire names held in strings: case folding, suffixes, lengths, presentation
// form. For loaders, lookups and tools (the query parser has its own fixed buffers, name.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lodestar::wire {

/// ASCII lower case of one byte: DNS compares names case-insensitively in ASCII only.
inline constexpr uint8_t asciiLower(uint8_t c) noexcept { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }


/// ASCII-lowercased copy of an uncompressed wire name.
std::string lowercaseWire(std::string_view wire);

/// Offset of `suffix` inside `name` when `suffix` is a whole-label suffix of `name`;
/// -1 otherwise. Both are uncompressed wire names compared byte for byte.
int suffixOffset(std::string_view name, std::string_view suffix) noexcept;

inline bool isSubdomain(std::string_view name, std::string_view apex) noexcept {
  return suffixOffset(name, apex) >= 0;
}

/// The name without its first label; the root stays the root.
inline std::string_view parentName(std::string_view wire) noexcept {
  if (wire.empty() || wire[0] == 0) return wire;
  return wire.substr(1 + static_cast<unsigned char>(wire[0]));
}

/// Number of bytes taken by the uncompressed wire name at the start of `wire`
/// (0 when malformed).
size_t wireNameLength(std::string_view wire) noexcept;

/// Presentation form, "www.example.com." ("." for the root).
std::string nameToText(std::string_view wire);

}  // namespace lodestar::wire
