// The cookie stage of the answer path (RFC 7873, RFC 9018): after parse, it checks the
// query's cookie against the secrets and leaves in the context what the answer carries: the
// state (for a later stage: a valid server cookie may skip rate limits) and the server cookie
// the OPT sends after the client's. With `require` on, a UDP query whose cookie holds no valid
// server cookie gets BADCOOKIE and that cookie, so the client retries with it.
#pragma once

#include <cstdint>

#include "dns/cookies/cookie_secrets.hpp"
#include "dns/engine/pipeline.hpp"

namespace lodestar::cookies {

class CookieStage final : public engine::Stage {
 public:
  /// Seconds since 1970 (modulo 2^32): the server cookie's timestamp.
  using Clock = uint32_t (*)() noexcept;
  static uint32_t wallClock() noexcept;

  /// One per worker, all over one `secrets` (which must outlive them).
  explicit CookieStage(const CookieSecrets& secrets, bool require = false, Clock clock = &wallClock) noexcept
      : Stage(engine::kCookie), secrets_(secrets), clock_(clock), require_(require) {}

  engine::Verdict afterParse(engine::AnswerContext& a, engine::Response& r) noexcept override;

 private:
  const CookieSecrets& secrets_;
  Clock clock_;
  bool require_;
};

}  // namespace lodestar::cookies
