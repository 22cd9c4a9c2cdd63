// Ordinary file mistakes: each is a clear error from `lodestar --check` (the same loader a
// start and a reload run), never an abort, a hang or a silent skip.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {
CommandResult check(const std::string& config) {
  return runCommand("timeout 60 " + std::string(LODESTAR_BINARY_FOR_TESTS) + " --check -c " + config);
}

const char* kConfig = "listen: [127.0.0.1:0]\nzones: [zones/]\n";
const char* kZone = "zone: example.test\nsoa: {serial: 1}\nnameservers:\n  ns1: 192.0.2.1\n";
}  // namespace

TEST_CASE("a symlink loop in zones/ or as the config is an error, not an abort", "[e2e][check][regression]") {
  TempDir dir;
  dir.write("zones/z.yaml", kZone);
  auto cfg = dir.write("lodestar.yaml", kConfig);
  REQUIRE(symlink((dir.path() + "/zones/loop.yaml").c_str(), (dir.path() + "/zones/loop.yaml").c_str()) == 0);
  auto r = check(cfg);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("zones/loop.yaml: cannot open: Too many levels of symbolic links"));
  CHECK_THAT(r.output, !Catch::Contains("terminate"));

  REQUIRE(symlink((dir.path() + "/self").c_str(), (dir.path() + "/self").c_str()) == 0);
  auto self = check(dir.path() + "/self");
  CHECK(self.status == 1);
  CHECK_THAT(self.output, Catch::Contains("self: cannot open: Too many levels of symbolic links"));
}

TEST_CASE("a folder given as the main configuration is an error, not an abort", "[e2e][check][regression]") {
  TempDir dir;
  auto r = check(dir.path());
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains(dir.path() + ": is a folder, not a file"));
}

TEST_CASE("dangling symlinks, FIFOs and folders named *.yaml in zones/ are errors", "[e2e][check][regression]") {
  TempDir dir;
  dir.write("zones/z.yaml", kZone);
  auto cfg = dir.write("lodestar.yaml", kConfig);
  REQUIRE(symlink("/nonexistent/zone.yaml", (dir.path() + "/zones/dangling.yaml").c_str()) == 0);
  REQUIRE(mkfifo((dir.path() + "/zones/fifo.yaml").c_str(), 0600) == 0);
  REQUIRE(mkdir((dir.path() + "/zones/folder.yaml").c_str(), 0700) == 0);
  auto r = check(cfg);
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("zones/dangling.yaml: cannot open: No such file or directory"));
  CHECK_THAT(r.output, Catch::Contains("zones/fifo.yaml: is a FIFO, not a regular file"));
  CHECK_THAT(r.output, Catch::Contains("zones/folder.yaml: is a folder, not a file"));
}

TEST_CASE("include: of /dev/zero or of a folder is an error, and sizes are capped", "[e2e][check][regression]") {
  TempDir dir;
  auto cfg = dir.write("lodestar.yaml", kConfig);
  dir.write("zones/z.yaml", std::string(kZone) + "include: /dev/zero\n");
  auto zero = check(cfg);
  INFO(zero.output);
  CHECK(zero.status == 1);
  CHECK_THAT(zero.output, Catch::Contains("/dev/zero: zone file is a device, not a regular file"));

  dir.write("data/x.zone", "www A 192.0.2.1\n");
  dir.write("zones/z.yaml", std::string(kZone) + "include: ../data\n");
  auto folder = check(cfg);
  INFO(folder.output);
  CHECK(folder.status == 1);
  CHECK_THAT(folder.output, Catch::Contains("data: zone file is a folder, not a file"));

  // A zone policy file over the limit: the error says where big static data belongs.
  dir.write("zones/z.yaml", std::string(kZone) + "# " + std::string(5 << 20, 'x') + "\n");
  auto big = check(cfg);
  CHECK(big.status == 1);
  CHECK_THAT(big.output, Catch::Contains("the limit for this kind of file"));
  CHECK_THAT(big.output, Catch::Contains("RFC 1035 zone file named by 'include:'"));
}

