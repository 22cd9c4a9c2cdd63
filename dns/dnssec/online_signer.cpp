#include "dns/dnssec/online_signer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

#include "dns/dnssec/records.hpp"
#include "dns/dnssec/signed_zone.hpp"
#include "dns/dnssec/white_lies.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/reader.hpp"
#include "zones/zone.hpp"

namespace lodestar::dnssec {

namespace {

using engine::Response;
using engine::Section;

constexpr size_t kMaxBitmap = 256 * 34;  // an NSEC type bitmap: 256 windows of at most 34 bytes

// One record of the message as read back; its owner is read only when needed (left
// uninitialised: this is made per answer).
struct Record {
  size_t ownerAt;  // where its owner is written (labels or a pointer)
  uint16_t type;
  uint32_t ttl;
  size_t rdataAt;
  uint16_t rdlength;
};

// Reads the record at the reader's position, skipping its owner.
bool readRecord(wire::Reader& in, Record& out) noexcept {
  out.ownerAt = in.position();
  uint16_t klass = 0, ttlHigh = 0, ttlLow = 0;
  if (!wire::skipName(in) || !in.u16(out.type) || !in.u16(klass) || !in.u16(ttlHigh) || !in.u16(ttlLow) ||
      !in.u16(out.rdlength))
    return false;
  out.ttl = uint32_t{ttlHigh} << 16 | ttlLow;
  out.rdataAt = in.position();
  return in.skip(out.rdlength);
}

// The name at `at` in the message, decompressed.
bool nameAt(const Response& r, size_t at, wire::WireName& out) noexcept {
  wire::Reader in(r.message(), r.size());
  return in.skip(at) && wire::readName(in, out);
}

// Whether two records' owners are one name: the same pointer (as the answer path writes a
// set's owners), else compared whole.
bool sameOwner(const Response& r, size_t a, size_t b) noexcept {
  const uint8_t* m = r.message();
  if ((m[a] & 0xC0) == 0xC0 && m[a] == m[b] && m[a + 1] == m[b + 1]) return true;
  wire::WireName x, y;
  return nameAt(r, a, x) && nameAt(r, b, y) && x.view() == y.view();
}

// A pointer's target when the owner was written as one, else where its labels start.
size_t ownerTarget(const uint8_t* message, size_t at) noexcept {
  return (message[at] & 0xC0) == 0xC0 ? (size_t(message[at] & 0x3F) << 8 | message[at + 1]) : at;
}

std::string_view view(const wire::WireName& n) noexcept { return n.view(); }

}  // namespace

OnlineSigner::OnlineSigner(engine::QueryStats& stats, size_t cacheEntries)
    : Stage(engine::kSignedAnswer), cache_(cacheEntries), denials_(cacheEntries / 4), stats_(stats) {
  scratch_.data.reserve(4096);
  scratch_.lowered.reserve(4096);
  scratch_.records.reserve(kMaxSetRecords);
}

const SignatureCache::Entry* OnlineSigner::signaturesOf(SignatureCache& cache, const SignedZone& zone,
                                                        std::string_view owner, uint16_t type, uint32_t ttl,
                                                        std::string_view* rdata, size_t count, uint32_t now) noexcept {
  // The key: the owner, then the records in a fixed order (a set is the same set in any order).
  std::sort(rdata, rdata + count);
  uint8_t content[SignatureCache::kMaxContent];
  size_t length = owner.size();
  bool cacheable = length <= sizeof content;
  if (cacheable) std::memcpy(content, owner.data(), owner.size());
  for (size_t i = 0; i < count && cacheable; ++i) {
    if (length + 2 + rdata[i].size() > sizeof content) {
      cacheable = false;
      break;
    }
    content[length++] = static_cast<uint8_t>(rdata[i].size() >> 8);
    content[length++] = static_cast<uint8_t>(rdata[i].size());
    std::memcpy(content + length, rdata[i].data(), rdata[i].size());
    length += rdata[i].size();
  }
  const std::string_view key(reinterpret_cast<const char*>(content), cacheable ? length : 0);
  const uint64_t hash = SignatureCache::hashOf(zone.generation, type, ttl, key);
  if (cacheable)
    if (const SignatureCache::Entry* e = cache.find(hash, zone.generation, type, ttl, key, now)) {
      ++stats_.signatureHits;
      return e;
    }
  // A miss signs: the cache's memory is taken at the first one, and signing may grow its
  // scratch buffers; an allocation that fails leaves this answer unsigned, never the process,
  // and never a slot labelled with this content but holding no signature.
  SignatureCache::Entry* e = &uncached_;
  try {
    const SignatureWindow window = zone.window(now);
    if (cacheable) e = &cache.take(hash, zone.generation, type, ttl, key, window.expiration - zone.policy.refresh);
    e->count = 0;
    const RrsetView set{owner, type, ttl, {rdata, count}};
    // Every signing key signs: each algorithm of the DNSKEY set must (RFC 4035 2.2); the zone
    // is refused at load with more keys than an entry holds.
    for (const KeyPair* k : zone.zsks) {
      const size_t n = e->count < SignatureCache::kMaxSignatures
                           ? signRrset(*k, zone.apex, set, window, e->rdata[e->count], scratch_)
                           : 0;
      if (!n) {
        e->generation = 0;
        ++stats_.signingFailures;
        return nullptr;
      }
      e->length[e->count++] = static_cast<uint16_t>(n);
      ++stats_.signaturesMade;
    }
    return e;
  } catch (const std::exception&) {
    e->generation = 0;
    ++stats_.signingFailures;
    return nullptr;
  }
}

void OnlineSigner::signAnswerSet(const SignedZone& zone, const wire::Query& q, Response& r, uint32_t now,
                                 std::string_view signer) noexcept {
  // The answer's last set, unless the answer path signed it (a chain to static data): the
  // endpoints written for this client.
  if (r.count(engine::Authority) || r.count(engine::Additional) || !r.count(engine::Answer)) return;
  const uint8_t* message = r.message();
  wire::Reader in(message, r.size());
  in.skip(r.sectionsStart());
  // The last run of records of one owner and type: where its first record is, the others' data.
  Record first{}, rec;  // (five stores: the compiler cannot see that a run starts at the first record)
  std::string_view* rdata = rdata_.data();
  size_t runLength = 0;
  for (uint16_t i = 0; i < r.count(engine::Answer); ++i) {
    if (!readRecord(in, rec)) {
      ++stats_.signingFailures;
      return;
    }
    if (!runLength || rec.type != first.type || !sameOwner(r, rec.ownerAt, first.ownerAt)) {
      first = rec;
      runLength = 0;
    }
    if (runLength == kMaxSetRecords) {
      ++stats_.signingFailures;
      return;
    }
    rdata[runLength++] = {reinterpret_cast<const char*>(message + rec.rdataAt), rec.rdlength};
  }
  if (!runLength || first.type == rrtype::RRSIG) return;
  wire::WireName target, written, lowered;
  if (first.type == wire::rrtype::CNAME) {  // its target may be compressed: signed whole
    if (!nameAt(r, first.rdataAt, target)) return;
    rdata[0] = view(target);
  }
  // The owner in lower case: the question's, as parsed, when the set points there (no CNAME
  // before it), else read back.
  const size_t ownerAt = ownerTarget(message, first.ownerAt);
  std::string_view owner = q.qnameLower.view();
  if (ownerAt != engine::kQuestionOffset) {
    if (!nameAt(r, first.ownerAt, written)) return;
    wire::lowercaseName(written, lowered);
    owner = view(lowered);
  }
  // A set synthesised from a wildcard is signed as the wildcard's (RFC 4035 5.3.2: the
  // validator verifies over "*" and the labels the RRSIG counts), so its signatures are the
  // same, and cached once, for every name the wildcard answers; written under the owner.
  const SignatureCache::Entry* sigs = signaturesOf(cache_, zone, signer.empty() ? owner : signer, first.type,
                                                   first.ttl, rdata, runLength, now);
  if (!sigs) return;
  for (size_t i = 0; i < sigs->count; ++i)
    r.record(engine::Answer, ownerAt < 0x3FFF ? ownerAt : 0, owner, rrtype::RRSIG, first.ttl, sigs->signature(i));
}

void OnlineSigner::deny(const SignedZone& zone, engine::AnswerContext& a, Response& r, uint32_t now,
                        const zones::Node* last) noexcept {
  if (r.count(engine::Additional) || !r.count(engine::Authority)) return;  // negative answers end in the SOA
  const wire::Query& q = *a.query;
  // The name denied: the question's, or where the zone's CNAMEs led.
  wire::WireName name;
  size_t deniedAt = engine::kQuestionOffset;
  if (a.cnames) {
    wire::Reader in(r.message(), r.size());
    in.skip(r.sectionsStart());
    Record rec;
    bool found = false;
    for (uint16_t i = 0; i < r.count(engine::Answer); ++i) {
      if (!readRecord(in, rec)) return;
      if (rec.type == wire::rrtype::CNAME) {
        wire::WireName target;
        if (!nameAt(r, rec.rdataAt, target)) return;
        wire::lowercaseName(target, name);
        found = true;
      }
    }
    if (!found) return;
    deniedAt = 0;
  } else {
    name = q.qnameLower;
  }
  const std::string_view denied = view(name);
  const uint32_t ttl = a.zone->negativeTtl();
  if (a.kind == engine::AnswerKind::NxDomain && zone.policy.denial == zones::DnssecPolicy::Denial::WhiteLies) {
    denyWithWhiteLies(zone, *a.zone, r, denied, ttl, now);
    return;
  }
  // A name synthesised from a wildcard lacks the type at the wildcard: the NSEC is the
  // wildcard's own (RFC 4035 3.1.3.4), beside the proof that no closer name exists.
  std::string_view owner = denied;
  if (a.kind == engine::AnswerKind::NoData && lastExpanded_ && last) {
    owner = last->name;
    deniedAt = 0;
  }
  if (owner.size() + 2 > wire::kMaxNameLength) {
    ++stats_.signingFailures;  // no room for the next name's extra label: left unsigned
    return;
  }
  // The types the name has: none for a name that does not exist (NXNAME says so, RFC 9824).
  std::array<uint16_t, 64> types;
  size_t typeCount = 0;
  if (a.kind == engine::AnswerKind::NxDomain) {
    types[typeCount++] = rrtype::NXNAME;
  } else if (const zones::Node* node = last) {
    for (const zones::RRset& set : node->rrsets)
      if (set.type != rrtype::RRSIG && typeCount < types.size() - 4) types[typeCount++] = set.type;
    if (node->steer && node->steer->pool) {
      if (node->steer->pool->answersFamily[0]) types[typeCount++] = wire::rrtype::A;
      if (node->steer->pool->answersFamily[1]) types[typeCount++] = wire::rrtype::AAAA;
    }
  }
  types[typeCount++] = rrtype::RRSIG;
  types[typeCount++] = rrtype::NSEC;
  std::sort(types.begin(), types.begin() + typeCount);
  typeCount = static_cast<size_t>(std::unique(types.begin(), types.begin() + typeCount) - types.begin());
  // The type denied is never listed: a steered name's family is in its pool, yet this answer
  // has none of it (every endpoint down with all_down: nodata), and a validator rejects an
  // NSEC that lists the type it is to deny (RFC 4035 section 5.4).
  if (q.qtype != rrtype::RRSIG && q.qtype != rrtype::NSEC)  // those two are always there (RFC 4035 2.3)
    typeCount = static_cast<size_t>(std::remove(types.begin(), types.begin() + typeCount, q.qtype) - types.begin());
  // The next name is the name's immediate successor: "\000." before it.
  wire::WireName next;
  next.bytes[0] = 1;
  next.bytes[1] = 0;
  std::memcpy(next.bytes + 2, owner.data(), owner.size());
  next.length = static_cast<uint8_t>(owner.size() + 2);
  if (!addNsec(zone, r, deniedAt, owner, view(next), {types.data(), typeCount}, ttl, now)) return;
  // The name exists as far as the proof goes: NOERROR (RFC 9824 section 3).
  if (a.kind == engine::AnswerKind::NxDomain) r.setRcode(wire::Rcode::NoError);
}

void OnlineSigner::denyWithWhiteLies(const SignedZone& zone, const zones::Zone& data, Response& r,
                                     std::string_view denied, uint32_t ttl, uint32_t now) noexcept {
  // Two ranges (RFC 4470, RFC 4035 5.4): one covers the name below the closest encloser on
  // the way to the name denied (so the name and all below it), one the wildcard at the
  // closest encloser. Each is a pair of siblings of what it covers, so the encloser a
  // validator derives from them is the true one. The rcode stays NXDOMAIN.
  const size_t encloserAt = closestEncloserAt(data, denied);
  size_t nextCloserAt = 0;
  for (int at = 0; at >= 0 && static_cast<size_t>(at) < encloserAt; at = wire::parentOffset(denied, static_cast<size_t>(at)))
    nextCloserAt = static_cast<size_t>(at);
  wire::WireName owner, next, star, starOwner, starNext;
  const std::string_view encloser = denied.substr(std::min(encloserAt, denied.size()));
  star.bytes[0] = 1;
  star.bytes[1] = '*';
  const bool fits = encloserAt < denied.size() && encloser.size() + 2 <= wire::kMaxNameLength;
  if (fits) {
    std::memcpy(star.bytes + 2, encloser.data(), encloser.size());
    star.length = static_cast<uint8_t>(encloser.size() + 2);
  }
  if (!fits || !siblingRange(denied.substr(nextCloserAt), owner, next) ||
      !siblingRange(view(star), starOwner, starNext)) {
    ++stats_.signingFailures;  // left unsigned: names at the limits of the format
    return;
  }
  const uint16_t types[] = {rrtype::RRSIG, rrtype::NSEC};  // all the lie's names hold
  if (!addNsec(zone, r, 0, view(owner), view(next), types, ttl, now)) return;
  // A name below "*" itself: the first range already covers the wildcard.
  if (view(owner) != view(starOwner)) addNsec(zone, r, 0, view(starOwner), view(starNext), types, ttl, now);
}

const zones::Node* OnlineSigner::walkChain(const engine::AnswerContext& a, const wire::Query& q) noexcept {
  expansions_ = 0;
  lastExpanded_ = false;
  const zones::Node* node = a.node;
  std::string_view name = q.qnameLower.view();
  // As the answer path went (dns/engine/answer.cpp, collect()): a.cnames CNAMEs written, each
  // target followed while it is a name of the zone, until kMaxCnameChain.
  for (unsigned depth = 0;; ++depth) {
    // A wildcard's node answers a name other than its own only by synthesis (RFC 4592 3.3.1);
    // asked by its own name ("*.cdn"), it is an ordinary name.
    lastExpanded_ = zones::isWildcard(node->name) && name != node->name;
    if (lastExpanded_) expanded_[expansions_++] = {name, node};
    if (depth == a.cnames) return node;
    const zones::RRset* cname = node->find(wire::rrtype::CNAME);
    const zones::NodeLinks& links = *node->links;
    if (!cname || !links.cnameTargetInZone || !links.cnameTarget || depth + 1 >= engine::kMaxCnameChain) {
      lastExpanded_ = false;
      return nullptr;
    }
    // The target as the zone holds it, lowercased (a length byte is never a letter).
    const std::string_view target = cname->rdata.front();
    wire::WireName& lowered = targets_[depth];
    for (size_t i = 0; i < target.size(); ++i) {
      const uint8_t c = static_cast<uint8_t>(target[i]);
      lowered.bytes[i] = c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c + 32) : c;
    }
    lowered.length = static_cast<uint8_t>(target.size());
    name = view(lowered);
    node = links.cnameTarget;
  }
}

