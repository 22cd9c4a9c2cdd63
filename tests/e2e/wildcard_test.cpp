// Wildcards on the running daemon, asked with kdig over UDP and TCP: the synthesized answer
// owned by the name asked, NODATA with the SOA, a steered wildcard, and NXDOMAIN below a
// name that exists.
#include <catch2/catch.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {

struct Wild {
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon;
  Wild() {
    dir.write("zones/wild.test.yaml",
              "zone: wild.test\nsoa: {serial: 1, minimum: 60}\nnameservers: {ns1: 127.0.0.1}\n"
              "regions: {east: ~, west: ~}\npools:\n  web: {regions: {east: [192.0.2.11], west: [192.0.2.22]}}\n"
              "records:\n  \"*.cdn\": {A: 192.0.2.50, TXT: served by the wildcard}\n  real.cdn: {A: 192.0.2.51}\n"
              "  \"*.edge\": {steer: {policy: failover, pool: web, order: [west, east], ttl: 20}}\n");
    daemon = std::make_unique<DaemonProcess>(dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [" +
                                                                            dir.path() + "/zones/]\n"));
  }
  std::string kdig(const std::string& args) {
    return runCommand("kdig @127.0.0.1 -p " + std::to_string(daemon->port()) + " +time=3 +retry=0 " + args).output;
  }
};

}  // namespace

TEST_CASE("wildcard: kdig gets the wildcard's records under the name it asked, over UDP and TCP", "[e2e][wildcard]") {
  Wild w;
  for (const char* transport : {"", "+tcp "}) {
    INFO(transport);
    auto a = w.kdig(std::string(transport) + "img.cdn.wild.test A");
    CHECK_THAT(a, Catch::Contains("status: NOERROR"));
    CHECK_THAT(a, Catch::Matches(R"((.|\n)*img\.cdn\.wild\.test\.\s+3600\s+IN\s+A\s+192\.0\.2\.50(.|\n)*)"));
    CHECK_THAT(a, Catch::Contains("Flags: qr aa"));
  }
  auto txt = w.kdig("a.b.cdn.wild.test TXT");
  CHECK_THAT(txt, Catch::Matches(R"((.|\n)*a\.b\.cdn\.wild\.test\.\s+3600\s+IN\s+TXT\s+"served by the wildcard"(.|\n)*)"));
  auto nodata = w.kdig("img.cdn.wild.test AAAA");
  CHECK_THAT(nodata, Catch::Contains("status: NOERROR"));
  CHECK_THAT(nodata, Catch::Contains("ANSWER: 0"));
  CHECK_THAT(nodata, Catch::Matches(R"((.|\n)*wild\.test\.\s+60\s+IN\s+SOA(.|\n)*)"));
  auto steered = w.kdig("a.edge.wild.test A");
  CHECK_THAT(steered, Catch::Matches(R"((.|\n)*a\.edge\.wild\.test\.\s+20\s+IN\s+A\s+192\.0\.2\.22(.|\n)*)"));
  CHECK_THAT(w.kdig("real.cdn.wild.test A"), Catch::Contains("192.0.2.51"));
  CHECK_THAT(w.kdig("x.real.cdn.wild.test A"), Catch::Contains("status: NXDOMAIN"));
}
