// The names of RFC 4470's "white lies": NSECs made per answer whose range covers the name
// denied and nothing else, so a validator (and a resolver that reuses NSECs, RFC 8198) learns
// nothing about the zone's other names and can deny no name that exists.
#pragma once

#include <cstddef>
#include <string_view>

#include "dns/wire/name.hpp"

namespace lodestar::zones {
class Zone;
}  // namespace lodestar::zones

namespace lodestar::dnssec {

/// Where in `name` (lowercase wire, a name of `zone` that does not exist) its closest
/// encloser starts: the longest ancestor that exists (empty non-terminals do, as nodes).
/// Returns name.size() when none does (a name outside the zone).
size_t closestEncloserAt(const zones::Zone& zone, std::string_view name) noexcept;

/// An NSEC range (`owner`, `next`) that covers `name` (lowercase wire) and whatever lies below
/// it, and no name that a zone holds in practice: both ends are siblings of `name` (the same
/// parent, so the closest encloser a validator derives from them is that parent), a byte
/// before and a byte after its first label. False when no such names fit in 255 bytes or in
/// a label (a first label of "\000", or of 63 bytes of 0xff).
bool siblingRange(std::string_view name, wire::WireName& owner, wire::WireName& next) noexcept;

}  // namespace lodestar::dnssec
