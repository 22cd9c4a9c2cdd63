// Signing at load: a compiled zone with a `dnssec:` policy gets its DNSKEY set (and CDS,
// CDNSKEY), a signature over each static set it is authoritative for, and an NSEC at each
// delegation without DS; the keys are attached for the answers signed online.
#pragma once

#include <cstdint>

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

}  // namespace lodestar::dnssec
