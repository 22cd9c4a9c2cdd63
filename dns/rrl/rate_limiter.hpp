// Response rate limiting (RRL), as operators know it from BIND and Knot: answers over UDP to
// one client prefix are limited per second, in separate buckets per answer class (answers
// with data per name and type, a wildcard's names as one; NXDOMAIN, referrals and errors per zone),
// so a reflection attack that spoofs a victim's address sends the victim little. A limited
// answer is dropped, except every `slip`-th, which goes out empty with TC=1 so a real client
// behind that prefix retries over TCP (never limited) and gets its answer.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dns/engine/pipeline.hpp"
#include "dns/rrl/rate_clock.hpp"
#include "dns/rrl/rate_table.hpp"
#include "dns/wire/address.hpp"

namespace lodestar::rrl {

/// The answer classes with buckets of their own: QueryStats::rateLimited/rateSlipped index.
enum class RateClass : uint8_t { Responses, NxDomains, Referrals, Errors };
inline constexpr size_t kRateClasses = engine::QueryStats::kRateClasses;
const char* rateClassName(RateClass c) noexcept;  // "responses", "nxdomains", ...

struct RateSettings {
  /// Answers a second per prefix and bucket (name and type, or zone), for this worker (its
  /// share of the limit over all workers); 0: that class is not limited.
  std::array<uint32_t, kRateClasses> perSecond{};
  uint32_t slip = 2;  // every slip-th limited answer is sent truncated; 0: none, 1: all
  uint8_t prefixV4 = 24;
  uint8_t prefixV6 = 56;
  size_t tableEntries = 65536;
  std::vector<wire::Prefix> exempt;  // never limited (a monitoring network, say)
  uint32_t (*clockMs)() noexcept = nullptr;  // null: RateClock::forThisMachine() (tests set one)
  uint64_t seed = 0;  // the key's hash seed; 0: from the kernel (tests set one, to be repeatable)
};

class RateLimiter final : public engine::Stage {
 public:
  /// Counts into `stats`, its pipeline's (the worker's thread writes both). Takes the table's
  /// memory once, here.
  RateLimiter(const RateSettings& settings, engine::QueryStats& stats);
  engine::Verdict beforeFinish(engine::AnswerContext& a, engine::Response& r) noexcept override;

  const RateTable& table() const noexcept { return table_; }

 private:
  // Out of line, as the table's new-key path is: the usual answer (within the limit, no
  // exempt networks) runs in few registers and pays no call.
  [[gnu::noinline]] bool exempt(const wire::Address& source) const noexcept;
  [[gnu::noinline, gnu::cold]] engine::Verdict limited(RateClass c, engine::Response& r) noexcept;
  [[gnu::always_inline]] uint64_t keyOf(const engine::AnswerContext& a, RateClass c) const noexcept;
  /// With exempt networks: the source checked, then as takeSlowly().
  [[gnu::noinline]] engine::Verdict exemptOrTake(engine::AnswerContext& a, engine::Response& r, RateClass c,
                                                 uint32_t perSecond) noexcept;
  /// A new key (or a machine without the counter clock): the whole of RateTable::take().
  [[gnu::noinline]] engine::Verdict takeSlowly(uint64_t key, engine::Response& r, RateClass c,
                                               uint32_t perSecond) noexcept;

  RateSettings settings_;
  RateTable table_;
  RateClock clock_;  // this machine's, or the test's settings_.clockMs
  bool hasExempt_ = false;
  uint64_t seed_;          // keys the hash, so nobody can aim keys at one set from outside
  uint64_t maskV4_[2], maskV6_[2];  // the prefix lengths as masks over Address::bytes
  uint32_t limitedCount_ = 0;  // for the slip
  engine::QueryStats& stats_;
};

/// The class an answer is limited in.
RateClass classOf(const engine::AnswerContext& a) noexcept;

}  // namespace lodestar::rrl
