// lodestarctl drill against the demo: the report names the areas and where their clients
// went, the answers change at once, and the region comes back on time even when the tool
// goes away mid-request and the daemon is killed and restarted mid-drill.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "dns/control/protocol.hpp"
#include "tests/support/command.hpp"
#include "tests/support/demo_answers.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/until.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

namespace {

// What a lodestarctl killed after sending its request leaves: the request, then a closed
// connection nobody reads the answer from.
void sendAndHangUp(DemoFixture& demo, const std::string& command, const nlohmann::json& args) {
  const std::string path = demo.dir().path() + "/state/lodestar.sock";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string line = lodestar::control::requestLine(command, args) + "\n";
  REQUIRE(send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size()));
  close(fd);
}

}  // namespace

TEST_CASE("drill: the report names each area and where it went, answers change at once, the region comes back on time",
          "[e2e][admin][drill]") {
  DemoFixture demo;
  REQUIRE(euAnswer(demo.daemon()) == kEuWest);
  const auto asked = Clock::now();
  auto drill = ctl(demo, "drill eu-west --for 4s --reason rehearsal");
  INFO(drill.output);
  REQUIRE(drill.status == 0);
  CHECK(euAnswer(demo.daemon()) == kUsEast);
  CHECK_THAT(drill.output, Catch::Contains("drill eu-west: down from "));
  CHECK_THAT(drill.output, Catch::Contains("lodestar ends it on time, whatever happens to this tool"));
  CHECK_THAT(drill.output, Catch::Contains("answers: changed on this node "));
  CHECK_THAT(drill.output, Catch::Contains(" ms after the change was made (the answer path asked for 2 sampled clients)"));
  // Germany's clients (the demo's EU network) leave eu-west for the next region of their map.
  CHECK_THAT(drill.output, Catch::Contains("DE (EU)  www.gtm.example.test.  eu-west -> us-east"));
  CHECK_THAT(drill.output, Catch::Contains("us-east: "));
  CHECK_THAT(drill.output, Catch::Contains("us-east: 2 sampled clients from DE (capacity 1 in pool web (gtm.example.test.))"));
  CHECK_THAT(drill.output, Catch::Contains("keep their answers: JP, US"));
  CHECK_THAT(drill.output, Catch::Contains("resolvers keep answers given before for up to 30 s"));
  // The window is in status, and the audit log says it was a drill.
  CHECK_THAT(ctl(demo, "status").output, Catch::Contains("eu-west"));
  CHECK_THAT(readFile(demo.dir().path() + "/state/audit.log"), Catch::Contains("drill: rehearsal"));

  // On time: back within a second of its end (the window's edge timer), never before it.
  REQUIRE(until([&] { return euAnswer(demo.daemon()) == kEuWest; }, std::chrono::seconds(8)));
  const auto back = Clock::now() - asked;
  CHECK(back >= std::chrono::milliseconds(3000));  // the end is whole seconds: at least 3 s after
  CHECK(back <= std::chrono::milliseconds(6000));
}

TEST_CASE("drill --json: every area sampled, the moved ones with their regions before and during", "[e2e][admin][drill]") {
  DemoFixture demo;
  auto drill = ctl(demo, "drill eu-west --for 60s --sample 2 --dry-run --json");
  INFO(drill.output);
  REQUIRE(drill.status == 0);
  auto j = nlohmann::json::parse(drill.output);
  const auto& r = j["result"];
  CHECK(r["dry_run"] == true);
  CHECK(r["areas_sampled"] == 3);  // DE, JP, US
  REQUIRE(r["areas"].size() == 1);
  CHECK(r["areas"][0]["area"] == "DE");
  CHECK(r["areas"][0]["records"][0]["from"] == nlohmann::json::array({"eu-west"}));
  CHECK(r["areas"][0]["records"][0]["to"] == nlohmann::json::array({"us-east"}));
  CHECK(r["areas"][0]["clients_sampled"] == 2);  // one IPv4 and one IPv6 network
  CHECK(r["took"][0]["region"] == "us-east");
  CHECK(r["moves"].size() == 2);  // www (geo) and api (nearest)
  // A dry run changes nothing.
  CHECK(euAnswer(demo.daemon()) == kEuWest);
  auto text = ctl(demo, "drill eu-west --for 60s --dry-run");
  CHECK_THAT(text.output, Catch::Contains("drill eu-west: dry run, nothing changed; it would be down from "));
  CHECK_THAT(text.output, Catch::Contains("to run it, give the same command without --dry-run"));
  CHECK(euAnswer(demo.daemon()) == kEuWest);
}

