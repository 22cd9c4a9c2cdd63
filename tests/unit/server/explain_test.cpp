// explain states what the answer path does: for 10,000 random clients (ECS v4/v6 of random
// lengths, or the source), records of every policy and random health and drains, the regions
// and ECS scope it states are those of the answer it shows.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <sstream>

#include "dns/server/admin_state.hpp"
#include "dns/server/explain.hpp"
#include "dns/wire/name_text.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/geo_fixture.hpp"
#include "tests/support/test_view.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

namespace {

test::Bytes fromHex(const std::string& hex) {
  test::Bytes b;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) b.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return b;
}

// The prefix of `a` of `length` bits, host bits cleared, as text.
std::string prefixText(wire::Address a, unsigned length) {
  for (unsigned bit = length; bit < a.bits(); ++bit) a.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return a.toString() + "/" + std::to_string(length);
}

}  // namespace

TEST_CASE("explain's stated regions and ECS scope are the answer's, for 10,000 random clients",
          "[server][explain][property]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  const auto& view = loaded.view;
  const zones::Zone& zone = *view->zones()[0];
  std::map<std::string, std::string> regionOf;  // address or CNAME target → region
  std::vector<health::HealthCell*> cells;
  zones::forEachEndpoint(*view, [&](const zones::EndpointInView& at) {
    const std::string& region = view->regions()[at.region].name;
    if (at.endpoint) regionOf[at.endpoint->address.toString()] = region;
    else regionOf[wire::nameToText(at.members.cname)] = region;
    cells.push_back(at.cell.get());
  });
  std::vector<wire::Address> clients;
  for (const char* a : {"10.1.0.5", "10.2.0.5", "10.3.0.5", "10.4.0.5", "10.5.1.5", "10.6.0.5", "10.7.0.5", "10.8.0.5",
                        "10.4.128.5", "192.0.2.99", "2001:db8:1::5", "2001:db8:2::5"})
    clients.push_back(*wire::Address::parse(a));

  std::mt19937 rng(2026);
  const int64_t now = 1'800'000'000;
  int checkedRegions = 0, checkedScopes = 0;
  for (int i = 0; i < 10000; ++i) {
    if (i % 100 == 0) {  // a new state of health and drains
      server::AdminState state;
      for (const auto& r : view->regions())
        if (rng() % 4 == 0) state.drained[r.name] = {"test", 0, now};
      server::applyAdminState(state, *view, *loaded.admin, now);
      for (auto* cell : cells) cell->observed.store(rng() % 5 == 0 ? health::Observed::Down : health::Observed::Up);
    }
    const auto& rec = *zone.steered()[rng() % zone.steered().size()];
    wire::Address who = rng() % 3 ? clients[rng() % clients.size()]
                                  : test::randomAddress(rng() % 2 ? wire::Family::IPv6 : wire::Family::IPv4, rng);
    nlohmann::json args = {{"name", rec.name}, {"type", rng() % 2 ? "A" : "AAAA"}, {"client", who.toString()}};
    if (rng() % 2) {
      unsigned max = who.family == wire::Family::IPv4 ? 24 : 56;
      args["ecs"] = prefixText(who, rng() % (max + 1));
    }
    auto result = server::explain(*view, args);
    INFO(args.dump());
    REQUIRE_FALSE(result.contains("error"));
    auto a = test::parseAnswer(fromHex(result["answer"].get<std::string>()));
    REQUIRE(a);
    const auto& s = result["steering"];
    REQUIRE(s.is_object());
    INFO(s.dump());
    if (a->ecs && a->ecs->source > 0) {
      CHECK(a->ecs->scope == s["ecs_scope"].get<int>());
      ++checkedScopes;
    }
    if (a->answer.empty() || !s.contains("chosen") || s["fail_open"].get<bool>()) continue;
    std::vector<std::string> regions;
    for (const auto& rr : a->answer) {
      std::istringstream words(rr);
      std::string name, ttl, type, data;
      words >> name >> ttl >> type >> data;
      const std::string& r = regionOf.at(data);
      if (std::find(regions.begin(), regions.end(), r) == regions.end()) regions.push_back(r);
    }
    CHECK(regions == s["chosen"].get<std::vector<std::string>>());
    ++checkedRegions;
  }
  server::applyAdminState(server::AdminState{}, *view, *loaded.admin, now);
  for (auto* cell : cells) cell->observed.store(health::Observed::Up);
  CHECK(checkedRegions > 3000);
  CHECK(checkedScopes > 2000);
}
