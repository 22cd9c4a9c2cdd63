// DNS cookies on the answer path: the cookie stage in a pipeline, queries through
// engine::answerQuery(), answers read back by ldns (its own parse of the OPT's options): a
// server cookie on every answer to a client cookie, BADCOOKIE where RFC 7873 5.2 says when
// cookies are required, FORMERR for a malformed option, nothing without a cookie or a stage.
#include <catch2/catch.hpp>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "dns/cookies/cookie_stage.hpp"
#include "dns/cookies/server_cookie.hpp"
#include "dns/engine/answer.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/test_view.hpp"
#include "zones/ldns.hpp"

using namespace lodestar;
using engine::CookieState;
using test::Bytes;
using test::QueryBuilder;

namespace {

uint32_t gNow = 1'800'000'000;
uint32_t testClock() noexcept { return gNow; }

const cookies::Secret kSecret = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};
const cookies::Secret kNextSecret = {0xe5, 0xe9, 0x73, 0xe5, 0xa6, 0xb2, 0xa4, 0x3f,
                                     0x48, 0xe7, 0xdc, 0x84, 0x9e, 0x37, 0xbf, 0xcf};
const Bytes kClientCookie = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
const char* const kClient = "198.51.100.100";

// One answer: the context as answerQuery() left it, the bytes, and what ldns read.
struct Answered {
  engine::Client client;
  Bytes query;
  Bytes bytes;
  std::optional<engine::AnswerContext> ctx;
  std::optional<test::Answer> parsed;
  std::optional<Bytes> cookie;  // the COOKIE option's data, when the answer has one
  int cookieOptions = 0;
};

// The COOKIE options of the answer's OPT, as ldns parses them.
void readCookie(Answered& out) {
  ldns_pkt* pkt = nullptr;
  REQUIRE(ldns_wire2pkt(&pkt, out.bytes.data(), out.bytes.size()) == LDNS_STATUS_OK);
  if (ldns_pkt_edns(pkt))
    if (ldns_edns_option_list* list = ldns_pkt_edns_get_option_list(pkt))
      for (size_t i = 0; i < ldns_edns_option_list_get_count(list); ++i) {
        const ldns_edns_option* o = ldns_edns_option_list_get_option(list, i);
        if (ldns_edns_get_code(o) != LDNS_EDNS_COOKIE) continue;
        ++out.cookieOptions;
        const uint8_t* data = ldns_edns_get_data(o);
        out.cookie = Bytes(data, data + ldns_edns_get_size(o));
      }
  ldns_pkt_free(pkt);
}

std::unique_ptr<Answered> ask(engine::Pipeline& pipeline, const QueryBuilder& q,
                              engine::Transport transport = engine::Transport::Udp, const char* source = kClient) {
  auto r = std::make_unique<Answered>();
  r->client = {*wire::Address::parse(source), transport};
  r->query = q.bytes();
  r->bytes.resize(65535);
  r->ctx.emplace(r->query.data(), r->query.size(), r->client, r->bytes.data(), r->bytes.size());
  r->ctx->cookie.state = static_cast<CookieState>(0x7F);  // not a state: whatever is read was written
  const size_t n = engine::answerQuery(*r->ctx, test::e2eView(), pipeline);
  REQUIRE(n > 0);
  r->bytes.resize(n);
  r->parsed = test::parseAnswer(r->bytes);
  REQUIRE(r->parsed);
  readCookie(*r);
  return r;
}

QueryBuilder www() { return QueryBuilder().name("www.example.test.").withEdns(1232); }

QueryBuilder withCookie(const Bytes& serverCookie = {}) {
  Bytes data = kClientCookie;
  data.insert(data.end(), serverCookie.begin(), serverCookie.end());
  return www().option(wire::ednsopt::Cookie, data);
}

uint32_t timestampOf(const Bytes& cookie) {
  return uint32_t{cookie[12]} << 24 | uint32_t{cookie[13]} << 16 | uint32_t{cookie[14]} << 8 | cookie[15];
}

