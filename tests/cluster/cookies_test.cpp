// DNS cookie secrets shared through etcd (issue 28), against a real etcd and two daemons on
// loopback with state_dirs of their own (no shared file): a server cookie one node made is
// valid on the other; after one node rotates the secret for the cluster, the other accepts
// cookies of the previous secret and of the new one; a value at P/cookie-secrets Lodestar did
// not write is logged once and ignored; a node restarted while etcd is down keeps the shared
// secret. Cookies are required, so a refused cookie shows as BADCOOKIE and an accepted one
// as an answer that returns it.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "dns/cluster/etcd_client.hpp"
#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/etcd_cluster.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/until.hpp"
#include "zones/ldns.hpp"

using namespace lodestar::test;

namespace {

constexpr int kBadCookie = 23;
const Bytes kClientA = {0x0d, 0x99, 0x8f, 0xe9, 0xb2, 0x80, 0x6b, 0xfd};
const Bytes kClientB = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
const std::string kKey = "/test/cookie-secrets";

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
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

struct Exchange {
  int rcode = -1;
  int answers = 0;
  Bytes cookie;
};
Exchange ask(DaemonProcess& d, const Bytes& cookie) {
  auto raw = d.udp(QueryBuilder{}.name("www.gtm.example.test.").type(1).withEdns(1232).option(10, cookie).bytes());
  REQUIRE(raw);
  auto parsed = parseAnswer(*raw);
  REQUIRE(parsed);
  return {parsed->rcode, static_cast<int>(parsed->answer.size()), cookieOf(*raw)};
}

// A server cookie from `d` for `client`: the first query (client cookie only) is refused with
// BADCOOKIE and brings it.
Bytes cookieFrom(DaemonProcess& d, const Bytes& client) {
  const Exchange e = ask(d, client);
  CHECK(e.rcode == kBadCookie);
  REQUIRE(e.cookie.size() == 24);
  return e.cookie;
}

// Accepted: answered (not BADCOOKIE) and, when still fresh, returned as it was.
void checkAccepted(DaemonProcess& d, const Bytes& cookie, bool returnedAsIs = true) {
  const Exchange e = ask(d, cookie);
  CHECK(e.rcode == 0);
  CHECK(e.answers > 0);
  REQUIRE(e.cookie.size() == 24);
  if (returnedAsIs) CHECK(e.cookie == cookie);
}

// Two (or more) nodes of one cluster, each in a folder of its own, with cookies required.
class CookieNodes {
 public:
  explicit CookieNodes(const std::string& cookieKeys = "") : etcd_(1), checkPort_(freePort()) {
    namespace fs = std::filesystem;
    const std::string site = LODESTAR_DEMO_DIR;
    // No backends: the endpoints go down and answers fail open; only the cookies matter here.
    const std::string zone = std::regex_replace(readText(site + "/zones/gtm.example.test.yaml"),
                                                std::regex("port: 8080"), "port: " + std::to_string(checkPort_));
    for (int i = 1; i <= 2; ++i) {
      const std::string n = "n" + std::to_string(i);
      dir_.write(n + "/zones/gtm.example.test.yaml", zone);
      fs::copy_file(site + "/zones/gtm.example.test.zone", dir_.path() + "/" + n + "/zones/gtm.example.test.zone");
      fs::create_directories(dir_.path() + "/" + n + "/geo");
      fs::copy_file(site + "/geo/demo.mmdb", dir_.path() + "/" + n + "/geo/demo.mmdb");
      dir_.write(n + "/lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\ngeo: {database: geo/demo.mmdb}\n"
                                       "state_dir: state\ncontrol_socket: state/ctl.sock\n"
                                       "cookies:\n  require: true\n" + cookieKeys +
                                       "cluster:\n  etcd: " + etcd_.endpointsYaml() + "\n  node: ns" + std::to_string(i) +
                                       "\n  prefix: /test/\n  lease: 2s\n  grace: 3s\n");
    }
    nodes_.resize(2);
  }
  EtcdCluster& etcd() { return etcd_; }
  lodestar::cluster::EtcdClient client() {
    lodestar::cluster::EtcdOptions o;
    o.endpoints = etcd_.endpoints();
    o.timeout = std::chrono::milliseconds(1000);
    return lodestar::cluster::EtcdClient(o);
  }
  std::string secretFile(int i) const { return dir_.path() + "/n" + std::to_string(i + 1) + "/state/cookie-secrets"; }
  void seedFile(int i, const std::string& text) { dir_.write("n" + std::to_string(i + 1) + "/state/cookie-secrets", text); }
  void start(int i) {
    nodes_.at(static_cast<size_t>(i)).reset();
    nodes_.at(static_cast<size_t>(i)) = std::make_unique<DaemonProcess>(dir_.path() + "/n" + std::to_string(i + 1) + "/lodestar.yaml");
  }
  DaemonProcess& node(int i) { return *nodes_.at(static_cast<size_t>(i)); }
  std::string logs() { return node(0).log() + node(1).log(); }
  /// lodestarctl status of node I.
  std::string status(int i) const {
    return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + dir_.path() + "/n" + std::to_string(i + 1) +
                      "/lodestar.yaml status")
        .output;
  }
  /// The key's value in etcd ("" when absent).
  std::string value() {
    auto c = client();
    auto r = c.range(kKey);
    return r.kvs.empty() ? "" : r.kvs[0].value;
  }

