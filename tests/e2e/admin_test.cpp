// lodestarctl drain / undrain / force / status against the demo: the next query follows,
// a kill -9 and restart keeps the override, and every error is one a person can act on.
#include <catch2/catch.hpp>

#include <ctime>
#include <limits>
#include <thread>

#include <nlohmann/json.hpp>

#include "dns/control/client.hpp"
#include "dns/wire/duration.hpp"
#include "tests/support/command.hpp"
#include "tests/support/demo_answers.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/zone_texts.hpp"

using namespace lodestar::test;

TEST_CASE("drain moves EU clients on the next query, survives kill -9, undrain restores", "[e2e][admin]") {
  DemoFixture demo;
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  auto drained = ctl(demo, "drain eu-west --reason 'maintenance window'");
  INFO(drained.output);
  REQUIRE(drained.status == 0);
  CHECK(drained.output == "drain eu-west: done\n");
  CHECK(euAnswer(demo.daemon()) == kUsEast);

  demo.restartDaemon(/*hard=*/true);
  CHECK(euAnswer(demo.daemon()) == kUsEast);  // the first answer after the restart
  CHECK_THAT(demo.daemon().log(), Catch::Contains("restored 1 drain(s)"));
  auto status = ctl(demo, "status");
  CHECK_THAT(status.output, Catch::Contains("eu-west  DRAINED (maintenance window)"));

  CHECK(ctl(demo, "undrain eu-west").status == 0);
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  auto audit = runCommand("cat " + demo.dir().path() + "/state/audit.log").output;
  CHECK_THAT(audit, Catch::Contains("\"command\":\"drain\""));
  CHECK_THAT(audit, Catch::Contains("\"reason\":\"maintenance window\""));
  CHECK_THAT(audit, Catch::Contains("\"command\":\"undrain\""));
}

TEST_CASE("force-down and auto: the observed health stays beside the override", "[e2e][admin]") {
  DemoFixture demo;
  CHECK(ctl(demo, "force-down 127.0.2.1").status == 0);
  CHECK(euAnswer(demo.daemon()) == Addrs{"www.gtm.example.test. 30 A 127.0.2.2"});
  CHECK(ctl(demo, "force-down eu-west/web").status == 0);
  CHECK(euAnswer(demo.daemon()) == kUsEast);
  auto status = ctl(demo, "--json status");
  CHECK_THAT(status.output, Catch::Contains("\"admin\": \"force-down\""));
  CHECK(ctl(demo, "auto eu-west/web").status == 0);
  CHECK(ctl(demo, "auto 127.0.2.1").status == 0);
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  // Forced up while the backends are really down: served, and "auto" brings back reality.
  demo.stopRegion("eu-west");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(euAnswer(demo.daemon()) == kUsEast);
  CHECK(ctl(demo, "force-up eu-west").status == 0);
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  CHECK(ctl(demo, "auto eu-west").status == 0);
  CHECK(euAnswer(demo.daemon()) == kUsEast);
}

TEST_CASE("draining the last region up is refused unless --force, and --dry-run changes nothing", "[e2e][admin]") {
  DemoFixture demo;
  auto dry = ctl(demo, "drain eu-west --dry-run");
  CHECK(dry.status == 0);
  INFO(dry.output);
  CHECK_THAT(dry.output, Catch::Contains("www.gtm.example.test. (geo), clients of EU: eu-west -> us-east"));
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  CHECK(ctl(demo, "drain us-east").status == 0);
  CHECK(ctl(demo, "drain eu-west").status == 0);
  auto refused = ctl(demo, "drain ap-northeast");
  CHECK(refused.status == 1);
  INFO(refused.output);
  CHECK_THAT(refused.output, Catch::Contains("refused: this would leave www.gtm.example.test. (clients of NA, default)"));
  CHECK_THAT(refused.output, Catch::Contains("www.gtm.example.test. (clients of AS)"));
  CHECK(ctl(demo, "drain ap-northeast --force").status == 0);
}

