// Reading a whole configuration or zone file: only regular files, never past a size limit,
// and every failure says why (missing, permission, symlink loop, a folder, a device).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace lodestar::yaml {

/// Largest zone policy (YAML) file: static records load ~5 times slower and in twice the
/// memory from YAML, so big static data belongs in an RFC 1035 include (docs/zone-policy.md).
inline constexpr size_t kMaxYamlFileBytes = 4u << 20;
/// Largest RFC 1035 zone file (an include), and the largest main configuration.
inline constexpr size_t kMaxZoneFileBytes = 512u << 20;

/// The file's bytes, or nullopt with `error` set ("cannot read: No such file or directory",
/// "is a folder, not a file", "is 9.1 MB; the limit for this kind of file is 8 MB", ...).
std::optional<std::string> readWholeFile(const std::string& path, size_t maxBytes, std::string& error);

}  // namespace lodestar::yaml
