// DNS cookies on the running daemon (issue 28): kdig +cookie gets a server cookie; a cookie one
// node made is accepted by another node sharing the secrets' file; after a rotation the
// previous secret's cookies are still accepted; a bad server cookie gets a fresh one (RFC 7873
// 5.2.4), or BADCOOKIE over UDP when cookies are required; a valid cookie exempts its client
// from rate limiting.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/demo_answers.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/dns_message.hpp"
#include "zones/ldns.hpp"

using namespace lodestar::test;

namespace {

const Bytes kClient = {0x0d, 0x99, 0x8f, 0xe9, 0xb2, 0x80, 0x6b, 0xfd};

Bytes fromHex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// The COOKIE option's data in an answer (client cookie then server cookie); empty without one.
Bytes cookieOf(const Bytes& answer) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, answer.data(), answer.size()) != LDNS_STATUS_OK) return {};
  Bytes out;
  if (const ldns_rdf* data = ldns_pkt_edns_data(pkt)) {
    const uint8_t* p = ldns_rdf_data(data);
    const size_t n = ldns_rdf_size(data);
    for (size_t at = 0; at + 4 <= n;) {
      const unsigned code = p[at] << 8 | p[at + 1], length = p[at + 2] << 8 | p[at + 3];
      if (at + 4 + length > n) break;
      if (code == 10) out.assign(p + at + 4, p + at + 4 + length);
      at += 4 + length;
    }
  }
  ldns_pkt_free(pkt);
  return out;
}

QueryBuilder withCookie(const Bytes& cookie, const char* name = "www.gtm.example.test.") {
  return QueryBuilder{}.name(name).type(1).withEdns(1232).option(10, cookie);
}

