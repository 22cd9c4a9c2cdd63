// The one duration grammar and its printer: every unit, combinations, and every way to get it wrong.
#include <catch2/catch.hpp>

#include <limits>
#include <random>

#include "dns/wire/constants.hpp"
#include "dns/wire/duration.hpp"

using namespace lodestar::wire;
using std::chrono::milliseconds;

namespace {

std::optional<int64_t> ms(std::string_view text, DurationRange range = {}) {
  std::string error;
  auto d = parseDuration(text, range, error);
  if (!d) return std::nullopt;
  CHECK(error.empty());
  return d->count();
}

std::string errorOf(std::string_view text, DurationRange range = {}) {
  std::string error;
  CHECK_FALSE(parseDuration(text, range, error));
  return error;
}

const std::string kSyntax = "expected a duration such as 500ms, 30s, 5m, 1h30m, 2d or 1w (a bare number is seconds), got ";

}  // namespace

TEST_CASE("durations: each unit, and a bare number is seconds", "[wire][duration]") {
  CHECK(ms("250ms") == 250);
  CHECK(ms("30s") == 30'000);
  CHECK(ms("30") == 30'000);
  CHECK(ms("5m") == 300'000);
  CHECK(ms("2h") == 7'200'000);
  CHECK(ms("3d") == 259'200'000);
  CHECK(ms("1w") == 604'800'000);
}

TEST_CASE("durations: groups combine, largest unit first, each once", "[wire][duration]") {
  CHECK(ms("1h30m") == 5'400'000);
  CHECK(ms("1w2d3h4m5s6ms") == 604'800'000 + 2 * 86'400'000 + 3 * 3'600'000 + 4 * 60'000 + 5'000 + 6);
  CHECK(ms("1m500ms") == 60'500);
  CHECK(errorOf("30m1h") == kSyntax + "'30m1h'");  // out of order
  CHECK(errorOf("1m1m") == kSyntax + "'1m1m'");    // twice
  CHECK(errorOf("1h30") == kSyntax + "'1h30'");    // a bare number only alone
}

TEST_CASE("durations: zero, leading zeros and upper-case units", "[wire][duration]") {
  CHECK(ms("0") == 0);
  CHECK(ms("0s") == 0);
  CHECK(ms("0ms") == 0);
  CHECK(ms("007s") == 7'000);
  // Case-insensitive, as RFC 1035 zone files write them: M is minutes, never months.
  CHECK(ms("1H") == 3'600'000);
  CHECK(ms("1H30M") == 5'400'000);
  CHECK(ms("500MS") == 500);
  CHECK(ms("2W") == 1'209'600'000);
}

TEST_CASE("durations: garbage, signs, fractions, spaces and empty text are one error", "[wire][duration]") {
  for (const char* bad : {"", "s", "ms", "h1", "-5s", "+5s", "1.5h", "5 s", " 5s", "5s ", "5\t", "forever", "5sec",
                          "5y", "5x", "1h 30m", "0x10", "1e3", "5mss", "5μs"}) {
    INFO(bad);
    CHECK(errorOf(bad) == kSyntax + "'" + bad + "'");
  }
}

TEST_CASE("durations: out of range, overflow in any unit, is an error and never wraps", "[wire][duration]") {
  CHECK(ms("52w") == std::chrono::duration_cast<milliseconds>(std::chrono::weeks(52)).count());
  CHECK(errorOf("52w1ms") == "52w1ms is out of range [0s, 52w]");
  // Past the maximum, or past 64 bits somewhere between the digits, the product and the sum.
  for (const char* huge : {"999999999999999h", "18446744073709551616ms", "18446744073709551615s",
                           "99999999999999999999999999w", "30500w", "1w18446744073709551615ms"}) {
    INFO(huge);
    CHECK(errorOf(huge) == std::string(huge) + " is out of range [0s, 52w]");
  }
  // Garbage after an overflowing number is still garbage.
  CHECK(errorOf("99999999999999999999999x") == kSyntax + "'99999999999999999999999x'");
  CHECK(errorOf("50ms", {milliseconds(100)}) == "50ms is out of range [100ms, 52w]");
  CHECK(errorOf("11m", {std::chrono::seconds(2), std::chrono::minutes(10)}) == "11m is out of range [2s, 10m]");
  CHECK(ms("10m", {std::chrono::seconds(2), std::chrono::minutes(10)}) == 600'000);
}

TEST_CASE("seconds: the same grammar in whole seconds, bounded as TTLs are", "[wire][duration]") {
  std::string error;
  CHECK(parseSeconds("30s", 0, kMaxTtl, error) == 30u);
  CHECK(parseSeconds("30", 0, kMaxTtl, error) == 30u);
  CHECK(parseSeconds("1h30m", 0, kMaxTtl, error) == 5400u);
  CHECK(parseSeconds("2000ms", 0, kMaxTtl, error) == 2u);
  CHECK(parseSeconds("2147483647", 0, kMaxTtl, error) == 2147483647u);
  CHECK(error.empty());
  CHECK_FALSE(parseSeconds("1500ms", 0, kMaxTtl, error));
  CHECK(error == "1500ms is not a whole number of seconds");
  // RFC 2181 section 8: a TTL is at most 2^31 - 1 seconds.
  CHECK_FALSE(parseSeconds("2147483648", 0, kMaxTtl, error));
  CHECK(error == "2147483648 is out of range [0s, 2147483647s]");
  CHECK_FALSE(parseSeconds("999999999999999h", 1, 52 * 7 * 86400, error));
  CHECK(error == "999999999999999h is out of range [1s, 52w]");
  CHECK_FALSE(parseSeconds("0", 1, 60, error));
  CHECK(error == "0 is out of range [1s, 1m]");
  CHECK_FALSE(parseSeconds("soon", 0, 60, error));
  CHECK(error == kSyntax + "'soon'");
}

TEST_CASE("formatDuration prints the shortest text the grammar reads back", "[wire][duration]") {
  CHECK(formatDuration(milliseconds(0)) == "0s");
  CHECK(formatDuration(milliseconds(500)) == "500ms");
  CHECK(formatDuration(milliseconds(1500)) == "1s500ms");
  CHECK(formatDuration(std::chrono::minutes(90)) == "1h30m");
  CHECK(formatDuration(std::chrono::hours(24 * 9)) == "1w2d");
  CHECK(formatDuration(std::chrono::weeks(52)) == "52w");
  CHECK(formatDuration(milliseconds(-30'000)) == "-30s");
  CHECK(formatDuration(milliseconds(std::numeric_limits<int64_t>::min())) == "-15250284452w3d7h12m55s808ms");
  for (int64_t v : {int64_t(1), int64_t(999), int64_t(61'001), int64_t(604'800'000) * 52 - 1}) {
    std::string error;
    auto back = parseDuration(formatDuration(milliseconds(v)), {}, error);
    INFO(v << " " << error);
    CHECK(back == milliseconds(v));
  }
}

TEST_CASE("durations: printed values read back, and random text never crashes the reader", "[wire][duration]") {
  std::mt19937_64 random(24);
  const auto longest = static_cast<uint64_t>(kLongestDuration.count());
  for (int i = 0; i < 20'000; ++i) {
    const auto v = milliseconds(static_cast<int64_t>(random() % (longest + 1)));
    std::string error;
    CHECK(parseDuration(formatDuration(v), {}, error) == v);
  }
  const std::string alphabet = "0123456789wdhmsMSH -+.x";
  for (int i = 0; i < 20'000; ++i) {
    std::string text(random() % 24, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    std::string error;
    auto d = parseDuration(text, {}, error);
    CHECK((d.has_value() ? error.empty() : !error.empty()));
    if (d) CHECK(*d <= kLongestDuration);
  }
}