Bytes serverPart(const Bytes& cookie) { return Bytes(cookie.begin() + 8, cookie.end()); }

// The server cookie we expect for this client at `now`.
Bytes expectedCookie(const cookies::Secret& secret, uint32_t now, const char* source = kClient) {
  uint8_t out[wire::kServerCookieSize];
  cookies::makeServerCookie(secret, kClientCookie.data(), *wire::Address::parse(source), now, out);
  return Bytes(out, out + sizeof out);
}

// A pipeline with the cookie stage, over its own secrets.
struct Cookied {
  cookies::CookieSecrets secrets{kSecret};
  engine::QueryStats stats;
  engine::Pipeline pipeline{stats};
  cookies::CookieStage stage;
  explicit Cookied(bool require = false) : stage(secrets, require, &testClock) { REQUIRE(pipeline.add(stage)); }
};

}  // namespace

TEST_CASE("cookie answers: a client cookie alone gets the answer and a 16-byte version 1 server cookie",
          "[cookies][answers]") {
  gNow = 1'800'000'000;
  Cookied c;
  auto r = ask(c.pipeline, withCookie());
  CHECK(r->parsed->rcode == 0);
  CHECK(r->parsed->answer.size() == 2);  // www's two A records
  REQUIRE(r->cookie);
  CHECK(r->cookieOptions == 1);
  REQUIRE(r->cookie->size() == 24);
  CHECK(Bytes(r->cookie->begin(), r->cookie->begin() + 8) == kClientCookie);  // echoed
  CHECK((*r->cookie)[8] == 1);  // version
  CHECK((*r->cookie)[9] == 0);
  CHECK((*r->cookie)[10] == 0);
  CHECK((*r->cookie)[11] == 0);
  CHECK(timestampOf(*r->cookie) == gNow);
  CHECK(serverPart(*r->cookie) == expectedCookie(kSecret, gNow));
  CHECK(r->ctx->cookie.state == CookieState::ClientOnly);
  CHECK(Bytes(r->ctx->cookie.server, r->ctx->cookie.server + 16) == serverPart(*r->cookie));

  // Over TCP the same.
  auto tcp = ask(c.pipeline, withCookie(), engine::Transport::Tcp);
  REQUIRE(tcp->cookie);
  CHECK(serverPart(*tcp->cookie) == expectedCookie(kSecret, gNow));
}

TEST_CASE("cookie answers: a valid server cookie is answered, and sent back until it is half an hour old",
          "[cookies][answers]") {
  gNow = 1'800'000'000;
  Cookied c;
  const Bytes issued = serverPart(*ask(c.pipeline, withCookie())->cookie);

  gNow += 600;
  auto r = ask(c.pipeline, withCookie(issued));
  CHECK(r->parsed->rcode == 0);
  CHECK(r->parsed->answer.size() == 2);
  CHECK(r->ctx->cookie.state == CookieState::Valid);
  REQUIRE(r->cookie);
  CHECK(serverPart(*r->cookie) == issued);  // the same one: still fresh

  // 40 minutes after it was made: valid, and the answer carries a new one.
  gNow += 1800;
  r = ask(c.pipeline, withCookie(issued));
  CHECK(r->ctx->cookie.state == CookieState::Valid);
  REQUIRE(r->cookie);
  CHECK(timestampOf(*r->cookie) == gNow);
  CHECK(serverPart(*r->cookie) == expectedCookie(kSecret, gNow));

  // From another address the same cookie is not this client's.
  r = ask(c.pipeline, withCookie(issued), engine::Transport::Udp, "198.51.100.101");
  CHECK(r->ctx->cookie.state == CookieState::Invalid);
  CHECK(r->parsed->answer.size() == 2);

  // More than an hour old: invalid, answered with a new one (cookies not required).
  gNow += 1300;
  r = ask(c.pipeline, withCookie(issued));
  CHECK(r->ctx->cookie.state == CookieState::Invalid);
  CHECK(r->parsed->answer.size() == 2);
  REQUIRE(r->cookie);
  CHECK(serverPart(*r->cookie) == expectedCookie(kSecret, gNow));
}

