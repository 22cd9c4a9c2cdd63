// The stats snapshot names each region's (zone's, record's) answers by the view they were counted under (a
// reload may give every RegionId another region) and never names the overflow slot.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dns/server/stats_snapshot.hpp"

using namespace lodestar;

namespace {

nlohmann::json snapshot(const engine::StatsTotals& t, const server::Tallies& tallies, const std::vector<std::string>& regions) {
  server::SlotNames names;
  names.regions = regions;
  return server::statsSnapshot({t, tallies, names});
}

}  // namespace

TEST_CASE("answers by region keep their region's name when a reload reorders the regions", "[server][stats]") {
  engine::StatsTotals t;
  server::Tallies tally;
  const std::vector<std::string> before = {"eu", "us", "ap"};
  t.byRegion[0] = 5;  // eu
  t.byRegion[1] = 2;  // us
  auto first = snapshot(t, tally, before)["answers_by_region"];
  CHECK(first["eu"] == 5);
  CHECK(first["us"] == 2);
  CHECK(first["ap"] == 0);

  // The reload puts ap first and eu last; the workers' counters go on by the new ids.
  const std::vector<std::string> after = {"ap", "us", "eu"};
  tally.regions.rebase(t.byRegion, before);
  t.byRegion[0] += 7;  // ap
  t.byRegion[2] += 1;  // eu
  auto second = snapshot(t, tally, after)["answers_by_region"];
  CHECK(second["eu"] == 6);
  CHECK(second["us"] == 2);
  CHECK(second["ap"] == 7);
  CHECK(second.size() == 3);

  // A region the new view lacks keeps what it counted; one only the new view has starts at 0.
  tally.regions.rebase(t.byRegion, after);
  const std::vector<std::string> third = {"sa", "eu"};
  t.byRegion[1] += 3;  // eu
  auto last = snapshot(t, tally, third)["answers_by_region"];
  CHECK(last["eu"] == 9);
  CHECK(last["us"] == 2);
  CHECK(last["ap"] == 7);
  CHECK(last["sa"] == 0);
}

TEST_CASE("queries are counted by how they came in: udp, tcp, xdp", "[server][stats]") {
  engine::QueryStats udp, tcp, xdp;
  for (int i = 0; i < 3; ++i) ++udp.received;
  ++tcp.received;
  for (int i = 0; i < 5; ++i) ++xdp.received;
  engine::StatsTotals t;
  t.add(udp, engine::QueryPath::Udp);
  t.add(udp, engine::QueryPath::Udp);  // a second UDP loop
  t.add(tcp, engine::QueryPath::Tcp);
  t.add(xdp, engine::QueryPath::Xdp);
  server::Tallies tally;
  const auto s = snapshot(t, tally, {});
  CHECK(s["queries"] == 12);
  CHECK(s["by_transport"] == nlohmann::json{{"udp", 6}, {"tcp", 1}, {"xdp", 5}});
}

TEST_CASE("the overflow slot is reported as other regions, never under a region's name", "[server][stats]") {
  engine::StatsTotals t;
  server::Tallies tally;
  std::vector<std::string> names;
  for (int i = 0; i < 70; ++i) names.push_back("r" + std::to_string(i));
  const size_t last = t.byRegion.size() - 1;
  t.byRegion[0] = 1;
  t.byRegion[last] = 4;  // ids 63..69 together
  auto regions = snapshot(t, tally, names)["answers_by_region"];
  CHECK(regions["r0"] == 1);
  CHECK(regions[server::kOtherRegions] == 4);
  CHECK(regions["r62"] == 0);
  CHECK_FALSE(regions.contains("r63"));
  CHECK_FALSE(regions.contains("r64"));

  // Also once carried across a reload.
  tally.regions.rebase(t.byRegion, names);
  regions = snapshot(t, tally, names)["answers_by_region"];
  CHECK(regions[server::kOtherRegions] == 4);
  CHECK_FALSE(regions.contains("r63"));
}
