// RRSIG records (RFC 4034 section 3): the RRset in canonical form (section 6), signed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/dnssec/key_pair.hpp"

namespace lodestar::dnssec {

/// One RRset to sign: names are uncompressed wire, RDATA as the zone holds it (any case).
struct RrsetView {
  std::string_view owner;
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::span<const std::string_view> rdata;
};

struct SignatureWindow {
  uint32_t inception = 0;
  uint32_t expiration = 0;
};

/// An RRSIG RDATA is at most 18 fixed bytes, a 255-byte signer and a 64-byte signature.
inline constexpr size_t kMaxRrsigRdata = 18 + 255 + KeyPair::kSignatureSize;

/// What signing needs beside its inputs, kept between calls so that signing allocates only
/// while its buffers grow: the canonical records and the data signed.
struct SigningScratch {
  std::string data;
  std::string lowered;
  std::vector<std::pair<size_t, size_t>> records;  // (offset, length) in `lowered`
};

/// Writes the RRSIG RDATA of `set` by `key` for the zone `signer` (lowercase wire) at `out`
/// (kMaxRrsigRdata bytes); returns its length, 0 when the key could not sign.
size_t signRrset(const KeyPair& key, std::string_view signer, const RrsetView& set, SignatureWindow window,
                 uint8_t* out, SigningScratch& scratch);

/// The RRSIG's label count: the owner's labels, a leading wildcard label not counted.
uint8_t labelCount(std::string_view ownerWire) noexcept;

/// Appends `rdata` of `type` in canonical form: the names of the types RFC 4034 section 6.2
/// lists in lower case (all other bytes as they are).
void appendCanonicalRdata(uint16_t type, std::string_view rdata, std::string& out);

}  // namespace lodestar::dnssec