TEST_CASE("errors a person can act on: unknown region, unknown target, permission denied", "[e2e][admin]") {
  DemoFixture demo;
  auto unknown = ctl(demo, "drain mars");
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.output, Catch::Contains("unknown region 'mars' (known: us-east, eu-west, ap-northeast)"));
  auto target = ctl(demo, "force-down 10.9.9.9");
  CHECK(target.status == 1);
  CHECK_THAT(target.output, Catch::Contains("unknown target '10.9.9.9'"));
  // An unprivileged user cannot open the 0660 root-owned socket.
  auto denied = runCommand("setpriv --reuid=65534 --regid=65534 --clear-groups " + std::string(LODESTARCTL_BINARY) +
                           " -s " + demo.dir().path() + "/state/lodestar.sock status");
  CHECK(denied.status == 3);
  CHECK_THAT(denied.output, Catch::Contains("permission denied on"));
}

TEST_CASE("two clients draining at once both land", "[e2e][admin]") {
  DemoFixture demo;
  CommandResult a, b;
  std::thread t1([&] { a = ctl(demo, "drain eu-west"); });
  std::thread t2([&] { b = ctl(demo, "drain ap-northeast"); });
  t1.join();
  t2.join();
  CHECK(a.status == 0);
  CHECK(b.status == 0);
  auto status = ctl(demo, "status").output;
  CHECK_THAT(status, Catch::Contains("eu-west  DRAINED"));
  CHECK_THAT(status, Catch::Contains("ap-northeast  DRAINED"));
  auto saved = runCommand("cat " + demo.dir().path() + "/state/admin-state.json").output;
  CHECK_THAT(saved, Catch::Contains("\"eu-west\""));
  CHECK_THAT(saved, Catch::Contains("\"ap-northeast\""));
}

TEST_CASE("a corrupt state file at start: logged, kept aside, no override", "[e2e][admin]") {
  DemoFixture demo;
  CHECK(ctl(demo, "drain eu-west").status == 0);
  demo.dir().write("state/admin-state.json", "{\"version\": 1, \"drained\": {\"eu-west\": tru");
  demo.restartDaemon(/*hard=*/true);
  CHECK_THAT(demo.daemon().log(), Catch::Contains("the whole file: not JSON"));
  CHECK(euAnswer(demo.daemon()) == kEuWest);  // no override rather than a guess
  CHECK(runCommand("ls " + demo.dir().path() + "/state/ | grep -c 'admin-state.json.damaged-'").output == "1\n");
}

TEST_CASE("a damaged state file keeps every valid entry and says which it dropped", "[e2e][admin][regression]") {
  DemoFixture demo;
  // One bad entry among good ones, in a file a newer version wrote.
  demo.dir().write("state/admin-state.json",
                   R"({"version": 2, "drained": {"eu-west": {"reason": "upgrade", "uid": 0, "since": 1},
                       "ap-northeast": {"reason": 7}},
                       "forced": {"127.0.1.1": "down", "127.0.1.2": "sideways"},
                       "windows": [{"region": "us-east", "start": "soon", "end": 2}],
                       "future_section": {}})");
  demo.restartDaemon(/*hard=*/false);
  CHECK(euAnswer(demo.daemon()) == Addrs{"www.gtm.example.test. 30 A 127.0.1.2"});  // eu-west drained, 127.0.1.1 down
  auto log = demo.daemon().log();
  CHECK_THAT(log, Catch::Contains("restored 1 drain(s), 1 forced state(s) and 0 maintenance window(s)"));
  CHECK_THAT(log, Catch::Contains("drain of ap-northeast: malformed"));
  CHECK_THAT(log, Catch::Contains("forced state of 127.0.1.2: \"sideways\" is not"));
  CHECK_THAT(log, Catch::Contains("version 2, newer than this daemon's 1"));
  auto status = ctl(demo, "status");
  CHECK_THAT(status.output, Catch::Contains("overrides dropped from a damaged state file"));
  CHECK_THAT(status.output, Catch::Contains("maintenance window: malformed"));
  // The file was rewritten from what was kept; the damaged one is kept for a person.
  auto saved = runCommand("cat " + demo.dir().path() + "/state/admin-state.json").output;
  CHECK_THAT(saved, Catch::Contains("\"version\": 1"));
  CHECK_THAT(saved, !Catch::Contains("sideways"));
  CHECK(runCommand("ls " + demo.dir().path() + "/state/ | grep -c 'admin-state.json.damaged-'").output == "1\n");
}