TEST_CASE("cookie answers: after a rotation the previous secret's cookie is valid and renewed",
          "[cookies][answers][rollover]") {
  gNow = 1'800'000'000;
  Cookied c;
  const Bytes issued = serverPart(*ask(c.pipeline, withCookie())->cookie);
  c.secrets.rotate(kNextSecret);
  gNow += 60;
  auto r = ask(c.pipeline, withCookie(issued));
  CHECK(r->ctx->cookie.state == CookieState::Valid);
  REQUIRE(r->cookie);
  CHECK(serverPart(*r->cookie) == expectedCookie(kNextSecret, gNow));
  // Rotated again: the first secret is gone.
  c.secrets.rotate(kSecret);
  r = ask(c.pipeline, withCookie(issued));  // kSecret is current again, but made anew: still valid
  CHECK(r->ctx->cookie.state == CookieState::Valid);
  c.secrets.rotate(cookies::Secret{});
  r = ask(c.pipeline, withCookie(expectedCookie(kNextSecret, gNow - 60)));
  CHECK(r->ctx->cookie.state == CookieState::Invalid);
}

TEST_CASE("cookie answers: a bad server cookie gets the answer and a fresh cookie, or BADCOOKIE when required",
          "[cookies][answers][require]") {
  gNow = 1'800'000'000;
  Bytes bad = expectedCookie(kSecret, gNow);
  bad[15] ^= 0x01;

  Cookied lenient;
  auto r = ask(lenient.pipeline, withCookie(bad));
  CHECK(r->parsed->rcode == 0);
  CHECK(r->parsed->answer.size() == 2);
  CHECK(r->ctx->cookie.state == CookieState::Invalid);
  REQUIRE(r->cookie);
  CHECK(serverPart(*r->cookie) == expectedCookie(kSecret, gNow));

  // A server cookie that is not ours at all (8 and 32 bytes: well-formed lengths).
  r = ask(lenient.pipeline, withCookie(Bytes(8, 0xAB)));
  CHECK(r->ctx->cookie.state == CookieState::Invalid);
  CHECK(r->parsed->answer.size() == 2);
  r = ask(lenient.pipeline, withCookie(Bytes(32, 0xCD)));
  CHECK(r->ctx->cookie.state == CookieState::Invalid);
  CHECK(r->parsed->answer.size() == 2);

  Cookied strict(/*require=*/true);
  for (const Bytes& serverCookie : {bad, Bytes{}}) {
    INFO("server cookie of " << serverCookie.size() << " bytes");
    r = ask(strict.pipeline, withCookie(serverCookie));
    CHECK(r->parsed->rcode == 23);  // BADCOOKIE: 1 in the OPT's extended rcode, 7 in the header
    CHECK((r->bytes[3] & 0x0F) == 7);
    CHECK(r->parsed->answer.empty());
    CHECK(r->parsed->authority.empty());
    CHECK(r->ctx->rcode == wire::Rcode::BadCookie);
    CHECK(r->ctx->kind == engine::AnswerKind::Error);
    REQUIRE(r->cookie);
    CHECK(Bytes(r->cookie->begin(), r->cookie->begin() + 8) == kClientCookie);
    CHECK(serverPart(*r->cookie) == expectedCookie(kSecret, gNow));

    // Over TCP never BADCOOKIE: the connection proved the address.
    r = ask(strict.pipeline, withCookie(serverCookie), engine::Transport::Tcp);
    CHECK(r->parsed->rcode == 0);
    CHECK(r->parsed->answer.size() == 2);
    REQUIRE(r->cookie);
  }
  // The client retries with the cookie BADCOOKIE gave it, and is answered.
  const Bytes given = serverPart(*ask(strict.pipeline, withCookie())->cookie);
  r = ask(strict.pipeline, withCookie(given));
  CHECK(r->parsed->rcode == 0);
  CHECK(r->parsed->answer.size() == 2);
  CHECK(r->ctx->cookie.state == CookieState::Valid);
  // A query without a cookie is answered as before: requiring cookies cannot make a client
  // that knows none send one.
  r = ask(strict.pipeline, www());
  CHECK(r->parsed->rcode == 0);
  CHECK_FALSE(r->cookie);
}

