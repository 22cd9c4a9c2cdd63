// The admin safety rule and the dry-run against the answer path itself: for random drains,
// forced states and probe results over every policy kind, the rule refuses exactly when
// some record's clients would get a fail-open answer, and the predicted regions for sampled
// clients are the regions of the answer once the change is applied.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include "dns/engine/answer.hpp"
#include "dns/server/admin_rules.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/example_view.hpp"
#include "tests/support/geo_fixture.hpp"
#include "tests/support/test_view.hpp"
#include "zones/view_loader.hpp"
#include "dns/wire/name_text.hpp"

using namespace lodestar;

namespace {

struct Sample {
  const zones::SteeredRecord* record;
  wire::Address who;
  bool v6;
  uint32_t entropy;
};

// The regions an answer came from, in the order its records list them.
std::vector<std::string> answerRegions(const test::Answer& a, const std::map<std::string, std::string>& regionOf) {
  std::vector<std::string> regions;
  for (const auto& rr : a.answer) {
    std::istringstream words(rr);
    std::string name, ttl, type, data;
    words >> name >> ttl >> type >> data;
    auto it = regionOf.find(data);
    REQUIRE(it != regionOf.end());
    if (std::find(regions.begin(), regions.end(), it->second) == regions.end()) regions.push_back(it->second);
  }
  return regions;
}

}  // namespace

TEST_CASE("safety rule and dry-run agree with the answers after the change, over every policy",
          "[server][admin][property][regression]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  const auto& view = loaded.view;
  const zones::Zone& zone = *view->zones()[0];

  // Address (or CNAME target) → region, per pool; every endpoint cell and override target.
  std::map<const zones::Pool*, std::map<std::string, std::string>> regionOf;
  std::vector<health::HealthCell*> cells;
  std::vector<std::string> targets;
  for (const auto& pool : zone.pools())
    for (zones::RegionId r : pool->regions) {
      const auto& m = pool->byRegion[r];
      const std::string& region = view->regions()[r].name;
      targets.push_back(region + "/" + pool->name);
      for (const auto* list : {&m.ipv4, &m.ipv6})
        for (const auto& e : *list) {
          regionOf[pool.get()][e.address.toString()] = region;
          cells.push_back(e.cell.get());
          targets.push_back(e.address.toString());
        }
      if (m.cnameCell) {
        regionOf[pool.get()][wire::nameToText(m.cname)] = region;
        cells.push_back(m.cnameCell.get());
      }
    }
  for (const auto& r : view->regions()) targets.push_back(r.name);

  // Clients: one in each network of the database, the custom network, and random ones.
  std::mt19937 rng(12);
  std::vector<wire::Address> clients;
  for (const char* a : {"10.1.0.5", "10.2.0.5", "10.3.0.5", "10.4.0.5", "10.5.0.5", "10.5.1.5", "10.6.0.5", "10.7.0.5",
                        "10.8.0.5", "10.9.0.5", "10.4.128.5", "192.0.2.99", "2001:db8:1::5", "2001:db8:2::5"})
    clients.push_back(*wire::Address::parse(a));
  for (int i = 0; i < 8; ++i) clients.push_back(test::randomAddress(i % 2 ? wire::Family::IPv6 : wire::Family::IPv4, rng));

  std::bernoulli_distribution drain(0.3), force(0.08), down(0.15), coin(0.5);
  const int64_t now = 1'800'000'000;
  int trials = 0, refusals = 0, failOpens = 0;
  for (int trial = 0; trial < 300; ++trial) {
    server::AdminState state;
    for (const auto& r : view->regions())
      if (drain(rng)) state.drained[r.name] = {"test", 0, now};
    for (const auto& t : targets)
      if (force(rng)) state.forced[server::ForceTarget::parse(t)] = coin(rng) ? health::Forced::Up : health::Forced::Down;
    for (auto* cell : cells) cell->observed.store(down(rng) ? health::Observed::Down : health::Observed::Up);
    // Predictions first, from the state not yet applied.
    server::applyAdminState(server::AdminState{}, *view, *loaded.admin, now);
    auto stranded = server::groupsWithoutRegion(*view, state, now);
    std::set<std::string> strandedRecords;
    for (const auto& s : stranded) strandedRecords.insert(s.substr(0, s.find(" (")));
    std::vector<std::pair<Sample, server::Outcome>> predicted;
    for (const auto& rec : zone.steered())
      for (const auto& who : clients)
        for (bool v6 : {false, true}) {
          Sample s{rec.get(), who, v6, static_cast<uint32_t>(rng())};
          predicted.push_back({s, server::predictFor(*view, state, now, *rec, who, v6, s.entropy)});
        }
    // Then the change, and the answers.
    server::applyAdminState(state, *view, *loaded.admin, now);
    std::set<std::string> failedOpen;
    for (const auto& [s, outcome] : predicted) {
      test::QueryBuilder q;
      q.name(s.record->name).type(s.v6 ? "AAAA" : "A");
      test::Bytes b = q.bytes();
      static uint8_t out[65535];
      engine::QueryStats stats;
      engine::Client client{s.who, engine::Transport::Tcp, s.entropy, nullptr};
      engine::AnswerContext ctx(b.data(), b.size(), client, out, sizeof out);
      size_t n = engine::answerQuery(ctx, *view, engine::Pipeline(stats));
      REQUIRE(n > 0);
      auto a = test::parseAnswer(test::Bytes(out, out + n));
      REQUIRE(a);
      INFO("trial " << trial << ", " << s.record->name << (s.v6 ? " AAAA" : " A") << " for " << s.who.toString());
      const bool actualFailOpen = stats.failOpen.value() > 0;
      CHECK(actualFailOpen == outcome.failOpen);
      if (actualFailOpen) failedOpen.insert(s.record->name);
      if (a->answer.empty()) continue;  // NODATA: no endpoint of the family, or all_down: nodata
      auto regions = answerRegions(*a, regionOf[s.record->pool]);
      if (s.record->policy == zones::PolicyKind::All) {
        std::set<std::string> got(regions.begin(), regions.end()), want(outcome.regions.begin(), outcome.regions.end());
        CHECK(got == want);
      } else {
        CHECK(regions == outcome.regions);
      }
    }
    // The rule refuses exactly when some sampled client fails open.
    INFO("trial " << trial);
    CHECK(strandedRecords == failedOpen);
    ++trials;
    refusals += !stranded.empty();
    failOpens += static_cast<int>(failedOpen.size());
  }
  server::applyAdminState(server::AdminState{}, *view, *loaded.admin, now);
  for (auto* cell : cells) cell->observed.store(health::Observed::Up);
  // Both outcomes must have been exercised for the test to mean anything.
  CHECK(refusals > 30);
  CHECK(refusals < trials);
  CHECK(failOpens > 30);
}

