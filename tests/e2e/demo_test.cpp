// The demo, served from a copy of examples/ on kernel-chosen ports and queried with kdig,
// exactly as the README shows.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"

using namespace lodestar::test;

namespace {

// The demo with its HTTP backends up, so health is real.
struct Demo {
  DemoFixture fixture;
  DaemonProcess* daemon = &fixture.daemon();
};

Demo& demo() {
  static Demo d;
  return d;
}

struct KdigAnswer {
  std::vector<std::string> addresses;
  int scope = -1;  // from the CLIENT-SUBNET line, -1 without one
  std::string raw;
};

KdigAnswer kdig(const std::string& args, bool ipv6 = false) {
  std::string server = ipv6 ? "@::1 -p " + std::to_string(demo().daemon->port6())
                            : "@127.0.0.1 -p " + std::to_string(demo().daemon->port());
  auto r = runCommand("kdig " + server + " +time=2 +retry=0 +noall +answer +opt " + args);
  KdigAnswer a;
  a.raw = r.output;
  std::smatch m;
  std::string text = r.output;
  std::regex rr(R"(\s(A|AAAA)\s+(\S+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), rr); it != std::sregex_iterator(); ++it)
    a.addresses.push_back((*it)[2]);
  if (std::regex_search(text, m, std::regex(R"(CLIENT-SUBNET: \S+/(\d+))"))) a.scope = std::stoi(m[1]);
  return a;
}

using Addrs = std::vector<std::string>;
const Addrs kUsEast = {"127.0.1.1", "127.0.1.2"};
const Addrs kEuWest = {"127.0.2.1", "127.0.2.2"};
const Addrs kApNortheast = {"127.0.3.1", "127.0.3.2"};

}  // namespace

TEST_CASE("demo: www follows the client's ECS subnet, with the matched network as scope", "[e2e][demo][geo]") {
  auto eu = kdig("www.gtm.example.test A +subnet=198.51.100.0/24");
  INFO(eu.raw);
  CHECK(eu.addresses == kEuWest);
  CHECK(eu.scope == 24);
  auto ap = kdig("www.gtm.example.test A +subnet=203.0.113.0/24");
  CHECK(ap.addresses == kApNortheast);
  CHECK(ap.scope == 24);
  auto us = kdig("www.gtm.example.test A +subnet=192.0.2.0/24");
  CHECK(us.addresses == kUsEast);
  CHECK(us.scope == 24);
}

TEST_CASE("demo: without ECS, a client at 127.0.0.1 gets us-east", "[e2e][demo][geo]") {
  auto plain = kdig("www.gtm.example.test A");
  INFO(plain.raw);
  CHECK(plain.addresses == kUsEast);
  CHECK(plain.scope == -1);
}

TEST_CASE("demo: IPv6 ECS subnets steer the same way, over IPv4 and IPv6 transport", "[e2e][demo][geo]") {
  auto eu = kdig("www.gtm.example.test A +subnet=2001:db8:200::/48");
  INFO(eu.raw);
  CHECK(eu.addresses == kEuWest);
  CHECK(eu.scope == 48);
  auto ap = kdig("www.gtm.example.test A +subnet=2001:db8:300::/56", true);
  CHECK(ap.addresses == kApNortheast);
  CHECK(ap.scope == 48);
  auto us = kdig("www.gtm.example.test A +subnet=2001:db8:100::/48", true);
  CHECK(us.addresses == kUsEast);
  CHECK(us.scope == 48);
}

TEST_CASE("demo: api follows nearest by coordinates", "[e2e][demo][geo]") {
  CHECK(kdig("api.gtm.example.test A +subnet=203.0.113.0/24").addresses == kApNortheast);  // Tokyo
  CHECK(kdig("api.gtm.example.test A +subnet=198.51.100.0/24").addresses == kEuWest);      // Berlin
  CHECK(kdig("api.gtm.example.test A +subnet=192.0.2.0/24").addresses == kUsEast);         // Virginia
  CHECK(kdig("api.gtm.example.test A +subnet=10.0.0.0/8").addresses == kUsEast);           // unknown: default
}

TEST_CASE("demo: the static records answer over IPv4 and IPv6", "[e2e][demo]") {
  Answer mx = demo().daemon->ask(QueryBuilder().name("gtm.example.test.").type("MX"));
  CHECK(mx.aa);
  CHECK(mx.answer == std::vector<std::string>{"gtm.example.test. 300 MX 10 mail.gtm.example.test."});
  auto v6 = demo().daemon->udp(QueryBuilder().name("static.gtm.example.test.").type("AAAA").bytes(), true);
  REQUIRE(v6);
  auto a = parseAnswer(*v6);
  REQUIRE(a);
  CHECK(a->answer == std::vector<std::string>{"static.gtm.example.test. 300 AAAA 2001:db8::10"});
}
