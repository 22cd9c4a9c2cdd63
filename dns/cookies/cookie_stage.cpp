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

bool CookieStage::checkedBefore(const wire::Query& q, const wire::Address& source, uint32_t version,
                                size_t& slot) const noexcept {
  // The slot: the client cookie and the server cookie's hash bytes, mixed (the address is
  // compared, not hashed: one resolver sends one client cookie).
  uint64_t words[3];
  std::memcpy(words, q.clientCookie(), 8);
  std::memcpy(words + 1, q.serverCookie() + 8, 8);
  std::memcpy(words + 2, source.bytes.data(), 8);
  const uint64_t h = ((words[0] ^ words[2]) * 0x9E3779B97F4A7C15ULL ^ words[1]) * 0xBF58476D1CE4E5B9ULL;
  slot = (h >> 40) & (kCheckedSlots - 1);
  const Checked& c = checked_[slot];
  auto word = [](const uint8_t* p) {  // compared a word at a time, inline: no call to memcmp
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  const uint8_t* address = source.bytes.data();
  const uint8_t* cookie = q.clientCookie();
  return c.version == version && !(version & 1) && c.family == static_cast<uint8_t>(source.family) &&
         word(c.address) == word(address) && word(c.address + 8) == word(address + 8) &&
         word(c.cookie) == word(cookie) && word(c.cookie + 8) == word(cookie + 8) &&
         word(c.cookie + 16) == word(cookie + 16);
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
  // A cookie checked before under these secrets, and still under half an hour old: valid,
  // and sent back as it came.
  const uint32_t version = secrets_.version();
  size_t slot = 0;
  if (q.serverCookieLength() == wire::kServerCookieSize && checkedBefore(q, a.client->source, version, slot)) {
    const uint8_t* ts = q.serverCookie() + 4;
    const uint32_t made = uint32_t(ts[0]) << 24 | uint32_t(ts[1]) << 16 | uint32_t(ts[2]) << 8 | ts[3];
    if (now - made <= kRenewAge) {  // (unsigned: a time ahead of now is not a hit either)
      std::memcpy(a.cookie.server, q.serverCookie(), wire::kServerCookieSize);
      a.cookie.state = engine::CookieState::Valid;
      r.setServerCookie(a.cookie.server);
      return engine::Verdict::Continue;
    }
  }
  const SecretPair secrets = secrets_.read();
  engine::CookieState state = engine::CookieState::ClientOnly;
  CookieCheck check = CookieCheck::Invalid;
  if (q.serverCookieLength() != 0) {
    check = checkServerCookie(q.clientCookie(), q.serverCookie(), q.serverCookieLength(), a.client->source, now,
                              secrets.current, secrets.previousOrNull());
    state = check == CookieCheck::Invalid ? engine::CookieState::Invalid : engine::CookieState::Valid;
  }
  if (check == CookieCheck::Valid) {
    std::memcpy(a.cookie.server, q.serverCookie(), wire::kServerCookieSize);  // ours, and fresh: as sent
    if (!(version & 1) && q.serverCookieLength() == wire::kServerCookieSize) {  // remembered for the next queries
      Checked& c = checked_[slot];
      c.version = version;
      c.family = static_cast<uint8_t>(a.client->source.family);
      std::memcpy(c.address, a.client->source.bytes.data(), sizeof c.address);
      std::memcpy(c.cookie, q.clientCookie(), sizeof c.cookie);
    }
  } else
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