 private:
  EtcdCluster etcd_;
  TempDir dir_;
  uint16_t checkPort_;
  std::vector<std::unique_ptr<DaemonProcess>> nodes_;
};

const std::string kSeeded = "000102030405060708090a0b0c0d0e0f";

}  // namespace

TEST_CASE("cookies in a cluster: a server cookie one node made is accepted by another with a state_dir of its own",
          "[cluster][e2e][cookies]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  CookieNodes c;
  // Node 1 ran before, unclustered: its clients' cookies survive, its secrets become the cluster's.
  c.seedFile(0, "current " + kSeeded + "\nmade 2026-12-06T00:00:00Z\n");
  c.start(0);
  // CHECK, not REQUIRE, while waiting: the cookies below say what went wrong when these fail.
  CHECK(until([&] { return c.value().find("\"current\":\"" + kSeeded + "\"") != std::string::npos; }));
  c.start(1);
  INFO(c.logs());
  // Node 2's own file holds the cluster's secrets (its copy, for a start without etcd).
  CHECK(until([&] { return readText(c.secretFile(1)).find("current " + kSeeded) != std::string::npos; }));
  // The lines follow the writes: waited for (the log is read by a thread of its own).
  CHECK(until([&] { return c.node(0).log().find("are now the cluster's, at /test/cookie-secrets") != std::string::npos; }));
  CHECK(until([&] {
    return c.node(1).log().find("cookies: secrets adopted from the cluster (/test/cookie-secrets, written by ns1") !=
           std::string::npos;
  }));

  // Each node's status says the secret is the cluster's, made when node 1's file says.
  for (int i : {0, 1}) {
    const std::string status = c.status(i);
    INFO(status);
    CHECK_THAT(status, Catch::Contains("cookies: secret made 2026-12-06T00:00:00Z, rotates 2026-12-07T00:00:00Z "
                                       "(the cluster's secret, through etcd); this node's copy in " + c.secretFile(i)));
  }

  const Bytes fromA = cookieFrom(c.node(0), kClientA);
  checkAccepted(c.node(1), fromA);
  const Bytes fromB = cookieFrom(c.node(1), kClientB);
  checkAccepted(c.node(0), fromB);
  // Required, so acceptance means something: a cookie one bit off is refused by both.
  Bytes forged = fromA;
  forged.back() ^= 1;
  CHECK(ask(c.node(1), forged).rcode == kBadCookie);
  CHECK(ask(c.node(0), forged).rcode == kBadCookie);

  // etcd gone, node 2 restarted: it starts with its copy, and still takes node 1's cookies.
  c.etcd().stopAll();
  c.start(1);
  checkAccepted(c.node(1), fromA);
  checkAccepted(c.node(0), fromB);
}

TEST_CASE("cookies in a cluster: two nodes starting at once agree on one of their secrets", "[cluster][e2e][cookies]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  CookieNodes c;
  const std::string other = "f0e0d0c0b0a090807060504030201000";
  c.seedFile(0, "current " + kSeeded + "\nmade 2026-12-06T00:00:00Z\n");
  c.seedFile(1, "current " + other + "\nmade 2026-12-06T00:00:00Z\n");
  std::thread second([&] { c.start(1); });
  c.start(0);
  second.join();
  INFO(c.logs());
  // One created the key with its secrets, the other adopted them (its own create refused).
  REQUIRE(until([&] { return count(c.logs(), "are now the cluster's") == 1 && count(c.logs(), "adopted from the cluster") == 1; }));
  const std::string value = c.value();
  const bool firstWon = value.find(kSeeded) != std::string::npos;
  CHECK((firstWon || value.find(other) != std::string::npos));
  for (int i = 0; i < 2; ++i) CHECK(readText(c.secretFile(i)).find("current " + (firstWon ? kSeeded : other)) != std::string::npos);
  checkAccepted(c.node(1), cookieFrom(c.node(0), kClientA));
  checkAccepted(c.node(0), cookieFrom(c.node(1), kClientB));
}