// One UDP exchange; the answer's rcode (with the extended bits) and cookie.
struct Exchange {
  int rcode = -1;
  int answers = 0;
  Bytes cookie;
};
Exchange ask(DaemonProcess& d, const QueryBuilder& q) {
  Exchange e;
  auto raw = d.udp(q.bytes());
  REQUIRE(raw);
  auto parsed = parseAnswer(*raw);
  REQUIRE(parsed);
  e.rcode = parsed->rcode;
  e.answers = static_cast<int>(parsed->answer.size());
  e.cookie = cookieOf(*raw);
  return e;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void reload(DaemonProcess& d) {
  const size_t before = d.log().find("reloaded:") == std::string::npos ? 0 : 1;
  REQUIRE(kill(d.pid(), SIGHUP) == 0);
  for (int i = 0; i < 100; ++i) {
    const std::string log = d.log();
    size_t count = 0;
    for (size_t at = log.find("reloaded:"); at != std::string::npos; at = log.find("reloaded:", at + 1)) ++count;
    if (count > before) return;
    usleep(50'000);
  }
  FAIL("no reload within 5 s");
}

}  // namespace

TEST_CASE("cookies: kdig +cookie gets a server cookie, version 1, and the same client gets it back", "[e2e][cookies]") {
  DemoFixture demo;
  const auto r = runCommand("kdig @127.0.0.1 -p " + std::to_string(demo.daemon().port()) +
                            " +cookie=0d998fe9b2806bfd +time=2 +retry=1 www.gtm.example.test A");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const size_t at = r.output.find(";; COOKIE: ");
  REQUIRE(at != std::string::npos);
  const std::string hex = r.output.substr(at + 11, 48);
  CHECK(hex.substr(0, 16) == "0D998FE9B2806BFD");  // the client's, echoed
  CHECK(hex.substr(16, 8) == "01000000");          // RFC 9018: version 1, reserved
  // Sent back, it is valid and fresh: the answer returns it as it was.
  const Exchange again = ask(demo.daemon(), withCookie(fromHex(hex)));
  CHECK(again.rcode == 0);
  CHECK(again.cookie == fromHex(hex));
  // No cookie asked: none given.
  CHECK(ask(demo.daemon(), QueryBuilder{}.name("www.gtm.example.test.").type(1).withEdns(1232)).cookie.empty());
  // Counted: kdig's client cookie alone, then the valid one; and a forged one, invalid.
  std::vector<uint8_t> forged = fromHex(hex);
  forged.back() ^= 0xFF;
  CHECK(ask(demo.daemon(), withCookie(forged)).cookie != forged);
  const auto stats = runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml stats --json");
  INFO(stats.output);
  const auto cookies = nlohmann::json::parse(stats.output)["result"]["cookies"];
  CHECK(cookies["client_only"] == 1);
  CHECK(cookies["valid"] == 1);
  CHECK(cookies["invalid"] == 1);
  const auto text = runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml stats");
  CHECK_THAT(text.output, Catch::Contains("cookies      1 valid server cookies, 1 client cookies only (given one), 1 "
                                          "invalid (given a new one)"));
}

TEST_CASE("cookies: a cookie one node made is valid on another that shares the secrets, and a bad one is replaced",
          "[e2e][cookies]") {
  TempDir shared;
  const std::string file = shared.path() + "/cookie-secrets";
  DemoFixture a({}, "cookies:\n  secret_file: " + file + "\n");
  DemoFixture b({}, "cookies:\n  secret_file: " + file + "\n");
  DemoFixture other;  // its own secret
  const Exchange first = ask(a.daemon(), withCookie(kClient));
  REQUIRE(first.cookie.size() == 24);
  // Node b takes a's cookie as its own: valid, returned unchanged.
  const Exchange onB = ask(b.daemon(), withCookie(first.cookie));
  CHECK(onB.rcode == 0);
  CHECK(onB.cookie == first.cookie);
  // A node with another secret finds it invalid, answers anyway (cookies not required) and
  // gives a cookie of its own (RFC 7873 5.2.4).
  const Exchange elsewhere = ask(other.daemon(), withCookie(first.cookie));
  CHECK(elsewhere.rcode == 0);
  CHECK(elsewhere.answers > 0);
  REQUIRE(elsewhere.cookie.size() == 24);
  CHECK(Bytes(elsewhere.cookie.begin(), elsewhere.cookie.begin() + 8) == kClient);
  CHECK(elsewhere.cookie != first.cookie);
}

TEST_CASE("cookies: after the secret rotates, cookies of the previous one are still accepted", "[e2e][cookies]") {
  // Cookies required, so that accepted (an answer) and refused (BADCOOKIE) show from outside.
  TempDir shared;
  const std::string file = shared.path() + "/cookie-secrets";
  DemoFixture demo({}, "cookies:\n  secret_file: " + file + "\n  require: true\n");
  const Exchange first = ask(demo.daemon(), withCookie(kClient));
  REQUIRE(first.rcode == 23);
  REQUIRE(first.cookie.size() == 24);
  CHECK(ask(demo.daemon(), withCookie(first.cookie)).rcode == 0);
  // The rollover as an operator's tooling (or another node) writes it: a new current secret,
  // the old one as previous; the daemon reads the file again at a reload.
  const std::string text = readFile(file);
  const size_t at = text.find("current ");
  REQUIRE(at != std::string::npos);
  const std::string old = text.substr(at + 8, 32);
  std::ofstream(file, std::ios::trunc) << "current 00112233445566778899aabbccddeeff\nprevious " << old
                                       << "\nmade 2026-12-06T00:00:00Z\n";
  reload(demo.daemon());
  CHECK(demo.daemon().log().find("cookies: secrets read again") != std::string::npos);
  const Exchange after = ask(demo.daemon(), withCookie(first.cookie));
  CHECK(after.rcode == 0);  // valid under the previous secret
  CHECK(after.answers > 0);
  REQUIRE(after.cookie.size() == 24);
  CHECK(after.cookie != first.cookie);  // and replaced by one of the current secret
  CHECK(ask(demo.daemon(), withCookie(after.cookie)).rcode == 0);
  // status says which secret is in use, when it rotates, and where it is kept.
  const auto status = ctl(demo, "status");
  INFO(status.output);
  CHECK_THAT(status.output, Catch::Contains("cookies: secret made 2026-12-06T00:00:00Z, rotates 2026-12-07T00:00:00Z, "
                                            "the previous one still accepted; this node's copy in " + file +
                                            "; required over UDP"));
  // Once the old secret is gone too, its cookie is refused.
  std::ofstream(file, std::ios::trunc) << "current 00112233445566778899aabbccddeeff\nmade 2026-12-06T00:00:00Z\n";
  reload(demo.daemon());
  CHECK(ask(demo.daemon(), withCookie(first.cookie)).rcode == 23);
  CHECK(ask(demo.daemon(), withCookie(after.cookie)).rcode == 0);
}

TEST_CASE("cookies: with require, UDP without a valid server cookie gets BADCOOKIE and one, TCP is answered",
          "[e2e][cookies]") {
  DemoFixture demo({}, "cookies:\n  require: true\n");
  const Exchange bad = ask(demo.daemon(), withCookie(kClient));
  CHECK(bad.rcode == 23);  // BADCOOKIE (RFC 7873 5.2.3)
  CHECK(bad.answers == 0);
  REQUIRE(bad.cookie.size() == 24);
  const Exchange retried = ask(demo.daemon(), withCookie(bad.cookie));
  CHECK(retried.rcode == 0);
  CHECK(retried.answers > 0);
  const Answer overTcp = demo.daemon().askTcp(withCookie(kClient));
  CHECK(overTcp.rcode == 0);
  CHECK_FALSE(overTcp.answer.empty());
}

TEST_CASE("cookies: a client with a valid server cookie is not rate limited", "[e2e][cookies][rrl]") {
  DemoFixture demo({}, "workers: 1\nrate_limit:\n  responses_per_second: 1\n  slip: 0\n");
  DaemonProcess& d = demo.daemon();
  const Exchange first = ask(d, withCookie(kClient));  // takes the one answer of the second
  REQUIRE(first.cookie.size() == 24);
  int answered = 0;
  for (int i = 0; i < 10; ++i) {
    auto raw = d.udp(withCookie(first.cookie).bytes(), false, std::chrono::milliseconds(300));
    answered += raw ? 1 : 0;
  }
  CHECK(answered == 10);
  int plain = 0;
  for (int i = 0; i < 10; ++i)
    plain += d.udp(QueryBuilder{}.name("www.gtm.example.test.").type(1).withEdns(1232).bytes(), false,
                   std::chrono::milliseconds(300))
                 ? 1
                 : 0;
  CHECK(plain <= 3);  // the bucket's one a second, over the few seconds this takes
}

TEST_CASE("cookies: a secrets' file written by another node is taken within seconds, without a reload",
          "[e2e][cookies]") {
  TempDir shared;
  const std::string file = shared.path() + "/cookie-secrets";
  DemoFixture demo({}, "cookies:\n  secret_file: " + file + "\n  require: true\n");
  const Exchange first = ask(demo.daemon(), withCookie(kClient));
  REQUIRE(first.cookie.size() == 24);
  REQUIRE(ask(demo.daemon(), withCookie(first.cookie)).rcode == 0);
  // Another node rotated the shared file: a secret this one has never seen, and not the old one.
  std::ofstream(file, std::ios::trunc) << "current 00112233445566778899aabbccddeeff\nmade 2026-12-06T00:00:00Z\n";
  bool taken = false;
  for (int i = 0; i < 60 && !taken; ++i) {
    usleep(100'000);
    taken = demo.daemon().log().find("(written since)") != std::string::npos;
  }
  CHECK(taken);
  CHECK(ask(demo.daemon(), withCookie(first.cookie)).rcode == 23);  // the old secret is gone here too
}
