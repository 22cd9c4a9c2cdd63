// UTC times: the one printer (never a crash, whatever the number) and the one reader.
#include <catch2/catch.hpp>

#include <limits>

#include "dns/wire/utc_time.hpp"

using namespace lodestar::wire;

TEST_CASE("formatUtc prints RFC 3339 in whole seconds", "[wire][time]") {
  CHECK(formatUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(formatUtc(1796320900) == "2026-12-03T18:01:40Z");
  CHECK(formatUtc(951782400) == "2000-02-29T00:00:00Z");
  CHECK(formatUtc(-1) == "1969-12-31T23:59:59Z");
  CHECK(formatUtc(253402300799) == "9999-12-31T23:59:59Z");
}

TEST_CASE("formatUtc of a time gmtime cannot give, or past year 9999, says so instead of crashing",
          "[wire][time][regression]") {
  // 999999999999999h after now: what lodestarctl used to send; gmtime returned NULL for it.
  CHECK(formatUtc(3599999999999996400) == "unix time 3599999999999996400 (out of range)");
  CHECK(formatUtc(253402300800) == "unix time 253402300800 (out of range)");
  CHECK(formatUtc(std::numeric_limits<int64_t>::max()) == "unix time 9223372036854775807 (out of range)");
  CHECK(formatUtc(std::numeric_limits<int64_t>::min()) == "unix time -9223372036854775808 (out of range)");
}

TEST_CASE("formatUtcMillis adds the milliseconds for log lines", "[wire][time]") {
  CHECK(formatUtcMillis(1796320900123) == "2026-12-03T18:01:40.123Z");
  CHECK(formatUtcMillis(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(formatUtcMillis(std::numeric_limits<int64_t>::max()) == "unix time 9223372036854775 (out of range)");
}

TEST_CASE("parseUtc reads exactly what formatUtc prints", "[wire][time]") {
  std::string error;
  CHECK(parseUtc("2026-12-03T18:01:40Z", error) == 1796320900);
  CHECK(parseUtc("1970-01-01T00:00:00Z", error) == 0);
  CHECK(parseUtc("2024-02-29T12:00:00Z", error) == 1709208000);
  for (int64_t t : {int64_t(0), int64_t(1796320900), int64_t(-86401), int64_t(253402300799), int64_t(-62167219200)})
    CHECK(parseUtc(formatUtc(t), error) == t);
  CHECK(error.empty());
  for (const char* bad : {"", "2026-12-03", "2026-12-03 18:01:40Z", "2026-12-03T18:01:40", "2026-02-30T00:00:00Z",
                          "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-03T24:00:00Z", "2026-12-03T18:60:00Z",
                          "2026-12-03T18:01:60Z", "2026-12-03T18:01:40+01:00", "+2026-12-03T18:01:40Z"}) {
    INFO(bad);
    CHECK_FALSE(parseUtc(bad, error));
    CHECK(error == "expected a UTC time such as 2026-11-26T02:00:00Z, got '" + std::string(bad) + "'");
  }
}

TEST_CASE("parseWhen: now, +DURATION in the one grammar, or a UTC time", "[wire][time]") {
  std::string error;
  CHECK(parseWhen("now", 1000, error) == 1000);
  CHECK(parseWhen("+10m", 1000, error) == 1600);
  CHECK(parseWhen("+1h30m", 0, error) == 5400);
  CHECK(parseWhen("2026-12-03T18:01:40Z", 0, error) == 1796320900);
  CHECK(error.empty());
  CHECK_FALSE(parseWhen("+999999999999999h", 1000, error));
  CHECK(error == "999999999999999h is out of range [0s, 52w]");
  CHECK_FALSE(parseWhen("+10 minutes", 1000, error));
  CHECK(error == "expected a duration such as 500ms, 30s, 5m, 1h30m, 2d or 1w (a bare number is seconds), got '10 minutes'");
  CHECK_FALSE(parseWhen("tomorrow", 1000, error));
  CHECK(error == "expected now, +DURATION (e.g. +10m) or a UTC time such as 2026-11-26T02:00:00Z, got 'tomorrow'");
}
