// RegionWatch on its own: each steered record's regions judged up or down from the overrides
// in effect, a change told once (log line and record_region event), a pair seen first told
// nothing, and a flapping pair held to its budget while the state it finally tells is true.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/region_watch.hpp"
#include "tests/support/example_view.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using server::AdminState;
using server::RegionWatch;
using server::TellBudget;

namespace {

constexpr int64_t kNow = 1'800'000'000;

// Regions a, b, c; pool p in all three, pool w in a only, pool cdn (CNAME) in a and b.
std::unique_ptr<zones::View> policiesView() { return test::exampleView("steering/policies.example.yaml"); }

AdminState drained(const std::string& region) {
  AdminState s;
  s.drained[region] = {"test", 0, kNow};
  return s;
}

bool isUp(const RegionWatch& w, const std::string& record, const std::string& region) {
  const auto rows = w.rows();
  const auto it = std::find_if(rows.begin(), rows.end(),
                               [&](const RegionWatch::Row& r) { return r.record == record && r.region == region; });
  REQUIRE(it != rows.end());
  return it->up;
}

}  // namespace

TEST_CASE("a record's region is told down and up once, first sight told nothing", "[server][region-watch]") {
  auto view = policiesView();
  std::vector<nlohmann::json> events;
  std::vector<std::string> argv;
  RegionWatch watch([&](const health::HookEvent& e) {
    events.push_back(nlohmann::json::parse(e.json));
    argv.push_back(e.endpoint + " " + e.from + " " + e.to);
  });
  watch.evaluate(*view, AdminState{}, kNow);
  CHECK(events.empty());
  // Every (record, region) of the pools: fo, fo2, nd, mr, wt, all, sp in a, b, c; we in a;
  // cdn in a and b.
  CHECK(watch.rows().size() == 7 * 3 + 1 + 2);
  CHECK(isUp(watch, "fo.pol.example.", "a"));

  watch.evaluate(*view, drained("a"), kNow + 1);
  // Each record with region a in its pool: 7 of p, we, cdn.
  REQUIRE(events.size() == 9);
  for (const auto& e : events) {
    CHECK(e["event"] == "record_region");
    CHECK(e["region"] == "a");
    CHECK(e["from"] == "up");
    CHECK(e["to"] == "down");
    CHECK(e["time"] == kNow + 1);
  }
  CHECK(std::count(argv.begin(), argv.end(), "fo.pol.example. a up down") == 1);
  CHECK(!isUp(watch, "fo.pol.example.", "a"));
  CHECK(!isUp(watch, "we.pol.example.", "a"));
  CHECK(!isUp(watch, "cdn.pol.example.", "a"));
  CHECK(isUp(watch, "fo.pol.example.", "b"));

  // Nothing changed: nothing told, however often it is judged.
  watch.evaluate(*view, drained("a"), kNow + 2);
  watch.evaluate(*view, drained("a"), kNow + 3);
  CHECK(events.size() == 9);

  watch.evaluate(*view, AdminState{}, kNow + 4);
  REQUIRE(events.size() == 18);
  CHECK(events.back()["from"] == "down");
  CHECK(events.back()["to"] == "up");
  CHECK(isUp(watch, "fo.pol.example.", "a"));
}

TEST_CASE("a flapping region is told within its budget, and the state it tells last is the true one",
          "[server][region-watch]") {
  auto view = policiesView();
  std::vector<nlohmann::json> events;
  RegionWatch watch([&](const health::HookEvent& e) {
    auto j = nlohmann::json::parse(e.json);
    if (j["record"] == "we.pol.example.") events.push_back(j);
  });
  watch.evaluate(*view, AdminState{}, kNow);
  // Ten changes within one second: the burst is told, the rest wait.
  for (int i = 0; i < 10; ++i) watch.evaluate(*view, i % 2 == 0 ? drained("a") : AdminState{}, kNow + 1);
  CHECK(events.size() == static_cast<size_t>(TellBudget::kBurst));
  // Left drained: one refill later the true state (down) is told, with what was not.
  watch.evaluate(*view, drained("a"), kNow + 1 + static_cast<int64_t>(TellBudget::kRefillSeconds));
  REQUIRE(events.size() == static_cast<size_t>(TellBudget::kBurst) + 1);
  CHECK(events.back()["to"] == "down");
  CHECK(events.back()["changes_not_told"].get<uint64_t>() > 0);
  CHECK(!isUp(watch, "we.pol.example.", "a"));
  CHECK(watch.settled());  // told: the daemon may skip the next pass if nothing moves
}

TEST_CASE("a drain that changes many records is told one by one up to a cap, then as one count per region",
          "[server][region-watch]") {
  // 40 records, each failing over between regions a and b.
  test::TempDir dir;
  std::string records;
  for (int i = 0; i < 40; ++i) records += "  r" + std::to_string(i) + ": {steer: {policy: failover, pool: p}}\n";
  dir.write("many.yaml", "zone: many.example\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n"
                         "regions: {a: ~, b: ~}\npools:\n  p: {regions: {a: [10.0.0.1], b: [10.0.1.1]}}\nrecords:\n" +
                             records);
  yaml::Diagnostics d;
  auto view = zones::loadView({dir.path() + "/many.yaml"}, nullptr, d);
  INFO(d.report());
  REQUIRE(view);
  std::vector<nlohmann::json> events;
  RegionWatch watch([&](const health::HookEvent& e) { events.push_back(nlohmann::json::parse(e.json)); });
  watch.evaluate(*view, AdminState{}, kNow);
  watch.evaluate(*view, drained("a"), kNow + 1);
  REQUIRE(events.size() == RegionWatch::kToldEach + 1);
  const auto& last = events.back();
  CHECK(last["record"] == "*");
  CHECK(last["region"] == "a");
  CHECK(last["to"] == "down");
  CHECK(last["records"] == 40 - RegionWatch::kToldEach);
  for (const auto& row : watch.rows()) CHECK(row.up == (row.region != "a"));
  // Told, every one: the next judgement says nothing more.
  watch.evaluate(*view, drained("a"), kNow + 2);
  CHECK(events.size() == RegionWatch::kToldEach + 1);
}