namespace {

std::unique_ptr<zones::View> windowsView() { return test::exampleView("steering/windows.example.yaml"); }

using Kind = server::WindowVerdict::Kind;
std::vector<std::pair<size_t, Kind>> verdicts(const std::vector<server::WindowVerdict>& v) {
  std::vector<std::pair<size_t, Kind>> out;
  for (const auto& x : v) out.emplace_back(x.index, x.kind);
  return out;
}

}  // namespace

TEST_CASE("a window that would strand a record when it opens is held, and opens once that is safe",
          "[server][admin][window][regression]") {
  auto view = windowsView();
  server::AdminState s;
  // us-east was drained with --force after the window was scheduled: opening it now strands pay.
  s.drained["us-east"] = {"forced", 0, 50};
  s.windows.push_back({"eu-central", "upgrade", 0, 100, 130});
  CHECK(server::judgeWindows(*view, s, 98, 99).empty());  // not due yet
  auto opened = server::judgeWindows(*view, s, 99, 100);
  CHECK(verdicts(opened) == std::vector<std::pair<size_t, Kind>>{{0, Kind::Held}});
  CHECK(s.windows[0].held);
  CHECK(s.windows[0].heldWhy == "pay.shop.test. (every client)");
  CHECK(s.windows[0].heldSince == 100);
  CHECK(s.effectiveDrains(100).count("eu-central") == 0);
  // Held stays held, said once.
  CHECK(server::judgeWindows(*view, s, 100, 101).empty());
  CHECK(s.windows[0].held);
  // The held state is kept in the file and read back.
  std::vector<std::string> dropped;
  std::string error;
  auto back = server::AdminState::parse(server::adminStateText(s), dropped, error);
  REQUIRE(back);
  CHECK(dropped.empty());
  REQUIRE(back->windows.size() == 1);
  CHECK(back->windows[0].held);
  CHECK(back->windows[0].heldWhy == "pay.shop.test. (every client)");
  CHECK(back->windows[0].heldSince == 100);
  // us-east back: the window opens at the next judgement.
  s.drained.clear();
  auto released = server::judgeWindows(*view, s, 101, 105);
  CHECK(verdicts(released) == std::vector<std::pair<size_t, Kind>>{{0, Kind::Released}});
  CHECK_FALSE(s.windows[0].held);
  CHECK(s.effectiveDrains(105).count("eu-central") == 1);
  // Open, it stays open whatever comes after (a drain now is judged when it is made).
  s.drained["us-east"] = {"forced", 0, 106};
  CHECK(server::judgeWindows(*view, s, 105, 106).empty());
  CHECK(s.effectiveDrains(106).count("eu-central") == 1);
}

