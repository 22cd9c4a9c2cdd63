// Every probe kind against real local servers: HTTP 200 and 503, a server that accepts and
// never answers, a closed port, garbage replies, HTTPS with a self-signed certificate, a DNS
// server (Lodestar itself), and exec scripts (including one that hangs).
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "health/prober.hpp"
#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"

using namespace lodestar;
using namespace lodestar::test;
using health::CheckSpec;
using health::ProbeKind;
using health::ProbeResult;

namespace {

// Runs one probe to completion on a fresh loop.
ProbeResult probe(const CheckSpec& spec, const std::string& address) {
  loop::EventLoop loop;
  health::Prober prober(loop);
  std::optional<ProbeResult> result;
  prober.start(spec, address, [&](const ProbeResult& r) { result = r; });
  auto deadline = std::chrono::steady_clock::now() + spec.timeout + std::chrono::seconds(2);
  while (!result && std::chrono::steady_clock::now() < deadline) loop.runOnce(std::chrono::milliseconds(20));
  REQUIRE(result);
  // A dns probe frees its c-ares channel on the loop's next round (never from c-ares's own
  // callback): give it that round, or LeakSanitizer sees the channel when the loop goes.
  for (int i = 0; i < 3; ++i) loop.runOnce(std::chrono::milliseconds(5));
  return *result;
}

CheckSpec http(uint16_t port) {
  CheckSpec s;
  s.kind = ProbeKind::Http;
  s.port = port;
  s.path = "/healthz";
  s.timeout = std::chrono::milliseconds(500);
  return s;
}

// Accepts connections and answers each with bytes that are not HTTP.
class GarbageServer {
 public:
  explicit GarbageServer(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        const char junk[] = "\x16\x03garbage-not-http\r\n\r\n";
        (void)!write(c, junk, sizeof junk - 1);
        close(c);
      }
    });
  }
  ~GarbageServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

 private:
  int fd_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("http probe: 200 is up, 503 is down with the status as reason", "[e2e][probe]") {
  uint16_t port = freePort();
  {
    Backend ok({"127.0.0.1"}, port);
    auto r = probe(http(port), "127.0.0.1");
    CHECK(r.success);
    CHECK(r.reason == "HTTP 200");
  }
  CheckSpec spec = http(port);
  spec.bodyContains = "ok";
  {
    Backend ok({"127.0.0.1"}, port);
    CHECK(probe(spec, "127.0.0.1").success);
    spec.bodyContains = "ready";
    auto r = probe(spec, "127.0.0.1");
    CHECK_FALSE(r.success);
    CHECK(r.reason == "HTTP 200, body lacks \"ready\"");
  }
}

TEST_CASE("http probe: a server that accepts and never answers times out", "[e2e][probe]") {
  uint16_t port = freePort();
  Backend hang({"127.0.0.1"}, port, /*hang=*/true);
  auto start = std::chrono::steady_clock::now();
  auto r = probe(http(port), "127.0.0.1");
  auto took = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(r.success);
  CHECK(r.reason == "timeout after 500ms");
  CHECK(took < std::chrono::milliseconds(900));
}

TEST_CASE("http and tcp probes: a closed port is refused at once", "[e2e][probe]") {
  uint16_t port = freePort();
  auto r = probe(http(port), "127.0.0.1");
  CHECK_FALSE(r.success);
  CHECK(r.reason == "connect refused");
  CheckSpec tcp;
  tcp.kind = ProbeKind::Tcp;
  tcp.port = port;
  tcp.timeout = std::chrono::milliseconds(500);
  auto t = probe(tcp, "127.0.0.1");
  CHECK_FALSE(t.success);
  CHECK(t.reason == "connect refused");
  Backend open({"127.0.0.1"}, port);
  CHECK(probe(tcp, "127.0.0.1").success);
}

TEST_CASE("http probe: a garbage reply is a failure", "[e2e][probe]") {
  uint16_t port = freePort();
  GarbageServer junk(port);
  auto r = probe(http(port), "127.0.0.1");
  CHECK_FALSE(r.success);
  INFO(r.reason);
  CHECK_FALSE(r.reason.empty());
}

