// Signing at load: a compiled zone with a `dnssec:` policy gets its DNSKEY set (and CDS,
// CDNSKEY), a signature over each static set it is authoritative for, and an NSEC at each
// delegation without DS; the keys are attached for the answers signed online.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zones/view.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/zone.hpp"

namespace lodestar::dnssec {

/// Reads the zone's keys and signs it at `now` (seconds since the epoch). False, with each
/// mistake reported at the key's place in the policy file, when a key cannot be used; the
/// zone is then unchanged. The zone must not be in a published view yet.
bool signZone(zones::Zone& zone, uint32_t now, yaml::Diagnostics& diags);

/// Signs every zone of `view` that has a policy and is not signed yet (a zone kept from the
/// previous view keeps its signatures). False when any zone could not be signed.
bool signView(zones::View& view, uint32_t now, yaml::Diagnostics& diags);

/// A copy of the signed `zone` signed again at `now` with the keys it holds, without reading
/// any file (not even the keys'): the compiled data is shared, not copied (names, records,
/// pools, steered records, origin, serial, counter slots); the sets signing made (RRSIG,
/// DNSKEY, CDS, CDNSKEY, NSEC) are left out and made anew, by the keys that sign at `now`
/// by their times (a key's Publish, Activate, Inactive or Delete time reached since counts).
/// Null, with the reason in `diags`, when no key may sign now or OpenSSL fails. `zone` is
/// only read: it may be answering in a published view meanwhile.
std::unique_ptr<zones::Zone> resignZone(const zones::Zone& zone, uint32_t now, yaml::Diagnostics& diags);

/// What re-signing in place did to one zone, for the log.
struct Resigned {
  std::string apex;        // presentation form
  size_t signatures = 0;   // static signatures made
  uint32_t resignAt = 0;   // when its signatures are due again
};

/// Whether a zone's signatures are due to be made again at `now`.
inline bool resignDue(const zones::Zone& zone, uint32_t now) noexcept {
  return zone.isSigned() && zone.resignAt() && zone.resignAt() <= now;
}

/// A view of `zones` (a served view's, in its order) on `basis` (that view's), in which each
/// zone due at `now` is a copy signed again (resignZone) and every other zone the same
/// object. Null when no zone was signed again; a zone that cannot be is reported in `diags`
/// and left as it is (the others are still replaced). Touches nothing the served view reads,
/// so it may run on any thread while that view is answering.
std::unique_ptr<zones::View> resignView(std::vector<std::shared_ptr<zones::Zone>> zones, zones::View::Basis basis,
                                        uint32_t now, yaml::Diagnostics& diags, std::vector<Resigned>& resigned);

}  // namespace lodestar::dnssec
