// The node report's reader: every field by type, a wrong type refuses that report alone
// with the field named (before, nlohmann's type_error aborted every node of the cluster).
#include <catch2/catch.hpp>

#include "dns/server/node_report.hpp"

using namespace lodestar::server;
using lodestar::health::Observed;

namespace {
const std::string kGood = R"({"version": 2, "node": "ns1", "instance": "0123456789abcdef", "software": "0.1",
  "config_hash": "abc", "started": 100, "seen": 200, "future_field": [1],
  "endpoints": {"k|127.0.0.1": {"state": "down", "since": 150, "reason": "refused"}}})";

std::string refused(const std::string& text, const std::string& node = "ns1") {
  std::string error;
  auto r = parseNodeReport(text, node, error);
  CHECK_FALSE(r);
  return error;
}
}  // namespace

TEST_CASE("a node report is read field by field and written back the same", "[server][cluster][json]") {
  std::string error;
  auto r = parseNodeReport(kGood, "ns1", error);
  INFO(error);
  REQUIRE(r);
  CHECK(r->software == "0.1");
  CHECK(r->instance == "0123456789abcdef");
  CHECK(r->started == 100);
  REQUIRE(r->endpoints.count("k|127.0.0.1"));
  CHECK(r->endpoints.at("k|127.0.0.1").state == Observed::Down);
  CHECK(r->endpoints.at("k|127.0.0.1").since == 150);
  auto again = parseNodeReport(r->text(), "ns1", error);
  REQUIRE(again);
  CHECK(again->text() == r->text());
  // A version 1 report (before instance ids) is still read; fields it lacks are empty.
  CHECK(parseNodeReport(R"({"version": 1, "node": "ns1"})", "ns1", error));
  // The admin revision the node applies: written, read back; absent (an older node) is 0.
  CHECK(r->applied == 0);
  r->applied = 42;
  auto withApplied = parseNodeReport(r->text(), "ns1", error);
  REQUIRE(withApplied);
  CHECK(withApplied->applied == 42);
  CHECK_THAT(refused(R"({"version": 2, "node": "ns1", "applied": "7"})"), Catch::StartsWith("applied: "));
}

TEST_CASE("a node report with a field of the wrong type is refused, naming the field", "[server][cluster][json][regression]") {
  // The values that aborted every node (issue 25 item 8), each refused with its field.
  CHECK(refused(R"({"version": 1, "node": "ns1", "software": 5})") == "software: 5 is a number, not a string");
  CHECK(refused(R"({"version": 1, "software": 5})") == "software: 5 is a number, not a string");  // the issue's own
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "config_hash": {"a": 1}})"), Catch::StartsWith("config_hash: "));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "started": "yesterday"})"),
             Catch::Contains("started: \"yesterday\" is a string, not an integer"));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "seen": 1.5})"), Catch::StartsWith("seen: "));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "instance": 7})"), Catch::StartsWith("instance: "));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "endpoints": {"k": {"state": 1}}})"),
             Catch::Contains("endpoints.k.state: 1 is a number, not a string"));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "endpoints": {"k": {"state": "sideways"}}})"),
             Catch::Contains("\"sideways\" is not up, in-doubt or down"));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "endpoints": {"k": {"state": "up", "since": "now"}}})"),
             Catch::Contains("endpoints.k.since: "));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "endpoints": {"k": {"state": "up", "reason": false}}})"),
             Catch::Contains("endpoints.k.reason: false is a boolean, not a string"));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "endpoints": {"k": "up"}})"), Catch::Contains("endpoints.k: "));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1", "endpoints": [1]})"), Catch::StartsWith("endpoints: "));
  CHECK_THAT(refused(R"({"version": 1, "node": 3})"), Catch::StartsWith("node: "));
  CHECK(refused(R"({"version": 1})") == "node: missing");
  // Not a report at all, or one this node cannot read.
  CHECK(refused("{not json") == "not a node report");
  CHECK(refused("[1, 2]") == "not a node report");
  CHECK(refused(R"({"version": "1", "node": "ns1"})") == "not a node report");
  bool newer = false;
  std::string error;
  CHECK_FALSE(parseNodeReport(R"({"version": 99, "node": "ns1"})", "ns1", error, &newer));
  CHECK(newer);
  CHECK(error == "a report of a newer version (99)");
}

TEST_CASE("a report must name the node of its key: another cluster's key is not a phantom node", "[server][cluster][json]") {
  // /th/nodes/admin is /th/nodes/'s admin value: seen from /th/ it would be node "admin".
  CHECK_THAT(refused(R"({"version": 1, "drained": {}})", "admin"), Catch::Contains("node: missing"));
  CHECK_THAT(refused(R"({"version": 1, "node": "ns1"})", "ns2"), Catch::Contains("not the node of its key (ns2)"));
}