TEST_CASE("https probe: a self-signed certificate fails with verification on, passes with it off", "[e2e][probe]") {
  TempDir dir;
  auto gen = runCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=backend.test -keyout " +
                        dir.path() + "/key.pem -out " + dir.path() + "/cert.pem");
  REQUIRE(gen.status == 0);
  uint16_t port = freePort();
  // openssl s_server -www answers any GET with 200 and a status page.
  auto server = runCommand("cd " + dir.path() + " && (openssl s_server -quiet -www -accept 127.0.0.1:" +
                           std::to_string(port) + " -cert cert.pem -key key.pem >/dev/null 2>&1 & echo $! > pid)");
  REQUIRE(server.status == 0);
  for (int i = 0; i < 100 && runCommand("exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)).status != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CheckSpec spec = http(port);
  spec.kind = ProbeKind::Https;
  spec.path = "/";
  spec.timeout = std::chrono::milliseconds(2000);
  auto verified = probe(spec, "127.0.0.1");
  CHECK_FALSE(verified.success);
  INFO(verified.reason);
  spec.verifyTls = false;
  auto unverified = probe(spec, "127.0.0.1");
  CHECK(unverified.success);
  CHECK(unverified.reason == "HTTP 200");
  runCommand("kill $(cat " + dir.path() + "/pid)");
}

TEST_CASE("dns probe: Lodestar itself, with rcode and an expected answer", "[e2e][probe]") {
  DaemonProcess d(dataPath("e2e/lodestar.yaml"));
  CheckSpec spec;
  spec.kind = ProbeKind::Dns;
  spec.port = d.port();
  spec.timeout = std::chrono::milliseconds(1000);
  spec.dnsName = "www.example.test";
  spec.dnsType = 1;
  spec.dnsAnswer = "192.0.2.81";
  auto ok = probe(spec, "127.0.0.1");
  CHECK(ok.success);
  CHECK(ok.reason == "NOERROR, 192.0.2.81");
  spec.dnsAnswer = "192.0.2.99";
  auto wrong = probe(spec, "127.0.0.1");
  CHECK_FALSE(wrong.success);
  CHECK(wrong.reason == "answer lacks 192.0.2.99");
  spec.dnsAnswer.clear();
  spec.dnsName = "missing.example.test";
  auto nx = probe(spec, "127.0.0.1");
  CHECK_FALSE(nx.success);
  CHECK(nx.reason == "rcode NXDOMAIN, expected NOERROR");
  spec.dnsRcode = 3;
  CHECK(probe(spec, "127.0.0.1").success);
  spec.port = freePort();  // nothing answers there
  auto silent = probe(spec, "127.0.0.1");
  CHECK_FALSE(silent.success);
}

TEST_CASE("exec probe: exit status decides, a hanging script is killed at the timeout", "[e2e][probe]") {
  TempDir dir;
  auto script = [&](const std::string& name, const std::string& body) {
    auto path = dir.write(name, "#!/bin/sh\n" + body + "\n");
    runCommand("chmod +x " + path);
    return path;
  };
  CheckSpec spec;
  spec.kind = ProbeKind::Exec;
  spec.timeout = std::chrono::milliseconds(300);
  spec.command = {script("ok.sh", "test \"$1\" = 192.0.2.7")};
  CHECK(probe(spec, "192.0.2.7").success);
  CHECK_FALSE(probe(spec, "192.0.2.8").success);
  spec.command = {script("hang.sh", "sleep 30")};
  auto start = std::chrono::steady_clock::now();
  auto r = probe(spec, "192.0.2.7");
  CHECK_FALSE(r.success);
  CHECK(r.reason == "killed after 300ms");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000));
}

TEST_CASE("a hanging probe never delays the others on the same loop", "[e2e][probe]") {
  uint16_t hangPort = freePort(), okPort = freePort();
  Backend hang({"127.0.0.1"}, hangPort, true);
  Backend ok({"127.0.0.1"}, okPort);
  loop::EventLoop loop;
  health::Prober prober(loop);
  CheckSpec slow = http(hangPort);
  slow.timeout = std::chrono::milliseconds(1500);
  std::optional<std::chrono::steady_clock::time_point> slowDone, fastDone;
  auto start = std::chrono::steady_clock::now();
  prober.start(slow, "127.0.0.1", [&](const ProbeResult&) { slowDone = std::chrono::steady_clock::now(); });
  prober.start(http(okPort), "127.0.0.1", [&](const ProbeResult& r) {
    INFO(r.reason);
    CHECK(r.success);
    fastDone = std::chrono::steady_clock::now();
  });
  while (!slowDone && std::chrono::steady_clock::now() - start < std::chrono::seconds(4))
    loop.runOnce(std::chrono::milliseconds(20));
  REQUIRE(fastDone);
  REQUIRE(slowDone);
  CHECK(*fastDone - start < std::chrono::milliseconds(300));
  CHECK(*slowDone - start >= std::chrono::milliseconds(1400));
}

TEST_CASE("flap damping holds a flapping endpoint down and says so", "[e2e][probes][flap][regression]") {
  DemoFixture demo;
  const std::string zone = demo.dir().path() + "/zones/gtm.example.test.yaml";
  auto text = runCommand("cat " + zone).output;
  text.replace(text.find("    recheck: 200ms"), 0, "    flap_damping: {falls: 2, window: 30s, hold: 6s}\n");
  demo.dir().write("zones/gtm.example.test.yaml", text);
  auto ctl = [&](const std::string& args) {
    return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml " + args);
  };
  REQUIRE(ctl("reload").status == 0);
  auto euServes = [&] {
    auto a = demo.daemon().ask(QueryBuilder().name("www.gtm.example.test.").ecs("198.51.100.0/24"));
    return !a.answer.empty() && a.answer[0].find("127.0.2.") != std::string::npos;
  };
  auto waitFor = [&](bool want, double seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
      if (euServes() == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  demo.stopRegion("eu-west");
  REQUIRE(waitFor(false, 5));
  demo.startRegion("eu-west");
  REQUIRE(waitFor(true, 5));  // the first fall: back as usual
  auto bothUp = [&] {
    auto s = ctl("status").output;
    return s.find("127.0.2.1  up  serving") != std::string::npos && s.find("127.0.2.2  up  serving") != std::string::npos;
  };
  for (int i = 0; i < 100 && !bothUp(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(bothUp());
  demo.stopRegion("eu-west");
  REQUIRE(waitFor(false, 5));  // the second fall within 30 s: held for 6 s
  demo.startRegion("eu-west");
  auto heldFrom = std::chrono::steady_clock::now();
  CHECK_FALSE(waitFor(true, 3));  // healthy again, but still held down
  auto status = ctl("status");
  INFO(status.output);
  CHECK_THAT(status.output, Catch::Contains("FLAPPING: held down until"));
  CHECK(waitFor(true, 8));  // back once the hold is over
  CHECK(std::chrono::steady_clock::now() - heldFrom > std::chrono::seconds(4));
  CHECK_THAT(demo.daemon().log(), Catch::Contains("flapping: 2 falls within 30 s; held down for 6 s"));
}
