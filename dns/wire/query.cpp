// Query parsing: one bounds-checked pass, early exits in the order resolvers expect.
#include "dns/wire/query.hpp"

#include <cstring>

#include "dns/wire/copy.hpp"

namespace lodestar::wire {

namespace {

inline uint16_t be16(const uint8_t* p) noexcept { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t be32(const uint8_t* p) noexcept { return uint32_t(be16(p)) << 16 | be16(p + 2); }

// RFC 7871 section 6: FAMILY, SOURCE PREFIX-LENGTH, SCOPE PREFIX-LENGTH, ADDRESS.
bool parseClientSubnet(const uint8_t* p, uint16_t length, ClientSubnet& out) noexcept {
  if (length < 4) return false;
  const uint16_t family = be16(p);
  const uint8_t source = p[2], scope = p[3];
  unsigned maxBits;
  if (family == 1) {
    out.family = Family::IPv4;
    maxBits = 32;
  } else if (family == 2) {
    out.family = Family::IPv6;
    maxBits = 128;
  } else {
    return false;  // unknown family
  }
  if (source > maxBits || scope > maxBits) return false;
  const unsigned addressBytes = length - 4u;
  // The address is truncated to exactly the bytes the source prefix needs.
  if (addressBytes != (source + 7u) / 8u) return false;
  // Only the last byte can hold bits past the prefix: the address has no whole byte more.
  if (source % 8 && (p[3 + addressBytes] & (0xFFu >> (source % 8)))) return false;
  out.sourcePrefix = source;
  out.scopePrefix = scope;
  out.address = Address{};
  out.address.family = out.family;
  copyShort(out.address.bytes.data(), p + 4, addressBytes);
  return true;
}

// The OPT pseudo-record (RFC 6891 section 6.1): `fixed` points at its TYPE, `options` at
// its RDATA of `rdlength` bytes (both checked to be in the packet).
bool parseOpt(const uint8_t* fixed, const uint8_t* options, uint16_t rdlength, Query& q) noexcept {
  const uint16_t payload = be16(fixed + 2);
  const uint32_t ttl = be32(fixed + 4);
  q.hasEdns = true;
  // Values below 512 are treated as 512 (RFC 6891 6.2.3).
  q.udpPayload = payload < kClassicUdpPayload ? kClassicUdpPayload : payload;
  q.ednsVersion = static_cast<uint8_t>(ttl >> 16);
  q.dnssecOk = (ttl & 0x8000) != 0;
  size_t left = rdlength;
  while (left > 0) {
    if (left < 4) return false;  // trailing garbage
    const uint16_t code = be16(options), len = be16(options + 2);
    if (left - 4 < len) return false;
    if (code == ednsopt::ClientSubnet) {
      if (q.hasEcs) return false;  // at most one ECS option
      if (!parseClientSubnet(options + 4, len, q.ecs)) return false;
      q.hasEcs = true;
    } else if (code == ednsopt::Cookie) {
      // A client cookie alone, or with a server cookie of 8 to 32 bytes (RFC 7873 5.2.2);
      // at most one, as ECS.
      if (q.hasCookie) return false;
      if (len != kClientCookieSize &&
          (len < kClientCookieSize + kMinServerCookieSize || len > kClientCookieSize + kMaxServerCookieSize))
        return false;
      q.hasCookie = true;
      q.cookie = options + 4;
      q.cookieLength = static_cast<uint8_t>(len);
    }
    options += 4 + len;  // unknown options are ignored
    left -= 4 + len;
  }
  return true;
}

// A TSIG record's RDATA (RFC 8945 section 4.2), checked field by field: algorithm name
// (never compressed), time signed, fudge, MAC, original ID, error, other data.
bool parseTsig(const uint8_t* rdata, uint16_t rdlength, TsigRecord& out) noexcept {
  size_t at = 0;
  for (;;) {
    if (at >= rdlength) return false;
    const uint8_t label = rdata[at];
    if (label > 63) return false;  // a compression pointer or a reserved label type
    at += 1u + label;
    if (label == 0) break;
  }
  if (at > kMaxNameLength) return false;
  out.rdata = rdata;
  out.algorithmLength = static_cast<uint16_t>(at);
  if (rdlength - at < 10) return false;  // time signed, fudge, MAC size
  const size_t macSize = be16(rdata + at + 8);
  at += 10 + macSize;
  if (at > rdlength || rdlength - at < 6) return false;  // original ID, error, other length
  const size_t otherLength = be16(rdata + at + 4);
  return at + 6 + otherLength == rdlength;
}

}  // namespace

ParseResult parseQuery(const uint8_t* data, size_t size, Query& q) noexcept {
  if (size < kHeaderSize) return ParseResult::Drop;
  q.id = be16(data);
  q.flags = be16(data + 2);
  const uint16_t qdcount = be16(data + 4), ancount = be16(data + 6), nscount = be16(data + 8),
                 arcount = be16(data + 10);
  Reader r(data, size);
  r.skip(kHeaderSize);
  q.hasEdns = false;
  q.dnssecOk = false;  // a query without OPT never asks for DNSSEC records (RFC 3225)
  q.hasEcs = false;
  q.hasCookie = false;
  q.udpPayload = kClassicUdpPayload;
  q.opcode = static_cast<uint8_t>((q.flags >> 11) & 0x0F);
  if (q.flags & 0x8000) return ParseResult::Drop;  // a response: never answer it (reflection loops)

  q.hasQuestion = qdcount == 1 && readNameLowered(r, q.qname, q.qnameLower, q.qnameHash) && r.u16(q.qtype) &&
                  r.u16(q.qclass);
  if (!q.hasQuestion) q.qtype = 0;  // what the callers read without a question
  if (q.opcode != opcode::Query) {
    q.flags &= static_cast<uint16_t>(~0x0110);  // RD and CD are defined for QUERY only (RFC 6895): not echoed
    return ParseResult::NotImp;
  }
  // No question is well-formed only to ask for a server cookie (RFC 7873 5.4): the OPT below
  // must hold a COOKIE option.
  if (!q.hasQuestion && qdcount != 0) return ParseResult::FormErr;

  // Answer and authority sections are not expected in a query; step over them safely.
  if (ancount | nscount) {
    for (uint32_t i = 0; i < uint32_t(ancount) + nscount; ++i) {
      uint16_t rdlength = 0;
      if (!skipName(r) || !r.skip(8) || !r.u16(rdlength) || !r.skip(rdlength)) return ParseResult::FormErr;
    }
  }
  for (uint16_t i = 0; i < arcount; ++i) {
    const size_t ownerAt = r.position();
    bool ownerIsRoot;
    if (r.remaining() > 0 && *r.current() == 0) {
      ownerIsRoot = r.skip(1);  // the usual OPT owner, without a copy
    } else {
      WireName owner;
      if (!readName(r, owner)) return ParseResult::FormErr;
      ownerIsRoot = owner.length == 1;
    }
    // TYPE, CLASS, TTL, RDLENGTH, then RDATA: bounds checked once for the fixed part.
    if (r.remaining() < 10) return ParseResult::FormErr;
    const uint8_t* fixed = r.current();
    const uint16_t type = be16(fixed), rdlength = be16(fixed + 8);
    r.skip(10);
    if (r.remaining() < rdlength) return ParseResult::FormErr;
    if (type == rrtype::OPT) {
      // One OPT, owned by the root (RFC 6891 6.1.1).
      if (q.hasEdns || !ownerIsRoot) return ParseResult::FormErr;
      if (!parseOpt(fixed, r.current(), rdlength, q)) return ParseResult::FormErr;
    } else if (type == rrtype::TSIG) {
      // The last record, class ANY (RFC 8945 5.1, 4.2). We hold no TSIG key, so whatever
      // key signed it is unknown to us: NOTAUTH/BADKEY rather than an unsigned answer.
      if (i + 1 != arcount || be16(fixed + 2) != rrclass::ANY) return ParseResult::FormErr;
      if (!parseTsig(r.current(), rdlength, q.tsig)) return ParseResult::FormErr;
      q.tsig.message = data;
      q.tsig.messageSize = size;
      q.tsig.keyAt = ownerAt;
      return ParseResult::NotAuth;
    }
    r.skip(rdlength);
  }
  return q.hasQuestion || q.hasCookie ? ParseResult::Ok : ParseResult::FormErr;
}

}  // namespace lodestar::wire
