// DNSSEC end to end (issue 27): the demo zone signed with keys from ldns-keygen, validated by a
// real resolver (Unbound) from the zone's DS as its trust anchor: steered answers for each
// area, static data, a name that does not exist and a type a name lacks all come back with AD;
// after a region fails, the new answer validates; and a resolver that trusts another key
// answers SERVFAIL (the validation is real).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/skip.hpp"

using namespace lodestar::test;

namespace {

bool haveTools() {
  return access("/usr/sbin/unbound", X_OK) == 0 && access("/usr/bin/ldns-keygen", X_OK) == 0 &&
         access("/usr/bin/kdig", X_OK) == 0;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A key pair made in `dir` by ldns-keygen; returns its base name (Kzone.+013+tag).
std::string makeKey(const std::string& dir, bool ksk) {
  auto r = runCommand("cd " + dir + " && ldns-keygen -a ECDSAP256SHA256 " + (ksk ? "-k " : "") + "gtm.example.test");
  REQUIRE(r.status == 0);
  return trimmed(r.output);
}

// Unbound on a free loopback port, validating from `anchorFile`, sending ECS to Lodestar.
class Unbound {
 public:
  Unbound(const TempDir& dir, const std::string& name, const std::string& anchorFile, uint16_t lodestarPort)
      : port_(freePort()) {
    const std::string conf = dir.write(name + ".conf",
        "server:\n"
        "  interface: 127.0.0.1@" + std::to_string(port_) + "\n"
        "  port: " + std::to_string(port_) + "\n"
        "  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  pidfile: \"\"\n  use-syslog: no\n"
        "  directory: \"" + dir.path() + "\"\n"
        "  logfile: \"" + dir.path() + "/" + name + ".log\"\n"
        "  verbosity: 1\n  val-log-level: 2\n"
        "  do-not-query-localhost: no\n"
        "  local-zone: \"test.\" nodefault\n"
        "  domain-insecure: \"example.test\"\n"  // no parent here: the anchor is the zone's own DS
        "  module-config: \"subnetcache validator iterator\"\n"
        "  send-client-subnet: 127.0.0.1\n"
        "  trust-anchor-file: \"" + anchorFile + "\"\n"
        "stub-zone:\n  name: \"gtm.example.test\"\n  stub-addr: 127.0.0.1@" + std::to_string(lodestarPort) + "\n");
    pid_ = fork();
    if (pid_ == 0) {
      execlp("unbound", "unbound", "-d", "-c", conf.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      if (runCommand("kdig @127.0.0.1 -p " + std::to_string(port_) + " +time=1 +retry=0 version.bind CH TXT").status == 0)
        return;
      usleep(50'000);
    }
  }
  ~Unbound() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  // kdig through this resolver, with DNSSEC records shown: the whole answer as text.
  std::string ask(const std::string& args) const {
    auto r = runCommand("kdig @127.0.0.1 -p " + std::to_string(port_) + " +time=3 +retry=1 +dnssec " + args);
    UNSCOPED_INFO("kdig " << args << "\n" << r.output);
    return r.output;
  }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
};

bool validated(const std::string& out) {
  return out.find("status: NOERROR") != std::string::npos && out.find(" ad;") != std::string::npos;
}

}  // namespace

TEST_CASE("dnssec: Unbound validates steered, static and denied answers, after a failover too, and refuses a wrong key",
          "[e2e][dnssec]") {
  if (!haveTools()) LODESTAR_SKIP("unbound, ldns-keygen or kdig is not installed (apt-get install unbound ldnsutils knot-dnsutils)");
  DemoFixture demo;
  DaemonProcess& d = demo.daemon();
  const std::string zones = demo.dir().path() + "/zones";
  const std::string ksk = makeKey(zones, true);
  const std::string zsk = makeKey(zones, false);
  const std::string stranger = makeKey(demo.dir().path(), true);  // never given to Lodestar
  {
    std::ofstream policy(zones + "/gtm.example.test.yaml", std::ios::app);
    policy << "\ndnssec:\n  keys: [" << ksk << ", " << zsk << "]\n";
  }
  // The zone is signed on reload, as on start.
  REQUIRE(kill(d.pid(), SIGHUP) == 0);
  for (int i = 0; i < 100 && d.log().find("reloaded:") == std::string::npos; ++i) usleep(50'000);
  INFO(d.log());
  REQUIRE(d.log().find("reloaded:") != std::string::npos);

  Unbound resolver(demo.dir(), "unbound", zones + "/" + ksk + ".ds", d.port());
  SECTION("each area's steered answer, static data, NXDOMAIN and NODATA validate") {
    const struct {
      const char* subnet;
      const char* region;  // the demo's first address of the area's region
    } areas[] = {{"192.0.2.0/24", "127.0.1."}, {"198.51.100.0/24", "127.0.2."}, {"203.0.113.0/24", "127.0.3."}};
    for (const auto& area : areas) {
      const std::string out = resolver.ask(std::string("+subnet=") + area.subnet + " www.gtm.example.test A");
      CHECK(validated(out));
      CHECK(out.find(area.region) != std::string::npos);
      CHECK(out.find("RRSIG\tA 13") != std::string::npos);
    }
    CHECK(validated(resolver.ask("gtm.example.test MX")));
    CHECK(validated(resolver.ask("ns1.gtm.example.test A")));
    // RFC 9824: a name that does not exist is NOERROR with an NSEC naming NXNAME (TYPE128).
    const std::string missing = resolver.ask("no-such-name.gtm.example.test A");
    CHECK(validated(missing));
    CHECK(missing.find("ANSWER: 0") != std::string::npos);
    CHECK(validated(resolver.ask("www.gtm.example.test AAAA")));  // steered, no IPv6 endpoints: NODATA
    CHECK(validated(resolver.ask("www.gtm.example.test TXT")));
    CHECK(validated(resolver.ask("gtm.example.test DNSKEY")));
    // Straight to Lodestar: a query with DO gets signatures, the same query without EDNS right
    // after it none (the parser once kept the earlier query's DO bit).
    QueryBuilder withDo = QueryBuilder{}.name("www.gtm.example.test.").type(1).withEdns();
    withDo.dnssecOk = true;
    for (int i = 0; i < 4; ++i) {
      Answer signedAnswer = d.ask(withDo);
      Answer plain = d.ask(QueryBuilder{}.name("www.gtm.example.test.").type(1));
      CHECK(signedAnswer.answer.size() == 3);  // two addresses, one RRSIG
      CHECK(plain.answer.size() == 2);
    }
  }
  SECTION("after eu-west fails, Europe's new answer validates") {
    CHECK(validated(resolver.ask("+subnet=198.51.100.0/24 www.gtm.example.test A")));
    demo.stopRegion("eu-west");
    // Lodestar moves Europe away within the health checks' time; a subnet the resolver has
    // not cached yet (the demo's German IPv6 block) then asks it afresh.
    bool moved = false;
    for (int i = 0; i < 80 && !moved; ++i) {
      Answer a = d.ask(QueryBuilder{}.name("www.gtm.example.test.").type(1).ecs("198.51.100.0/24"));
      moved = a.rcode == 0 && !a.answer.empty() && a.answer[0].find("127.0.2.") == std::string::npos;
      if (!moved) usleep(100'000);
    }
    REQUIRE(moved);
    const std::string out = resolver.ask("+subnet=2001:db8:200::/56 www.gtm.example.test A");
    CHECK(validated(out));
    CHECK(out.find("127.0.2.") == std::string::npos);
    CHECK(out.find("RRSIG\tA 13") != std::string::npos);
  }
  SECTION("lodestarctl dnssec ds prints the DS ldns-keygen wrote, and status names the keys and the expiry") {
    const std::string ctl = std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml ";
    auto ds = runCommand(ctl + "dnssec ds gtm.example.test");
    REQUIRE(ds.status == 0);
    std::ifstream file(zones + "/" + ksk + ".ds");
    std::string written((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    // ldns-keygen: "gtm.example.test.\tIN\tDS\tTAG 13 2 hex"; ours: "gtm.example.test. 300 IN DS TAG 13 2 HEX".
    const std::string digest = written.substr(written.rfind(' ') + 1, 64);
    std::string upper = digest;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    INFO(ds.output << "\n" << written);
    // The tag as a number: the file name pads it to five digits.
    auto tag = [](const std::string& base) { return std::to_string(std::stoi(base.substr(base.rfind('+') + 1))); };
    CHECK(ds.output.find(" IN DS " + tag(ksk) + " 13 2 " + upper) != std::string::npos);
    CHECK(ds.output.find(" " + tag(zsk) + " 13 2") == std::string::npos);  // a ZSK has no DS
    auto status = runCommand(ctl + "status");
    INFO(status.output);
    CHECK(status.output.find("DNSSEC gtm.example.test.: signed ") != std::string::npos);
    CHECK(status.output.find("static signatures expire from ") != std::string::npos);
    CHECK(status.output.find("KSK ECDSAP256SHA256 (13)") != std::string::npos);
    CHECK(runCommand(ctl + "dnssec keys nosuch.test").status != 0);
    // The online signer's counters: some signatures made (the answers above), none failed.
    auto stats = runCommand(ctl + "stats");
    INFO(stats.output);
    CHECK(stats.output.find(" signatures made online, ") != std::string::npos);
    CHECK(stats.output.find(" 0 answers left unsigned") != std::string::npos);
  }
  SECTION("an export with an NSEC chain is verified by ldns-verify-zone, and read by ldns-read-zone") {
    const std::string ctl = std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml ";
    const std::string file = demo.dir().path() + "/export.zone";
    auto exported = runCommand(ctl + "export gtm.example.test --client 198.51.100.7 --nsec-chain > " + file);
    REQUIRE(exported.status == 0);
    auto verified = runCommand("ldns-verify-zone " + file);
    INFO(verified.output);
    CHECK(verified.status == 0);
    CHECK(verified.output.find("Zone is verified and complete") != std::string::npos);
    CHECK(runCommand("ldns-read-zone " + file + " >/dev/null").status == 0);
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("127.0.2.1 ; steered: the answer for client 198.51.100.7") != std::string::npos);
  }
  SECTION("a resolver trusting another key gets SERVFAIL: the signatures are really checked") {
    Unbound wrong(demo.dir(), "unbound-wrong", demo.dir().path() + "/" + stranger + ".ds", d.port());
    const std::string out = wrong.ask("www.gtm.example.test A");
    CHECK(out.find("status: SERVFAIL") != std::string::npos);
  }
}
