#include "dns/rrl/rate_limiter.hpp"

#include <time.h>

#include <cstring>
#include <random>
#include <utility>

#include "dns/engine/response.hpp"
#include "zones/zone.hpp"

namespace lodestar::rrl {

namespace {

uint32_t coarseMs() noexcept {
  timespec t;  // the vDSO's coarse clock: a few ns, a tick's resolution (enough for buckets)
  clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
  return static_cast<uint32_t>(uint64_t(t.tv_sec) * 1000u + uint64_t(t.tv_nsec) / 1'000'000u);
}

uint64_t mix(uint64_t x) noexcept {  // a 64-bit finaliser (murmur3's): every bit moves every bit
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

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

RateClass classOf(const engine::AnswerContext& a) noexcept {
  switch (a.kind) {
    case engine::AnswerKind::NxDomain: return RateClass::NxDomains;
    case engine::AnswerKind::Referral: return RateClass::Referrals;
    case engine::AnswerKind::Error:
    case engine::AnswerKind::Refused:
    case engine::AnswerKind::Dropped: return RateClass::Errors;
    default: return RateClass::Responses;  // data, steered or static, CNAMEs and NODATA
  }
}

RateLimiter::RateLimiter(const RateSettings& settings, engine::QueryStats& stats)
    : Stage(engine::kBeforeFinish), settings_(settings), table_(settings.tableEntries), stats_(stats) {
  if (!settings_.clockMs) settings_.clockMs = coarseMs;
  seed_ = (uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
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

engine::Verdict RateLimiter::beforeFinish(engine::AnswerContext& a, engine::Response& r) noexcept {
  // TCP proves the address is real: only UDP can be spoofed into a reflection.
  if (a.client->transport != engine::Transport::Udp) return engine::Verdict::Continue;
  const RateClass c = classOf(a);
  const uint32_t perSecond = settings_.perSecond[static_cast<size_t>(c)];
  if (!perSecond) return engine::Verdict::Continue;
  const wire::Address& source = a.client->source;
  if (!settings_.exempt.empty() && exempt(source)) return engine::Verdict::Continue;
  // The key: the client's prefix, the class and the zone, hashed with this limiter's seed.
  const bool v4 = source.family == wire::Family::IPv4;
  uint64_t words[2];
  std::memcpy(words, source.bytes.data(), sizeof words);
  const uint64_t* mask = v4 ? maskV4_ : maskV6_;
  words[0] &= mask[0];
  words[1] &= mask[1];
  const uint64_t zone = a.zone ? a.zone->statsSlot() : 0xFFFF;
  const uint64_t key = mix(mix(words[0] ^ seed_) ^ words[1] ^ (zone << 8 | static_cast<uint64_t>(c) << 1 | v4));
  if (table_.take(key, settings_.clockMs(), perSecond)) return engine::Verdict::Continue;
  if (settings_.slip && ++limitedCount_ % settings_.slip == 0) {
    r.truncate();  // empty, TC=1: a real client asks again over TCP
    ++stats_.rateSlipped[static_cast<size_t>(c)];
    return engine::Verdict::Finish;
  }
  ++stats_.rateLimited[static_cast<size_t>(c)];
  return engine::Verdict::Drop;
}

}  // namespace lodestar::rrl
