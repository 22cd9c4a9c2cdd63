// `lodestar --check`: exit status and file:line:column for syntax and semantic errors.
#include <catch2/catch.hpp>

#include <cstdio>

#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {
struct Result {
  int status;
  std::string output;
};

Result check(const std::string& config) {
  std::string cmd = std::string(LODESTAR_BINARY_FOR_TESTS) + " --check -c " + config + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

const char* kConfig = "listen: [127.0.0.1:0]\nzones: [zones/]\n";
const char* kGoodHead = "zone: example.test\nsoa: {serial: 1}\nnameservers:\n  ns1: 192.0.2.1\n";
}  // namespace

TEST_CASE("lodestar --check accepts the demo and the test configuration", "[e2e][check]") {
  auto demo = check(std::string(LODESTAR_SOURCE_DIR) + "/examples/lodestar.yaml");
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
  CHECK_THAT(missing.output, Catch::Contains("nope.yaml: cannot open file"));
}
