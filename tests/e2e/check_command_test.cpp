// `lodestar --check`: exit status and file:line:column for syntax and semantic errors.
#include <catch2/catch.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {
CommandResult check(const std::string& config) {
  return runCommand(std::string(LODESTAR_BINARY_FOR_TESTS) + " --check -c " + config);
}

const char* kConfig = "listen: [127.0.0.1:0]\nzones: [zones/]\n";
const char* kGoodHead = "zone: example.test\nsoa: {serial: 1}\nnameservers:\n  ns1: 192.0.2.1\n";
}  // namespace

TEST_CASE("lodestar --check accepts the demo and the test configuration", "[e2e][check]") {
  auto demo = check(std::string(LODESTAR_DEMO_DIR) + "/lodestar.yaml");
  INFO(demo.output);
  CHECK(demo.status == 0);
  CHECK(check(dataPath("e2e/lodestar.yaml")).status == 0);
}

TEST_CASE("lodestar --check reports a YAML syntax error with file:line:column", "[e2e][check]") {
  TempDir dir;
  auto cfg = dir.write("lodestar.yaml", kConfig);
  dir.write("zones/z.yaml", std::string(kGoodHead) + "records:\n  www: {A: [192.0.2.1}\n");
  auto r = check(cfg);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains(dir.path() + "/zones/z.yaml:6:"));
  CHECK_THAT(r.output, Catch::Contains("YAML syntax error"));
}

TEST_CASE("lodestar --check reports every semantic error with file:line:column", "[e2e][check]") {
  TempDir dir;
  auto cfg = dir.write("lodestar.yaml", kConfig);
  dir.write("zones/a.yaml", std::string(kGoodHead) + "records:\n  www:\n    A: 192.0.2.1\n    CNAME: x\n"
                                                     "  mail:\n    MX: 10 mx\n    colour: blue\n");
  dir.write("zones/b.yaml", "zone: other.test\nnameservers:\n  ns1: 192.0.2.1\n");
  auto r = check(cfg);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains(dir.path() + "/zones/a.yaml:8:12: CNAME beside other data at www.example.test."));
  CHECK_THAT(r.output, Catch::Contains(dir.path() + "/zones/a.yaml:11:5: records.mail.colour: unknown record type or key"));
  CHECK_THAT(r.output, Catch::Contains(dir.path() + "/zones/b.yaml:1:1: missing key 'soa'"));
}

TEST_CASE("lodestar --check reports a zone without SOA from a master file", "[e2e][check]") {
  TempDir dir;
  auto cfg = dir.write("lodestar.yaml", kConfig);
  dir.write("zones/z.yaml", "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\ninclude: z.zone\n");
  dir.write("zones/z.zone", "www A 192.0.2.1\nwww MX 10 mail\n@ SOA ns1 hm 2 3 4 5 6\n");
  auto r = check(cfg);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains(dir.path() + "/zones/z.zone:3:1: a second SOA record"));
}

TEST_CASE("lodestar --check on an unknown config key and a missing file", "[e2e][check]") {
  TempDir dir;
  auto r = check(dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nlisten_on: x\n"));
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("lodestar.yaml:3:1: listen_on: unknown key"));
  auto missing = check(dir.path() + "/nope.yaml");
  CHECK(missing.status == 1);
  CHECK_THAT(missing.output, Catch::Contains("nope.yaml: cannot open: No such file or directory"));
}

TEST_CASE("lodestar --check on a missing, truncated or corrupt geo database", "[e2e][check][geo]") {
  TempDir dir;
  dir.write("zones/z.yaml", kGoodHead);
  auto missing = check(dir.write("l.yaml", std::string(kConfig) + "geo:\n  database: nope.mmdb\n"));
  CHECK(missing.status == 1);
  CHECK_THAT(missing.output, Catch::Contains(dir.path() + "/l.yaml:4:13: geo.database: " + dir.path() +
                                             "/nope.mmdb: cannot open the geo database"));
  std::string demoDb = std::string(LODESTAR_DEMO_DIR) + "/geo/demo.mmdb";
  auto whole = runCommand("cat " + demoDb);
  REQUIRE(whole.status == 0);
  dir.write("half.mmdb", whole.output.substr(0, whole.output.size() / 2));
  auto truncated = check(dir.write("t.yaml", std::string(kConfig) + "geo:\n  database: half.mmdb\n"));
  CHECK(truncated.status == 1);
  CHECK_THAT(truncated.output, Catch::Contains("half.mmdb: cannot open the geo database"));
  std::string corrupt = whole.output;
  for (size_t i = 0; i < 512; ++i) corrupt[i] = '\xF0';
  dir.write("bad.mmdb", corrupt);
  dir.write("zones/z.yaml", std::string(kGoodHead) + "regions: {r: ~}\npools: {p: {regions: {r: [192.0.2.1]}}}\n"
                            "records:\n  www:\n    steer: {policy: geo, pool: p, map: {default: [r]}}\n");
  auto bad = check(dir.write("c.yaml", std::string(kConfig) + "geo:\n  database: bad.mmdb\n"));
  CHECK(bad.status == 1);
  CHECK_THAT(bad.output, Catch::Contains("bad.mmdb: the geo database is corrupt"));
}

