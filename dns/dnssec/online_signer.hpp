// The signing stage: what a signed zone answers that was not signed at load is signed here,
// before the message is finished, for queries with DO set: a steered answer's set (the exact
// endpoints answered) and the denial of a name or type (RFC 9824's compact denial: one NSEC
// at the name itself). The signatures come from the worker's cache when the same content was
// signed before. Static sets and their signatures are written by the answer path itself.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "dns/dnssec/rrsig.hpp"
#include "dns/dnssec/signature_cache.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/engine/response.hpp"

namespace lodestar::dnssec {

class SignedZone;
}  // namespace lodestar::dnssec

namespace lodestar::zones {
class Zone;
}  // namespace lodestar::zones

namespace lodestar::dnssec {

class OnlineSigner final : public engine::Stage {
 public:
  /// Counts into `stats`, its pipeline's (the worker's thread writes both).
  explicit OnlineSigner(engine::QueryStats& stats, size_t cacheEntries = 2048);
  engine::Verdict beforeFinish(engine::AnswerContext& a, engine::Response& r) noexcept override;

 private:
  void signAnswerSet(const SignedZone& zone, const wire::Query& q, engine::Response& r, uint32_t now) noexcept;
  void deny(const SignedZone& zone, engine::AnswerContext& a, engine::Response& r, uint32_t now) noexcept;
  void denyWithWhiteLies(const SignedZone& zone, const zones::Zone& data, engine::Response& r,
                         std::string_view denied, uint32_t ttl, uint32_t now) noexcept;
  // Writes the NSEC (`owner` to `next`, holding `types`) and its signatures at the end of the
  // authority section; false when it could not be signed or did not fit.
  bool addNsec(const SignedZone& zone, engine::Response& r, size_t ownerAt, std::string_view owner,
               std::string_view next, std::span<const uint16_t> types, uint32_t ttl, uint32_t now) noexcept;
  // The signatures over one set, from the cache or made now; null when they cannot be made.
  const SignatureCache::Entry* signaturesOf(SignatureCache& cache, const SignedZone& zone, std::string_view owner,
                                            uint16_t type, uint32_t ttl, std::string_view* rdata, size_t count,
                                            uint32_t now) noexcept;

  static constexpr size_t kMaxSetRecords = 512;  // more A records than a 64 KiB TCP answer holds
  SignatureCache cache_;    // answers: the steered sets
  std::array<std::string_view, kMaxSetRecords> rdata_;  // the set being signed: made once, not per answer
  SignatureCache denials_;  // NSECs: a flood of random names evicts only these
  SigningScratch scratch_;
  SignatureCache::Entry uncached_;  // for a set too large for the cache's key
  engine::QueryStats& stats_;
};

}  // namespace lodestar::dnssec
