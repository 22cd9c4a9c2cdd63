// History entries and the typed field reader under them: a wrong type is an error naming the
// field, never an exception (before, `lodestarctl history` aborted with exit 134).
#include <catch2/catch.hpp>

#include "dns/control/history_entry.hpp"
#include "dns/control/json_fields.hpp"

using namespace lodestar::control;

TEST_CASE("a history entry is read by type and written back the same", "[control][history][json]") {
  std::string error;
  auto e = parseHistoryEntry(R"({"time": 5, "uid": 1000, "command": "drain", "target": "eu-west", "state": "",
                                 "reason": "r", "result": "ok", "node": "ns1", "revision": 42, "extra": {}})",
                             error);
  INFO(error);
  REQUIRE(e);
  CHECK(e->uid == 1000);
  CHECK(e->node == "ns1");
  CHECK(e->revision == 42);
  auto again = readHistoryEntry(e->toJson(), error);
  REQUIRE(again);
  CHECK(again->toJson() == e->toJson());
}

TEST_CASE("a history entry with a wrong type is refused with the field named", "[control][history][json][regression]") {
  auto refused = [](const std::string& text) {
    std::string error;
    CHECK_FALSE(parseHistoryEntry(text, error));
    return error;
  };
  CHECK(refused(R"({"command": "drain", "uid": "root"})") == "uid: \"root\" is a string, not an integer from 0 to 4294967295");
  CHECK(refused(R"({"command": "drain", "uid": -1})") == "uid: -1 is a number, not an integer from 0 to 4294967295");
  CHECK(refused(R"({"command": "drain", "time": "noon"})") == "time: \"noon\" is a string, not an integer");
  CHECK(refused(R"({"command": "drain", "revision": [1]})") == "revision: [1] is an array, not an integer");
  CHECK(refused(R"({"command": "drain", "reason": 3})") == "reason: 3 is a number, not a string");
  CHECK(refused(R"({"command": "drain", "node": null})") == "node: null is null, not a string");
  CHECK(refused(R"({"command": 1})") == "command: 1 is a number, not a string");
  CHECK(refused(R"({"target": "x"})") == "command: missing");
  CHECK(refused("[]") == "JSON, but an array, not an object");
  CHECK(refused("{") == "not JSON");
}

TEST_CASE("typed fields: an integer too big for its type is a wrong type, not a wrap-around", "[control][json]") {
  auto j = nlohmann::json::parse(R"({"big": 18446744073709551615, "uid": 4294967296, "ok": true, "n": 7})");
  int64_t big = 0, n = 0;
  uint32_t uid = 0;
  bool ok = false;
  JsonFields f(j);
  f.flag("ok", ok).integer("n", n);
  CHECK(f.ok());
  CHECK(ok);
  CHECK(n == 7);
  f.integer("big", big);
  CHECK_FALSE(f.ok());
  CHECK(big == 0);
  JsonFields g(j);
  g.unsigned32("uid", uid);
  CHECK_FALSE(g.ok());
  CHECK(uid == 0);
  JsonFields h(nlohmann::json::array(), "x");
  CHECK(h.error() == "x: [] is an array, not an object");
}
