// Builds one response: header, question echo, sections (an additional record that does not
// fit is left out; any other drops every section and sets TC), and the OPT trailer (with the
// ECS echo and the COOKIE option) that always fits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dns/wire/copy.hpp"
#include "dns/wire/query.hpp"
#include "dns/wire/writer.hpp"
#include "dns/wire/address.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/rdata_names.hpp"
#include "zones/zone.hpp"

namespace lodestar::engine {

inline constexpr size_t kQuestionOffset = wire::kHeaderSize;
// OPT: root name, type, class, TTL, RDLENGTH + an ECS option with an IPv6 address; for a
// query with a cookie, a COOKIE option too (the client cookie and our server cookie). Only
// then: an answer to a query without one keeps all the room it had.
inline constexpr size_t kOptReserve = 11 + 4 + 4 + 16;
inline constexpr size_t kCookieOptionSize = 4 + wire::kClientCookieSize + wire::kServerCookieSize;

enum Section { Answer = 0, Authority = 1, Additional = 2 };

// Builds one response; owns the section counts and the truncation rule.
class Response {
 public:
  Response(uint8_t* out, size_t capacity, const wire::Query& q) noexcept : w_(out, capacity), q_(q) {}

  // Header and, when the query had one we could read, the question echoed as sent.
  void begin(size_t limit) noexcept {
    w_.setLimit(limit);
    if (q_.hasEdns) w_.reserve(kOptReserve + (q_.hasCookie ? kCookieOptionSize : 0));
    if (uint8_t* p = w_.claim(wire::kHeaderSize)) {
      p = wire::Writer::put16(p, q_.id);
      p = wire::Writer::put16(p, 0);  // flags, set in finish()
      p = wire::Writer::put16(p, q_.hasQuestion ? 1 : 0);
      std::memset(p, 0, 6);     // section counts, set in finish()
    }
    if (q_.hasQuestion) {
      if (uint8_t* p = w_.claim(q_.qname.length + 4u)) {
        wire::copyShort(p, q_.qname.bytes, q_.qname.length);
        wire::Writer::put16(wire::Writer::put16(p + q_.qname.length, q_.qtype), q_.qclass);
      }
      w_.rememberNameLater(kQuestionOffset);
    }
    afterQuestion_ = w_.mark();
  }

  void setAuthoritative() noexcept { aa_ = true; }
  /// The ECS scope the answer holds for; the narrowest of the decisions taken, never longer
  /// than the source prefix: the bits past it were never given, so no decision rests on them.
  void narrowScope(uint8_t scope) noexcept {
    if (scope > q_.ecs.sourcePrefix) scope = q_.ecs.sourcePrefix;
    scope_ = scope > scope_ ? scope : scope_;
  }
  void setRcode(wire::Rcode r) noexcept { rcode_ = r; }
  /// The server cookie (wire::kServerCookieSize bytes) the OPT sends after the query's client
  /// cookie: set by the cookie stage for a query with one; it must live until finish().
  void setServerCookie(const uint8_t* cookie) noexcept { serverCookie_ = cookie; }

  // Offset of the qname's suffix `lowerName` (which must be one) for a compression pointer.
  size_t qnameOffsetOf(std::string_view lowerName) const noexcept {
    return kQuestionOffset + static_cast<size_t>(wire::suffixOffset(q_.qnameLower.view(), lowerName));
  }

  // Writes every record of `set`. The owner is a pointer when `ownerOffset` is non-zero,
  // else the wire name `owner`. Returns false when the RRset did not fit. Kept out of line:
  // most sets are written by prerendered().
  [[gnu::noinline]] bool rrset(Section s, size_t ownerOffset, std::string_view owner, const zones::RRset& set,
                               uint32_t ttl) noexcept {
    if (truncated_) return false;
    for (const auto& rdata : set.rdata) {
      wire::Writer::Mark m = w_.mark();
      if (ownerOffset) w_.pointer(ownerOffset);
      else w_.name(owner);
      fixedFields(set.type, ttl, 0);
      size_t rdlengthAt = w_.size() - 2;
      const size_t rdataAt = w_.size();
      writeRdata(set.type, rdata);
      if (w_.overflowed()) {
        w_.rollback(m);
        // Missing additional data is fine; a missing answer or authority record is not.
        if (s != Additional) truncate();
        return false;
      }
      w_.patch16(rdlengthAt, static_cast<uint16_t>(w_.size() - rdlengthAt - 2));
      ++counts_[s];
      // Its first label, or where its pointer leads.
      const uint8_t* p = w_.data();
      size_t at = rdataAt;
      if (at + 1 < w_.size() && (p[at] & 0xC0) == 0xC0) at = size_t(p[at] & 0x3F) << 8 | p[at + 1];
      lastRdataName_ = at < 0x3FFF ? at : 0;
    }
    return true;
  }

