// The demo's static data, served from a copy of examples/ on a kernel-chosen port.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

TEST_CASE("the demo zone answers its static records over IPv4 and IPv6", "[e2e][demo]") {
  TempDir dir;
  namespace fs = std::filesystem;
  fs::copy(std::string(LODESTAR_SOURCE_DIR) + "/examples", dir.path(), fs::copy_options::recursive);
  std::ifstream in(dir.path() + "/lodestar.yaml");
  std::stringstream text;
  text << in.rdbuf();
  // Same config, but on ports the kernel picks so a running demo does not collide.
  std::string config = std::regex_replace(text.str(), std::regex(":5353"), ":0");
  dir.write("lodestar.yaml", config);
  DaemonProcess d(dir.path() + "/lodestar.yaml");
  REQUIRE(d.port6() != 0);

  Answer mx = d.ask(QueryBuilder().name("gtm.example.test.").type(15));
  CHECK(mx.aa);
  CHECK(mx.answer == std::vector<std::string>{"gtm.example.test. 300 MX 10 mail.gtm.example.test."});
  auto v6 = d.udp(QueryBuilder().name("static.gtm.example.test.").type(28).bytes(), true);
  REQUIRE(v6);
  auto a = parseAnswer(*v6);
  REQUIRE(a);
  CHECK(a->answer == std::vector<std::string>{"static.gtm.example.test. 300 AAAA 2001:db8::10"});
}
