// Maintenance windows over time, with the time given: they open, close and are dropped
// exactly at their edges, and each step says whether the drains in effect changed.
#include <catch2/catch.hpp>

#include "dns/server/admin_state.hpp"

using namespace lodestar::dns;

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
