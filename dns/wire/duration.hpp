// The one duration grammar of the product and its printer: "500ms", "30s", "1h30m", "2d", "1w".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lodestar::wire {

// Grammar (the config, the zone files, lodestarctl and the daemon all read it here):
//   duration := NUMBER | (NUMBER UNIT)+    units w d h m s ms, each at most once, largest first
// A bare number is seconds. Units are case-insensitive (1H == 1h, as in RFC 1035 zone files);
// no sign, no fraction, no spaces. Every reader prints the same error text for a mistake.

/// The longest duration anything but a TTL or an SOA timer accepts: intervals, timeouts,
/// maintenance windows (52 weeks; a drain meant to last longer is a plain drain).
inline constexpr std::chrono::milliseconds kLongestDuration = std::chrono::weeks(52);

struct DurationRange {
  std::chrono::milliseconds min{0};
  std::chrono::milliseconds max = kLongestDuration;
};

/// The value, or nullopt with `error` set to the message every reader shows (without the
/// key or flag it came from: the caller puts that in front).
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text, DurationRange range, std::string& error);

/// For values kept in whole seconds (TTLs, SOA timers, maintenance windows): the same grammar,
/// and "1500ms" is refused rather than rounded.
std::optional<uint64_t> parseSeconds(std::string_view text, uint64_t minSeconds, uint64_t maxSeconds,
                                     std::string& error);

/// The shortest text of the grammar for `d`: "1h30m", "500ms", "0s"; negative values get "-".
std::string formatDuration(std::chrono::milliseconds d);

}  // namespace lodestar::wire
