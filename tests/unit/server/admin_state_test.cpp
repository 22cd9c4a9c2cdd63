// Maintenance windows over time, with the time given: they open, close and are dropped
// exactly at their edges, and each step says whether the drains in effect changed.
#include <catch2/catch.hpp>

#include "dns/server/admin_state.hpp"

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
