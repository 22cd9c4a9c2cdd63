// Where the names that may be compressed lie in an RDATA: only the well-known types of
// RFC 1035 (RFC 3597 section 4), as the RR type table (rr_type.hpp) says. Shared by the
// answer writer and the load-time renderer so that both compress exactly the same names.
#pragma once

#include <cstdint>
#include <string_view>

#include "dns/wire/name_text.hpp"
#include "dns/wire/rr_type.hpp"

namespace lodestar::wire {

struct RdataNames {
  struct Span {
    size_t at = 0;
    size_t length = 0;
  };
  unsigned count = 0;
  Span name[2];
};

/// Whether every domain name `type`'s RDATA holds where the type's layout puts one is a
/// well-formed uncompressed name inside `rdata` (the RFC 3597 "\\# LEN HEX" form lets a zone
/// file give any bytes for a known type; a resolver, and ldns, reject an answer carrying a
/// malformed one). Types without names, or whose names' place depends on other fields, pass.
inline bool rdataNamesWellFormed(uint16_t type, std::string_view rd) noexcept {
  const RrType* t = rrTypeByNumber(type);
  if (!t) return true;
  auto nameAt = [&](size_t at) -> size_t {  // the name's length, 0 when malformed or past the end
    return at < rd.size() ? wireNameLength(rd.substr(at)) : 0;
  };
  switch (t->names) {
    case NameLayout::Name:
      return nameAt(0) == rd.size();
    case NameLayout::TwoNames: {
      const size_t first = nameAt(0);
      return first && nameAt(first);
    }
    case NameLayout::NumberName:
      return nameAt(2) != 0;
    case NameLayout::NumberTwoNames: {
      const size_t first = nameAt(2);
      return first && nameAt(2 + first);
    }
    case NameLayout::Srv:
      return nameAt(6) == rd.size() - 6;
    case NameLayout::Signer:
      return nameAt(18) != 0;
    case NameLayout::LeadingName:
      return nameAt(0) != 0;
    case NameLayout::Naptr: {
      size_t at = 4;
      for (int i = 0; i < 3; ++i) {
        if (at >= rd.size()) return false;
        at += 1 + static_cast<uint8_t>(rd[at]);
      }
      return nameAt(at) != 0;
    }
    default:
      return true;
  }
}

/// The compressible names of `rdata` of `type`, in order; none for every other type. One
/// table load and a switch per record written (the answer path calls it).
inline RdataNames compressibleNames(uint16_t type, std::string_view rdata) noexcept {
  RdataNames out;
  switch (compressedNameLayout(type)) {
    case NameLayout::Name:  // NS, CNAME, PTR
      out.name[out.count++] = {0, rdata.size()};
      break;
    case NameLayout::NumberName:  // MX
      if (rdata.size() > 2) out.name[out.count++] = {2, rdata.size() - 2};
      break;
    case NameLayout::TwoNames: {  // SOA
      const size_t mname = wireNameLength(rdata);
      const size_t rname = wireNameLength(rdata.substr(mname));
      out.name[out.count++] = {0, mname};
      out.name[out.count++] = {mname, rname};
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace lodestar::wire
