// `dnstap:` in the main configuration.
#include <catch2/catch.hpp>

#include "dns/config/server_config.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::config;
using lodestar::test::TempDir;

TEST_CASE("dnstap: a file or a socket, relative to the config, what to log and the queue", "[config]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto file = loadServerConfig(dir.write("a.yaml", "listen: [127.0.0.1:53]\nzones: []\ndnstap: {file: tap.fstrm}\n"), d);
  INFO(d.report());
  REQUIRE(file);
  REQUIRE(file->dnstap);
  CHECK(file->dnstap->file == dir.path() + "/tap.fstrm");
  CHECK(file->dnstap->socket.empty());
  CHECK(file->dnstap->queries);
  CHECK(file->dnstap->responses);
  CHECK(file->dnstap->queue == 1024);
  CHECK(!file->dnstap->identity.empty());  // the host name

  auto socket = loadServerConfig(
      dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\n"
                          "dnstap: {socket: /run/tap.sock, identity: ns1, responses: false, queue: 64}\n"),
      d);
  INFO(d.report());
  REQUIRE(socket);
  CHECK(socket->dnstap->socket == "/run/tap.sock");
  CHECK(socket->dnstap->identity == "ns1");
  CHECK_FALSE(socket->dnstap->responses);
  CHECK(socket->dnstap->queue == 64);
  CHECK_FALSE(loadServerConfig(dir.write("c.yaml", "listen: [127.0.0.1:53]\nzones: []\n"), d)->dnstap);
}

TEST_CASE("dnstap: mistakes are named with their line", "[config]") {
  TempDir dir;
  auto error = [&](const std::string& block) {
    lodestar::yaml::Diagnostics d;
    auto c = loadServerConfig(dir.write("x.yaml", "listen: [127.0.0.1:53]\nzones: []\ndnstap:\n" + block), d);
    CHECK_FALSE(c);
    return d.report();
  };
  CHECK_THAT(error("  file: a\n  socket: /b\n"), Catch::Contains("x.yaml:4") && Catch::Contains("not both"));
  CHECK_THAT(error("  identity: ns1\n"), Catch::Contains("'file' or 'socket' is needed"));
  CHECK_THAT(error("  file: a\n  queries: false\n  responses: false\n"), Catch::Contains("nothing to log"));
  CHECK_THAT(error("  file: a\n  queue: 3\n"), Catch::Contains("dnstap.queue"));
  CHECK_THAT(error("  file: a\n  queue: 32\n"), Catch::Contains("dnstap.queue"));  // fewer than a batch and more
  CHECK_THAT(error("  socket: /" + std::string(200, 'x') + "\n"), Catch::Contains("longer than a Unix socket path"));
  CHECK_THAT(error("  file: a\n  colour: red\n"), Catch::Contains("colour"));
}
