// Wire names in strings; label by label, never past the end.
#include "dns/wire/name_text.hpp"

namespace lodestar::wire {

std::string lowercaseWire(std::string_view wire) {
  std::string out(wire);
  size_t i = 0;
  while (i < out.size()) {
    auto len = static_cast<unsigned char>(out[i]);
    if (len == 0) break;
    for (size_t k = i + 1; k <= i + len && k < out.size(); ++k)
      out[k] = static_cast<char>(asciiLower(static_cast<uint8_t>(out[k])));
    i += 1 + len;
  }
  return out;
}

int suffixOffset(std::string_view name, std::string_view suffix) noexcept {
  if (suffix.size() > name.size()) return -1;
  size_t want = name.size() - suffix.size();
  size_t at = 0;
  // Walk label boundaries so that "xample.com" never matches inside "example.com".
  while (at < want) at += 1 + static_cast<unsigned char>(name[at]);
  if (at != want) return -1;
  return name.compare(at, suffix.size(), suffix) == 0 ? static_cast<int>(at) : -1;
}

size_t wireNameLength(std::string_view wire) noexcept {
  size_t i = 0;
  while (i < wire.size()) {
    auto len = static_cast<unsigned char>(wire[i]);
    if (len == 0) return i + 1;
    if (len > 63) return 0;
    i += 1 + len;
  }
  return 0;
}

std::string nameToText(std::string_view wire) {
  std::string out;
  size_t i = 0;
  while (i < wire.size()) {
    auto len = static_cast<unsigned char>(wire[i]);
    if (len == 0) break;
    for (size_t k = i + 1; k <= i + len && k < wire.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(wire[k]);
      if (c == '.' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c <= 32 || c >= 127) {
        char buf[5];
        buf[0] = '\\';
        buf[1] = static_cast<char>('0' + c / 100);
        buf[2] = static_cast<char>('0' + c / 10 % 10);
        buf[3] = static_cast<char>('0' + c % 10);
        buf[4] = 0;
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '.';
    i += 1 + len;
  }
  return out.empty() ? "." : out;
}

}  // namespace lodestar::wire
