// A resource record rendered once, at load, in wire form: written into an answer with one
// copy and a few two-byte fix-ups instead of a name-compression search per name. Its owner
// is the zone apex, which every in-zone question ends with; its names are compressed against
// the apex and against each other, and those pointers are patched to where the apex (in the
// question) and the record itself land in the message.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lodestar::zones {

struct WireRecord {
  struct Patch {
    uint16_t at = 0;        // where in `bytes` the pointer goes
    uint16_t add = 0;       // added to the base below
    bool fromApex = false;  // base: the apex's offset in the message, else the record's own
  };
  std::string bytes;  // owner pointer, type, class, TTL, RDLENGTH, RDATA
  std::array<Patch, 4> patches{};
  uint8_t patchCount = 0;

  /// The apex's SOA record with `ttl` (the negative TTL): mname and rname compressed.
  static WireRecord soa(std::string_view apex, std::string_view rdata, uint32_t ttl);
};

}  // namespace lodestar::zones
