// Maintenance windows over time, with the time given: they open, close and are dropped
// exactly at their edges, and each step says whether the drains in effect changed.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "dns/server/admin_state.hpp"
#include "tests/support/temp_dir.hpp"

using namespace lodestar::server;

TEST_CASE("a maintenance window drains its region from its start to its end, then is dropped", "[server][admin][window]") {
  AdminState s;
  s.drained["us-east"] = {"explicit", 0, 10};
  s.windows.push_back({"eu-west", "upgrade", 0, 100, 130});
  auto before = s.stepWindows(99);
  CHECK_FALSE(before.changed);
  CHECK(before.drained == std::vector<std::string>{"us-east"});
  auto open = s.stepWindows(100);
  CHECK(open.changed);
  CHECK_FALSE(open.expired);
  CHECK(open.drained == std::vector<std::string>{"eu-west", "us-east"});
  CHECK_FALSE(s.stepWindows(129).changed);
  auto closed = s.stepWindows(130);
  CHECK(closed.changed);
  CHECK(closed.expired);
  CHECK(closed.drained == std::vector<std::string>{"us-east"});
  CHECK(s.windows.empty());
  CHECK_FALSE(s.stepWindows(131).changed);
}

TEST_CASE("the next window edge is the nearest start or end after now, held windows' ends included",
          "[server][admin][window]") {
  AdminState s;
  CHECK(s.nextWindowEdge(100) == 0);
  s.windows.push_back({"eu-west", "upgrade", 0, 110, 130});
  s.windows.push_back({"us-east", "later", 0, 120, 125});
  CHECK(s.nextWindowEdge(100) == 110);
  CHECK(s.nextWindowEdge(110) == 120);  // strictly after now: the edge at now is being stepped
  CHECK(s.nextWindowEdge(120) == 125);
  CHECK(s.nextWindowEdge(125) == 130);
  CHECK(s.nextWindowEdge(130) == 0);
  s.windows[0].held = true;  // a held window still ends
  CHECK(s.nextWindowEdge(126) == 130);
}

TEST_CASE("a force target is parsed once into its kind, and the most specific override wins", "[server][admin][force]") {
  auto region = ForceTarget::parse("eu-west"), pool = ForceTarget::parse("eu-west/web"),
       v6 = ForceTarget::parse("2001:DB8::7"), v4 = ForceTarget::parse("192.0.2.7");
  CHECK(region.kind == ForceTarget::Kind::Region);
  CHECK(pool.kind == ForceTarget::Kind::Pool);
  CHECK(pool.region == "eu-west");
  CHECK(pool.pool == "web");
  CHECK(v6.kind == ForceTarget::Kind::Endpoint);
  CHECK(v6.text() == "2001:db8::7");  // one spelling for one address
  for (const auto& t : {region, pool, v6, v4}) CHECK(ForceTarget::parse(t.text()) == t);
  // A region that is named like another region's pool is still a different target.
  CHECK_FALSE(ForceTarget::parse("eu") == ForceTarget::parse("eu/web"));

  AdminState s;
  s.forced[region] = lodestar::health::Forced::Down;
  s.forced[pool] = lodestar::health::Forced::Up;
  s.forced[v4] = lodestar::health::Forced::Down;
  auto addr = *lodestar::wire::Address::parse("192.0.2.7"), other = *lodestar::wire::Address::parse("192.0.2.8");
  auto f = forceFor(s, &addr, "eu-west", "web");
  REQUIRE(f);
  CHECK(f->target == v4);
  f = forceFor(s, &other, "eu-west", "web");
  REQUIRE(f);
  CHECK(f->target == pool);
  CHECK(f->state == lodestar::health::Forced::Up);
  f = forceFor(s, nullptr, "eu-west", "api");  // a CNAME region's target has no address
  REQUIRE(f);
  CHECK(f->target == region);
  CHECK_FALSE(forceFor(s, &other, "us-east", "web"));
}