TEST_CASE("lodestar --check lists each steered record with its policy", "[e2e][check][geo]") {
  auto demo = check(std::string(LODESTAR_DEMO_DIR) + "/lodestar.yaml");
  CHECK(demo.status == 0);
  CHECK_THAT(demo.output, Catch::Contains("www.gtm.example.test. steered by geo over pool web, TTL 30s"));
  CHECK_THAT(demo.output, Catch::Contains("api.gtm.example.test. steered by nearest over pool web, TTL 30s"));
}

TEST_CASE("lodestar --check accepts the full example of docs/zone-policy.md", "[e2e][check][docs]") {
  auto doc = runCommand("cat " + std::string(LODESTAR_SOURCE_DIR) + "/docs/zone-policy.md");
  auto start = doc.output.find("```yaml\n");
  REQUIRE(start != std::string::npos);
  start += 8;
  auto end = doc.output.find("```", start);
  TempDir dir;
  dir.write("zones/example.yaml", doc.output.substr(start, end - start));
  dir.write("zones/gtm.example.com.zone", "static A 192.0.2.7\n");
  auto r = check(dir.write("lodestar.yaml", std::string(kConfig) + "geo: {database: " + LODESTAR_DEMO_DIR +
                                                "/geo/demo.mmdb}\n"));
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("www.gtm.example.com. steered by geo over pool web"));
}

TEST_CASE("the README and docs point only inside the repository", "[e2e][docs][regression]") {
  auto r = runCommand("grep -n '\\.\\./shared' " + std::string(LODESTAR_SOURCE_DIR) + "/README.md " +
                      std::string(LODESTAR_SOURCE_DIR) + "/docs/*.md");
  INFO(r.output);
  CHECK(r.output.empty());
  for (const char* doc : {"/docs/architecture.md", "/docs/operations.md", "/docs/cluster.md"})
    CHECK(runCommand("test -s " + std::string(LODESTAR_SOURCE_DIR) + doc).status == 0);
}

TEST_CASE("lodestar and lodestarctl print the one version CMake gives", "[e2e][version]") {
  auto cmake = runCommand("grep -o 'project(lodestar VERSION [0-9.]*' " + std::string(LODESTAR_SOURCE_DIR) + "/CMakeLists.txt");
  std::string version = cmake.output.substr(cmake.output.rfind(' ') + 1);
  version.erase(version.find_last_not_of("\n") + 1);
  REQUIRE_FALSE(version.empty());
  CHECK(runCommand(std::string(LODESTAR_BINARY_FOR_TESTS) + " --version").output == "lodestar " + version + "\n");
  CHECK(runCommand(std::string(LODESTARCTL_BINARY) + " --version").output == "lodestarctl " + version + "\n");
}

TEST_CASE("the build writes nothing into the source tree (the demo site is in the build folder)", "[e2e][build][regression]") {
  const std::string src = LODESTAR_SOURCE_DIR;
  CHECK(runCommand("test -e " + src + "/examples/geo/demo.mmdb").status != 0);
  CHECK(runCommand("test -s " + std::string(LODESTAR_DEMO_DIR) + "/geo/demo.mmdb").status == 0);
  // Inside a git checkout, nothing under examples/ may be a file git does not know.
  auto r = runCommand("cd " + src + " && git rev-parse --git-dir >/dev/null 2>&1 && git ls-files --others examples");
  INFO(r.output);
  CHECK(r.output.empty());
}