TEST_CASE("cookies in a cluster: one node rotates, the other accepts the previous secret's cookies and the new one's",
          "[cluster][e2e][cookies]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  // rotate_every stays at its minimum, an hour (a server cookie lives that long): the secret
  // written here by hand was made just under an hour ago, so it is due in a few seconds.
  CookieNodes c("  rotate_every: 1h\n");
  const int64_t made = std::time(nullptr) - 3600 + 12;
  c.client().put(kKey, R"({"version":1,"current":")" + kSeeded + R"(","made":)" + std::to_string(made) + R"(,"by":"test"})");
  c.start(0);
  c.start(1);
  INFO(c.logs());
  REQUIRE(until([&] { return count(c.logs(), "adopted from the cluster (/test/cookie-secrets, written by test") == 2; }));
  const Bytes old = cookieFrom(c.node(0), kClientA);
  REQUIRE(count(c.logs(), "secret rotated") == 0);  // made with the seeded secret, still current
  checkAccepted(c.node(1), old);

  REQUIRE(until([&] { return count(c.logs(), "cookies: secret rotated for the cluster (/test/cookie-secrets)") == 1; },
                std::chrono::milliseconds(30000)));
  const int rotator = c.node(0).log().find("secret rotated for the cluster") != std::string::npos ? 0 : 1;
  const int other = 1 - rotator;
  REQUIRE(until([&] {
    return c.node(other).log().find("adopted from the cluster (/test/cookie-secrets, written by ns" +
                                    std::to_string(rotator + 1)) != std::string::npos;
  }));
  // Only one node rotated: the other took its value rather than rotating again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(count(c.logs(), "secret rotated") == 1);
  const auto value = nlohmann::json::parse(c.value());
  CHECK(value["previous"] == kSeeded);
  CHECK(value["current"] != kSeeded);
  CHECK(value["by"] == "ns" + std::to_string(rotator + 1));
  for (int i = 0; i < 2; ++i) CHECK(readText(c.secretFile(i)).find("previous " + kSeeded) != std::string::npos);

  // The cookie of the previous secret: accepted on both, and replaced by one of the new secret.
  for (int i = 0; i < 2; ++i) {
    const Exchange e = ask(c.node(i), old);
    CHECK(e.rcode == 0);
    CHECK(e.answers > 0);
    CHECK(e.cookie.size() == 24);
    CHECK(e.cookie != old);
  }
  // A cookie of the new secret from the rotating node, accepted by the other, and the reverse.
  checkAccepted(c.node(other), cookieFrom(c.node(rotator), kClientB));
  checkAccepted(c.node(rotator), cookieFrom(c.node(other), kClientB));
}

TEST_CASE("cookies in a cluster: a value at the key that Lodestar does not write is logged once and ignored",
          "[cluster][e2e][cookies]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  CookieNodes c;
  c.start(0);
  c.start(1);
  INFO(c.logs());
  REQUIRE(until([&] { return count(c.logs(), "are now the cluster's") == 1 && count(c.logs(), "adopted from the cluster") == 1; }));
  const Bytes before = cookieFrom(c.node(0), kClientA);
  checkAccepted(c.node(1), before);
  const std::string file = readText(c.secretFile(1));

  auto etcd = c.client();
  etcd.put(kKey, "{not json");
  etcd.put(kKey, R"({"version":1,"current":"0011","made":5})");
  etcd.put(kKey, "{not json again");  // the same reason: not logged again
  const std::string ignored = "warning: cluster: ignoring /test/cookie-secrets: not Lodestar's cookie secrets";
  REQUIRE(until([&] {
    return count(c.node(0).log(), "ignoring /test/cookie-secrets: current: a secret is 32 hex digits") == 1 &&
           count(c.node(1).log(), "ignoring /test/cookie-secrets: current: a secret is 32 hex digits") == 1;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 0; i < 2; ++i) {
    CHECK(c.node(i).alive());
    CHECK(count(c.node(i).log(), ignored) == 1);
  }
  CHECK(count(c.logs(), "adopted from the cluster") == 1);  // nothing new adopted
  CHECK(readText(c.secretFile(1)) == file);
  // Both keep answering with the secrets they had: each still takes the other's cookies.
  checkAccepted(c.node(1), before);
  checkAccepted(c.node(0), cookieFrom(c.node(1), kClientB));
}
