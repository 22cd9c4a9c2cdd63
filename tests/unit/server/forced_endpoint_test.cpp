// A force moves only the endpoints it names. One address listed in two pools (or two regions)
// with the same check has one health cell, but forcing "eu-west/web" down must not touch the
// same address in pool api, whichever order the pools are listed in; an address force moves
// every endpoint of that address.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "dns/engine/answer.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/server/admin_state.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/dns_message.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

namespace {

// Pools web and api share 192.0.2.10 in eu-west (one load balancer for both names).
const char* kZone = R"(zone: shared.example
ttl: 60
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
regions:
  eu-west: {}
  us-east: {}
pools:
%POOLS%records:
  www:
    steer: {policy: failover, pool: web, order: [eu-west, us-east]}
  api:
    steer: {policy: failover, pool: api, order: [eu-west, us-east]}
)";

// Pool web's second region is 192.0.2.20, api's 192.0.2.21; `webFirst` decides which pool
// the file lists first (the order force states were written in before each endpoint had its own).
std::string zoneText(bool webFirst) {
  auto pool = [](const std::string& name, const std::string& other) {
    return "  " + name + ":\n    regions:\n      eu-west: [192.0.2.10]\n      us-east: [" + other + "]\n";
  };
  const std::string web = pool("web", "192.0.2.20"), api = pool("api", "192.0.2.21");
  std::string z = kZone;
  z.replace(z.find("%POOLS%"), 7, webFirst ? web + api : api + web);
  return z;
}

// The addresses of the A answer for `name`.
std::set<std::string> addressesOf(const zones::View& view, const std::string& name) {
  test::QueryBuilder q;
  q.name(name).type("A");
  test::Bytes b = q.bytes();
  static uint8_t out[4096];
  engine::QueryStats stats;
  engine::Client client{*wire::Address::parse("198.51.100.7"), engine::Transport::Tcp, 0, nullptr};
  engine::AnswerContext ctx(b.data(), b.size(), client, out, sizeof out);
  size_t n = engine::answerQuery(ctx, view, engine::Pipeline(stats));
  REQUIRE(n > 0);
  auto a = test::parseAnswer(test::Bytes(out, out + n));
  REQUIRE(a);
  std::set<std::string> got;
  for (const auto& rr : a->answer) {
    std::istringstream words(rr);
    std::string owner, ttl, type, data;
    words >> owner >> ttl >> type >> data;
    got.insert(data);
  }
  return got;
}

std::vector<std::string> predicted(const zones::View& view, const server::AdminState& state, const std::string& name) {
  for (const auto& rec : view.zones()[0]->steered())
    if (rec->name == name) return server::predictFor(view, state, 0, *rec, *wire::Address::parse("198.51.100.7"), false, 0).regions;
  FAIL("no record " << name);
  return {};
}

}  // namespace

TEST_CASE("forcing one pool down leaves the same address in another pool serving, in either file order",
          "[server][admin][force][regression]") {
  for (bool webFirst : {true, false}) {
    INFO((webFirst ? "web listed first" : "api listed first"));
    test::TempDir dir;
    yaml::Diagnostics d;
    auto loaded = zones::loadViewAndAdmin({dir.write("shared.example.yaml", zoneText(webFirst))}, nullptr, d);
    const auto& view = loaded.view;
    REQUIRE(view);
    CHECK(addressesOf(*view, "www.shared.example.") == std::set<std::string>{"192.0.2.10"});
    CHECK(addressesOf(*view, "api.shared.example.") == std::set<std::string>{"192.0.2.10"});

    server::AdminState webDown;
    webDown.forced[server::ForceTarget::parse("eu-west/web")] = health::Forced::Down;
    CHECK(predicted(*view, webDown, "www.shared.example.") == std::vector<std::string>{"us-east"});
    CHECK(predicted(*view, webDown, "api.shared.example.") == std::vector<std::string>{"eu-west"});
    server::applyAdminState(webDown, *view, *loaded.admin, 0);
    CHECK(addressesOf(*view, "www.shared.example.") == std::set<std::string>{"192.0.2.20"});
    CHECK(addressesOf(*view, "api.shared.example.") == std::set<std::string>{"192.0.2.10"});

    server::AdminState apiDown;
    apiDown.forced[server::ForceTarget::parse("eu-west/api")] = health::Forced::Down;
    CHECK(predicted(*view, apiDown, "www.shared.example.") == std::vector<std::string>{"eu-west"});
    CHECK(predicted(*view, apiDown, "api.shared.example.") == std::vector<std::string>{"us-east"});
    server::applyAdminState(apiDown, *view, *loaded.admin, 0);
    CHECK(addressesOf(*view, "www.shared.example.") == std::set<std::string>{"192.0.2.10"});
    CHECK(addressesOf(*view, "api.shared.example.") == std::set<std::string>{"192.0.2.21"});

    // The address itself, forced down: every endpoint that lists it.
    server::AdminState addressDown;
    addressDown.forced[server::ForceTarget::parse("192.0.2.10")] = health::Forced::Down;
    server::applyAdminState(addressDown, *view, *loaded.admin, 0);
    CHECK(addressesOf(*view, "www.shared.example.") == std::set<std::string>{"192.0.2.20"});
    CHECK(addressesOf(*view, "api.shared.example.") == std::set<std::string>{"192.0.2.21"});

    // A pool forced up over its probes' "down": the other pool still follows the probes.
    server::AdminState webUp;
    webUp.forced[server::ForceTarget::parse("eu-west/web")] = health::Forced::Up;
    server::applyAdminState(webUp, *view, *loaded.admin, 0);
    zones::forEachEndpoint(*view, [](const zones::EndpointInView& at) {
      if (at.endpoint && at.endpoint->address.toString() == "192.0.2.10") at.cell->observed.store(health::Observed::Down);
    });
    CHECK(addressesOf(*view, "www.shared.example.") == std::set<std::string>{"192.0.2.10"});
    CHECK(addressesOf(*view, "api.shared.example.") == std::set<std::string>{"192.0.2.21"});
  }
}
