#include "dns/dnssec/online_signer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

#include "dns/dnssec/records.hpp"
#include "dns/dnssec/signed_zone.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/reader.hpp"
#include "zones/zone.hpp"

namespace lodestar::dnssec {

namespace {

using engine::Response;
using engine::Section;

constexpr size_t kMaxSetRecords = 64;  // a steered answer holds at most a pool's addresses

// One record of the message as read back.
struct Record {
  size_t ownerAt = 0;  // where its owner is written (labels or a pointer)
  wire::WireName owner;
  uint16_t type = 0;
  uint32_t ttl = 0;
  size_t rdataAt = 0;
  uint16_t rdlength = 0;
};

// Reads the record at the reader's position.
bool readRecord(wire::Reader& in, size_t at, Record& out) noexcept {
  out.ownerAt = at;
  uint16_t klass = 0, ttlHigh = 0, ttlLow = 0;
  if (!wire::readName(in, out.owner) || !in.u16(out.type) || !in.u16(klass) || !in.u16(ttlHigh) || !in.u16(ttlLow) ||
      !in.u16(out.rdlength))
    return false;
  out.ttl = uint32_t{ttlHigh} << 16 | ttlLow;
  out.rdataAt = in.position();
  return in.skip(out.rdlength);
}

// A pointer's target when the owner was written as one, else where its labels start.
size_t ownerTarget(const uint8_t* message, size_t at) noexcept {
  return (message[at] & 0xC0) == 0xC0 ? (size_t(message[at] & 0x3F) << 8 | message[at + 1]) : at;
}

std::string_view view(const wire::WireName& n) noexcept { return n.view(); }

}  // namespace

OnlineSigner::OnlineSigner(size_t cacheEntries) : Stage(engine::kSignedAnswer), cache_(cacheEntries) {
  scratch_.data.reserve(4096);
  scratch_.lowered.reserve(4096);
  scratch_.records.reserve(kMaxSetRecords);
}

const SignatureCache::Entry* OnlineSigner::signaturesOf(const SignedZone& zone, std::string_view owner, uint16_t type,
                                                        uint32_t ttl, std::string_view* rdata, size_t count,
                                                        uint32_t now) noexcept {
  // The key: the owner, then the records in a fixed order (a set is the same set in any order).
  std::sort(rdata, rdata + count);
  uint8_t content[SignatureCache::kMaxContent];
  size_t length = owner.size();
  bool cacheable = length <= sizeof content && zone.zsks.size() <= SignatureCache::kMaxSignatures;
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
    if (const SignatureCache::Entry* e = cache_.find(hash, zone.generation, type, ttl, key, now)) {
      ++counters_.hits;
      return e;
    }
  const SignatureWindow window = zone.window(now);
  SignatureCache::Entry& e =
      cacheable ? cache_.take(hash, zone.generation, type, ttl, key, window.expiration - zone.policy.refresh) : uncached_;
  e.count = 0;
  const RrsetView set{owner, type, ttl, {rdata, count}};
  for (const KeyPair* k : zone.zsks) {
    if (e.count == SignatureCache::kMaxSignatures) break;
    const size_t n = signRrset(*k, zone.apex, set, window, e.rdata[e.count], scratch_);
    if (!n) {
      e.generation = 0;  // never found half made
      ++counters_.failures;
      return nullptr;
    }
    e.length[e.count++] = static_cast<uint16_t>(n);
    ++counters_.signings;
  }
  return &e;
}

void OnlineSigner::signAnswerSet(const SignedZone& zone, Response& r, uint32_t now) noexcept {
  // The answer's last set, unless the answer path signed it (a chain to static data): the
  // endpoints written for this client.
  if (r.count(engine::Authority) || r.count(engine::Additional) || !r.count(engine::Answer)) return;
  const uint8_t* message = r.message();
  wire::Reader in(message, r.size());
  in.skip(r.sectionsStart());
  std::array<Record, kMaxSetRecords> run;
  size_t runLength = 0;
  Record rec;
  for (uint16_t i = 0; i < r.count(engine::Answer); ++i) {
    if (!readRecord(in, in.position(), rec)) {
      ++counters_.failures;
      return;
    }
    const bool same = runLength && rec.type == run[0].type && view(rec.owner) == view(run[0].owner);
    if (!same) runLength = 0;
    if (runLength == kMaxSetRecords) {
      ++counters_.failures;
      return;
    }
    run[runLength++] = rec;
  }
  if (!runLength || run[0].type == rrtype::RRSIG) return;
  std::array<std::string_view, kMaxSetRecords> rdata;
  wire::WireName target;
  for (size_t i = 0; i < runLength; ++i) {
    rdata[i] = {reinterpret_cast<const char*>(message + run[i].rdataAt), run[i].rdlength};
    if (run[i].type == wire::rrtype::CNAME) {  // its target may be compressed: signed whole
      wire::Reader at(message, r.size());
      at.skip(run[i].rdataAt);
      if (!wire::readName(at, target)) return;
      rdata[i] = view(target);
    }
  }
  wire::WireName owner;
  wire::lowercaseName(run[0].owner, owner);
  const SignatureCache::Entry* sigs = signaturesOf(zone, view(owner), run[0].type, run[0].ttl, rdata.data(), runLength, now);
  if (!sigs) return;
  const size_t ownerAt = ownerTarget(message, run[0].ownerAt);
  for (size_t i = 0; i < sigs->count; ++i)
    r.record(engine::Answer, ownerAt < 0x3FFF ? ownerAt : 0, view(owner), rrtype::RRSIG, run[0].ttl, sigs->signature(i));
}

void OnlineSigner::deny(const SignedZone& zone, engine::AnswerContext& a, Response& r, uint32_t now) noexcept {
  if (r.count(engine::Additional) || !r.count(engine::Authority)) return;  // negative answers end in the SOA
  const wire::Query& q = *a.query;
  // The name denied: the question's, or where the zone's CNAMEs led.
  wire::WireName name;
  size_t nameAt = engine::kQuestionOffset;
  if (a.cnames) {
    const uint8_t* message = r.message();
    wire::Reader in(message, r.size());
    in.skip(r.sectionsStart());
    Record rec;
    bool found = false;
    for (uint16_t i = 0; i < r.count(engine::Answer); ++i) {
      if (!readRecord(in, in.position(), rec)) return;
      if (rec.type == wire::rrtype::CNAME) {
        wire::Reader at(message, r.size());
        at.skip(rec.rdataAt);
        wire::WireName target;
        if (!wire::readName(at, target)) return;
        wire::lowercaseName(target, name);
        found = true;
      }
    }
    if (!found) return;
    nameAt = 0;
  } else {
    name = q.qnameLower;
  }
  const std::string_view denied = view(name);
  if (denied.size() + 2 > wire::kMaxNameLength) {
    ++counters_.failures;  // no room for the next name's extra label: left unsigned
    return;
  }
  // The types the name has: none for a name that does not exist (NXNAME says so, RFC 9824).
  std::array<uint16_t, 64> types;
  size_t typeCount = 0;
  if (a.kind == engine::AnswerKind::NxDomain) {
    types[typeCount++] = rrtype::NXNAME;
  } else if (const zones::Node* node = a.cnames ? a.zone->find(denied) : a.node) {
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
  // The next name is the name's immediate successor: "\000." before it.
  uint8_t next[wire::kMaxNameLength];
  next[0] = 1;
  next[1] = 0;
  std::memcpy(next + 2, denied.data(), denied.size());
  uint8_t nsec[wire::kMaxNameLength + 2 + 34 * 2];
  const size_t nsecLength = writeNsecRdata({reinterpret_cast<const char*>(next), denied.size() + 2},
                                           {types.data(), typeCount}, nsec);
  std::string_view rdata[1] = {{reinterpret_cast<const char*>(nsec), nsecLength}};
  const uint32_t ttl = a.zone->negativeTtl();
  const SignatureCache::Entry* sigs = signaturesOf(zone, denied, rrtype::NSEC, ttl, rdata, 1, now);
  if (!sigs) return;
  if (!r.record(engine::Authority, nameAt, denied, rrtype::NSEC, ttl, rdata[0])) return;
  for (size_t i = 0; i < sigs->count; ++i)
    r.record(engine::Authority, nameAt, denied, rrtype::RRSIG, ttl, sigs->signature(i));
  // The name exists as far as the proof goes: NOERROR (RFC 9824 section 3).
  if (a.kind == engine::AnswerKind::NxDomain) r.setRcode(wire::Rcode::NoError);
}

engine::Verdict OnlineSigner::beforeFinish(engine::AnswerContext& a, Response& r) noexcept {
  if (!a.query || !a.query->dnssecOk || !a.zone || r.truncated()) return engine::Verdict::Continue;
  const SignedZone* zone = signedZone(*a.zone);
  if (!zone) return engine::Verdict::Continue;
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  switch (a.kind) {
    case engine::AnswerKind::Steered:
      signAnswerSet(*zone, r, now);
      break;
    case engine::AnswerKind::NxDomain:
    case engine::AnswerKind::NoData:
      deny(*zone, a, r, now);
      break;
    default:
      break;
  }
  return engine::Verdict::Continue;
}

}  // namespace lodestar::dnssec