TEST_CASE("drill: mistakes are refused with what to do", "[e2e][admin][drill]") {
  DemoFixture demo;
  auto unknown = ctl(demo, "drill eu-wset --for 1m");
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.output, Catch::Contains("unknown region 'eu-wset' (known: us-east, eu-west, ap-northeast)"));
  auto noLength = ctl(demo, "drill eu-west");
  CHECK(noLength.status == 2);
  CHECK_THAT(noLength.output, Catch::Contains("--for is required"));
  auto badLength = ctl(demo, "drill eu-west --for soon");
  CHECK(badLength.status == 2);
  CHECK_THAT(badLength.output, Catch::Contains("--for: "));
  CHECK(ctl(demo, "drill eu-west --for 1m --sample 0").status == 2);
  CHECK(euAnswer(demo.daemon()) == kEuWest);
}

TEST_CASE("drill: the tool gone mid-request and the daemon killed and restarted mid-drill, the region comes back on time",
          "[e2e][admin][drill]") {
  DemoFixture demo;
  REQUIRE(euAnswer(demo.daemon()) == kEuWest);
  const auto asked = Clock::now();
  sendAndHangUp(demo, "drill", {{"target", "eu-west"}, {"seconds", 6}});
  REQUIRE(until([&] { return euAnswer(demo.daemon()) == kUsEast; }, std::chrono::seconds(3)));
  demo.restartDaemon(/*hard=*/true);
  CHECK(euAnswer(demo.daemon()) == kUsEast);  // the first answer after the restart: still down
  REQUIRE(until([&] { return euAnswer(demo.daemon()) == kEuWest; }, std::chrono::seconds(10)));
  const auto back = Clock::now() - asked;
  CHECK(back >= std::chrono::milliseconds(5000));
  CHECK(back <= std::chrono::milliseconds(8000));
  CHECK_THAT(demo.daemon().log(), Catch::Contains("maintenance windows now drain: none"));
}

TEST_CASE("drill: a region drained already is refused, and one that leaves clients failing open needs --force and "
          "is reported as predicted",
          "[e2e][admin][drill]") {
  DemoFixture demo;
  REQUIRE(ctl(demo, "drain eu-west --reason upgrade").status == 0);
  auto again = ctl(demo, "drill eu-west --for 1m");
  CHECK(again.status == 1);
  CHECK_THAT(again.output, Catch::Contains("eu-west is drained already (upgrade): a drill would change nothing"));
  REQUIRE(ctl(demo, "undrain eu-west").status == 0);

  // With the other two regions down, losing eu-west leaves Germany's clients nothing usable.
  REQUIRE(ctl(demo, "drain us-east --force").status == 0);
  REQUIRE(ctl(demo, "drain ap-northeast --force").status == 0);
  auto refused = ctl(demo, "drill eu-west --for 1m");
  CHECK(refused.status == 1);
  CHECK_THAT(refused.output, Catch::Contains("without a usable region"));
  const auto asked = Clock::now();
  auto forced = ctl(demo, "drill eu-west --for 1m --force");
  INFO(forced.output);
  CHECK(forced.status == 0);
  // Failing open, they are answered as predicted at once: no wait for answers that never move.
  CHECK(Clock::now() - asked < std::chrono::seconds(3));
  CHECK_THAT(forced.output, Catch::Contains("answers: changed on this node "));
  CHECK_THAT(forced.output, Catch::Contains("[FAIL OPEN: no usable region left]"));
}
