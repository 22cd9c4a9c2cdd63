// What lodestarctl says about admin commands is what the daemon does (issue 25, "messages and
// small truths"): a dry run of a refused change is refused, refused attempts are in the history,
// `auto` is called auto, availability keeps planned drains apart, status has its documented shape.
#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/demo_fixture.hpp"

using namespace lodestar::test;

namespace {

CommandResult ctl(DemoFixture& demo, const std::string& args) {
  return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml " + args);
}

nlohmann::json statusJson(DemoFixture& demo, const std::string& extra = "") {
  auto r = ctl(demo, "--json status " + extra);
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j["result"];
}

const nlohmann::json& regionOf(const nlohmann::json& status, const std::string& name) {
  for (const auto& r : status["regions"])
    if (r["region"] == name) return r;
  FAIL("no region " << name << " in status");
  static const nlohmann::json none;
  return none;
}

}  // namespace

TEST_CASE("the force commands and auto each answer with the command the operator ran", "[e2e][admin][regression]") {
  DemoFixture demo;
  auto down = ctl(demo, "force-down eu-west/web");
  auto up = ctl(demo, "force-up eu-west/web");
  auto back = ctl(demo, "auto eu-west/web");
  auto again = ctl(demo, "auto eu-west/web");
  CHECK(down.output == "force-down eu-west/web: done\n");
  CHECK(up.output == "force-up eu-west/web: done\n");
  CHECK(back.output == "auto eu-west/web: done\n");
  CHECK(again.output == "auto eu-west/web: nothing to do (that was its state already)\n");
}

TEST_CASE("availability counts a drained region's time as planned, apart from unplanned downtime",
          "[e2e][admin][regression]") {
  DemoFixture demo;
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  REQUIRE(ctl(demo, "drain eu-west --reason upgrade").status == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  const auto status = statusJson(demo);
  const auto& west = regionOf(status, "eu-west")["pools"][0]["availability"];
  const auto& asia = regionOf(status, "ap-northeast")["pools"][0]["availability"];
  INFO(status.dump(2));
  REQUIRE(west.contains("planned"));
  REQUIRE(west.contains("unplanned"));
  CHECK(west["planned"]["last_hour"].get<double>() > 0);
  CHECK(west["planned"]["last_day"].get<double>() > 0);
  // Serving, planned and unplanned are the whole.
  CHECK(west["last_hour"].get<double>() + west["planned"]["last_hour"].get<double>() +
            west["unplanned"]["last_hour"].get<double>() ==
        Approx(100));
  CHECK(west["unplanned"]["last_hour"].get<double>() < west["planned"]["last_hour"].get<double>());
  CHECK(asia["planned"]["last_hour"].get<double>() == 0);
  auto text = ctl(demo, "status").output;
  CHECK_THAT(text, Catch::Contains("drained (planned) ") && Catch::Contains("down (unplanned) "));
}
