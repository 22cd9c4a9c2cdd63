// The records most zone files are made of (A, AAAA, NS, CNAME, PTR, MX), parsed from
// presentation form without ldns and without a heap allocation beyond the result's strings:
// a big zone file is mostly these, and ldns costs ~11,000 instructions and a dozen
// allocations for each. Only plain input is taken (no escapes, quotes, TTL units, other
// classes or field orders); everything else, and every mistake, is left to ldns, so that what
// is accepted and how an error reads stay ldns's. Differential test: common_record_text_test.
#pragma once

#include <cstdint>
#include <string_view>

#include "zones/record_text.hpp"

namespace lodestar::zones {

/// Parses "owner [ttl] [IN] TYPE rdata" into `out` when it is one of the plain forms above,
/// exactly as ldns would; false (and `out` unspecified) when ldns must decide.
bool parseCommonRecord(std::string_view text, uint32_t defaultTtl, std::string_view originWire, ParsedRecord& out);

}  // namespace lodestar::zones
