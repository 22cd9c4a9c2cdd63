// The zero-copy query parser: header, question, OPT and ECS, validated in one pass.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/wire/constants.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/address.hpp"

namespace lodestar::wire {

/// EDNS Client Subnet as the query sent it (RFC 7871 section 6).
struct ClientSubnet {
  Family family;
  uint8_t sourcePrefix;
  uint8_t scopePrefix;
  Address address;  // bits past sourcePrefix are zero (validated)
};

/// What the parser decided about a packet.
enum class ParseResult : uint8_t {
  Ok,       // a well-formed query
  Drop,     // not worth an answer: shorter than a header, or QR=1
  FormErr,  // malformed: answer FORMERR
  NotImp,   // an opcode other than QUERY
  NotAuth,  // signed with TSIG: we hold no key, so NOTAUTH with BADKEY (RFC 8945 5.2.2)
};

/// The TSIG record that closes a signed query, where the answer's own TSIG copies from
/// (valid only when parseQuery() returned NotAuth; left unset otherwise: nothing per query).
struct TsigRecord {
  const uint8_t* message;    // the query's bytes, to read the key's name again
  size_t messageSize;
  size_t keyAt;              // offset of the owner name: the key's name
  const uint8_t* rdata;      // algorithm name (uncompressed), time signed (48 bits), fudge, ...
  uint16_t algorithmLength;  // bytes of the algorithm name
};

/// A parsed query. Names are copied into fixed buffers; nothing is allocated. No field has a
/// default: parseQuery() sets what it promises, and the answer path pays no stores for the
/// rest (a question's fields without a question, ECS without ECS, a cookie without one).
/// Make one by hand as `Query q{}` (every field zero).
struct Query {
  uint16_t id;
  uint16_t flags;  // the header's flags word (RD and CD cleared for an opcode other than QUERY)
  uint8_t opcode;
  bool hasQuestion;
  WireName qname;       // as sent: its letter case is echoed back
  WireName qnameLower;  // for lookups
  uint64_t qnameHash;  // zones::NameIndex hash of qnameLower
  uint16_t qtype;  // 0 without a question
  uint16_t qclass;

  bool hasEdns;
  uint8_t ednsVersion;
  bool dnssecOk;
  uint16_t udpPayload;  // what the client can receive over UDP
  bool hasEcs;
  bool hasCookie;  // a well-formed COOKIE option (RFC 7873): then `cookie` and `cookieLength` are set
  uint8_t cookieLength;  // kClientCookieSize alone, or with a server cookie: 16 to 40
  ClientSubnet ecs;
  /// The COOKIE option's data where it lies in the query (not copied: most queries have none,
  /// and the query's bytes outlive the Query): the client cookie, then the server cookie.
  const uint8_t* cookie;
  TsigRecord tsig;

  bool recursionDesired() const noexcept { return flags & 0x0100; }
  bool checkingDisabled() const noexcept { return flags & 0x0010; }
  /// With hasCookie: the client's 8 bytes, and the server cookie it sent back (none: 0 bytes).
  const uint8_t* clientCookie() const noexcept { return cookie; }
  const uint8_t* serverCookie() const noexcept { return cookie + kClientCookieSize; }
  size_t serverCookieLength() const noexcept { return cookieLength - kClientCookieSize; }
};

/// Parses `size` bytes at `data` into `out`. Unless it returns Drop for a packet shorter
/// than a header, `out.id`, `out.flags`, `out.opcode`, `out.qtype`, `out.hasQuestion`,
/// `out.hasEdns`, `out.hasEcs` and `out.hasCookie` are set, and each `has` flag tells whether
/// its fields are (the question's, the EDNS fields and `udpPayload`, `ecs`, `cookie` and
/// `cookieLength`); on NotAuth, `out.tsig` too. A COOKIE option of a length RFC 7873 5.2.2
/// does not allow (not 8, nor 16 to 40), or a second one, is FormErr. `data` must outlive `out`.
ParseResult parseQuery(const uint8_t* data, size_t size, Query& out) noexcept;

}  // namespace lodestar::wire
