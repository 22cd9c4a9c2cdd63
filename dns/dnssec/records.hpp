// The DNSSEC records made from keys and names: DS (RFC 4509, SHA-256) for the parent and CDS,
// and NSEC's type bitmap (RFC 4034 section 4.1.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dns/dnssec/key_pair.hpp"

namespace lodestar::dnssec {

namespace rrtype {
inline constexpr uint16_t DS = 43, RRSIG = 46, NSEC = 47, DNSKEY = 48, CDS = 59, CDNSKEY = 60, NXNAME = 128;
}

/// The DS RDATA of `key` for the zone `apexWire` (lowercase wire), digest type 2 (SHA-256).
std::string dsRdata(std::string_view apexWire, const KeyPair& key);
/// The same in presentation form, as a parent's operator pastes it: "ZONE. IN DS TAG ALG 2 HEX".
std::string dsText(std::string_view apexWire, const KeyPair& key, uint32_t ttl);
/// The DNSKEY record in presentation form.
std::string dnskeyText(std::string_view apexWire, const KeyPair& key, uint32_t ttl);

/// Writes an NSEC RDATA at `out`: `next` (uncompressed wire) then the bitmap of `types`
/// (sorted, without repeats). Returns its length; `out` holds next's length + 2 + 34 per window
/// used (types below 256: one window, at most 34 bytes).
size_t writeNsecRdata(std::string_view next, std::span<const uint16_t> types, uint8_t* out) noexcept;

}  // namespace lodestar::dnssec