TEST_CASE("cookie answers: a COOKIE option of a malformed length is FORMERR, without a cookie",
          "[cookies][answers][formerr]") {
  gNow = 1'800'000'000;
  Cookied c;
  for (size_t length : {size_t{7}, size_t{9}, size_t{15}, size_t{41}, size_t{0}}) {
    INFO(length << " bytes");
    auto r = ask(c.pipeline, www().option(wire::ednsopt::Cookie, Bytes(length, 0x5A)));
    CHECK(r->parsed->rcode == 1);
    CHECK(r->parsed->answer.empty());
    CHECK_FALSE(r->cookie);
  }
  // Two COOKIE options are one too many: the first was read, and the stage sends none.
  auto r = ask(c.pipeline, withCookie().option(wire::ednsopt::Cookie, kClientCookie));
  CHECK(r->parsed->rcode == 1);
  CHECK_FALSE(r->cookie);
  CHECK(r->ctx->cookie.state == CookieState::None);
  // The edges: 8, 16 and 40 bytes are well-formed.
  for (size_t server : {size_t{0}, size_t{8}, size_t{32}}) {
    INFO(8 + server << " bytes");
    r = ask(c.pipeline, withCookie(Bytes(server, 1)));
    CHECK(r->parsed->rcode == 0);
    CHECK(r->cookie);
  }
}

namespace {
// A stage after the cookie stage, before finish, as rate limiting reads the cookie's state.
struct StateReader final : engine::Stage {
  StateReader() : Stage(engine::kBeforeFinish) {}
  CookieState seen = static_cast<CookieState>(0x7F);
  engine::Verdict beforeFinish(engine::AnswerContext& a, engine::Response&) noexcept override {
    seen = a.cookie.state;
    return engine::Verdict::Continue;
  }
};
}  // namespace

TEST_CASE("cookie answers: a later stage reads the cookie's state, None without a cookie", "[cookies][answers]") {
  gNow = 1'800'000'000;
  Cookied c;
  StateReader later;
  REQUIRE(c.pipeline.add(later));
  auto r = ask(c.pipeline, www());
  CHECK(later.seen == CookieState::None);
  CHECK(r->ctx->cookie.state == CookieState::None);
  r = ask(c.pipeline, withCookie());
  CHECK(later.seen == CookieState::ClientOnly);
  const Bytes issued = serverPart(*r->cookie);
  ask(c.pipeline, withCookie(issued));
  CHECK(later.seen == CookieState::Valid);
  Bytes bad = issued;
  bad[0] = 2;
  ask(c.pipeline, withCookie(bad));
  CHECK(later.seen == CookieState::Invalid);
  ask(c.pipeline, www().option(wire::ednsopt::Cookie, Bytes(9, 1)));  // FORMERR
  CHECK(later.seen == CookieState::None);
  ask(c.pipeline, www());
  CHECK(later.seen == CookieState::None);  // not the last query's
}