TEST_CASE("a state file with wrong-typed force notes starts the daemon with every good entry", "[e2e][admin][json][regression]") {
  // Issue 25 item 8: valid JSON with a wrong-typed force_notes entry aborted the daemon at every
  // start (terminate ... type_error.302).
  DemoFixture demo;
  demo.dir().write("state/admin-state.json",
                   R"({"version": 1, "drained": {"eu-west": {"reason": "upgrade", "uid": 0, "since": 1}},
                       "forced": {"127.0.1.1": "down"},
                       "force_notes": {"127.0.1.1": {"reason": "disk", "uid": "root", "since": "yesterday"}},
                       "windows": []})");
  demo.restartDaemon(/*hard=*/false);
  CHECK(demo.daemon().alive());
  CHECK(euAnswer(demo.daemon()) == Addrs{"www.gtm.example.test. 30 A 127.0.1.2"});  // eu-west drained, 127.0.1.1 down
  auto log = demo.daemon().log();
  INFO(log);
  CHECK_THAT(log, Catch::Contains("restored 1 drain(s), 1 forced state(s)"));
  CHECK_THAT(log, Catch::Contains("force note of 127.0.1.1: malformed (uid: \"root\" is a string"));
  CHECK(runCommand("ls " + demo.dir().path() + "/state/ | grep -c 'admin-state.json.damaged-'").output == "1\n");
}

TEST_CASE("a state file damaged while the daemon runs is rewritten from memory", "[e2e][admin][regression]") {
  DemoFixture demo;
  CHECK(ctl(demo, "drain eu-west").status == 0);
  std::string path = demo.dir().path() + "/state/admin-state.json";
  demo.dir().write("state/admin-state.json", "garbage");
  bool rewritten = false;
  for (int i = 0; i < 80 && !rewritten; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rewritten = runCommand("cat " + path).output.find("\"eu-west\"") != std::string::npos;
  }
  CHECK(rewritten);
  CHECK_THAT(demo.daemon().log(), Catch::Contains("admin-state.json was changed outside lodestar"));
  demo.restartDaemon(/*hard=*/true);
  CHECK(euAnswer(demo.daemon()) == kUsEast);  // the drain survived
}