  /// Where the name at the start of the last record's RDATA (a CNAME's target) can be
  /// pointed at; 0 when out of a pointer's reach.
  size_t lastRdataName() const noexcept { return lastRdataName_; }
  void setLastRdataName(size_t at) noexcept { lastRdataName_ = at; }

  // A set rendered at load (zones/wire_record.hpp): one copy, then its pointers set to
  // where the owner (`ownerOffset`, a label start), the apex (`apexOffset`, in the question)
  // and the set itself landed. False when not written: truncated() when there was no room,
  // else the caller writes the set field by field (too far into the message for its
  // pointers, or pointers into an owner that is not written as labels here).
  bool prerendered(Section s, const zones::WireRecord& rec, size_t ownerOffset, size_t apexOffset) noexcept {
    const std::string_view bytes = rec.bytes();
    if (truncated_ || bytes.empty() || !ownerOffset) return false;
    if (rec.intoOwner && ownerOffset >= afterQuestion_.pos) return false;
    const size_t base = w_.size();
    if (base + bytes.size() > 0x3FFF) return false;
    uint8_t* p = w_.tryClaim(bytes.size());
    if (!p) {
      if (s != Additional) truncate();
      return false;
    }
    std::memcpy(p, bytes.data(), bytes.size());
    wire::Writer::put16(p, static_cast<uint16_t>(0xC000 | ownerOffset));
    const size_t bases[3] = {ownerOffset, apexOffset, base};
    for (const auto& patch : rec.patches())
      wire::Writer::put16(p + patch.at, static_cast<uint16_t>(0xC000 | (bases[patch.base] + patch.add)));
    if (const auto names = rec.names(); !names.empty())
      for (uint16_t at : names) w_.rememberNameLater(base + at);
    lastRdataName_ = bases[rec.lastRdataName.base] + rec.lastRdataName.add;
    counts_[s] = static_cast<uint16_t>(counts_[s] + rec.records);
    return true;
  }

  // Every record of `set` with its own TTL: rendered at load when it can be, else field by
  // field. The apex's offset is for the pointers of names inside the zone.
  [[gnu::always_inline]] bool rrset(Section s, size_t ownerOffset, size_t apexOffset, std::string_view owner,
                                    const zones::RRset& set) noexcept {
    return prerendered(s, set.wire, ownerOffset, apexOffset) || rrset(s, ownerOffset, owner, set, set.ttl);
  }

  // One A or AAAA record straight from a pool's address. False when it did not fit.
  bool address(size_t ownerOffset, std::string_view owner, uint16_t type, uint32_t ttl,
               const wire::Address& a) noexcept {
    if (truncated_) return false;
    const uint16_t len = type == wire::rrtype::A ? 4 : 16;
    wire::Writer::Mark m = w_.mark();
    if (ownerOffset) {
      // The usual case, a pointer to the question: the whole record in one bounds check.
      if (uint8_t* p = w_.claim(2 + 10 + len)) {
        p = wire::Writer::put16(p, static_cast<uint16_t>(0xC000 | ownerOffset));
        p = putFixedFields(p, type, ttl, len);
        if (len == 4) std::memcpy(p, a.bytes.data(), 4);  // fixed sizes: two moves, no call
        else std::memcpy(p, a.bytes.data(), 16);
      }
    } else {
      w_.name(owner);
      fixedFields(type, ttl, len);
      w_.bytes(a.bytes.data(), len);
    }
    if (w_.overflowed()) {
      w_.rollback(m);
      truncate();
      return false;
    }
    ++counts_[Answer];
    return true;
  }

  // `n` A or AAAA records, the i-th address `addressOf(i)`: when the owner is a pointer and
  // they all fit, one bounds check and the fixed fields built once for the run; otherwise
  // record by record through address(), which truncates. False when they did not fit.
  template <typename AddressOf>
  bool addresses(size_t ownerOffset, std::string_view owner, uint16_t type, uint32_t ttl, unsigned n,
                 const AddressOf& addressOf) noexcept {
    if (truncated_) return false;
    const bool v4 = type == wire::rrtype::A;
    const size_t each = v4 ? 16 : 28;
    uint8_t* p = ownerOffset ? w_.tryClaim(n * each) : nullptr;
    if (!p) {
      for (unsigned i = 0; i < n; ++i)
        if (!address(ownerOffset, owner, type, ttl, addressOf(i))) return false;
      return true;
    }
    uint8_t fixed[12];
    putFixedFields(wire::Writer::put16(fixed, static_cast<uint16_t>(0xC000 | ownerOffset)), type, ttl, v4 ? 4 : 16);
    for (unsigned i = 0; i < n; ++i, p += each) {
      std::memcpy(p, fixed, 12);
      if (v4) std::memcpy(p + 12, addressOf(i).bytes.data(), 4);
      else std::memcpy(p + 12, addressOf(i).bytes.data(), 16);
    }
    counts_[Answer] = static_cast<uint16_t>(counts_[Answer] + n);
    return true;
  }

