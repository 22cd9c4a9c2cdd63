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