TEST_CASE("explain shows the decision and exactly the answer the daemon gives", "[e2e][admin][explain]") {
  DemoFixture demo;
  struct Case {
    const char* ecs;
    const char* key;
    const char* firstRegion;
  };
  for (const Case& c : {Case{"198.51.100.0/24", "EU", "eu-west"}, Case{"203.0.113.0/24", "AS", "ap-northeast"},
                        Case{"192.0.2.0/24", "NA", "us-east"}}) {
    INFO(c.ecs);
    auto out = ctl(demo, std::string("explain www.gtm.example.test A --client 127.0.0.1 --ecs ") + c.ecs).output;
    CHECK_THAT(out, Catch::Contains(std::string("map key      ") + c.key));
    CHECK_THAT(out, Catch::Contains(std::string("region order  ") + c.firstRegion));
    CHECK_THAT(out, Catch::Contains("ECS scope    /24"));
    auto real = demo.daemon().ask(QueryBuilder().name("www.gtm.example.test.").ecs(c.ecs));
    REQUIRE(real.answer.size() == 2);
    for (const auto& rr : real.answer) {
      // "www.gtm.example.test. 30 A 127.0.2.1" → the same record in ldns's tabbed form.
      std::string address = rr.substr(rr.rfind(' ') + 1);
      CHECK_THAT(out, Catch::Contains("www.gtm.example.test.\t30\tIN\tA\t" + address));
    }
  }
  auto plain = ctl(demo, "explain www.gtm.example.test --client 127.0.0.1").output;
  CHECK_THAT(plain, Catch::Contains("located by   source 127.0.0.1"));
  CHECK_THAT(plain, Catch::Contains("www.gtm.example.test.\t30\tIN\tA\t127.0.1.1"));
  auto stats = ctl(demo, "stats --json").output;
  CHECK_THAT(stats, Catch::Contains("\"answers_by_region\""));
  CHECK_THAT(stats, Catch::Contains("\"eu-west\": "));
  auto text = ctl(demo, "stats").output;  // readable as text by default
  INFO(text);
  CHECK_THAT(text, Catch::Contains("dropped      0  (no answer: not a query, or malformed)"));
  CHECK_THAT(text, Catch::Matches("(.|\n)*regions      .*eu-west [1-9](.|\n)*"));
}

TEST_CASE("a maintenance window drains and undrains by itself, and survives a restart", "[e2e][admin][window]") {
  DemoFixture demo;
  auto scheduled = ctl(demo, "drain eu-west --at +2s --for 3s --reason 'kernel upgrade'");
  INFO(scheduled.output);
  REQUIRE(scheduled.status == 0);
  CHECK(euAnswer(demo.daemon()) == kEuWest);  // not yet
  CHECK_THAT(ctl(demo, "status").output, Catch::Contains("maintenance window"));
  demo.restartDaemon(/*hard=*/true);  // the window is persisted
  bool drained = false;
  for (int i = 0; i < 60 && !drained; ++i) {
    drained = euAnswer(demo.daemon()) == kUsEast;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(drained);
  CHECK_THAT(ctl(demo, "status").output, Catch::Contains("DRAINED (maintenance window: kernel upgrade)"));
  bool back = false;
  for (int i = 0; i < 60 && !back; ++i) {
    back = euAnswer(demo.daemon()) == kEuWest;
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(back);
  CHECK_THAT(ctl(demo, "status").output, Catch::Contains("availability 100.000%"));
}

namespace {
// The new operator's configuration: failover over two of four regions, a weighted spread,
// and a custom network sent to one region only.
const std::string kFourRegions =
    shopZoneText("  corp:\n    steer: {policy: geo, pool: web, map: {10.20.0.0/16: [us-west], default: [us-east, eu-central, us-west]}}\n");

struct FourRegions {
  TempDir dir;
  std::string cfg = write(dir);
  DaemonProcess daemon{cfg};
  static std::string write(const TempDir& dir) {
    dir.write("zones/shop.yaml", kFourRegions);
    return dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nstate_dir: state\n"
                                      "control_socket: state/ctl.sock\n");
  }
  CommandResult ctl(const std::string& args) {
    return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + cfg + " " + args);
  }
};
}  // namespace

TEST_CASE("the drain rule follows each record's own regions and custom networks", "[e2e][admin][regression]") {
  FourRegions shop;
  DaemonProcess& d = shop.daemon;
  auto run = [&](const std::string& args) { return shop.ctl(args); };
  CHECK(run("drain eu-central").status == 0);
  auto second = run("drain us-east");
  INFO(second.output);
  CHECK(second.status == 1);
  CHECK_THAT(second.output, Catch::Contains("pay.shop.test. (every client)"));
  CHECK_THAT(second.output, !Catch::Contains("img.shop.test."));
  // pay still answers from us-east, not from a drained region.
  CHECK(d.ask(QueryBuilder().name("pay.shop.test.")).answer == Addrs{"pay.shop.test. 30 A 192.0.2.20"});

  // A custom network with one region and no alternative in its map entry.
  auto west = run("drain us-west");
  INFO(west.output);
  CHECK(west.status == 1);
  CHECK_THAT(west.output, Catch::Contains("corp.shop.test. (clients of 10.20.0.0/16)"));
}