  // A CNAME record to `target` (uncompressed wire), e.g. from a CNAME pool.
  bool cname(size_t ownerOffset, std::string_view owner, uint32_t ttl, std::string_view target) noexcept {
    if (truncated_) return false;
    wire::Writer::Mark m = w_.mark();
    if (ownerOffset) w_.pointer(ownerOffset);
    else w_.name(owner);
    fixedFields(wire::rrtype::CNAME, ttl, 0);
    size_t rdlengthAt = w_.size() - 2;
    w_.name(target);
    if (w_.overflowed()) {
      w_.rollback(m);
      truncate();
      return false;
    }
    w_.patch16(rdlengthAt, static_cast<uint16_t>(w_.size() - rdlengthAt - 2));
    ++counts_[Answer];
    return true;
  }

  // One record of `type` with `rdata` (uncompressed wire; its names compressed as rrset()
  // does). For stages that add records (signatures made online, denials): a record of a
  // section before the last one written would land in the wrong section, so the caller adds
  // only to the last (see count()). False when it did not fit (then truncated, as rrset()).
  bool record(Section s, size_t ownerOffset, std::string_view owner, uint16_t type, uint32_t ttl,
              std::string_view rdata) noexcept {
    if (truncated_) return false;
    wire::Writer::Mark m = w_.mark();
    if (ownerOffset) w_.pointer(ownerOffset);
    else w_.name(owner);
    fixedFields(type, ttl, 0);
    const size_t rdlengthAt = w_.size() - 2;
    writeRdata(type, rdata);
    if (w_.overflowed()) {
      w_.rollback(m);
      if (s != Additional) truncate();
      return false;
    }
    w_.patch16(rdlengthAt, static_cast<uint16_t>(w_.size() - rdlengthAt - 2));
    ++counts_[s];
    return true;
  }

  /// The message so far, for stages that read what was written: `size()` bytes at
  /// `message()`, the answer section starting at `sectionsStart()`.
  const uint8_t* message() const noexcept { return w_.data(); }
  size_t size() const noexcept { return w_.size(); }
  size_t sectionsStart() const noexcept { return afterQuestion_.pos; }
  uint16_t count(Section s) const noexcept { return counts_[s]; }

  size_t finish() noexcept {
    w_.releaseReserve();
    if (q_.hasEdns) writeOpt();
    const bool tsig = rcode_ == wire::Rcode::NotAuth && writeTsigError();
    uint16_t flags = 0x8000 | (q_.flags & 0x7800) /* opcode */ | (q_.flags & 0x0100) /* RD */ |
                     (q_.flags & 0x0010) /* CD */;
    if (aa_) flags |= 0x0400;
    if (truncated_) flags |= 0x0200;
    flags |= static_cast<uint16_t>(rcode_) & 0x0F;
    w_.patch16(2, flags);
    w_.patch16(6, counts_[Answer]);
    w_.patch16(8, counts_[Authority]);
    w_.patch16(10, static_cast<uint16_t>(counts_[Additional] + (q_.hasEdns ? 1 : 0) + (tsig ? 1 : 0)));
    return w_.size();
  }

  bool truncated() const noexcept { return truncated_; }
  wire::Rcode rcode() const noexcept { return rcode_; }
  uint8_t scope() const noexcept { return scope_; }

  /// Drops every section and sets TC: the resolver retries over TCP (RFC 7766). Also for
  /// stages, e.g. a rate limit's slip.
  void truncate() noexcept {
    truncated_ = true;
    w_.rollback(afterQuestion_);
    counts_[Answer] = counts_[Authority] = counts_[Additional] = 0;
  }

 private:

  // TYPE, CLASS IN, TTL and RDLENGTH (10 bytes) at `p`; returns where RDATA goes.
  static uint8_t* putFixedFields(uint8_t* p, uint16_t type, uint32_t ttl, uint16_t rdlength) noexcept {
    p = wire::Writer::put32(p, uint32_t(type) << 16 | wire::rrclass::IN);
    return wire::Writer::put16(wire::Writer::put32(p, ttl), rdlength);
  }
  // The same after an owner name already written, with one bounds check.
  void fixedFields(uint16_t type, uint32_t ttl, uint16_t rdlength) noexcept {
    if (uint8_t* p = w_.claim(10)) putFixedFields(p, type, ttl, rdlength);
  }

