// Queries by zone and steered answers by record and region: counted by the answer path in
// fixed slots, named by the view they were counted under, carried across reloads.
#include <catch2/catch.hpp>

#include "dns/engine/answer.hpp"
#include "dns/server/slot_tally.hpp"
#include "dns/server/stats_snapshot.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/test_view.hpp"

using namespace lodestar;
using test::QueryBuilder;

namespace {

// `times` answers of `q` from `view`, counted in `stats` as a worker counts them.
void ask(const zones::View& view, engine::QueryStats& stats, const QueryBuilder& q, int times = 1) {
  static uint8_t out[65535];
  const test::Bytes bytes = q.bytes();
  const engine::Client client{*wire::Address::parse("127.0.0.1")};
  engine::Pipeline pipeline(stats);
  for (int i = 0; i < times; ++i) {
    engine::AnswerContext a(bytes.data(), bytes.size(), client, out, sizeof out);
    REQUIRE(engine::answerQuery(a, view, pipeline) > 0);
  }
}

nlohmann::json snapshot(const engine::QueryStats& stats, const server::Tallies& tallies, const zones::View& view) {
  engine::StatsTotals t;
  t.add(stats, engine::QueryPath::Udp);
  const server::SlotNames names = server::slotNames(view);
  return server::statsSnapshot({t, tallies, names});
}

}  // namespace

TEST_CASE("queries are counted by zone, and a query in no zone by none", "[server][stats]") {
  const zones::View& view = test::e2eView();
  engine::QueryStats stats;
  ask(view, stats, QueryBuilder().name("www.example.test."), 3);
  ask(view, stats, QueryBuilder().name("nothing.example.test."), 2);        // NXDOMAIN: still the zone's
  ask(view, stats, QueryBuilder().name("www.sub.example.test."), 4);        // the child zone
  ask(view, stats, QueryBuilder().name("www.elsewhere.invalid."), 5);      // REFUSED: no zone
  server::Tallies tallies;
  const auto zones = snapshot(stats, tallies, view)["by_zone"];
  INFO(zones.dump());
  CHECK(zones["example.test."] == 5);
  CHECK(zones["sub.example.test."] == 4);
  CHECK(zones.size() == view.zones().size());  // every zone from 0; nothing for the refused
}

TEST_CASE("steered answers are counted by record and the region chosen first", "[server][stats]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  const zones::View& view = *loaded.view;
  engine::QueryStats stats;
  // failover [eu, us-east]: eu; two regions at once: the first is counted; geo by ECS
  ask(view, stats, QueryBuilder().name("pay.admin.example."), 3);
  ask(view, stats, QueryBuilder().name("two.admin.example."), 2);
  ask(view, stats, QueryBuilder().name("geo.admin.example.").withEdns().ecs("198.51.100.0/24"));
  server::Tallies tallies;
  const auto s = snapshot(stats, tallies, view);
  const auto records = s["answers_by_record"];
  INFO(records.dump());
  CHECK(records["pay.admin.example."]["eu"] == 3);
  CHECK(records["pay.admin.example."]["us-east"] == 0);  // every region of the pool, from 0
  CHECK(records["two.admin.example."]["eu"] == 2);
  CHECK(records["two.admin.example."]["us-east"] == 0);
  uint64_t geo = 0;
  for (const auto& [region, n] : records["geo.admin.example."].items()) geo += n.get<uint64_t>();
  CHECK(geo == 1);
  // The records' sums are the regions' sums.
  uint64_t total = 0;
  for (const auto& [record, regions] : records.items())
    for (const auto& [region, n] : regions.items()) total += n.get<uint64_t>();
  uint64_t byRegion = 0;
  for (const auto& [region, n] : s["answers_by_region"].items()) byRegion += n.get<uint64_t>();
  CHECK(total == 6);
  CHECK(byRegion == total);
}

TEST_CASE("a zone or record whose slot a reload moves keeps its own count", "[server][stats]") {
  server::SlotTally tally(server::kOtherZones);
  std::vector<uint64_t> counts(4, 0);
  const std::vector<std::string> before = {"a.test.", "b.test.", "c.test."};
  counts[0] = 5;
  counts[1] = 1;
  tally.rebase(counts, before);
  // The reload drops a.test. and puts c.test. first: the workers go on by the new slots.
  const std::vector<std::string> after = {"c.test.", "b.test."};
  counts[0] += 2;  // c
  counts[3] += 9;  // the shared last slot
  const auto named = tally.byName(counts, after);
  CHECK(named.at("a.test.") == 5);
  CHECK(named.at("b.test.") == 1);
  CHECK(named.at("c.test.") == 2);
  CHECK(named.at(server::kOtherZones) == 9);
  CHECK(named.size() == 4);
}

TEST_CASE("records past the counters' slots share the last one, never a named record's", "[server][stats]") {
  // More records than fit: each record takes a block as wide as the view's regions.
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  const zones::View& view = *loaded.view;
  const size_t width = view.regions().size();
  REQUIRE(width > 0);
  size_t numbered = 0, shared = 0;
  for (const auto& zone : view.zones())
    for (const auto& record : zone->steered()) {
      if (record->statsBlock == zones::SteeredRecord::kNoStatsBlock) ++shared;
      else {
        CHECK(record->statsBlock == numbered * width);
        ++numbered;
      }
    }
  CHECK(numbered > 0);
  CHECK(shared == 0);  // a small view: every record has its own block
  CHECK(server::splitSteeredKey(server::steeredKey("a.test.", "eu west")) == std::make_pair(std::string("a.test."), std::string("eu west")));
}
