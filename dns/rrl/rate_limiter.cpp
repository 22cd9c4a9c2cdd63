#include "dns/rrl/rate_limiter.hpp"

#include <cstring>
#include <iterator>
#include <random>
#include <utility>

#include "dns/engine/response.hpp"
#include "dns/rrl/rate_clock.hpp"
#include "zones/zone.hpp"

namespace lodestar::rrl {

namespace {

bool within(const wire::Prefix& p, const wire::Address& a) noexcept {
  if (p.address.family != a.family) return false;
  const unsigned whole = p.length / 8u, rest = p.length % 8u;
  if (std::memcmp(p.address.bytes.data(), a.bytes.data(), whole) != 0) return false;
  return !rest || ((p.address.bytes[whole] ^ a.bytes[whole]) & (0xFFu << (8 - rest)) & 0xFFu) == 0;
}

}  // namespace

const char* rateClassName(RateClass c) noexcept {
  switch (c) {
    case RateClass::Responses: return "responses";
    case RateClass::NxDomains: return "nxdomains";
    case RateClass::Referrals: return "referrals";
    case RateClass::Errors: return "errors";
  }
  return "responses";
}

namespace {
// By AnswerKind's value: a load, not a switch (the order is checked below).
constexpr RateClass kClassOfKind[] = {
    RateClass::Errors,     // Dropped
    RateClass::Errors,     // Error
    RateClass::Errors,     // Refused
    RateClass::Responses,  // Static
    RateClass::Responses,  // Steered
    RateClass::Responses,  // CnameChain
    RateClass::Referrals,  // Referral
    RateClass::NxDomains,  // NxDomain
    RateClass::Responses,  // NoData
};
static_assert(std::size(kClassOfKind) == static_cast<size_t>(engine::AnswerKind::NoData) + 1 &&
              static_cast<int>(engine::AnswerKind::Dropped) == 0 && static_cast<int>(engine::AnswerKind::Error) == 1 &&
              static_cast<int>(engine::AnswerKind::Refused) == 2 && static_cast<int>(engine::AnswerKind::Static) == 3 &&
              static_cast<int>(engine::AnswerKind::Steered) == 4 &&
              static_cast<int>(engine::AnswerKind::CnameChain) == 5 &&
              static_cast<int>(engine::AnswerKind::Referral) == 6 && static_cast<int>(engine::AnswerKind::NxDomain) == 7 &&
              static_cast<int>(engine::AnswerKind::NoData) == 8);
}  // namespace

RateClass classOf(const engine::AnswerContext& a) noexcept {
  return kClassOfKind[static_cast<size_t>(a.kind)];  // every kind is in the table (checked above)
}

RateLimiter::RateLimiter(const RateSettings& settings, engine::QueryStats& stats)
    : Stage(engine::kBeforeFinish),
      settings_(settings),
      table_(settings.tableEntries),
      clock_(settings.clockMs ? RateClock(settings.clockMs) : RateClock::forThisMachine()),
      stats_(stats) {
  seed_ = settings.seed ? settings.seed : (uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
  hasExempt_ = !settings_.exempt.empty();
  // The prefixes as masks over the address's 16 bytes, in the bytes' own (network) order.
  for (auto [bits, out] : {std::pair{unsigned(settings_.prefixV4), maskV4_}, std::pair{unsigned(settings_.prefixV6), maskV6_}}) {
    uint8_t bytes[16] = {};
    for (unsigned i = 0; i < bits / 8u; ++i) bytes[i] = 0xFF;
    if (bits % 8u) bytes[bits / 8u] = static_cast<uint8_t>(0xFFu << (8 - bits % 8u));
    std::memcpy(out, bytes, sizeof bytes);
  }
}

bool RateLimiter::exempt(const wire::Address& source) const noexcept {
  for (const wire::Prefix& p : settings_.exempt)
    if (within(p, source)) return true;
  return false;
}

inline uint64_t RateLimiter::keyOf(const engine::AnswerContext& a, RateClass c) const noexcept {
  // The key: the client's prefix, the class, and what the bucket counts: answers with data
  // (and NODATA) per node and type, as BIND and Knot count them per name, so a resolver
  // asking for many names of one zone is not held back, while the names one wildcard answers
  // share its node (a random-name flood on a wildcard is one bucket); NXDOMAIN, referrals and
  // errors per zone, so a flood of random names fills one bucket. Hashed with this
  // limiter's seed.
  const wire::Address& source = a.client->source;
  const bool v4 = source.family == wire::Family::IPv4;
  uint64_t words[2];
  std::memcpy(words, source.bytes.data(), sizeof words);
  const uint64_t* mask = v4 ? maskV4_ : maskV6_;
  words[0] &= mask[0];
  words[1] &= mask[1];
  // Multiply-and-fold: the seed makes where a key lands unknowable from outside.
  // (The answer path sets a.query, and a.node for every answer with data or NODATA, before
  // this point; a node's address is its identity for the life of the view.)
  const uint64_t what = c == RateClass::Responses ? reinterpret_cast<uintptr_t>(a.node) ^ uint64_t(a.query->qtype) << 48
                        : a.zone                              ? a.zone->statsSlot()
                                                              : 0xFFFF;
  uint64_t z = (words[0] ^ seed_) * 0x9E3779B97F4A7C15ULL ^ words[1] * 0xD6E8FEB86659FD93ULL ^
               (what << 3 | static_cast<uint64_t>(c) << 1 | v4);
  // A product's bit depends only on the bits at or below it, so prefixes that differ only in
  // high bytes (an IPv6 /56 ends in bits 48-55) differ only in the top of z. Two rounds of
  // xor-shift and multiply (a 64-bit finalizer) spread every bit over the top bits the table
  // takes its set from; one round left some seeds with many keys in a few sets.
  z ^= z >> 32;
  z *= 0xBF58476D1CE4E5B9ULL;
  z ^= z >> 29;
  return z * 0x94D049BB133111EBULL;
}

engine::Verdict RateLimiter::beforeFinish(engine::AnswerContext& a, engine::Response& r) noexcept {
  // TCP proves the address is real: only UDP can be spoofed into a reflection.
  if (a.client->transport != engine::Transport::Udp) return engine::Verdict::Continue;
  // So does a server cookie we made for this address (RFC 7873 5.3, RFC 9018).
  if (a.cookie.state == engine::CookieState::Valid) return engine::Verdict::Continue;
  const RateClass c = classOf(a);
  const uint32_t perSecond = settings_.perSecond[static_cast<size_t>(c)];
  if (!perSecond) return engine::Verdict::Continue;
  // The rare cases leave by tail calls, so the usual one (a known bucket within its limit)
  // makes no call and saves no register.
  if (hasExempt_) [[unlikely]]
    return exemptOrTake(a, r, c, perSecond);
  const uint64_t key = keyOf(a, c);
  if (!clock_.counts()) [[unlikely]]
    return takeSlowly(key, r, c, perSecond);
  switch (table_.takeKnown(key, clock_.counterMs(), perSecond)) {
    case RateTable::Taken::Yes: return engine::Verdict::Continue;
    case RateTable::Taken::No: return limited(c, r);
    case RateTable::Taken::NewKey: break;
  }
  return takeSlowly(key, r, c, perSecond);
}

engine::Verdict RateLimiter::exemptOrTake(engine::AnswerContext& a, engine::Response& r, RateClass c,
                                          uint32_t perSecond) noexcept {
  if (exempt(a.client->source)) return engine::Verdict::Continue;
  return takeSlowly(keyOf(a, c), r, c, perSecond);
}

engine::Verdict RateLimiter::takeSlowly(uint64_t key, engine::Response& r, RateClass c, uint32_t perSecond) noexcept {
  if (table_.take(key, clock_.nowMs(), perSecond)) return engine::Verdict::Continue;
  return limited(c, r);
}

engine::Verdict RateLimiter::limited(RateClass c, engine::Response& r) noexcept {
  if (settings_.slip && ++limitedCount_ % settings_.slip == 0) {
    r.truncate();  // empty, TC=1: a real client asks again over TCP
    ++stats_.rateSlipped[static_cast<size_t>(c)];
    return engine::Verdict::Finish;
  }
  ++stats_.rateLimited[static_cast<size_t>(c)];
  return engine::Verdict::Drop;
}

}  // namespace lodestar::rrl
