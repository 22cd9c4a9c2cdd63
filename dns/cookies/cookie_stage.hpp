// The cookie stage of the answer path (RFC 7873, RFC 9018): after parse, it checks the
// query's cookie against the secrets and leaves in the context what the answer carries: the
// state (for a later stage: a valid server cookie may skip rate limits) and the server cookie
// the OPT sends after the client's. With `require` on, a UDP query whose cookie holds no valid
// server cookie gets BADCOOKIE and that cookie, so the client retries with it.
#pragma once

#include <cstdint>
#include <memory>

#include "dns/cookies/cookie_secrets.hpp"
#include "dns/engine/pipeline.hpp"

namespace lodestar::cookies {

class CookieStage final : public engine::Stage {
 public:
  /// Seconds since 1970 (modulo 2^32): the server cookie's timestamp.
  using Clock = uint32_t (*)() noexcept;
  static uint32_t wallClock() noexcept;

  /// One per worker, all over one `secrets` (which must outlive them).
  explicit CookieStage(const CookieSecrets& secrets, bool require = false, Clock clock = &wallClock)
      : Stage(engine::kCookie), secrets_(secrets), clock_(clock), require_(require),
        checked_(std::make_unique<Checked[]>(kCheckedSlots)) {}

  engine::Verdict afterParse(engine::AnswerContext& a, engine::Response& r) noexcept override;

 private:
  // The cookies this worker found valid lately: a resolver sends the same server cookie with
  // every query for up to half an hour, and checking it again is a SipHash (~300
  // instructions); finding it here is a hash and a compare. Direct-mapped, fixed in size
  // (taken at construction); an entry holds while the secrets' version is the one it was
  // checked under, and only while the cookie is one to send back (its half hour).
  struct Checked {
    uint32_t version;  // CookieSecrets::version() when it was checked (0 and odd: never a hit)
    uint8_t family;
    uint8_t address[16];
    uint8_t cookie[wire::kClientCookieSize + wire::kServerCookieSize];
  };
  static constexpr size_t kCheckedSlots = 1024;  // a power of two
  bool checkedBefore(const wire::Query& q, const wire::Address& source, uint32_t version, size_t& slot) const noexcept;

  const CookieSecrets& secrets_;
  Clock clock_;
  bool require_;
  std::unique_ptr<Checked[]> checked_;
};

}  // namespace lodestar::cookies
