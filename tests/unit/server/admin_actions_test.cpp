// decideAdmin on its own: each request's reply, the next state, the audit word and the log
// summary, without a daemon (the e2e tests reach it only through lodestarctl).
#include <catch2/catch.hpp>

#include "dns/server/admin_actions.hpp"
#include "tests/support/example_view.hpp"

using namespace lodestar;
using server::AdminDecision;
using server::AdminState;
using server::ForceTarget;

namespace {

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15T08:00:00Z
constexpr uid_t kUid = 1000;

AdminDecision decide(const zones::View& view, const AdminState& current, const std::string& command,
                     const nlohmann::json& args) {
  return server::decideAdmin(view, current, command, args, kUid, kNow);
}

// Regions a, b, c; pool p in all three, pool w in a only (so draining a strands record we).
std::unique_ptr<zones::View> policiesView() { return test::exampleView("steering/policies.example.yaml"); }

std::string errorOf(const AdminDecision& d) { return d.response.value("error", std::string()); }

}  // namespace

TEST_CASE("decideAdmin: drain and undrain of a region", "[server][admin]") {
  auto view = policiesView();
  AdminState none;

  SECTION("an unknown region is named with the known ones, and nothing changes") {
    auto d = decide(*view, none, "drain", {{"target", "mars"}});
    CHECK(errorOf(d) == "unknown region 'mars' (known: a, b, c)");
    CHECK(d.audit == "unknown region");
    CHECK_FALSE(d.next);
  }
  SECTION("a drain records who and why, once") {
    auto d = decide(*view, none, "drain", {{"target", "c"}, {"reason", "maintenance"}});
    INFO(d.response.dump());
    REQUIRE(d.next);
    CHECK(d.response["ok"] == true);
    CHECK(d.response["result"]["changed"] == true);
    CHECK(d.audit == "ok");
    CHECK(d.summary == "drain c");
    const auto& drain = d.next->drained.at("c");
    CHECK(drain.reason == "maintenance");
    CHECK(drain.uid == kUid);
    CHECK(drain.since == kNow);

    auto again = decide(*view, *d.next, "drain", {{"target", "c"}});
    CHECK_FALSE(again.next);
    CHECK(again.audit == "no change");
    CHECK(again.response["result"]["changed"] == false);

    auto undrain = decide(*view, *d.next, "undrain", {{"target", "c"}});
    INFO(undrain.response.dump());
    REQUIRE(undrain.next);
    CHECK(undrain.next->drained.empty());
  }
  SECTION("a maintenance window needs both ends, in the future; one not open yet is scheduled") {
    CHECK(errorOf(decide(*view, none, "drain", {{"target", "c"}, {"start", kNow}})) ==
          "a maintenance window needs both its start (--at) and its length (--for)");
    CHECK(errorOf(decide(*view, none, "drain", {{"target", "c"}, {"start", kNow - 20}, {"end", kNow - 10}})) ==
          "the maintenance window ends before it starts, or is over already");
    CHECK(errorOf(decide(*view, none, "drain", {{"target", "c"}, {"start", kNow + 10}, {"end", kNow + 10}})) ==
          "the maintenance window ends before it starts, or is over already");
    auto d = decide(*view, none, "drain", {{"target", "c"}, {"start", kNow + 3600}, {"end", kNow + 7200}});
    INFO(d.response.dump());
    REQUIRE(d.next);
    CHECK(d.audit == "scheduled");
    CHECK(d.summary == "drain c scheduled from 2027-01-15T09:00:00Z to 2027-01-15T10:00:00Z");
    REQUIRE(d.next->windows.size() == 1);
    CHECK(d.next->drained.empty());
    // undrain ends the scheduled window too.
    auto undrain = decide(*view, *d.next, "undrain", {{"target", "c"}});
    INFO(undrain.response.dump());
    REQUIRE(undrain.next);
    CHECK(undrain.next->windows.empty());
    // A window already open is not "scheduled".
    auto open = decide(*view, none, "drain", {{"target", "c"}, {"start", kNow - 10}, {"end", kNow + 10}});
    CHECK(open.audit == "ok");
  }
  SECTION("a drain that strands a record is refused unless forced; a dry run changes nothing") {
    // Pool w has region a only: draining a leaves record we without one.
    auto refused = decide(*view, none, "drain", {{"target", "a"}});
    CHECK_FALSE(refused.next);
    CHECK(refused.audit == "refused");
    CHECK(errorOf(refused).rfind("refused: this would leave we.pol.example. (every client)", 0) == 0);
    CHECK(refused.response["records"].size() >= 1);

    auto dry = decide(*view, none, "drain", {{"target", "a"}, {"dry_run", true}});
    CHECK_FALSE(dry.next);
    CHECK(dry.response["result"]["dry_run"] == true);
    CHECK(dry.response["result"]["left_without_region"].size() >= 1);
    CHECK(dry.response["result"].contains("moves"));
    // Refused as the command is: the same reason and records, not ok (lodestarctl's exit 1).
    CHECK(dry.response["ok"] == false);
    CHECK(dry.response["result"]["refused"] == true);
    CHECK(errorOf(dry) == "dry run, nothing changed: the command would be " + errorOf(refused));
    CHECK(dry.response["records"] == refused.response["records"]);
    CHECK(dry.audit.empty());  // a dry run is not recorded
    CHECK(server::historyResult(refused.response) == errorOf(refused));
    // A forced dry run is what the forced command does: done.
    auto forcedDry = decide(*view, none, "drain", {{"target", "a"}, {"dry_run", true}, {"force", true}});
    CHECK(forcedDry.response["ok"] == true);
    CHECK_FALSE(forcedDry.response["result"].contains("refused"));

    auto forced = decide(*view, none, "drain", {{"target", "a"}, {"force", true}});
    INFO(forced.response.dump());
    REQUIRE(forced.next);
    CHECK(forced.next->drained.count("a") == 1);
    // undrain is never refused.
    auto back = decide(*view, *forced.next, "undrain", {{"target", "a"}});
    CHECK(back.next);
  }
}

