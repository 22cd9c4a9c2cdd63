// The one table of RR types: number, mnemonic, and where the names lie in the RDATA.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/wire/constants.hpp"

namespace lodestar::wire {

/// Where the domain names lie in a type's RDATA (RFC 1035 and the RFCs of each type).
enum class NameLayout : uint8_t {
  None,            ///< no names
  Name,            ///< the whole RDATA is one name (NS, CNAME, PTR, DNAME, ...)
  TwoNames,        ///< two names, then fixed fields if any (SOA, MINFO, RP, TALINK)
  NumberName,      ///< a 16-bit number, then a name (MX, AFSDB, RT, KX, LP; SVCB's parameters follow it)
  NumberTwoNames,  ///< a 16-bit number, then two names (PX)
  Srv,             ///< priority, weight and port, then the target (SRV)
  Naptr,           ///< order, preference, three strings, then the replacement (NAPTR)
  Signer,          ///< 18 bytes of fixed fields, the signer's name, the signature (SIG, RRSIG)
  LeadingName,     ///< a name, then other fields (NXT, NSEC, TKEY, TSIG)
  Variable,        ///< a name whose presence depends on other fields (A6, IPSECKEY, HIP)
};

/// One RR type. `compressed`: we compress its names when writing (RFC 3597 section 4 allows
/// it only for the RFC 1035 types; we do it for NS, CNAME, SOA, PTR and MX and write the
/// obsolete MD, MF, MB, MG, MR and MINFO as they are).
struct RrType {
  uint16_t number;
  std::string_view mnemonic;
  NameLayout names = NameLayout::None;
  bool compressed = false;
};

namespace detail {
using L = NameLayout;
// The types ldns (our presentation-format parser) knows by name, sorted by number.
inline constexpr auto kRrTypes = std::to_array<RrType>({
    {rrtype::A, "A"},
    {rrtype::NS, "NS", L::Name, true},
    {3, "MD", L::Name},
    {4, "MF", L::Name},
    {rrtype::CNAME, "CNAME", L::Name, true},
    {rrtype::SOA, "SOA", L::TwoNames, true},
    {7, "MB", L::Name},
    {8, "MG", L::Name},
    {9, "MR", L::Name},
    {10, "NULL"},
    {11, "WKS"},
    {rrtype::PTR, "PTR", L::Name, true},
    {13, "HINFO"},
    {14, "MINFO", L::TwoNames},
    {rrtype::MX, "MX", L::NumberName, true},
    {rrtype::TXT, "TXT"},
    {17, "RP", L::TwoNames},
    {18, "AFSDB", L::NumberName},
    {19, "X25"},
    {20, "ISDN"},
    {21, "RT", L::NumberName},
    {22, "NSAP"},
    {23, "NSAP-PTR"},
    {24, "SIG", L::Signer},
    {25, "KEY"},
    {26, "PX", L::NumberTwoNames},
    {27, "GPOS"},
    {rrtype::AAAA, "AAAA"},
    {29, "LOC"},
    {30, "NXT", L::LeadingName},
    {31, "EID"},
    {32, "NIMLOC"},
    {rrtype::SRV, "SRV", L::Srv},
    {34, "ATMA"},
    {35, "NAPTR", L::Naptr},
    {36, "KX", L::NumberName},
    {37, "CERT"},
    {38, "A6", L::Variable},
    {rrtype::DNAME, "DNAME", L::Name},
    {40, "SINK"},
    {rrtype::OPT, "OPT"},
    {42, "APL"},
    {rrtype::DS, "DS"},
    {44, "SSHFP"},
    {45, "IPSECKEY", L::Variable},
    {46, "RRSIG", L::Signer},
    {47, "NSEC", L::LeadingName},
    {48, "DNSKEY"},
    {49, "DHCID"},
    {50, "NSEC3"},
    {51, "NSEC3PARAM"},
    {52, "TLSA"},
    {53, "SMIMEA"},
    {55, "HIP", L::Variable},
    {58, "TALINK", L::TwoNames},
    {59, "CDS"},
    {60, "CDNSKEY"},
    {61, "OPENPGPKEY"},
    {62, "CSYNC"},
    {63, "ZONEMD"},
    {64, "SVCB", L::NumberName},
    {65, "HTTPS", L::NumberName},
    {99, "SPF"},
    {104, "NID"},
    {105, "L32"},
    {106, "L64"},
    {107, "LP", L::NumberName},
    {108, "EUI48"},
    {109, "EUI64"},
    {249, "TKEY", L::LeadingName},
    {250, "TSIG", L::LeadingName},
    {rrtype::IXFR, "IXFR"},
    {rrtype::AXFR, "AXFR"},
    {253, "MAILB"},
    {254, "MAILA"},
    {rrtype::ANY, "ANY"},
    {256, "URI"},
    {rrtype::CAA, "CAA"},
    {32769, "DLV"},
});

constexpr char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr bool sameLetters(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

// The layout of the names we compress, indexed by type: the answer path's per-record lookup
// is one load. Every compressed type is below 256 (checked below).
inline constexpr std::array<NameLayout, 256> kCompressedNames = [] {
  std::array<NameLayout, 256> out{};
  for (const RrType& t : kRrTypes)
    if (t.compressed && t.number < out.size()) out[t.number] = t.names;
  return out;
}();
}  // namespace detail

/// Every type we know by name, sorted by number.
inline constexpr const auto& kRrTypes = detail::kRrTypes;

/// The type with this number, or nullptr (a binary search: no allocation).
constexpr const RrType* rrTypeByNumber(uint16_t number) noexcept {
  auto it = std::lower_bound(kRrTypes.begin(), kRrTypes.end(), number,
                             [](const RrType& t, uint16_t n) { return t.number < n; });
  return it != kRrTypes.end() && it->number == number ? &*it : nullptr;
}

/// The type with this mnemonic in any case ("aaaa", "AAAA"), or nullptr.
constexpr const RrType* rrTypeByMnemonic(std::string_view mnemonic) noexcept {
  for (const RrType& t : kRrTypes)
    if (detail::sameLetters(t.mnemonic, mnemonic)) return &t;
  return nullptr;
}

/// The mnemonic of a type, empty for one without a name here.
constexpr std::string_view rrTypeMnemonic(uint16_t number) noexcept {
  const RrType* t = rrTypeByNumber(number);
  return t ? t->mnemonic : std::string_view();
}

/// A mnemonic in any case, or RFC 3597's "TYPE12345" (any number 0..65535), to the number.
constexpr std::optional<uint16_t> rrTypeFromName(std::string_view text) noexcept {
  if (const RrType* t = rrTypeByMnemonic(text)) return t->number;
  if (text.size() < 5 || text.size() > 9 || !detail::sameLetters(text.substr(0, 4), "TYPE")) return std::nullopt;
  uint32_t n = 0;
  for (char c : text.substr(4)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n > 0xFFFF) return std::nullopt;
  return static_cast<uint16_t>(n);
}

/// The mnemonic of a type, or "TYPE12345" for one without a name here (RFC 3597 section 5).
std::string rrTypeName(uint16_t number);

/// Where the names we compress lie in a type's RDATA; None for every type written as it is.
constexpr NameLayout compressedNameLayout(uint16_t number) noexcept {
  return number < detail::kCompressedNames.size() ? detail::kCompressedNames[number] : NameLayout::None;
}

static_assert([] {
  for (size_t i = 1; i < kRrTypes.size(); ++i)
    if (kRrTypes[i - 1].number >= kRrTypes[i].number) return false;
  for (const RrType& t : kRrTypes)
    if (t.compressed && t.number >= detail::kCompressedNames.size()) return false;
  return true;
}(), "the RR type table is sorted by number, without repeats, and compresses only types below 256");

}  // namespace lodestar::wire