TEST_CASE("dry-run predicts what the drain does, record by record", "[e2e][admin][regression]") {
  FourRegions shop;
  DaemonProcess& d = shop.daemon;
  auto run = [&](const std::string& args) { return shop.ctl(args); };
  auto dry = run("drain eu-central --dry-run");
  INFO(dry.output);
  CHECK(dry.status == 0);
  CHECK_THAT(dry.output, Catch::Contains("img.shop.test. (weighted), every client: eu-central, us-east, ap-south, "
                                         "us-west -> us-east, ap-south, us-west"));
  CHECK_THAT(dry.output, Catch::Contains("pay.shop.test. (failover), every client: eu-central -> us-east"));
  CHECK_THAT(dry.output, !Catch::Contains("FAIL OPEN"));
  auto asia = run("drain ap-south --dry-run");
  CHECK_THAT(asia.output, !Catch::Contains("pay.shop.test."));  // pay never uses ap-south
  CHECK(run("drain eu-central").status == 0);
  auto last = run("drain us-east --dry-run --json");
  CHECK_THAT(last.output, Catch::Contains("\"left_without_region\": [\n      \"pay.shop.test. (every client)\""));
  auto json = run("--json drain us-east --dry-run");
  CHECK_THAT(json.output, Catch::Contains("\"fail_open\": true"));
  // And what the dry-run said is what happens.
  CHECK(run("drain us-east --force").status == 0);
  CHECK(d.ask(QueryBuilder().name("pay.shop.test.")).answer == Addrs{"pay.shop.test. 30 A 192.0.2.10"});
}

namespace {
// One load balancer in eu-central for two names: pools web and api both list 192.0.2.10,
// web first, so the shared health cell once took api's (absent) override last.
const char* kSharedAddress = R"(zone: shared.test
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
regions:
  eu-central: {}
  us-east: {}
pools:
  web:
    regions: {eu-central: [192.0.2.10], us-east: [192.0.2.20]}
  api:
    regions: {eu-central: [192.0.2.10], us-east: [192.0.2.21]}
records:
  www:
    steer: {policy: failover, pool: web, order: [eu-central, us-east]}
  api:
    steer: {policy: failover, pool: api, order: [eu-central, us-east]}
)";
}  // namespace

TEST_CASE("forcing one pool down moves that pool only, where another pool lists the same address, and its dry run says so",
          "[e2e][admin][force][regression]") {
  TempDir dir;
  dir.write("zones/shared.yaml", kSharedAddress);
  auto cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nstate_dir: state\n"
                                        "control_socket: state/ctl.sock\n");
  DaemonProcess d(cfg);
  auto run = [&](const std::string& args) { return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + cfg + " " + args); };
  auto www = [&] { return d.ask(QueryBuilder().name("www.shared.test.")).answer; };
  auto api = [&] { return d.ask(QueryBuilder().name("api.shared.test.")).answer; };
  CHECK(www() == Addrs{"www.shared.test. 30 A 192.0.2.10"});
  CHECK(api() == Addrs{"api.shared.test. 30 A 192.0.2.10"});

  auto dry = run("force-down eu-central/web --dry-run");
  INFO(dry.output);
  CHECK(dry.status == 0);
  CHECK_THAT(dry.output, Catch::Contains("www.shared.test. (failover), every client: eu-central -> us-east"));
  CHECK_THAT(dry.output, !Catch::Contains("api.shared.test."));
  CHECK(www() == Addrs{"www.shared.test. 30 A 192.0.2.10"});  // the dry run changed nothing
  CHECK(run("force-down eu-central/web").status == 0);
  CHECK(www() == Addrs{"www.shared.test. 30 A 192.0.2.20"});
  CHECK(api() == Addrs{"api.shared.test. 30 A 192.0.2.10"});
  auto status = run("status");
  INFO(status.output);
  CHECK_THAT(status.output, Catch::Contains("192.0.2.10 (pool web)  up [force-down by eu-central/web]  NOT serving (forced down)"));
  CHECK_THAT(status.output, Catch::Contains("192.0.2.10 (pool api)  up  serving"));

  CHECK(run("auto eu-central/web").status == 0);
  CHECK(run("force-down eu-central/api").status == 0);
  CHECK(www() == Addrs{"www.shared.test. 30 A 192.0.2.10"});
  CHECK(api() == Addrs{"api.shared.test. 30 A 192.0.2.21"});
}

