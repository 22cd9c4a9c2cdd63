// UTC times printed through gmtime_r with its failure checked, and read without the C library's
// normalising (timegm would take February 31st).
#include "dns/wire/utc_time.hpp"

#include <cstdio>
#include <ctime>

#include "dns/wire/duration.hpp"

namespace lodestar::wire {

namespace {

// The calendar fields of a time, or false when gmtime cannot give them in years 0..9999.
bool calendar(int64_t unixSeconds, std::tm& out) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  if (static_cast<int64_t>(t) != unixSeconds || gmtime_r(&t, &out) == nullptr) return false;
  return out.tm_year >= -1900 && out.tm_year <= 9999 - 1900;
}

std::string outOfRange(int64_t unixSeconds) { return "unix time " + std::to_string(unixSeconds) + " (out of range)"; }

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), by counting 400-year eras.
int64_t daysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yearOfEra = year - era * 400;
  const int64_t dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

int daysInMonth(int64_t year, int64_t month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string formatUtc(int64_t unixSeconds) {
  std::tm t{};
  if (!calendar(unixSeconds, t)) return outOfRange(unixSeconds);
  char text[96];  // room for any int the format could print (GCC checks it)
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec);
  return text;
}

std::string formatUtcMillis(int64_t unixMillis) {
  // Floor division, so a time before 1970 keeps its milliseconds positive.
  int64_t seconds = unixMillis / 1000, ms = unixMillis % 1000;
  if (ms < 0) {
    ms += 1000;
    --seconds;
  }
  std::tm t{};
  if (!calendar(seconds, t)) return outOfRange(seconds);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(ms));
  return text;
}

std::optional<int64_t> parseUtc(std::string_view text, std::string& error) {
  static constexpr std::string_view kForm = "dddd-dd-ddTdd:dd:ddZ";
  bool ok = text.size() == kForm.size();
  for (size_t i = 0; ok && i < kForm.size(); ++i)
    ok = kForm[i] == 'd' ? text[i] >= '0' && text[i] <= '9' : text[i] == kForm[i];
  auto number = [&](size_t at, size_t digits) {
    int64_t v = 0;
    for (size_t i = at; i < at + digits; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  if (ok) {
    const int64_t year = number(0, 4), month = number(5, 2), day = number(8, 2);
    const int64_t hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour < 24 && minute < 60 &&
        second < 60)
      return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  }
  error = "expected a UTC time such as 2026-11-26T02:00:00Z, got '" + std::string(text) + "'";
  return std::nullopt;
}

std::optional<int64_t> parseWhen(std::string_view text, int64_t now, std::string& error) {
  if (text == "now") return now;
  if (!text.empty() && text[0] == '+') {
    auto ahead = parseSeconds(text.substr(1), 0, kLongestDuration.count() / 1000, error);
    if (!ahead) return std::nullopt;
    return now + static_cast<int64_t>(*ahead);
  }
  auto t = parseUtc(text, error);
  if (!t) error = "expected now, +DURATION (e.g. +10m) or a UTC time such as 2026-11-26T02:00:00Z, got '" +
                  std::string(text) + "'";
  return t;
}

}  // namespace lodestar::wire