void OnlineSigner::proveExpansions(const SignedZone& zone, const zones::Zone& data, Response& r, uint32_t now) noexcept {
  if (r.count(engine::Additional)) return;  // authority records go before the additional ones
  const uint16_t types[] = {rrtype::RRSIG, rrtype::NSEC};  // all the range's names hold
  std::array<std::string_view, engine::kMaxCnameChain + 1> proven;
  size_t provenCount = 0;
  for (size_t i = 0; i < expansions_; ++i) {
    // The next closer name: the name's ancestor one label below the wildcard's parent, the
    // closest encloser (RFC 4592 3.3.1). The range covers it and all below it (so the name),
    // from a sibling just before to one just after: a validator derives the closest encloser
    // from its ends (the longer common suffix with the name), which is then the wildcard's
    // parent, as the RRSIG's labels field says; and the range holds no "*" name there, so it
    // does not deny the wildcard that answered.
    const std::string_view name = expanded_[i].name;
    const size_t encloser = expanded_[i].wildcard->name.size() - 2;
    size_t nextCloserAt = 0;
    for (int at = 0; at >= 0 && name.size() - static_cast<size_t>(at) > encloser;
         at = wire::parentOffset(name, static_cast<size_t>(at)))
      nextCloserAt = static_cast<size_t>(at);
    const std::string_view nextCloser = name.substr(nextCloserAt);
    // One proof per next closer name: two names of a chain under one may share it.
    if (std::find(proven.begin(), proven.begin() + provenCount, nextCloser) != proven.begin() + provenCount) continue;
    proven[provenCount++] = nextCloser;
    wire::WireName owner, next;
    if (!siblingRange(nextCloser, owner, next)) {
      ++stats_.signingFailures;  // left unproven: names at the limits of the format
      continue;
    }
    if (!addNsec(zone, r, 0, view(owner), view(next), types, data.negativeTtl(), now)) return;
  }
}