TEST_CASE("status tells what serves and why: drains, forces with their reason and target, pending windows",
          "[e2e][admin][status][regression]") {
  DemoFixture demo;
  CHECK(ctl(demo, "drain eu-west --reason upgrade").status == 0);
  auto drained = ctl(demo, "status");
  INFO(drained.output);
  CHECK_THAT(drained.output, Catch::Contains("127.0.2.1  up  NOT serving (region drained)"));
  auto undrain = ctl(demo, "undrain ap-northeast");
  CHECK(undrain.status == 0);
  CHECK_THAT(undrain.output, Catch::Contains("undrain ap-northeast: nothing to do (it was not drained)"));
  CHECK(ctl(demo, "undrain eu-west").status == 0);

  CHECK(ctl(demo, "force-down 127.0.2.1 --reason 'disk failing'").status == 0);
  CHECK(ctl(demo, "force-down eu-west/web --reason 'pool test'").status == 0);
  CHECK(ctl(demo, "auto eu-west/web").status == 0);
  auto forced = ctl(demo, "status");
  INFO(forced.output);
  // The endpoint's own override stays after the pool's is gone, and says so.
  CHECK_THAT(forced.output, Catch::Contains("127.0.2.1  up [force-down by 127.0.2.1: disk failing]  NOT serving (forced down)"));
  CHECK_THAT(forced.output, Catch::Contains("127.0.2.2  up  serving"));

  auto scheduled = ctl(demo, "drain ap-northeast --at +1h --for 30m --reason 'kernel update'");
  INFO(scheduled.output);
  CHECK(scheduled.status == 0);
  CHECK_THAT(scheduled.output, Catch::Contains("drain ap-northeast: scheduled from "));
  CHECK_THAT(ctl(demo, "status").output, Catch::Contains("(pending) kernel update"));
  CHECK_THAT(demo.daemon().log(), Catch::Contains("admin: drain ap-northeast scheduled from "));
  auto noAt = ctl(demo, "drain ap-northeast --for 30m");
  CHECK(noAt.status == 2);
  CHECK_THAT(noAt.output, Catch::Contains("a maintenance window needs both --at"));
  auto noFor = ctl(demo, "drain ap-northeast --at +1h");
  CHECK(noFor.status == 2);
  CHECK_THAT(noFor.output, Catch::Contains("a maintenance window needs both --at"));
  auto detail = ctl(demo, "status --detail");
  CHECK_THAT(detail.output, Catch::Contains("used by gtm.example.test. pool web"));
  CHECK_THAT(detail.output, Catch::Contains("record www.gtm.example.test."));
}

TEST_CASE("availability falls while a region cannot serve", "[e2e][admin][status][regression]") {
  DemoFixture demo;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  demo.stopRegion("eu-west");
  std::this_thread::sleep_for(std::chrono::seconds(4));
  auto status = ctl(demo, "--json status");
  auto j = nlohmann::json::parse(status.output.substr(status.output.find('{')));
  double eu = -1, us = -1;
  for (const auto& r : j["result"]["regions"])
    for (const auto& p : r["pools"]) {
      if (r["region"] == "eu-west") eu = p["availability"]["last_hour"].get<double>();
      if (r["region"] == "us-east") us = p["availability"]["last_hour"].get<double>();
    }
  INFO(status.output);
  CHECK(eu >= 0);
  CHECK(eu < 80);
  CHECK(us == 100);
}

