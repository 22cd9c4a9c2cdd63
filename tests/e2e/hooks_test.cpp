// State changes run the configured hooks: exec (with the event) and webhook (POST); a hook
// that hangs is killed and logged while probing goes on.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"

using namespace lodestar::test;

namespace {
bool waitForLog(DaemonProcess& d, const std::string& text, int ms = 5000) {
  for (int i = 0; i < ms / 20; ++i) {
    if (d.log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}
}  // namespace

TEST_CASE("health state changes run exec hooks and webhooks, a hanging hook is killed", "[e2e][hooks]") {
  TempDir dir;
  uint16_t port = freePort(), webhookPort = freePort();
  Backend backend({"127.0.4.1"}, port);
  Backend webhook({"127.0.0.1"}, webhookPort);
  auto record = dir.write("record.sh", "#!/bin/sh\necho \"$@\" >> " + dir.path() + "/calls\necho \"$LODESTAR_EVENT\" >> " +
                                          dir.path() + "/events\n");
  auto hang = dir.write("hang.sh", "#!/bin/sh\nsleep 30\n");
  runCommand("chmod +x " + record + " " + hang);
  dir.write("zones/z.yaml", "zone: hooks.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n"
                            "checks:\n  c: {kind: tcp, port: " + std::to_string(port) +
                                ", interval: 300ms, timeout: 100ms, fall: 1, rise: 1, recheck: 50ms}\n"
                                "regions: {r: ~}\npools:\n  p: {check: c, regions: {r: [127.0.4.1]}}\n"
                                "records:\n  www: {steer: {policy: failover, pool: p}}\n");
  auto config = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\nhooks:\n"
                                           "  - exec: [" + record + ", extra]\n"
                                           "  - exec: [" + hang + "]\n    timeout: 200ms\n"
                                           "  - webhook: http://127.0.0.1:" + std::to_string(webhookPort) + "/hook\n");
  DaemonProcess d(config);
  backend.stop();
  REQUIRE(waitForLog(d, "endpoint=127.0.4.1 up -> down"));
  CHECK(waitForLog(d, "hook " + record + ": exit 0"));
  CHECK(waitForLog(d, "hook " + hang + ": killed after 200ms"));
  CHECK(waitForLog(d, "webhook http://127.0.0.1:" + std::to_string(webhookPort) + "/hook: HTTP 200"));
  auto calls = runCommand("cat " + dir.path() + "/calls").output;
  CHECK_THAT(calls, Catch::Contains("extra 127.0.4.1 up down"));
  auto events = runCommand("cat " + dir.path() + "/events").output;
  CHECK_THAT(events, Catch::Contains("\"endpoint\":\"127.0.4.1\""));
  // Refused, or reset when the listener closed with the probe's connection still queued.
  CHECK_THAT(events, Catch::Contains("\"reason\":\"connect refused\"") ||
                         Catch::Contains("\"reason\":\"connect failed: Connection reset by peer\""));
  // Probing went on while the hook hung: the endpoint comes back.
  Backend again({"127.0.4.1"}, port);
  CHECK(waitForLog(d, "endpoint=127.0.4.1 down -> up"));
}

TEST_CASE("hooks are validated in the main config", "[e2e][hooks]") {
  TempDir dir;
  dir.write("zones/z.yaml", "zone: hooks.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n");
  auto config = dir.write("l.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nhooks:\n  - exec: [relative.sh]\n"
                                    "  - webhook: ftp://x\n  - {}\n");
  auto r = runCommand(std::string(LODESTAR_BINARY_FOR_TESTS) + " --check -c " + config);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("l.yaml:4:11: hooks.0.exec: expected a command with an absolute path"));
  CHECK_THAT(r.output, Catch::Contains("l.yaml:5:14: hooks.1.webhook: expected an http:// or https:// URL"));
  CHECK_THAT(r.output, Catch::Contains("hooks.2: a hook needs 'exec' or 'webhook'"));
}