TEST_CASE("judging windows: safe ones open, forced ones always open, those opening together are judged in turn",
          "[server][admin][window]") {
  auto view = windowsView();
  SECTION("a safe window opens; one that started before `since` is taken as it is") {
    server::AdminState s;
    s.windows.push_back({"eu-central", "", 0, 100, 130});
    s.windows.push_back({"ap-south", "", 0, 50, 130});  // started before: not judged again
    auto v = server::judgeWindows(*view, s, 99, 100);
    CHECK(verdicts(v) == std::vector<std::pair<size_t, Kind>>{{0, Kind::Opened}});
    CHECK_FALSE(s.windows[0].held);
    CHECK_FALSE(s.windows[1].held);
  }
  SECTION("a forced window opens whatever it strands") {
    server::AdminState s;
    s.drained["us-east"] = {"forced", 0, 50};
    s.windows.push_back({"eu-central", "", 0, 100, 130, true});
    auto v = server::judgeWindows(*view, s, 99, 100);
    CHECK(verdicts(v) == std::vector<std::pair<size_t, Kind>>{{0, Kind::Opened}});
    CHECK(s.effectiveDrains(100).count("eu-central") == 1);
  }
  SECTION("two windows due at once that together strand pay: the first opens, the second is held") {
    server::AdminState s;
    s.windows.push_back({"eu-central", "", 0, 100, 130});
    s.windows.push_back({"us-east", "", 0, 100, 160});
    auto v = server::judgeWindows(*view, s, 90, 100);  // a tick late: both due since the last
    CHECK(verdicts(v) == std::vector<std::pair<size_t, Kind>>{{0, Kind::Opened}, {1, Kind::Held}});
    CHECK(s.effectiveDrains(100).count("eu-central") == 1);
    CHECK(s.effectiveDrains(100).count("us-east") == 0);
    // The first ends: the second opens.
    CHECK(s.expireWindows(130));
    REQUIRE(s.windows.size() == 1);
    CHECK(verdicts(server::judgeWindows(*view, s, 129, 130)) == std::vector<std::pair<size_t, Kind>>{{0, Kind::Released}});
    CHECK(s.effectiveDrains(130).count("us-east") == 1);
  }
  SECTION("an ended window is never judged") {
    server::AdminState s;
    s.drained["us-east"] = {"forced", 0, 50};
    s.windows.push_back({"eu-central", "", 0, 100, 101});
    CHECK(server::judgeWindows(*view, s, 99, 101).empty());
  }
}

TEST_CASE("newlyStranded checks the change's own start and every window edge within its span",
          "[server][admin][window][regression]") {
  auto view = windowsView();
  server::AdminState before;
  before.windows.push_back({"eu-central", "", 0, 200, 300});
  server::AdminState after = before;
  after.drained["us-east"] = {"", 0, 100};
  auto forever = server::newlyStranded(*view, before, after, 100, std::numeric_limits<int64_t>::max());
  CHECK(forever.at == 200);
  CHECK(forever.groups == std::vector<std::string>{"pay.shop.test. (every client)"});
  // Over a span that ends before the window opens, nothing.
  server::AdminState shortWindow = before;
  shortWindow.windows.push_back({"us-east", "", 0, 100, 200});
  CHECK(server::newlyStranded(*view, before, shortWindow, 100, 200).groups.empty());
}