TEST_CASE("explain: names relative to our zone, types steering does not answer, fail-open labelled",
          "[e2e][admin][explain][regression]") {
  DemoFixture demo;
  auto relative = ctl(demo, "explain www --client 127.0.0.1 --ecs 198.51.100.0/24");
  INFO(relative.output);
  CHECK(relative.status == 0);
  CHECK_THAT(relative.output, Catch::Contains("www.gtm.example.test. is steered by geo"));
  auto unknown = ctl(demo, "explain nope.example.org. --client 127.0.0.1");
  CHECK_THAT(unknown.output, Catch::Contains("is in none of our zones (REFUSED)"));
  auto mx = ctl(demo, "explain www.gtm.example.test MX --client 127.0.0.1");
  INFO(mx.output);
  CHECK_THAT(mx.output, Catch::Contains("steering answers A and AAAA only"));
  CHECK_THAT(mx.output, !Catch::Contains("region order"));
  CHECK(ctl(demo, "drain us-east").status == 0);
  CHECK(ctl(demo, "drain eu-west").status == 0);
  CHECK(ctl(demo, "drain ap-northeast --force").status == 0);
  auto open = ctl(demo, "explain www.gtm.example.test --client 127.0.0.1");
  INFO(open.output);
  CHECK_THAT(open.output, Catch::Contains("FAIL OPEN"));
}

TEST_CASE("an out-of-range maintenance window is an error, never a crash, from the tool or any client",
          "[e2e][admin][window][regression]") {
  DemoFixture demo;
  // It used to reach the daemon as an end 3.6e18 seconds away, and gmtime's NULL killed it.
  auto huge = ctl(demo, "drain eu-west --at now --for 999999999999999h");
  INFO(huge.output);
  CHECK(huge.status == 2);
  CHECK_THAT(huge.output, Catch::Contains("lodestarctl: --for: 999999999999999h is out of range [1s, 52w]"));
  auto farStart = ctl(demo, "drain eu-west --at +999999999999999h --for 1h");
  CHECK(farStart.status == 2);
  CHECK_THAT(farStart.output, Catch::Contains("lodestarctl: --at: 999999999999999h is out of range [0s, 52w]"));
  // The same words as the config and the zone files (tests/unit/config/duration_keys_test.cpp).
  std::string words;
  CHECK_FALSE(lodestar::wire::parseDuration("10x", {}, words));
  auto garbage = ctl(demo, "drain eu-west --at now --for 10x");
  CHECK(garbage.status == 2);
  CHECK_THAT(garbage.output, Catch::Contains("lodestarctl: --for: " + words));
  auto badDay = ctl(demo, "drain eu-west --at 2026-02-30T00:00:00Z --for 1h");
  CHECK(badDay.status == 2);
  CHECK_THAT(badDay.output, Catch::Contains("got '2026-02-30T00:00:00Z'"));

  // A client that skips the tool's checks: the daemon bounds the window itself.
  const std::string socket = demo.dir().path() + "/state/lodestar.sock";
  const int64_t now = std::time(nullptr);
  for (auto [start, end] : {std::pair<int64_t, int64_t>{now, now + 3599999999999996400},
                            {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()},
                            {now + 3599999999999996400, now + 3599999999999996401}}) {
    INFO(start << " " << end);
    std::string error;
    auto reply = lodestar::control::request(socket, "drain", {{"target", "eu-west"}, {"start", start}, {"end", end}}, error);
    REQUIRE(reply);
    CHECK_THAT(reply->dump(), Catch::Contains("a maintenance window starts at most 52w ahead and lasts at most 52w"));
  }
  CHECK(demo.daemon().alive());
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  CHECK(ctl(demo, "status").status == 0);
  auto longest = ctl(demo, "drain eu-west --at +52w --for 52w");
  INFO(longest.output);
  CHECK(longest.status == 0);
}

