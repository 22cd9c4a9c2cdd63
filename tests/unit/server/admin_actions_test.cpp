// decideAdmin on its own: each request's reply, the next state, the audit word and the log
// summary, without a daemon (the e2e tests reach it only through lodestarctl).
#include <catch2/catch.hpp>

#include "dns/server/admin_actions.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

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
std::unique_ptr<zones::View> policiesView() {
  yaml::Diagnostics d;
  auto view = zones::loadView({test::dataPath("steering/policies.example.yaml")}, nullptr, d);
  INFO(d.report());
  REQUIRE(view);
  return view;
}

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