bool OnlineSigner::addNsec(const SignedZone& zone, Response& r, size_t ownerAt, std::string_view owner,
                           std::string_view next, std::span<const uint16_t> types, uint32_t ttl, uint32_t now) noexcept {
  uint8_t nsec[wire::kMaxNameLength + kMaxBitmap];
  const size_t nsecLength = writeNsecRdata(next, types, nsec);
  std::string_view rdata[1] = {{reinterpret_cast<const char*>(nsec), nsecLength}};
  const SignatureCache::Entry* sigs = signaturesOf(denials_, zone, owner, rrtype::NSEC, ttl, rdata, 1, now);
  if (!sigs) return false;
  if (!r.record(engine::Authority, ownerAt, owner, rrtype::NSEC, ttl, rdata[0])) return false;
  for (size_t i = 0; i < sigs->count; ++i)
    r.record(engine::Authority, ownerAt, owner, rrtype::RRSIG, ttl, sigs->signature(i));
  return true;
}

engine::Verdict OnlineSigner::beforeFinish(engine::AnswerContext& a, Response& r) noexcept {
  if (!a.query || !a.query->dnssecOk || !a.zone || r.truncated()) return engine::Verdict::Continue;
  const SignedZone* zone = signedZone(*a.zone);
  if (!zone) return engine::Verdict::Continue;
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  const wire::Query& q = *a.query;
  // The node that ends the answer, and its names synthesised from a wildcard: found by
  // retracing the chain. A zone without wildcards synthesises nothing: its static answers
  // have nothing to add here.
  expansions_ = 0;
  lastExpanded_ = false;
  const zones::Node* last = a.node;
  switch (a.kind) {
    case engine::AnswerKind::Steered:
    case engine::AnswerKind::NxDomain:
    case engine::AnswerKind::NoData:
      // (NODATA after a chain needs the node where it ended, for its types, wildcards or not.)
      if (a.node && (zone->wildcards || (a.cnames && a.kind == engine::AnswerKind::NoData))) last = walkChain(a, q);
      break;
    case engine::AnswerKind::Static:
    case engine::AnswerKind::CnameChain:
      if (!zone->wildcards || !a.node) return engine::Verdict::Continue;
      last = walkChain(a, q);
      break;
    default:
      return engine::Verdict::Continue;
  }
  switch (a.kind) {
    case engine::AnswerKind::Steered:
      signAnswerSet(*zone, q, r, now, lastExpanded_ && last ? last->name : std::string_view{});
      break;
    case engine::AnswerKind::NxDomain:
    case engine::AnswerKind::NoData:
      deny(*zone, a, r, now, last);
      break;
    default:
      break;
  }
  if (expansions_ && !r.truncated()) proveExpansions(*zone, *a.zone, r, now);
  return engine::Verdict::Continue;
}

}  // namespace lodestar::dnssec
