// `http:` in the main configuration.
#include <catch2/catch.hpp>

#include "dns/config/server_config.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::config;
using lodestar::test::TempDir;

TEST_CASE("http: alone listens on loopback, a bare address takes the HTTP port, secrets come from files", "[config]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto plain = loadServerConfig(dir.write("a.yaml", "listen: [127.0.0.1:53]\nzones: []\nhttp:\n"), d);
  INFO(d.report());
  REQUIRE(plain);
  REQUIRE(plain->http);
  REQUIRE(plain->http->listen.size() == 1);
  CHECK(plain->http->listen[0].text == "127.0.0.1:" + std::to_string(kDefaultHttpPort));
  CHECK(plain->http->token.empty());

  dir.write("token", "abc\n");
  dir.write("password", "pw");
  auto full = loadServerConfig(dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\nhttp:\n  listen: [::1, 127.0.0.2:8000]\n"
                                                   "  token_file: token\n  user: prom\n  password_file: password\n"),
                               d);
  INFO(d.report());
  REQUIRE(full);
  REQUIRE(full->http->listen.size() == 2);
  CHECK(full->http->listen[0].port == kDefaultHttpPort);
  CHECK(full->http->listen[0].text == "[::1]:" + std::to_string(kDefaultHttpPort));
  CHECK(full->http->listen[1].port == 8000);
  CHECK(full->http->token == "abc");
  CHECK(full->http->user == "prom");
  CHECK(full->http->password == "pw");

  CHECK_FALSE(loadServerConfig(dir.write("c.yaml", "listen: [127.0.0.1:53]\nzones: []\n"), d)->http);

  // Brackets without a port take the HTTP port too, never DNS's 53 (found in review).
  auto bracketed = loadServerConfig(dir.write("d.yaml", "listen: [127.0.0.1:53]\nzones: []\nhttp: {listen: [\"[::1]\"]}\n"), d);
  INFO(d.report());
  REQUIRE(bracketed);
  CHECK(bracketed->http->listen[0].port == kDefaultHttpPort);
  CHECK(bracketed->http->listen[0].text == "[::1]:" + std::to_string(kDefaultHttpPort));
}

TEST_CASE("http: mistakes are named with their line", "[config]") {
  TempDir dir;
  auto fails = [&](const std::string& http, const std::string& message) {
    lodestar::yaml::Diagnostics d;
    CHECK_FALSE(loadServerConfig(dir.write("x.yaml", "listen: [127.0.0.1:53]\nzones: []\nhttp:\n" + http), d));
    CHECK_THAT(d.report(), Catch::Contains(message));
  };
  fails("  listen: [localhost:80]\n", "x.yaml:4:11: http.listen: 'localhost:80' is not an address:port");
  fails("  listen: [127.0.0.1:0]\n", "is not an address:port");
  fails("  listen: [\"[::1]:\"]\n", "is not an address:port");
  fails("  token_file: missing\n", "http.token_file: cannot read '" + dir.path() + "/missing'");
  fails("  token_file: /dev/zero\n", "cannot read '/dev/zero' (a regular file of at most 4096 bytes is needed)");
  fails("  user: prom\n", "'user' needs 'password_file'");
  fails("  prot: 1\n", "prot: unknown key");
  dir.write("empty", "\n");
  fails("  token_file: empty\n", "is empty");
}
