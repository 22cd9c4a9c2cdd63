// FailOpenWatch on its own: a record told once on entering and once on leaving fail-open,
// judged from the overrides in effect, and a flapping record held to its budget while the
// state it finally tells is the true one.
#include <catch2/catch.hpp>

#include <vector>

#include "dns/server/fail_open_watch.hpp"
#include "tests/support/example_view.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using server::AdminState;
using server::FailOpenWatch;
using server::TellBudget;

namespace {

constexpr int64_t kNow = 1'800'000'000;

// Regions a, b, c; pool p in all three, pool w in a only (so draining a strands record we).
std::unique_ptr<zones::View> policiesView() { return test::exampleView("steering/policies.example.yaml"); }

AdminState drainedA() {
  AdminState s;
  s.drained["a"] = {"test", 0, kNow};
  return s;
}

}  // namespace

TEST_CASE("fail-open is told once on entering and once on leaving, with the groups", "[server][fail-open]") {
  auto view = policiesView();
  std::vector<nlohmann::json> events;
  FailOpenWatch watch([&](const health::HookEvent& e) { events.push_back(nlohmann::json::parse(e.json)); });
  watch.evaluate(*view, 1, AdminState{}, kNow);
  CHECK(events.empty());
  CHECK(watch.records().empty());

  watch.evaluate(*view, 1, drainedA(), kNow + 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0]["event"] == "fail_open");
  CHECK(events[0]["from"] == "serving");
  CHECK(events[0]["to"] == "fail-open");
  CHECK(events[0]["since"] == kNow + 1);
  const std::string record = events[0]["record"];
  CHECK(record.rfind("we.", 0) == 0);
  auto records = watch.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0]["record"] == record);
  CHECK(!records[0]["clients"].empty());
  CHECK(watch.failingOpen() == 1);
  CHECK(watch.entered() == 1);

  // Nothing changed: nothing told, however often it is judged; every change was told.
  for (int i = 2; i < 10; ++i) watch.evaluate(*view, 1, drainedA(), kNow + i);
  CHECK(events.size() == 1);
  CHECK(watch.settled());

  watch.evaluate(*view, 1, AdminState{}, kNow + 10);
  REQUIRE(events.size() == 2);
  CHECK(events[1]["to"] == "serving");
  CHECK(events[1]["changes_not_told"] == 0);
  CHECK(watch.records().empty());
  CHECK(watch.failingOpen() == 0);
}

TEST_CASE("a flapping record says at most its burst, then one line per refill, and the last state told is true",
          "[server][fail-open]") {
  auto view = policiesView();
  std::vector<nlohmann::json> events;
  FailOpenWatch watch([&](const health::HookEvent& e) { events.push_back(nlohmann::json::parse(e.json)); });
  watch.evaluate(*view, 1, AdminState{}, kNow);
  // Twenty changes within one second.
  for (int i = 0; i < 10; ++i) {
    watch.evaluate(*view, 1, drainedA(), kNow);
    watch.evaluate(*view, 1, AdminState{}, kNow);
  }
  watch.evaluate(*view, 1, drainedA(), kNow);  // and it stays failing open
  CHECK(events.size() == static_cast<size_t>(TellBudget::kBurst));
  CHECK(watch.entered() == 11);
  // The last line said "serving": wrong now, but told once the budget has refilled. Until
  // then the watch is not settled: the daemon's once-a-second call must not be skipped.
  CHECK(events.back()["to"] == "serving");
  CHECK_FALSE(watch.settled());
  watch.evaluate(*view, 1, drainedA(), kNow + 5);
  CHECK(events.size() == static_cast<size_t>(TellBudget::kBurst));
  CHECK_FALSE(watch.settled());
  watch.evaluate(*view, 1, drainedA(), kNow + static_cast<int64_t>(TellBudget::kRefillSeconds));
  REQUIRE(events.size() == static_cast<size_t>(TellBudget::kBurst) + 1);
  CHECK(watch.settled());
  CHECK(events.back()["to"] == "fail-open");
  CHECK(events.back()["changes_not_told"] == 16);  // 17 changes since the last line, this one told
  CHECK(events.back()["since"] == kNow);
}

TEST_CASE("the client groups are worked out again for a new view generation", "[server][fail-open]") {
  // A reload publishes another view (another generation) with other records: it is judged
  // by its own groups, never by those of the view before it (gone with it).
  auto first = policiesView();
  yaml::Diagnostics d;
  auto second = zones::loadView({test::dataPath("steering/windows.example.yaml")}, nullptr, d);
  INFO(d.report());
  REQUIRE(second);
  std::vector<std::string> records;
  FailOpenWatch watch([&](const health::HookEvent& e) {
    records.push_back(nlohmann::json::parse(e.json).value("record", std::string()));
  });
  watch.evaluate(*first, 1, drainedA(), kNow);
  REQUIRE_FALSE(records.empty());
  for (const auto& r : records) CHECK(r.find("pol.example") != std::string::npos);
  records.clear();
  AdminState both;
  both.drained["eu-central"] = {"test", 0, kNow};
  both.drained["us-east"] = {"test", 0, kNow};
  watch.evaluate(*second, 2, both, kNow + 1);
  bool payTold = false;
  for (const auto& r : records) payTold = payTold || r == "pay.shop.test.";
  CHECK(payTold);  // pay fails over between the two drained regions only
}
