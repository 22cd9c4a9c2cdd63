// A signed zone's keys and times, attached to the zone (zones::ZoneKeys) when it is signed at
// load; the online signer reads them back on the answer path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/dnssec/key_pair.hpp"
#include "dns/dnssec/rrsig.hpp"
#include "zones/dnssec_policy.hpp"
#include "zones/zone.hpp"

namespace lodestar::dnssec {

class SignedZone final : public zones::ZoneKeys {
 public:
  /// Every key the policy names, in its order, as read from its files when the zone was
  /// compiled: what a re-sign chooses from at its own time (no file is read again). Shared by
  /// the copies of the zone signed again in place.
  std::vector<std::shared_ptr<const KeyPair>> loaded;
  std::vector<std::shared_ptr<const KeyPair>> keys;  // those published now: the DNSKEY set
  std::vector<const KeyPair*> zsks;  // sign every set but the apex's key sets (all keys when no split)
  std::vector<const KeyPair*> ksks;  // sign DNSKEY, CDS and CDNSKEY
  zones::DnssecPolicy policy;
  std::string apex;               // the signer's name: the zone's apex, lowercase wire
  uint32_t signedAt = 0;          // when the static sets were signed (seconds since the epoch)
  uint32_t earliestExpiry = 0;    // of the static signatures
  uint32_t nextEvent = 0;         // a key's Publish, Activate or Inactive time still to come (0: none)
  size_t signatures = 0;          // static signatures made (one RRSIG record each)
  /// The zone has a wildcard ("*" name, RFC 4592): an answer may be synthesised from it, and
  /// then carries the proof that no closer name exists (dns/dnssec/online_signer.cpp).
  bool wildcards = false;
  /// Unique among every zone signed by this process: the online signatures' cache keys on
  /// it, so a reload's new keys never meet a signature of the old ones.
  uint64_t generation = 0;

  /// When the static signatures must be made again (the earliest expiry less the refresh).
  uint32_t refreshAt() const noexcept { return earliestExpiry - policy.refresh; }
  /// The window of a signature made at `now` without jitter (the online signatures').
  SignatureWindow window(uint32_t now) const noexcept {
    return {now - policy.inceptionOffset, now + policy.lifetime};
  }
};

/// The signed zone's keys, or null for a zone that is not signed.
inline const SignedZone* signedZone(const zones::Zone& zone) noexcept {
  return static_cast<const SignedZone*>(zone.keys());
}

}  // namespace lodestar::dnssec