  void writeRdata(uint16_t type, std::string_view rd) noexcept {
    const wire::RdataNames names = wire::compressibleNames(type, rd);
    size_t at = 0;
    for (unsigned i = 0; i < names.count; ++i) {
      w_.bytes(rd.substr(at, names.name[i].at - at));
      w_.name(rd.substr(names.name[i].at, names.name[i].length));
      at = names.name[i].at + names.name[i].length;
    }
    w_.bytes(rd.substr(at));
  }

  void writeOpt() noexcept {
    const uint16_t extended = static_cast<uint16_t>(rcode_) >> 4;
    // Not with FORMERR (the option may be what was wrong) nor BADVERS (another version's option).
    const bool echoEcs = q_.hasEcs && rcode_ != wire::Rcode::FormErr && rcode_ != wire::Rcode::BadVers;
    // RFC 7871 section 7.2.1: same family, source prefix and address; our scope.
    const unsigned addressBytes = echoEcs ? (q_.ecs.sourcePrefix + 7u) / 8u : 0;
    const unsigned ecsBytes = echoEcs ? 8 + addressBytes : 0;
    // The cookie stage sets one only for a well-formed query of EDNS version 0.
    const uint16_t rdlength = static_cast<uint16_t>(ecsBytes + (serverCookie_ ? kCookieOptionSize : 0));
    uint8_t* p = w_.claim(11 + rdlength);
    if (!p) return;
    *p++ = 0;  // the root owner
    p = wire::Writer::put32(p, uint32_t(wire::rrtype::OPT) << 16 | wire::kAdvertisedUdpPayload);
    // Version 0; DO copied from the query (RFC 3225 section 3).
    p = wire::Writer::put32(p, uint32_t(extended) << 24 | (q_.dnssecOk ? 0x8000u : 0u));
    p = wire::Writer::put16(p, rdlength);
    if (echoEcs) {
      p = wire::Writer::put32(p, uint32_t(wire::ednsopt::ClientSubnet) << 16 | (4 + addressBytes));
      p = wire::Writer::put16(p, static_cast<uint16_t>(q_.ecs.family));
      *p++ = q_.ecs.sourcePrefix;
      *p++ = scope_;
      wire::copyShort(p, q_.ecs.address.bytes.data(), addressBytes);
      p += addressBytes;
    }
    if (serverCookie_) writeCookie(p);
  }

  // RFC 7873 section 5.2: the client cookie as sent, then the server cookie the stage chose.
  [[gnu::noinline]] void writeCookie(uint8_t* p) const noexcept {
    p = wire::Writer::put32(p, uint32_t(wire::ednsopt::Cookie) << 16 |
                                   (wire::kClientCookieSize + wire::kServerCookieSize));
    std::memcpy(p, q_.clientCookie(), wire::kClientCookieSize);
    std::memcpy(p + wire::kClientCookieSize, serverCookie_, wire::kServerCookieSize);
  }

  // The last record of a NOTAUTH answer: an unsigned TSIG saying BADKEY (RFC 8945 5.3.2),
  // with the query's key and algorithm names, time signed and fudge, no MAC, the query's ID.
  bool writeTsigError() noexcept {
    const wire::TsigRecord& t = q_.tsig;
    wire::Reader keyReader(t.message, t.messageSize);
    wire::WireName key;
    if (!keyReader.skip(t.keyAt) || !wire::readName(keyReader, key)) return false;
    const uint16_t rdlength = static_cast<uint16_t>(t.algorithmLength + 6 + 2 + 2 + 2 + 2 + 2);
    uint8_t* p = w_.claim(key.length + 10u + rdlength);
    if (!p) return false;
    std::memcpy(p, key.bytes, key.length);
    p = wire::Writer::put32(p + key.length, uint32_t(wire::rrtype::TSIG) << 16 | wire::rrclass::ANY);
    p = wire::Writer::put16(wire::Writer::put32(p, 0), rdlength);
    std::memcpy(p, t.rdata, t.algorithmLength + 8u);  // algorithm, time signed, fudge
    p = wire::Writer::put16(p + t.algorithmLength + 8, 0);  // MAC size: unsigned
    p = wire::Writer::put16(wire::Writer::put16(p, q_.id), wire::tsigerror::BadKey);
    wire::Writer::put16(p, 0);  // other data: none
    return true;
  }

  wire::Writer w_;
  const wire::Query& q_;
  wire::Writer::Mark afterQuestion_{};
  uint16_t counts_[3] = {0, 0, 0};
  wire::Rcode rcode_ = wire::Rcode::NoError;
  uint8_t scope_ = 0;  // static data holds for every client
  bool aa_ = false;
  bool truncated_ = false;
  size_t lastRdataName_ = 0;  // see lastRdataName()
  const uint8_t* serverCookie_ = nullptr;  // see setServerCookie()
};


}  // namespace lodestar::engine
