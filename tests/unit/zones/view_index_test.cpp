// The view's one-lookup name index agrees with the long way (deepest zone, then its node).
#include <catch2/catch.hpp>

#include "tests/support/daemon_process.hpp"
#include "zones/view_loader.hpp"
#include "zones/record_text.hpp"

using namespace lodestar;

TEST_CASE("findName gives the deepest zone's node or nothing, never a parent's shadowed name", "[zones][index]") {
  test::TempDir dir;
  dir.write("parent.yaml",
            "zone: example.test\nttl: 60\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n"
            "records:\n  www: {A: 192.0.2.10}\n  only.sub: {A: 192.0.2.11}\n  sub: {A: 192.0.2.12}\n");
  dir.write("child.yaml",
            "zone: sub.example.test\nttl: 60\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.2}\n"
            "records:\n  www: {A: 192.0.2.20}\n");
  yaml::Diagnostics d;
  auto view = zones::loadView({dir.path()}, nullptr, d);
  INFO(d.report());
  REQUIRE(view);
  for (const char* text : {"example.test.", "www.example.test.", "sub.example.test.", "www.sub.example.test.",
                           "only.sub.example.test.", "ns1.sub.example.test.", "nope.example.test.", "other.test."}) {
    INFO(text);
    std::string name = *zones::parseNameText(text, std::string(1, 0));
    const zones::Zone* zone = view->findZone(name);
    const zones::Node* longWay = zone ? zone->find(name) : nullptr;
    const auto* hit = view->findName(name);
    if (!longWay) {
      CHECK(hit == nullptr);
      continue;
    }
    REQUIRE(hit != nullptr);
    CHECK(hit->zone == zone);
    CHECK(hit->node == longWay);
  }
  // The parent's only.sub is shadowed by the child zone: the long way gives NXDOMAIN there.
  CHECK(view->findName(*zones::parseNameText("only.sub.example.test.", std::string(1, 0))) == nullptr);
  CHECK(view->findName(*zones::parseNameText("www.sub.example.test.", std::string(1, 0))) != nullptr);
}