TEST_CASE("forced states persist under the operator's spelling of the target, and read back the same", "[server][admin][force]") {
  AdminState s;
  s.forced[ForceTarget::parse("eu-west/web")] = lodestar::health::Forced::Down;
  s.forced[ForceTarget::parse("192.0.2.7")] = lodestar::health::Forced::Up;
  s.forceNotes[ForceTarget::parse("192.0.2.7")] = {"canary", 7, 100};
  auto j = s.toJson();
  CHECK(j["forced"] == nlohmann::json{{"eu-west/web", "down"}, {"192.0.2.7", "up"}});
  CHECK(j["force_notes"]["192.0.2.7"]["reason"] == "canary");
  std::vector<std::string> dropped;
  std::string error;
  auto back = AdminState::fromJson(j, dropped, error);
  REQUIRE(back);
  CHECK(dropped.empty());
  CHECK(back->forced == s.forced);
  CHECK(back->toJson() == j);
}

TEST_CASE("an admin state with wrong-typed fields keeps every good entry and names each bad one",
          "[server][admin][json][regression]") {
  // Each of these aborted the daemon (and every node reading P/admin) with type_error.302.
  const std::string text = R"({"version": 1,
    "drained": {"eu-west": {"reason": "ok", "uid": 5, "since": 10}, "us-east": {"reason": "x", "uid": "root"},
                "ap": {"reason": "x", "since": "now"}, "mars": {"reason": ["x"]}},
    "forced": {"192.0.2.1": "down", "192.0.2.2": "up", "192.0.2.3": "down"},
    "force_notes": {"192.0.2.1": {"reason": "disk", "uid": "root"}, "192.0.2.2": {"reason": "canary", "since": "today"},
                    "192.0.2.3": {"reason": "fine", "uid": 7, "since": 9}, "192.0.2.4": 5},
    "windows": [{"region": "eu-west", "start": 1, "end": 2, "uid": -3}, {"region": "us-east", "start": 1, "end": 2}]})";
  std::vector<std::string> dropped;
  std::string error;
  auto s = AdminState::parse(text, dropped, error);
  INFO(error);
  REQUIRE(s);
  CHECK(s->drained.size() == 1);
  CHECK(s->drained.count("eu-west"));
  CHECK(s->forced.size() == 3);  // a bad note never undoes the force it describes
  REQUIRE(s->forceNotes.size() == 1);
  CHECK(s->forceNotes.begin()->second.uid == 7);
  CHECK(s->windows.size() == 1);
  std::string all;
  for (const auto& d : dropped) all += d + "\n";
  INFO(all);
  CHECK(dropped.size() == 7);
  CHECK_THAT(all, Catch::Contains("drain of us-east: malformed (uid: \"root\" is a string"));
  CHECK_THAT(all, Catch::Contains("drain of ap: malformed (since: \"now\" is a string, not an integer)"));
  CHECK_THAT(all, Catch::Contains("force note of 192.0.2.1: malformed (uid: \"root\""));
  CHECK_THAT(all, Catch::Contains("force note of 192.0.2.2: malformed (since: \"today\""));
  CHECK_THAT(all, Catch::Contains("force note of 192.0.2.4: malformed"));
  CHECK_THAT(all, Catch::Contains("maintenance window: malformed (uid: -3"));
  // Not an admin state at all: said whole.
  for (const char* bad : {"{", "[]", R"({"version": "1"})", R"({"drained": {}})"}) {
    dropped.clear();
    CHECK_FALSE(AdminState::parse(bad, dropped, error));
  }
}

TEST_CASE("a save that fails on a full disk leaves no half-written file, and the old state stands", "[server][admin]") {
  lodestar::test::TempDir dir;
  AdminState before;
  before.drained["us-east"] = {"explicit", 0, 10};
  std::string error;
  REQUIRE(saveAdminState(dir.path(), before, error));
  const std::string tmp = dir.path() + "/admin-state.json.tmp";
  REQUIRE(symlink("/dev/full", tmp.c_str()) == 0);  // every write there fails with ENOSPC
  AdminState after = before;
  after.drained["eu-west"] = {"explicit", 0, 20};
  CHECK_FALSE(saveAdminState(dir.path(), after, error));
  CHECK_THAT(error, Catch::Contains("No space left on device"));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(tmp)));
  auto loaded = loadAdminState(dir.path());
  CHECK(loaded.state.drained.count("us-east") == 1);
  CHECK(loaded.state.drained.count("eu-west") == 0);
}
