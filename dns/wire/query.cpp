// Query parsing: one bounds-checked pass, early exits in the order resolvers expect.
#include "dns/wire/query.hpp"

#include <cstring>

namespace lodestar::dns {

namespace {

// RFC 7871 section 6: FAMILY, SOURCE PREFIX-LENGTH, SCOPE PREFIX-LENGTH, ADDRESS.
bool parseClientSubnet(Reader& r, uint16_t length, ClientSubnet& out) noexcept {
  uint16_t family = 0;
  uint8_t source = 0, scope = 0;
  if (length < 4 || !r.u16(family) || !r.u8(source) || !r.u8(scope)) return false;
  unsigned maxBits;
  if (family == 1) {
    out.family = geo::Family::IPv4;
    maxBits = 32;
  } else if (family == 2) {
    out.family = geo::Family::IPv6;
    maxBits = 128;
  } else {
    return false;  // unknown family
  }
  if (source > maxBits || scope > maxBits) return false;
  unsigned addressBytes = length - 4u;
  // The address is truncated to exactly the bytes the source prefix needs.
  if (addressBytes != (source + 7u) / 8u) return false;
  out.sourcePrefix = source;
  out.scopePrefix = scope;
  out.address = geo::Address{};
  out.address.family = out.family;
  std::memcpy(out.address.bytes.data(), r.current(), addressBytes);
  if (!r.skip(addressBytes)) return false;
  return geo::hostBitsAreZero(out.address.bytes.data(), addressBytes, source);
}

// The OPT pseudo-record (RFC 6891 section 6.1), positioned after its owner name.
bool parseOpt(Reader& r, Query& q) noexcept {
  uint16_t payload = 0, rdlength = 0;
  uint32_t ttl = 0;
  if (!r.u16(payload) || !r.u32(ttl) || !r.u16(rdlength)) return false;
  if (r.remaining() < rdlength) return false;
  q.hasEdns = true;
  // Values below 512 are treated as 512 (RFC 6891 6.2.3).
  q.udpPayload = payload < kClassicUdpPayload ? kClassicUdpPayload : payload;
  q.ednsVersion = static_cast<uint8_t>(ttl >> 16);
  q.dnssecOk = (ttl & 0x8000) != 0;

  Reader opts(r.current(), rdlength);
  r.skip(rdlength);
  while (opts.remaining() > 0) {
    uint16_t code = 0, len = 0;
    if (!opts.u16(code) || !opts.u16(len) || opts.remaining() < len) return false;  // trailing garbage
    if (code == ednsopt::ClientSubnet) {
      if (q.hasEcs) return false;  // at most one ECS option
      Reader ecs(opts.current(), len);
      if (!parseClientSubnet(ecs, len, q.ecs)) return false;
      q.hasEcs = true;
    }
    opts.skip(len);  // unknown options are ignored
  }
  return true;
}

}  // namespace

ParseResult parseQuery(const uint8_t* data, size_t size, Query& q) noexcept {
  if (size < kHeaderSize) return ParseResult::Drop;
  auto at = [data](size_t i) { return static_cast<uint16_t>(data[i] << 8 | data[i + 1]); };
  q.id = at(0);
  q.flags = at(2);
  const uint16_t qdcount = at(4), ancount = at(6), nscount = at(8), arcount = at(10);
  Reader r(data, size);
  r.skip(kHeaderSize);
  q.hasQuestion = false;
  q.hasEdns = false;
  q.hasEcs = false;
  q.udpPayload = kClassicUdpPayload;
  q.opcode = static_cast<uint8_t>((q.flags >> 11) & 0x0F);
  if (q.flags & 0x8000) return ParseResult::Drop;  // a response: never answer it (reflection loops)

  if (qdcount == 1) {
    if (readNameLowered(r, q.qname, q.qnameLower) && r.u16(q.qtype) && r.u16(q.qclass)) {
      q.hasQuestion = true;
      q.questionEnd = r.position();
    }
  }
  if (q.opcode != opcode::Query) return ParseResult::NotImp;
  if (!q.hasQuestion) return ParseResult::FormErr;

  // Answer and authority sections are not expected in a query; step over them safely.
  for (uint32_t i = 0; i < uint32_t(ancount) + nscount; ++i) {
    uint16_t rdlength = 0;
    if (!skipName(r) || !r.skip(8) || !r.u16(rdlength) || !r.skip(rdlength)) return ParseResult::FormErr;
  }
  for (uint16_t i = 0; i < arcount; ++i) {
    bool ownerIsRoot;
    if (r.remaining() > 0 && *r.current() == 0) {
      ownerIsRoot = r.skip(1);  // the usual OPT owner, without a copy
    } else {
      WireName owner;
      if (!readName(r, owner)) return ParseResult::FormErr;
      ownerIsRoot = owner.length == 1;
    }
    uint16_t type = 0;
    if (!r.u16(type)) return ParseResult::FormErr;
    if (type == rrtype::OPT) {
      // One OPT, owned by the root (RFC 6891 6.1.1).
      if (q.hasEdns || !ownerIsRoot) return ParseResult::FormErr;
      if (!parseOpt(r, q)) return ParseResult::FormErr;
    } else {
      uint16_t rdlength = 0;
      if (!r.skip(6) || !r.u16(rdlength) || !r.skip(rdlength)) return ParseResult::FormErr;
    }
  }
  return ParseResult::Ok;
}

}  // namespace lodestar::dns
