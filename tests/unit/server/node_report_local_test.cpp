// A node's --local overrides in its report: written and read back, absent when there are
// none, and read by type (a wrong one refuses that report alone, naming the field).
#include <catch2/catch.hpp>

#include "dns/server/node_report.hpp"

using namespace lodestar::server;

namespace {
const std::string kWithLocal = R"({"version": 2, "node": "ns2", "endpoints": {},
  "local_overrides": {"drained": {"eu-central": {"since": 300, "reason": "ns2-only"}},
                      "forced": {"us-east/web": {"state": "down", "since": 310, "reason": ""}}}})";

std::string refused(const std::string& localOverrides) {
  std::string error;
  auto r = parseNodeReport(R"({"version": 2, "node": "ns2", "local_overrides": )" + localOverrides + "}", "ns2", error);
  CHECK_FALSE(r);
  return error;
}
}  // namespace

TEST_CASE("a node report carries the node's --local overrides", "[server][cluster][json]") {
  std::string error;
  auto r = parseNodeReport(kWithLocal, "ns2", error);
  INFO(error);
  REQUIRE(r);
  REQUIRE(r->localOverrides.drained.count("eu-central"));
  CHECK(r->localOverrides.drained.at("eu-central").since == 300);
  CHECK(r->localOverrides.drained.at("eu-central").reason == "ns2-only");
  REQUIRE(r->localOverrides.forced.count("us-east/web"));
  CHECK(r->localOverrides.forced.at("us-east/web").state == "down");
  auto again = parseNodeReport(r->text(), "ns2", error);
  REQUIRE(again);
  CHECK(again->localOverrides == r->localOverrides);
  // None: no field, and a report without the field reads as none.
  NodeReport plain;
  plain.node = "ns1";
  CHECK(plain.text().find("local_overrides") == std::string::npos);
  auto read = parseNodeReport(plain.text(), "ns1", error);
  REQUIRE(read);
  CHECK(read->localOverrides.empty());
}

TEST_CASE("a report's --local overrides of the wrong type refuse that report, naming the field",
          "[server][cluster][json][regression]") {
  CHECK_THAT(refused("[]"), Catch::Contains("local_overrides"));
  CHECK_THAT(refused(R"({"drained": 5})"), Catch::Contains("local_overrides.drained"));
  CHECK_THAT(refused(R"({"drained": {"eu": {"since": "yesterday"}}})"), Catch::Contains("local_overrides.drained.eu.since"));
  CHECK_THAT(refused(R"({"drained": {"eu": {"reason": "x"}}})"), Catch::Contains("since"));
  CHECK_THAT(refused(R"({"forced": {"eu": {"state": "sideways", "since": 1}}})"),
             Catch::Contains("local_overrides.forced.eu.state"));
  CHECK_THAT(refused(R"({"forced": {"eu": {"state": 1, "since": 1}}})"), Catch::Contains("local_overrides.forced.eu.state"));
}
