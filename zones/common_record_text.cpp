// A fast path beside ldns: plain fields only, and anything unusual is ldns's to judge.
#include "zones/common_record_text.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "dns/wire/constants.hpp"

namespace lodestar::zones {

namespace {

// Splits off the next blank-separated field; empty at the end.
std::string_view nextField(std::string_view& rest) {
  size_t at = 0;
  while (at < rest.size() && (rest[at] == ' ' || rest[at] == '\t')) ++at;
  size_t end = at;
  while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t') ++end;
  std::string_view field = rest.substr(at, end - at);
  rest.remove_prefix(end);
  return field;
}

bool equalsUpper(std::string_view field, std::string_view upper) {
  if (field.size() != upper.size()) return false;
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != upper[i]) return false;
  }
  return true;
}

// Digits only, at most `max`: ldns reads these as plain numbers too.
bool plainNumber(std::string_view field, uint32_t max, uint32_t& out) {
  if (field.empty() || field.size() > 10) return false;
  uint64_t v = 0;
  for (char c : field) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

// Appends `text` (no escapes) as a wire name: "@" is the origin, a name without the final dot
// is relative to it. False for what ldns would refuse or read otherwise (empty labels, long
// labels or names).
bool appendName(std::string_view text, std::string_view origin, std::string& out) {
  const size_t start = out.size();
  if (text == "@") {
    out.append(origin);
    return true;
  }
  if (text == ".") {
    out.push_back('\0');
    return true;
  }
  const bool absolute = text.back() == '.';
  if (absolute) text.remove_suffix(1);
  while (true) {
    const size_t dot = text.find('.');
    const std::string_view label = text.substr(0, dot);
    // An "@" label is read by ldns as the origin in places ("@.example." in RDATA): ldns's.
    if (label.empty() || label.size() > 63 || label == "@") return false;
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  if (absolute) out.push_back('\0');
  else out.append(origin);
  return out.size() - start <= 255;
}

// A dotted quad exactly as inet_pton reads one (four numbers of at most 255, no leading
// zero), without its copy and call: a million A records spent a twentieth of their load there.
bool appendIpv4(std::string_view field, std::string& out) {
  unsigned char bytes[4];
  size_t i = 0;
  for (unsigned part = 0; part < 4; ++part) {
    if (part > 0 && (i >= field.size() || field[i++] != '.')) return false;
    const size_t start = i;
    unsigned value = 0;
    for (; i < field.size() && field[i] >= '0' && field[i] <= '9'; ++i) {
      value = value * 10 + static_cast<unsigned>(field[i] - '0');
      if (value > 255) return false;
    }
    if (i == start || (i - start > 1 && field[start] == '0')) return false;
    bytes[part] = static_cast<unsigned char>(value);
  }
  if (i != field.size()) return false;
  out.append(reinterpret_cast<const char*>(bytes), 4);
  return true;
}

bool appendAddress(int family, std::string_view field, std::string& out) {
  if (family == AF_INET) return appendIpv4(field, out);
  char text[INET6_ADDRSTRLEN];
  unsigned char bytes[16];
  if (field.size() >= sizeof text) return false;
  std::memcpy(text, field.data(), field.size());
  text[field.size()] = '\0';
  if (inet_pton(family, text, bytes) != 1) return false;
  out.append(reinterpret_cast<const char*>(bytes), family == AF_INET ? 4 : 16);
  return true;
}

// Only printable ASCII and blanks: escapes, quotes and other bytes are ldns's.
bool plainText(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"' || ((u <= ' ' || u >= 0x7f) && c != ' ' && c != '\t')) return false;
  }
  return true;
}

}  // namespace

bool parseCommonRecord(std::string_view text, uint32_t defaultTtl, std::string_view originWire, ParsedRecord& out) {
  // ldns puts its own default (3600) in place of a zero default TTL.
  if (defaultTtl == 0 || originWire.empty() || !plainText(text)) return false;
  std::string_view rest = text;
  const std::string_view owner = nextField(rest);
  if (owner.empty()) return false;
  out.owner.clear();
  if (!appendName(owner, originWire, out.owner)) return false;

  std::string_view field = nextField(rest);
  out.ttl = defaultTtl;
  if (!field.empty() && field[0] >= '0' && field[0] <= '9') {
    if (!plainNumber(field, wire::kMaxTtl, out.ttl)) return false;
    field = nextField(rest);
  }
  out.rrclass = wire::rrclass::IN;
  if (equalsUpper(field, "IN")) field = nextField(rest);

  out.rdata.clear();
  const std::string_view first = nextField(rest);
  if (first.empty()) return false;
  if (equalsUpper(field, "A")) {
    out.type = wire::rrtype::A;
    if (!appendAddress(AF_INET, first, out.rdata)) return false;
  } else if (equalsUpper(field, "AAAA")) {
    out.type = wire::rrtype::AAAA;
    if (!appendAddress(AF_INET6, first, out.rdata)) return false;
  } else if (equalsUpper(field, "NS") || equalsUpper(field, "CNAME") || equalsUpper(field, "PTR")) {
    out.type = field.size() == 2 ? wire::rrtype::NS : field.size() == 5 ? wire::rrtype::CNAME : wire::rrtype::PTR;
    if (!appendName(first, originWire, out.rdata)) return false;
  } else if (equalsUpper(field, "MX")) {
    out.type = wire::rrtype::MX;
    uint32_t preference = 0;
    if (!plainNumber(first, 65535, preference)) return false;
    out.rdata.push_back(static_cast<char>(preference >> 8));
    out.rdata.push_back(static_cast<char>(preference & 0xff));
    const std::string_view exchange = nextField(rest);
    if (exchange.empty() || !appendName(exchange, originWire, out.rdata)) return false;
  } else {
    return false;
  }
  return nextField(rest).empty();
}

}  // namespace lodestar::zones
