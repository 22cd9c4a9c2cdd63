// The signing stage: what a signed zone answers that was not signed at load is signed here,
// before the message is finished, for queries with DO set: a steered answer's set (the exact
// endpoints answered), the denial of a name or type (RFC 9824's compact denial: one NSEC at
// the name itself), and for a name answered from a wildcard (RFC 4592) the NSEC proving that
// no closer name exists (RFC 4035 3.1.3.3). The signatures come from the worker's cache when
// the same content was signed before. Static sets and their signatures are written by the
// answer path itself (a wildcard's, signed at load over its own name, under the qname).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "dns/dnssec/rrsig.hpp"
#include "dns/dnssec/signature_cache.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/engine/response.hpp"
#include "dns/wire/name.hpp"

namespace lodestar::dnssec {

class SignedZone;
}  // namespace lodestar::dnssec

namespace lodestar::zones {
class Zone;
struct Node;
}  // namespace lodestar::zones

namespace lodestar::dnssec {

class OnlineSigner final : public engine::Stage {
 public:
  /// Counts into `stats`, its pipeline's (the worker's thread writes both).
  explicit OnlineSigner(engine::QueryStats& stats, size_t cacheEntries = 2048);
  engine::Verdict beforeFinish(engine::AnswerContext& a, engine::Response& r) noexcept override;

 private:
  // `signer`: the owner the set is signed as when it is not the one written (a wildcard's).
  void signAnswerSet(const SignedZone& zone, const wire::Query& q, engine::Response& r, uint32_t now,
                     std::string_view signer) noexcept;
  // `last`: the node whose data ends the answer (walkChain), null when none.
  void deny(const SignedZone& zone, engine::AnswerContext& a, engine::Response& r, uint32_t now,
            const zones::Node* last) noexcept;
  void denyWithWhiteLies(const SignedZone& zone, const zones::Zone& data, engine::Response& r,
                         std::string_view denied, uint32_t ttl, uint32_t now) noexcept;
  // Writes the NSEC (`owner` to `next`, holding `types`) and its signatures at the end of the
  // authority section; false when it could not be signed or did not fit.
  bool addNsec(const SignedZone& zone, engine::Response& r, size_t ownerAt, std::string_view owner,
               std::string_view next, std::span<const uint16_t> types, uint32_t ttl, uint32_t now) noexcept;
  // Retraces the answer's names as the answer path followed them: the qname's node, then each
  // CNAME target's in the zone. Keeps each name synthesised from a wildcard in expanded_,
  // sets lastExpanded_, and returns the node whose data ends the answer (null when the chain
  // left the zone, reached no name, or stopped at engine::kMaxCnameChain).
  const zones::Node* walkChain(const engine::AnswerContext& a, const wire::Query& q) noexcept;
  // For each name of expanded_: an NSEC covering its next closer name, so no closer name exists
  // (RFC 4035 3.1.3.3, RFC 4592 4.1), at the end of the authority section.
  void proveExpansions(const SignedZone& zone, const zones::Zone& data, engine::Response& r, uint32_t now) noexcept;
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
  // A name of the answer synthesised from a wildcard: the name (lowercase wire) and the
  // wildcard's node. One per name of a chain at most.
  struct Expansion {
    std::string_view name;
    const zones::Node* wildcard;
  };
  std::array<Expansion, engine::kMaxCnameChain + 1> expanded_;
  size_t expansions_ = 0;
  bool lastExpanded_ = false;  // the node walkChain returned answered a synthesised name
  std::array<wire::WireName, engine::kMaxCnameChain> targets_;  // the chain's targets, lowercased
  engine::QueryStats& stats_;
};

}  // namespace lodestar::dnssec