TEST_CASE("cookie answers: no cookie, no COOKIE option, and without the stage none either", "[cookies][answers]") {
  gNow = 1'800'000'000;
  Cookied c;
  auto r = ask(c.pipeline, www());
  CHECK(r->parsed->rcode == 0);
  CHECK(r->parsed->hasOpt);
  CHECK_FALSE(r->cookie);

  // Another EDNS version: BADVERS, and its options (the cookie) are not ours to read.
  QueryBuilder v1 = withCookie();
  v1.ednsVersion = 1;
  r = ask(c.pipeline, v1);
  CHECK(r->parsed->rcode == 16);
  CHECK_FALSE(r->cookie);
  CHECK(r->ctx->cookie.state == CookieState::None);

  // Every other answer to a client cookie carries one: REFUSED for a name not ours, NXDOMAIN.
  r = ask(c.pipeline, withCookie().name("www.example.org."));
  CHECK(r->parsed->rcode == 5);
  CHECK(r->cookie);
  r = ask(c.pipeline, withCookie().name("nothing.example.test."));
  CHECK(r->parsed->rcode == 3);
  REQUIRE(r->cookie);
  CHECK(serverPart(*r->cookie) == expectedCookie(kSecret, gNow));

  // Without the stage a cookie is ignored, as by a server that knows none (RFC 7873 5.2.1).
  engine::QueryStats stats;
  engine::Pipeline plain(stats);
  r = ask(plain, withCookie());
  CHECK(r->parsed->rcode == 0);
  CHECK(r->parsed->answer.size() == 2);
  CHECK_FALSE(r->cookie);
}

TEST_CASE("cookie answers: the option fits in every answer, beside ECS, at the smallest UDP size",
          "[cookies][answers]") {
  gNow = 1'800'000'000;
  Cookied c;
  // big's TXT set does not fit in 512 bytes: truncated, the OPT still carries both options.
  for (const char* name : {"big.example.test.", "www.example.test."}) {
    INFO(name);
    QueryBuilder q = withCookie().name(name).withEdns(512);
    q.type(wire::rrtype::TXT);
    q.ecs("2001:db8:200::/48");
    auto r = ask(c.pipeline, q);
    CHECK(r->bytes.size() <= 512);
    CHECK(r->parsed->tc == (std::string(name) == "big.example.test."));
    REQUIRE(r->cookie);
    CHECK(r->cookie->size() == 24);
    CHECK(r->parsed->ecs);
  }
}

TEST_CASE("cookie answers: a query without a question asks for a server cookie (RFC 7873 5.4): NOERROR with one",
          "[cookies][answers]") {
  // Header (QDCOUNT 0, ARCOUNT 1), then the OPT with a COOKIE option holding a client cookie.
  auto query = [](bool withCookie) {
    Bytes q = {0x12, 0x34, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
               0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00};
    if (!withCookie) {
      q.insert(q.end(), {0x00, 0x00});
      return q;
    }
    q.insert(q.end(), {0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08});
    q.insert(q.end(), kClientCookie.begin(), kClientCookie.end());
    return q;
  };
  for (bool require : {false, true}) {
    Cookied c(require);
    for (bool withCookie : {true, false}) {
      INFO("require " << require << ", cookie " << withCookie);
      const Bytes q = query(withCookie);
      Answered r;
      r.client = {*wire::Address::parse(kClient), engine::Transport::Udp};
      r.bytes.resize(65535);
      r.ctx.emplace(q.data(), q.size(), r.client, r.bytes.data(), r.bytes.size());
      const size_t n = engine::answerQuery(*r.ctx, test::e2eView(), c.pipeline);
      REQUIRE(n > 0);
      r.bytes.resize(n);
      r.parsed = test::parseAnswer(r.bytes);
      REQUIRE(r.parsed);
      readCookie(r);
      if (!withCookie) {
        CHECK(r.parsed->rcode == 1);  // FORMERR: no question and nothing else asked
        continue;
      }
      CHECK(r.parsed->rcode == (require ? 23 : 0));  // NOERROR, or BADCOOKIE when cookies are required
      CHECK(r.parsed->question.empty());
      CHECK(r.parsed->answer.empty());
      REQUIRE(r.cookie);
      CHECK(serverPart(*r.cookie) == expectedCookie(kSecret, gNow));
    }
  }
}
