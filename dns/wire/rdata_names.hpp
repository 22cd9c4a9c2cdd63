// Where the names that may be compressed lie in an RDATA: only the well-known types of
// RFC 1035 (RFC 3597 section 4). Shared by the answer writer and the load-time renderer
// so that both compress exactly the same names.
#pragma once

#include <cstdint>
#include <string_view>

#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::wire {

struct RdataNames {
  struct Span {
    size_t at = 0;
    size_t length = 0;
  };
  unsigned count = 0;
  Span name[2];
};

/// The compressible names of `rdata` of `type`, in order; none for every other type.
inline RdataNames compressibleNames(uint16_t type, std::string_view rdata) noexcept {
  RdataNames out;
  switch (type) {
    case rrtype::NS:
    case rrtype::CNAME:
    case rrtype::PTR:
      out.name[out.count++] = {0, rdata.size()};
      break;
    case rrtype::MX:
      if (rdata.size() > 2) out.name[out.count++] = {2, rdata.size() - 2};
      break;
    case rrtype::SOA: {
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
