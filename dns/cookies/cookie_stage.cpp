// The cookie stage: RFC 7873 section 5.2's cases, decided once per query with a cookie.
#include "dns/cookies/cookie_stage.hpp"

#include <cstring>
#include <ctime>

#include "dns/engine/response.hpp"

namespace lodestar::cookies {

uint32_t CookieStage::wallClock() noexcept {
  timespec now;  // the vDSO's coarse clock: no system call; a second's precision is plenty
  clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return static_cast<uint32_t>(now.tv_sec);
}

engine::Verdict CookieStage::afterParse(engine::AnswerContext& a, engine::Response& r) noexcept {
  const wire::Query& q = *a.query;
  // No cookie, or one in a query answered with an error (FORMERR, NOTIMP, NOTAUTH) or of
  // another EDNS version (BADVERS): the answer has no COOKIE option, the state is None.
  if (!q.hasCookie || a.parsed != wire::ParseResult::Ok || q.ednsVersion != 0) {
    a.cookie.state = engine::CookieState::None;
    return engine::Verdict::Continue;
  }
  const uint32_t now = clock_();
  const SecretPair secrets = secrets_.read();
  engine::CookieState state = engine::CookieState::ClientOnly;
  CookieCheck check = CookieCheck::Invalid;
  if (q.serverCookieLength() != 0) {
    check = checkServerCookie(q.clientCookie(), q.serverCookie(), q.serverCookieLength(), a.client->source, now,
                              secrets.current, secrets.previousOrNull());
    state = check == CookieCheck::Invalid ? engine::CookieState::Invalid : engine::CookieState::Valid;
  }
  if (check == CookieCheck::Valid)
    std::memcpy(a.cookie.server, q.serverCookie(), wire::kServerCookieSize);  // ours, and fresh: as sent
  else
    makeServerCookie(secrets.current, q.clientCookie(), a.client->source, now, a.cookie.server);
  a.cookie.state = state;
  r.setServerCookie(a.cookie.server);
  // RFC 7873 5.2.3 and 5.2.4: a server that requires cookies answers BADCOOKIE over UDP (over
  // TCP the source address is proven already), with the new server cookie.
  if (require_ && state != engine::CookieState::Valid && a.client->transport == engine::Transport::Udp) {
    r.setRcode(wire::Rcode::BadCookie);
    a.kind = engine::AnswerKind::Error;
    return engine::Verdict::Finish;
  }
  return engine::Verdict::Continue;
}

}  // namespace lodestar::cookies
