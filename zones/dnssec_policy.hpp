// A zone's DNSSEC policy as the operator wrote it (`dnssec:` in the zone policy file): which
// key files, how long signatures live, how denial is proven. Plain data: the keys are read and
// the zone signed above the zone compiler (dns/dnssec), which attaches its ZoneKeys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zones/yaml/diagnostics.hpp"

namespace lodestar::zones {

struct DnssecPolicy {
  struct KeyFile {
    std::string path;  // a BIND key pair without its suffix: PATH.key and PATH.private
    yaml::SourceLocation where;
  };
  enum class Denial : uint8_t {
    Compact,    // RFC 9824: one NSEC at the name itself (the default)
    WhiteLies,  // RFC 4470: NSECs that minimally cover the name
  };
  std::vector<KeyFile> keys;
  // The rules operators know from Knot's and BIND's policies: a signature is valid from an
  // hour back (clocks differ) for `lifetime`, and made again once less than `refresh` is left;
  // up to `jitter` is taken off each static expiry so the zone's signatures do not all expire
  // in the same second.
  uint32_t lifetime = 14 * 86400;
  uint32_t refresh = 7 * 86400;
  uint32_t jitter = 12 * 3600;
  uint32_t inceptionOffset = 3600;
  Denial denial = Denial::Compact;
  bool publishCds = true;  // CDS and CDNSKEY for the KSKs (RFC 7344, 8078), so parents can follow
  yaml::SourceLocation where;  // of the `dnssec:` key
};

/// What signing attached to a zone (the keys and the times they signed at), opaque to the
/// zone compiler: dns/dnssec defines it and reads it back on the answer path.
class ZoneKeys {
 public:
  virtual ~ZoneKeys() = default;
};

}  // namespace lodestar::zones
