// The one printer and reader of UTC times: "2026-12-03T18:01:40Z" (RFC 3339, whole seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lodestar::wire {

/// "2026-12-03T18:01:40Z". A time whose year is outside 0..9999 (gmtime cannot say, or the
/// form cannot hold it) prints as "unix time N (out of range)": never a crash.
std::string formatUtc(int64_t unixSeconds);

/// With milliseconds, for log lines: "2026-12-03T18:01:40.123Z".
std::string formatUtcMillis(int64_t unixMillis);

/// Exactly the form formatUtc prints; nullopt with `error` set on anything else.
std::optional<int64_t> parseUtc(std::string_view text, std::string& error);

/// A moment as an operator writes it: "now", "+DURATION" after `now` (the duration grammar,
/// at most kLongestDuration ahead) or a UTC time as parseUtc reads it.
std::optional<int64_t> parseWhen(std::string_view text, int64_t now, std::string& error);

}  // namespace lodestar::wire
