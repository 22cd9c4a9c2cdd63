// Presentation-format records and names to wire form, through ldns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lodestar::zones {

/// One record parsed from text; names in uncompressed wire form.
struct ParsedRecord {
  std::string owner;  // as written (case kept)
  uint16_t type = 0;
  uint16_t rrclass = 0;
  uint32_t ttl = 0;
  std::string rdata;
};

/// Parses "owner [ttl] [class] TYPE rdata" relative to `originWire`. On failure returns
/// nullopt and sets `error` to a message for the operator.
std::optional<ParsedRecord> parseRecordText(const std::string& text, uint32_t defaultTtl,
                                            std::string_view originWire, std::string& error);

/// The same through ldns alone: the reference the fast path (common_record_text.hpp) is held to.
std::optional<ParsedRecord> parseRecordTextByLdns(const std::string& text, uint32_t defaultTtl,
                                                  std::string_view originWire, std::string& error);

/// Parses a domain name: absolute when it ends in '.', "@" for the origin, otherwise
/// relative to `originWire`. Returns wire form (case kept), nullopt when invalid.
std::optional<std::string> parseNameText(std::string_view text, std::string_view originWire);

}  // namespace lodestar::zones
