// The signed data of an RRSIG: its own RDATA without the signature, then every record of the
// set as owner, type, class, original TTL, RDLENGTH and canonical RDATA, records sorted by
// their canonical RDATA (RFC 4034 sections 3.1.8.1 and 6.3).
#include "dns/dnssec/rrsig.hpp"

#include <algorithm>
#include <cstring>

#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/rr_type.hpp"

namespace lodestar::dnssec {

namespace {

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}
void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v & 0xFFFF));
}

void appendLowerName(std::string_view name, std::string& out) {
  for (size_t i = 0; i < name.size();) {
    const size_t len = static_cast<uint8_t>(name[i]);
    out += name[i];
    for (size_t k = 1; k <= len && i + k < name.size(); ++k) {
      char c = name[i + k];
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    i += len + 1;
    if (len == 0) break;
  }
}

// The types whose names are lowercased in canonical form (RFC 4034 6.2, less NSEC and RRSIG
// which RFC 6840 5.1 leaves as they are, and which we never hold in zone data anyway).
bool lowersNames(uint16_t type) noexcept {
  switch (type) {
    case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 12: case 14: case 15:
    case 17: case 18: case 21: case 26: case 33: case 35: case 36: case 39:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint8_t labelCount(std::string_view name) noexcept {
  uint8_t count = 0;
  for (size_t i = 0; i < name.size() && name[i] != 0; i += static_cast<uint8_t>(name[i]) + 1u) ++count;
  if (name.size() >= 2 && name[0] == 1 && name[1] == '*') --count;
  return count;
}

void appendCanonicalRdata(uint16_t type, std::string_view rd, std::string& out) {
  if (!lowersNames(type)) {
    out.append(rd);
    return;
  }
  using wire::NameLayout;
  const NameLayout layout = wire::rrTypeByNumber(type) ? wire::rrTypeByNumber(type)->names : NameLayout::None;
  size_t at = 0;
  auto name = [&] {
    const size_t len = wire::wireNameLength(rd.substr(std::min(at, rd.size())));
    if (!len) return false;
    appendLowerName(rd.substr(at, len), out);
    at += len;
    return true;
  };
  auto fixed = [&](size_t n) {
    n = std::min(n, rd.size() - std::min(at, rd.size()));
    out.append(rd.substr(at, n));
    at += n;
  };
  bool ok = true;
  switch (layout) {
    case NameLayout::Name: ok = name(); break;
    case NameLayout::TwoNames: ok = name() && name(); break;
    case NameLayout::NumberName: fixed(2); ok = name(); break;
    case NameLayout::NumberTwoNames: fixed(2); ok = name() && name(); break;
    case NameLayout::Srv: fixed(6); ok = name(); break;
    case NameLayout::Naptr:
      fixed(4);
      for (int s = 0; s < 3 && at < rd.size(); ++s) fixed(1 + static_cast<uint8_t>(rd[at]));
      ok = name();
      break;
    default: break;
  }
  // What follows the names (SOA's numbers) or what could not be read stays as it is.
  if (at < rd.size()) out.append(rd.substr(at));
  (void)ok;
}

size_t signRrset(const KeyPair& key, std::string_view signer, const RrsetView& set, SignatureWindow window,
                 uint8_t* out, SigningScratch& scratch) {
  std::string& data = scratch.data;
  data.clear();
  put16(data, set.type);
  data += static_cast<char>(key.algorithm());
  data += static_cast<char>(labelCount(set.owner));
  put32(data, set.ttl);
  put32(data, window.expiration);
  put32(data, window.inception);
  put16(data, key.tag());
  appendLowerName(signer, data);
  const size_t header = data.size();
  if (header + KeyPair::kSignatureSize > kMaxRrsigRdata) return 0;

  // Each record's canonical RDATA, then the records in their canonical order, duplicates once.
  scratch.lowered.clear();
  scratch.records.clear();
  for (std::string_view rd : set.rdata) {
    const size_t at = scratch.lowered.size();
    appendCanonicalRdata(set.type, rd, scratch.lowered);
    scratch.records.emplace_back(at, scratch.lowered.size() - at);
  }
  const std::string_view all = scratch.lowered;
  auto view = [&](const std::pair<size_t, size_t>& r) { return all.substr(r.first, r.second); };
  std::sort(scratch.records.begin(), scratch.records.end(), [&](const auto& a, const auto& b) {
    const std::string_view x = view(a), y = view(b);
    const int c = std::memcmp(x.data(), y.data(), std::min(x.size(), y.size()));
    return c != 0 ? c < 0 : x.size() < y.size();
  });
  std::string owner;
  appendLowerName(set.owner, owner);
  std::string_view previous;
  bool first = true;
  for (const auto& r : scratch.records) {
    const std::string_view rd = view(r);
    if (!first && rd == previous) continue;
    first = false;
    previous = rd;
    data.append(owner);
    put16(data, set.type);
    put16(data, wire::rrclass::IN);
    put32(data, set.ttl);
    put16(data, static_cast<uint16_t>(rd.size()));
    data.append(rd);
  }
  std::memcpy(out, data.data(), header);
  if (!key.sign(reinterpret_cast<const uint8_t*>(data.data()), data.size(), out + header)) return 0;
  return header + KeyPair::kSignatureSize;
}

}  // namespace lodestar::dnssec
