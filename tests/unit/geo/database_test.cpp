// Our MaxMind DB writer and reader: round trips, libmaxminddb lookups, bad files.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "geo/decision_tree.hpp"
#include "geo/mmdb_writer.hpp"
#include "tests/support/geo_fixture.hpp"

using namespace lodestar;
using test::TempDir;

TEST_CASE("a built database reads back through libmaxminddb with every field", "[geo][mmdb]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  auto l = db->lookup(*wire::Address::parse("10.1.2.3"));
  REQUIRE(l.found);
  CHECK(l.prefixLength == 16);
  CHECK(l.facts.continent == "NA");
  CHECK(l.facts.country == "US");
  CHECK(l.facts.subdivision == "CA");
  CHECK(l.facts.hasLocation);
  CHECK(l.facts.latitude == Approx(37.4));
  CHECK(l.facts.longitude == Approx(-122.1));
  CHECK(l.facts.asn == 64500);

  auto inner = db->lookup(*wire::Address::parse("10.4.200.1"));  // 10.4.128.0/17 inside 10.4.0.0/16
  CHECK(inner.prefixLength == 17);
  CHECK(inner.facts.country == "AT");
  auto outer = db->lookup(*wire::Address::parse("10.4.1.1"));
  CHECK(outer.prefixLength == 17);  // the /16's other half
  CHECK(outer.facts.country == "DE");

  auto v6 = db->lookup(*wire::Address::parse("2001:db8:2::99"));
  REQUIRE(v6.found);
  CHECK(v6.prefixLength == 48);
  CHECK(v6.facts.country == "JP");

  auto none = db->lookup(*wire::Address::parse("192.0.2.1"));
  CHECK_FALSE(none.found);
  auto noLocation = db->lookup(*wire::Address::parse("10.8.0.1"));
  CHECK(noLocation.found);
  CHECK_FALSE(noLocation.facts.hasLocation);
}

TEST_CASE("random databases round-trip: every network looks up to its own facts", "[geo][mmdb]") {
  TempDir dir;
  std::mt19937 rng(42);
  auto rows = test::randomNetworks(2000, rng);
  // Keep only networks with no more specific network inside, so each looks up to itself.
  auto db = test::buildDatabase(dir, rows);
  int checked = 0;
  for (const auto& r : rows) {
    auto l = db->lookup(r.network.address);
    REQUIRE(l.found);
    if (l.prefixLength != r.network.length) continue;  // split by a more specific network
    CHECK(l.facts == r.facts);
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("a missing, truncated or corrupt database is a clear error", "[geo][mmdb]") {
  TempDir dir;
  std::string error;
  CHECK_FALSE(geo::Database::open(dir.path() + "/nope.mmdb", error));
  CHECK_THAT(error, Catch::Contains("nope.mmdb: cannot open the geo database"));

  geo::MmdbWriter w;
  for (const auto& r : test::readCsv("geo/test-networks.csv")) w.insert(r.network, r.facts);
  std::string bytes = w.serialize("T", "t");

  dir.write("truncated.mmdb", bytes.substr(0, bytes.size() / 2));
  CHECK_FALSE(geo::Database::open(dir.path() + "/truncated.mmdb", error));
  CHECK_THAT(error, Catch::Contains("truncated.mmdb: cannot open the geo database"));

  dir.write("garbage.mmdb", std::string(4096, 'x'));
  CHECK_FALSE(geo::Database::open(dir.path() + "/garbage.mmdb", error));

  // A search tree whose records point past the data section: opens, fails to compile.
  std::string corrupt = bytes;
  for (size_t i = 0; i < 64 * 8 && i < corrupt.size(); ++i) corrupt[i] = '\xF0';
  dir.write("corrupt.mmdb", corrupt);
  auto db = geo::Database::open(dir.path() + "/corrupt.mmdb", error);
  if (db) {
    geo::DecisionTree tree;
    CHECK_FALSE(geo::compileDecisionTree(db.get(), [](const geo::GeoFacts&) { return 1u; }, 0, {}, tree, error));
    CHECK_THAT(error, Catch::Contains("corrupt"));
  } else {
    CHECK_THAT(error, Catch::Contains("corrupt.mmdb"));
  }
}

// Found by the network_csv fuzz target: the duplicate check compared the text, so one IPv6
// network spelled two ways was taken twice, and which row the database kept was the writer's
// choice.
TEST_CASE("a network written twice in two spellings is a duplicate", "[geo][csv]") {
  std::istringstream in("network,country\n2001:db8::/32,DE\n2001:0db8:0::/32,FR\n");
  std::vector<geo::CsvNetwork> rows;
  std::vector<std::string> errors;
  CHECK_FALSE(geo::readNetworkCsv("n.csv", in, rows, errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "n.csv:3:1: network 2001:0db8:0::/32 also on line 2");
}

TEST_CASE("CSV mistakes are reported with file:line:column", "[geo][csv]") {
  TempDir dir;
  auto path = dir.write("n.csv",
                        "network,country,latitude,longitude\n"
                        "192.0.2.0/24,US,1,2\n"
                        "192.0.2.1/24,US,1,2\n"
                        "198.51.100.0/24,germany,,\n"
                        "203.0.113.0/24,JP,95,2\n"
                        "192.0.2.0/24,US,1,2\n");
  std::vector<geo::CsvNetwork> rows;
  std::vector<std::string> errors;
  CHECK_FALSE(geo::readNetworkCsv(path, rows, errors));
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  CHECK_THAT(all, Catch::Contains(path + ":3:1: '192.0.2.1/24' is not a network"));
  CHECK_THAT(all, Catch::Contains(path + ":4:17: country 'germany'"));
  CHECK_THAT(all, Catch::Contains(path + ":5:19: latitude '95' is not in [-90, 90]"));
  CHECK_THAT(all, Catch::Contains(path + ":6:1: network 192.0.2.0/24 also on line 2"));

  auto unknown = dir.write("h.csv", "network,city\n");
  errors.clear();
  CHECK_FALSE(geo::readNetworkCsv(unknown, rows, errors));
  CHECK_THAT(errors.front(), Catch::Contains("h.csv:1:9: unknown column 'city'"));
}