TEST_CASE("a TXT record that could never be served is an error", "[e2e][check][regression]") {
  TempDir dir;
  auto cfg = dir.write("lodestar.yaml", kConfig);
  dir.write("zones/z.yaml", std::string(kZone) + "records:\n  big: {TXT: \"" + std::string(70000, 'a') + "\"}\n");
  auto r = check(cfg);
  INFO(r.output.substr(0, 2000));
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("z.yaml:6:14: TXT data of 70275 bytes; a record holds at most 65,535"));
  // Many records that each fit but together exceed one message.
  std::string many = std::string(kZone) + "records:\n  big:\n    TXT:\n";
  for (int i = 0; i < 30; ++i) many += "      - \"" + std::to_string(i) + std::string(3000, 'b') + "\"\n";
  dir.write("zones/z.yaml", many);
  auto set = check(cfg);
  CHECK(set.status == 1);
  CHECK_THAT(set.output, Catch::Contains("would not fit in one DNS message"));
}

TEST_CASE("main configuration mistakes that used to fail only at start", "[e2e][check][regression]") {
  TempDir dir;
  dir.write("zones/z.yaml", kZone);
  dir.write("state", "a file, not a folder\n");
  auto stateFile = check(dir.write("a.yaml", std::string(kConfig) + "state_dir: state\n"));
  CHECK(stateFile.status == 1);
  CHECK_THAT(stateFile.output, Catch::Contains("a.yaml:3:12: state_dir: '" + dir.path() + "/state' exists and is not a folder"));
  auto longSocket = check(dir.write("b.yaml", std::string(kConfig) + "control_socket: " + std::string(120, 's') + "\n"));
  CHECK(longSocket.status == 1);
  CHECK_THAT(longSocket.output, Catch::Contains("a Unix socket path holds at most 107"));
  auto twice = check(dir.write("c.yaml", "listen: [127.0.0.1:5399, 127.0.0.1:5399]\nzones: [zones/]\n"));
  CHECK(twice.status == 1);
  CHECK_THAT(twice.output, Catch::Contains("'127.0.0.1:5399' is listed twice"));
}

TEST_CASE("the duplicate-zone error names both files", "[e2e][check][regression]") {
  TempDir dir;
  dir.write("zones/a.yaml", kZone);
  dir.write("zones/b.yaml", kZone);
  auto r = check(dir.write("lodestar.yaml", kConfig));
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("zones/b.yaml: zone example.test. is defined here and in " + dir.path() +
                                       "/zones/a.yaml"));
}

TEST_CASE("lodestar --check points big static data in YAML to an RFC 1035 include", "[e2e][check][regression]") {
  TempDir dir;
  std::string zone = std::string(kZone) + "records:\n";
  for (int i = 0; i < 5001; ++i) zone += "  h" + std::to_string(i) + ": {A: 192.0.2.1}\n";
  dir.write("zones/z.yaml", zone);
  auto r = check(dir.write("lodestar.yaml", kConfig));
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("z.yaml:6:3: warning: records: 5001 static names in YAML"));
}

TEST_CASE("a steered name with static data gets a whole sentence", "[e2e][check][regression]") {
  TempDir dir;
  dir.write("zones/static.zone", "www A 192.0.2.9\n");
  dir.write("zones/z.yaml", std::string(kZone) + "include: static.zone\n"
                                "regions: {r: ~}\npools: {p: {regions: {r: [192.0.2.1]}}}\n"
                                "records:\n  www:\n    steer: {policy: failover, pool: p}\n");
  auto r = check(dir.write("lodestar.yaml", kConfig));
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("a steered name cannot also have static A, AAAA or CNAME records"));
  CHECK_THAT(r.output, !Catch::EndsWith("cannot\n"));
}