TEST_CASE("a state file holding a window that ends past year 9999: loaded, and status still works",
          "[e2e][admin][window][regression]") {
  DemoFixture demo;
  demo.dir().write("state/admin-state.json",
                   R"({"version": 1, "windows": [{"region": "eu-west", "reason": "forever", "uid": 0,
                       "start": 1, "end": 3599999999999996400}]})");
  demo.restartDaemon(/*hard=*/false);
  CHECK(euAnswer(demo.daemon()) == kUsEast);  // the window is open
  auto status = ctl(demo, "status");
  INFO(status.output);
  CHECK(status.status == 0);
  CHECK_THAT(status.output, Catch::Contains("maintenance window 1970-01-01T00:00:01Z to unix time 3599999999999996400 (out of range)"));
  CHECK(ctl(demo, "--json status").status == 0);
  CHECK(ctl(demo, "history").status == 0);
  CHECK(demo.daemon().alive());
  CHECK(ctl(demo, "undrain eu-west").status == 0);
  CHECK(euAnswer(demo.daemon()) == kEuWest);
}

TEST_CASE("explain reads the type through the RR type table: any case, TYPE####, unknown is a usage error",
          "[e2e][admin][explain][rrtype]") {
  DemoFixture demo;
  auto lower = ctl(demo, "explain www.gtm.example.test aaaa --client 127.0.0.1");
  INFO(lower.output);
  CHECK(lower.status == 0);
  CHECK_THAT(lower.output, Catch::Contains("www.gtm.example.test. is steered by geo"));
  auto generic = ctl(demo, "explain www.gtm.example.test type65280 --client 127.0.0.1");
  INFO(generic.output);
  CHECK_THAT(generic.output, Catch::Contains("steering answers A and AAAA only; TYPE65280 at"));
  auto mx = ctl(demo, "explain www.gtm.example.test TYPE15 --client 127.0.0.1");
  CHECK_THAT(mx.output, Catch::Contains("steering answers A and AAAA only; MX at"));
  auto bogus = ctl(demo, "explain www.gtm.example.test AAAAA --client 127.0.0.1");
  INFO(bogus.output);
  CHECK(bogus.status == 2);
  CHECK_THAT(bogus.output, Catch::Contains("unknown type 'AAAAA' (a mnemonic such as AAAA, or TYPE12345)"));
}

TEST_CASE("history takes 1 to 1000 entries: -n 0 and -n -1 are usage errors, not one entry",
          "[e2e][admin][history][regression]") {
  DemoFixture demo;
  REQUIRE(ctl(demo, "drain eu-west --reason one").status == 0);
  REQUIRE(ctl(demo, "undrain eu-west").status == 0);
  auto two = ctl(demo, "history -n 2");
  INFO(two.output);
  CHECK(two.status == 0);
  CHECK_THAT(two.output, Catch::Contains("undrain") && Catch::Contains("drain"));
  for (const char* bad : {"history -n 0", "history -n -1", "history -n 1001"}) {
    auto r = ctl(demo, bad);
    INFO(bad << ": " << r.output);
    CHECK(r.status != 0);
    CHECK_THAT(r.output, Catch::Contains("not in range 1 to 1000"));
  }
  // The daemon refuses it too, whoever asks.
  std::string error;
  auto raw = lodestar::control::request(demo.dir().path() + "/state/lodestar.sock", "history", {{"limit", 0}}, error);
  REQUIRE(raw);
  CHECK((*raw)["ok"] == false);
  CHECK((*raw)["error"] == "limit must be from 1 to 1000, not 0");
}
