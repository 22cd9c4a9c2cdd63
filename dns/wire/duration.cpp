// The duration grammar: one scan with overflow checks, one range check, one error text.
#include "dns/wire/duration.hpp"

#include <algorithm>
#include <limits>

namespace lodestar::wire {

namespace {

struct Unit {
  std::string_view name;
  uint64_t ms;
};
// Largest first: the order a duration's groups must follow.
constexpr Unit kUnits[] = {{"w", 604'800'000}, {"d", 86'400'000}, {"h", 3'600'000},
                           {"m", 60'000},      {"s", 1'000},      {"ms", 1}};
constexpr size_t kSecondsUnit = 4;

enum class Scan { Ok, Syntax, TooLong };

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::optional<size_t> unitIndex(std::string_view text) {
  if (text.size() > 2) return std::nullopt;
  char name[2];
  for (size_t i = 0; i < text.size(); ++i) name[i] = lower(text[i]);
  for (size_t i = 0; i < std::size(kUnits); ++i)
    if (kUnits[i].name == std::string_view(name, text.size())) return i;
  return std::nullopt;
}

// Scans the whole text even past an overflow, so garbage is reported as garbage.
Scan scan(std::string_view text, uint64_t& totalMs) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (text.empty()) return Scan::Syntax;
  uint64_t total = 0;
  bool tooLong = false;
  std::optional<size_t> previous;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    uint64_t v = 0;
    for (; i < text.size() && isDigit(text[i]); ++i) {
      const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
      if (v > (kMax - digit) / 10) tooLong = true;
      else v = v * 10 + digit;
    }
    if (i == start) return Scan::Syntax;
    const size_t unitStart = i;
    while (i < text.size() && isLetter(text[i])) ++i;
    std::optional<size_t> unit;
    if (unitStart == i) {
      if (start != 0 || i != text.size()) return Scan::Syntax;  // "1h30" is ambiguous
      unit = kSecondsUnit;
    } else {
      unit = unitIndex(text.substr(unitStart, i - unitStart));
      if (!unit || (previous && *unit <= *previous)) return Scan::Syntax;
    }
    previous = unit;
    const uint64_t scale = kUnits[*unit].ms;
    if (v > kMax / scale || total > kMax - v * scale) tooLong = true;
    else total += v * scale;
  }
  totalMs = total;
  return tooLong ? Scan::TooLong : Scan::Ok;
}

std::string syntaxError(std::string_view text) {
  return "expected a duration such as 500ms, 30s, 5m, 1h30m, 2d or 1w (a bare number is seconds), got '" +
         std::string(text) + "'";
}

// A bound as a person reads it: "52w", "100ms", but "2147483647s" rather than "3550w3d3h14m7s".
std::string boundText(uint64_t ms) {
  std::string text = formatDuration(std::chrono::milliseconds(static_cast<int64_t>(ms)));
  size_t groups = 0;
  for (size_t i = 0; i < text.size(); ++i)
    if (isLetter(text[i]) && (i + 1 == text.size() || !isLetter(text[i + 1]))) ++groups;
  if (groups > 2 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return text;
}

std::string rangeError(std::string_view text, uint64_t minMs, uint64_t maxMs) {
  return std::string(text) + " is out of range [" + boundText(minMs) + ", " + boundText(maxMs) + "]";
}

std::optional<uint64_t> parseMs(std::string_view text, uint64_t minMs, uint64_t maxMs, std::string& error) {
  uint64_t total = 0;
  const Scan s = scan(text, total);
  if (s == Scan::Syntax) {
    error = syntaxError(text);
    return std::nullopt;
  }
  if (s == Scan::TooLong || total < minMs || total > maxMs) {
    error = rangeError(text, minMs, maxMs);
    return std::nullopt;
  }
  return total;
}

uint64_t nonNegative(std::chrono::milliseconds d) { return d.count() < 0 ? 0 : static_cast<uint64_t>(d.count()); }

}  // namespace

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text, DurationRange range, std::string& error) {
  auto ms = parseMs(text, nonNegative(range.min), nonNegative(range.max), error);
  if (!ms) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(*ms));
}

std::optional<uint64_t> parseSeconds(std::string_view text, uint64_t minSeconds, uint64_t maxSeconds,
                                     std::string& error) {
  // Bounds beyond what milliseconds can hold are clamped: no TTL or window comes near them.
  constexpr uint64_t kCap = std::numeric_limits<uint64_t>::max() / 1000;
  auto ms = parseMs(text, std::min(minSeconds, kCap) * 1000, std::min(maxSeconds, kCap) * 1000, error);
  if (!ms) return std::nullopt;
  if (*ms % 1000 != 0) {
    error = std::string(text) + " is not a whole number of seconds";
    return std::nullopt;
  }
  return *ms / 1000;
}

std::string formatDuration(std::chrono::milliseconds d) {
  const int64_t count = d.count();
  // The magnitude in unsigned arithmetic, so the most negative value has one too.
  uint64_t left = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  if (left == 0) return "0s";
  std::string out = count < 0 ? "-" : "";
  for (const Unit& u : kUnits) {
    if (left < u.ms) continue;
    out += std::to_string(left / u.ms);
    out += u.name;
    left %= u.ms;
  }
  return out;
}

}  // namespace lodestar::wire