TEST_CASE("decideAdmin: force up, down and auto", "[server][admin]") {
  auto view = policiesView();
  AdminState none;

  CHECK(decide(*view, none, "force", {{"target", "nowhere/p"}, {"state", "down"}}).audit == "unknown target");
  CHECK(errorOf(decide(*view, none, "force", {{"target", "c"}, {"state", "sideways"}})) ==
        "state must be up, down or auto");

  auto down = decide(*view, none, "force", {{"target", "c/p"}, {"state", "down"}, {"reason", "bad disk"}});
  INFO(down.response.dump());
  REQUIRE(down.next);
  CHECK(down.summary == "force c/p down");
  const ForceTarget key = ForceTarget::parse("c/p");
  CHECK(down.next->forced.at(key) == health::Forced::Down);
  CHECK(down.next->forceNotes.at(key).reason == "bad disk");

  auto same = decide(*view, *down.next, "force", {{"target", "c/p"}, {"state", "down"}});
  CHECK(same.audit == "no change");

  auto automatic = decide(*view, *down.next, "force", {{"target", "c/p"}, {"state", "auto"}});
  INFO(automatic.response.dump());
  REQUIRE(automatic.next);
  CHECK(automatic.next->forced.empty());
  CHECK(automatic.next->forceNotes.empty());

  auto endpoint = decide(*view, none, "force", {{"target", "10.0.2.1"}, {"state", "up"}});
  INFO(endpoint.response.dump());
  REQUIRE(endpoint.next);
  CHECK(endpoint.next->forced.at(ForceTarget::parse("10.0.2.1")) == health::Forced::Up);
}

namespace {

// pay fails over from eu-central to us-east; ap-south serves only img.
std::unique_ptr<zones::View> windowsView() { return test::exampleView("steering/windows.example.yaml"); }

nlohmann::json windowArgs(const std::string& region, int64_t start, int64_t end) {
  return {{"target", region}, {"start", kNow + start}, {"end", kNow + end}};
}

}  // namespace

