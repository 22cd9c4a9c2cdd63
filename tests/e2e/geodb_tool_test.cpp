// lodestar-geodb: its output reads back with Debian's mmdblookup; bad CSVs are refused.
#include <catch2/catch.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

TEST_CASE("lodestar-geodb output reads back with mmdblookup", "[e2e][geodb]") {
  TempDir dir;
  std::string out = dir.path() + "/t.mmdb";
  auto build = runCommand(std::string(LODESTAR_GEODB_BINARY) + " build " + dataPath("geo/test-networks.csv") + " -o " + out);
  INFO(build.output);
  REQUIRE(build.status == 0);
  CHECK_THAT(build.output, Catch::Contains("12 networks"));

  auto us = runCommand("mmdblookup --file " + out + " --ip 10.1.2.3");
  INFO(us.output);
  CHECK(us.status == 0);
  CHECK_THAT(us.output, Catch::Contains("\"US\" <utf8_string>"));
  CHECK_THAT(us.output, Catch::Contains("\"CA\" <utf8_string>"));
  CHECK_THAT(us.output, Catch::Contains("37.400000 <double>"));
  CHECK_THAT(us.output, Catch::Contains("64500 <uint32>"));
  auto code = runCommand("mmdblookup --file " + out + " --ip 2001:db8:2::5 country iso_code");
  CHECK_THAT(code.output, Catch::Contains("\"JP\" <utf8_string>"));
  auto inner = runCommand("mmdblookup --file " + out + " --ip 10.4.200.9 country iso_code");
  CHECK_THAT(inner.output, Catch::Contains("\"AT\" <utf8_string>"));
  auto none = runCommand("mmdblookup --file " + out + " --ip 192.0.2.1");
  CHECK_THAT(none.output, Catch::Contains("Could not find an entry"));
}

TEST_CASE("lodestar-geodb refuses a bad CSV with positions and writes nothing", "[e2e][geodb]") {
  TempDir dir;
  auto csv = dir.write("bad.csv", "network,country\n192.0.2.0/33,US\n");
  std::string out = dir.path() + "/t.mmdb";
  auto r = runCommand(std::string(LODESTAR_GEODB_BINARY) + " build " + csv + " -o " + out);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains(csv + ":2:1: '192.0.2.0/33' is not a network"));
  CHECK(runCommand("test -e " + out).status != 0);
  CHECK(runCommand(std::string(LODESTAR_GEODB_BINARY) + " frobnicate").status == 2);
}