TEST_CASE("decideAdmin: the safety rule holds at every instant a change will hold, with every scheduled window",
          "[server][admin][window][regression]") {
  auto view = windowsView();
  const std::string pay = "pay.shop.test. (every client)";

  SECTION("a window first, then a drain now that strands pay when the window opens: refused") {
    auto window = decide(*view, {}, "drain", windowArgs("eu-central", 20, 50));
    INFO(window.response.dump());
    REQUIRE(window.next);
    auto now = decide(*view, *window.next, "drain", {{"target", "us-east"}});
    INFO(now.response.dump());
    CHECK_FALSE(now.next);
    CHECK(now.audit == "refused");
    CHECK(errorOf(now) == "refused: this would leave " + pay + " without a usable region from 2027-01-15T08:00:20Z, "
                          "when eu-central's maintenance window opens (use --force to do it anyway; those clients then "
                          "get a fail-open answer)");
    CHECK(now.response["from"] == kNow + 20);
    CHECK(now.response["records"] == nlohmann::json::array({pay}));
    // A force down of the region's endpoints is the same thing.
    CHECK_FALSE(decide(*view, *window.next, "force", {{"target", "us-east"}, {"state", "down"}}).next);
    // The dry run says when.
    auto dry = decide(*view, *window.next, "drain", {{"target", "us-east"}, {"dry_run", true}});
    CHECK(dry.response["result"]["left_without_region"] == nlohmann::json::array({pay}));
    CHECK(dry.response["result"]["left_without_region_from"] == kNow + 20);
    CHECK(dry.response["ok"] == false);
    CHECK(dry.response["from"] == kNow + 20);
    CHECK(errorOf(dry) == "dry run, nothing changed: the command would be " + errorOf(now));
    // --force does it anyway; a region pay does not use is never refused.
    CHECK(decide(*view, *window.next, "drain", {{"target", "us-east"}, {"force", true}}).next);
    CHECK(decide(*view, *window.next, "drain", {{"target", "ap-south"}}).next);
  }
  SECTION("the other order: a drain, then a window that strands pay when it opens") {
    auto drain = decide(*view, {}, "drain", {{"target", "us-east"}});
    REQUIRE(drain.next);
    auto window = decide(*view, *drain.next, "drain", windowArgs("eu-central", 20, 50));
    INFO(window.response.dump());
    CHECK_FALSE(window.next);
    CHECK_THAT(errorOf(window), Catch::StartsWith("refused: this would leave " + pay +
                                                  " without a usable region from 2027-01-15T08:00:20Z, when this "
                                                  "window opens"));
  }
  SECTION("windows opening at one instant are named together") {
    auto first = decide(*view, {}, "drain", windowArgs("eu-central", 20, 50));
    REQUIRE(first.next);
    auto same = decide(*view, *first.next, "drain", windowArgs("us-east", 20, 50));
    CHECK_FALSE(same.next);
    CHECK_THAT(errorOf(same), Catch::Contains("when eu-central's maintenance window and this window open ("));
  }
  SECTION("two windows: refused when they overlap, from the first instant both hold; accepted when they only touch") {
    auto first = decide(*view, {}, "drain", windowArgs("eu-central", 20, 50));
    REQUIRE(first.next);
    auto later = decide(*view, *first.next, "drain", windowArgs("us-east", 40, 70));
    CHECK_FALSE(later.next);
    CHECK(later.response["from"] == kNow + 40);
    CHECK_THAT(errorOf(later), Catch::Contains("from 2027-01-15T08:00:40Z, when this window opens"));
    auto earlier = decide(*view, *first.next, "drain", windowArgs("us-east", 10, 30));
    CHECK_FALSE(earlier.next);
    CHECK(earlier.response["from"] == kNow + 20);
    CHECK_THAT(errorOf(earlier), Catch::Contains("when eu-central's maintenance window opens"));
    auto inside = decide(*view, *first.next, "drain", windowArgs("us-east", 25, 35));
    CHECK_FALSE(inside.next);
    // [20, 50) then [50, 80): never both.
    auto touching = decide(*view, *first.next, "drain", windowArgs("us-east", 50, 80));
    INFO(touching.response.dump());
    CHECK(touching.next);
    auto before = decide(*view, *first.next, "drain", windowArgs("us-east", 0, 20));
    CHECK(before.next);
  }
  SECTION("a drain ended by undrain before the window no longer counts") {
    auto window = decide(*view, {}, "drain", windowArgs("eu-central", 20, 50));
    REQUIRE(window.next);
    auto undrained = decide(*view, *window.next, "undrain", {{"target", "eu-central"}});
    REQUIRE(undrained.next);
    CHECK(decide(*view, *undrained.next, "drain", {{"target", "us-east"}}).next);
  }
  SECTION("a held window is not in force: a change beside it is judged without it") {
    auto window = decide(*view, {}, "drain", windowArgs("eu-central", -10, 50));
    REQUIRE(window.next);
    AdminState held = *window.next;
    held.windows[0].held = true;
    CHECK(decide(*view, held, "drain", {{"target", "us-east"}}).next);
  }
}

TEST_CASE("decideAdmin: a window re-issued with --force replaces the region's held windows it overlaps",
          "[server][admin][window]") {
  auto view = windowsView();
  AdminState state;
  state.drained["us-east"] = {"forced drain", kUid, kNow - 100};
  state.windows.push_back({"eu-central", "upgrade", kUid, kNow - 10, kNow + 50});
  state.windows[0].held = true;
  state.windows[0].heldWhy = "pay.shop.test. (every client)";
  state.windows.push_back({"eu-central", "later", kUid, kNow + 100, kNow + 200});  // not held: kept
  auto again = windowArgs("eu-central", 0, 30);
  CHECK_FALSE(decide(*view, state, "drain", again).next);  // without --force, refused as any other
  again["force"] = true;
  auto forced = decide(*view, state, "drain", again);
  INFO(forced.response.dump());
  REQUIRE(forced.next);
  REQUIRE(forced.next->windows.size() == 2);
  CHECK(forced.next->windows[0].reason == "later");
  CHECK(forced.next->windows[1].force);
  CHECK_FALSE(forced.next->windows[1].held);
  CHECK(forced.next->effectiveDrains(kNow).count("eu-central") == 1);
}
