// RFC 1035 master files: directives, continuation lines, errors with positions.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/support/daemon_process.hpp"
#include "dns/wire/name_text.hpp"
#include "zones/zone_builder.hpp"
#include "zones/zone_file_loader.hpp"

using namespace lodestar::zones;
namespace wire = lodestar::wire;
namespace yaml = lodestar::yaml;
using lodestar::test::TempDir;

namespace {
const std::string kApex("\7example\4test\0", 14);

std::unique_ptr<Zone> load(const std::string& path, yaml::Diagnostics& d) {
  ZoneBuilder b(kApex, {path, 1, 1});
  loadZoneFile(path, 3600, b, d);
  if (!d.ok()) return nullptr;
  return b.build(d);
}
}  // namespace

TEST_CASE("a master file with a multi-line SOA, $TTL, $ORIGIN and $INCLUDE loads", "[zones][zonefile]") {
  TempDir dir;
  dir.write("inc/hosts.zone", "$TTL 30\nincluded A 192.0.2.7\n");
  auto path = dir.write("z.zone", R"(; comment line
$TTL 1h
@   IN SOA ns1 hostmaster (
        42      ; serial
        3600 600 1209600
        120 )   ; minimum
    IN NS ns1
ns1 IN A 192.0.2.1
txt IN TXT "semi;colon" "two"
$INCLUDE inc/hosts.zone
after A 192.0.2.8
$ORIGIN sub.example.test.
deep A 192.0.2.9
)");
  yaml::Diagnostics d;
  auto zone = load(path, d);
  INFO(d.report());
  REQUIRE(zone);
  CHECK(zone->soa().ttl == 3600);
  CHECK(zone->negativeTtl() == 120);
  const Node* inc = zone->find(std::string_view("\10included\7example\4test\0", 23));
  REQUIRE(inc);
  CHECK(inc->find(1)->ttl == 30);
  const Node* after = zone->find(std::string_view("\5after\7example\4test\0", 20));
  REQUIRE(after);
  CHECK(after->find(1)->ttl == 3600);  // $TTL inside the include does not leak out
  CHECK(zone->find(std::string_view("\4deep\3sub\7example\4test\0", 23)));
  CHECK(zone->find(std::string_view("\3sub\7example\4test\0", 18)));  // empty non-terminal
  const Node* txt = zone->find(std::string_view("\3txt\7example\4test\0", 18));
  REQUIRE(txt);
  CHECK(txt->find(16)->rdata[0] == std::string("\x0asemi;colon\x03two"));
}

TEST_CASE("master-file errors carry file and line", "[zones][zonefile]") {
  TempDir dir;
  auto path = dir.write("bad.zone", "@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nwww A not-an-address\n$BOGUS x\n");
  yaml::Diagnostics d;
  CHECK_FALSE(load(path, d));
  std::string report = d.report();
  CHECK_THAT(report, Catch::Contains("bad.zone:3:1: "));
  CHECK_THAT(report, Catch::Contains("bad.zone:4:1: unknown or malformed directive '$BOGUS'"));
}

TEST_CASE("an unclosed parenthesis and a missing include are reported", "[zones][zonefile]") {
  TempDir dir;
  yaml::Diagnostics d;
  CHECK_FALSE(load(dir.write("a.zone", "@ SOA ns1 hm (1 2 3 4 5\n"), d));
  CHECK_THAT(d.report(), Catch::Contains("a.zone:1:1: '(' is never closed"));
  yaml::Diagnostics d2;
  CHECK_FALSE(load(dir.write("b.zone", "$INCLUDE nowhere.zone\n"), d2));
  CHECK_THAT(d2.report(), Catch::Contains("nowhere.zone: zone file cannot open: No such file or directory"));
}

TEST_CASE("a zone without SOA or NS does not build", "[zones][zonefile]") {
  TempDir dir;
  yaml::Diagnostics d;
  CHECK_FALSE(load(dir.write("c.zone", "www A 192.0.2.1\n"), d));
  CHECK_THAT(d.report(), Catch::Contains("has no SOA record"));
  CHECK_THAT(d.report(), Catch::Contains("has no NS records"));
}

TEST_CASE("an SOA whose data is too short for its numbers is refused with its line, not read past its end",
          "[zones][zonefile]") {
  // Found by the zone_file fuzzer: ldns read this line's fields into an SOA shorter than its
  // two names and five numbers, and the builder read the serial past the end.
  TempDir dir;
  std::ifstream in(std::string(LODESTAR_SOURCE_DIR) + "/tests/fuzz/corpus/zone_file/soa_generic_too_short", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string file = text.str();
  const std::string firstLine = file.substr(0, file.find('\n') + 1);
  yaml::Diagnostics d;
  ZoneBuilder b(kApex, {"s.zone", 1, 1});
  loadZoneText("s.zone", firstLine + "@ IN NS ns1\n", 3600, b, d);
  CHECK_FALSE(b.build(d));
  CHECK_THAT(d.report(), Catch::Contains("s.zone:1:1: zone example.test.: its SOA record is malformed"));
  yaml::Diagnostics ok;
  CHECK(load(dir.write("t.zone", "@ IN SOA \\# 22 00 00 0000000100000002000000030000000400000005\n@ IN NS ns1\n"), ok));
}

TEST_CASE("an owner's records spread over a file are checked together, in the order they were written",
          "[zones][zonefile]") {
  // The builder keeps records flat and groups them by owner when the zone is built: the rules
  // between an owner's records hold as when each was checked on arrival.
  TempDir dir;
  yaml::Diagnostics d;
  auto path = dir.write("spread.zone",
                        "@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
                        "www A 192.0.2.10\n"         // line 4
                        "mail A 192.0.2.20\n"
                        "www CNAME mail\n"           // line 6: beside line 4's A
                        "mail 60 A 192.0.2.21\n"     // line 7: another TTL than line 5's
                        "alias CNAME mail\n"
                        "mail A 192.0.2.20\n"        // line 9: a duplicate of line 5
                        "alias CNAME www\n"          // line 10: a second CNAME
                        "WWW A 192.0.2.11\n");       // line 11: the same owner in other case
  CHECK_FALSE(load(path, d));
  const std::string report = d.report();
  CHECK_THAT(report, Catch::Contains("spread.zone:6:1: CNAME beside other data at www.example.test. (other data at "
                                     "line 4 of " + path + ")"));
  CHECK_THAT(report, Catch::Contains("spread.zone:10:1: a second CNAME record at alias.example.test."));
  CHECK_THAT(report, Catch::Contains("spread.zone:7:1: warning: TTL 60 differs from the RRset's TTL 3600; using the lower"));
  CHECK_THAT(report, Catch::Contains("spread.zone:9:1: warning: duplicate record A at mail.example.test. ignored"));
  CHECK(d.errors().size() == 2);

  // Without the mistakes, the owner's records make one node: two A records at www, in order.
  yaml::Diagnostics ok;
  auto zone = load(dir.write("fine.zone", "www A 192.0.2.10\n@ SOA ns1 hm 1 2 3 4 5\nmail A 192.0.2.20\n@ NS ns1\n"
                                          "ns1 A 192.0.2.1\nWWW A 192.0.2.11\nx.deep A 192.0.2.30\ny.deep A 192.0.2.31\n"),
                   ok);
  REQUIRE(zone);
  // One node per owner and one for the empty non-terminal between x.deep, y.deep and the apex.
  CHECK(zone->nodeCount() == 7);
  const Node* deep = zone->find(std::string_view("\4deep\7example\4test\0", 19));
  REQUIRE(deep);
  CHECK(deep->rrsets.empty());
  REQUIRE(zone->find(std::string_view("\1x\4deep\7example\4test\0", 21)));
  const Node* www = zone->find(std::string_view("\3www\7example\4test\0", 18));
  REQUIRE(www);
  REQUIRE(www->rrsets.size() == 1);
  REQUIRE(www->rrsets[0].rdata.size() == 2);
  CHECK(www->rrsets[0].rdata[0] == std::string("\xC0\x00\x02\x0A", 4));
  CHECK(www->rrsets[0].rdata[1] == std::string("\xC0\x00\x02\x0B", 4));
  CHECK(zone->apexNode().rrsets.size() == 2);  // NS and SOA, by type
  CHECK(zone->apexNode().rrsets[0].type == 2);
}

TEST_CASE("an owner longer than 255 bytes with its origin is refused with its line", "[zones][zonefile]") {
  // ldns adds the origin to a relative name without checking the sum; the builder did not
  // either, and a 256-byte name was kept (it could never be asked for).
  TempDir dir;
  yaml::Diagnostics d;
  const std::string owner = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                            std::string(50, 'd');
  CHECK_FALSE(load(dir.write("long.zone", "@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\n" + owner + " A 192.0.2.1\n"), d));
  CHECK_THAT(d.report(), Catch::Contains("long.zone:3:1: owner " + owner + ".example.test. is 257 bytes long in wire "
                                         "form; a name holds at most 255"));
}

TEST_CASE("data in RFC 3597 form must hold a well-formed name where the type has one: refused with its line",
          "[zones][zonefile]") {
  // Found by the zone_file fuzzer: ldns read "x IN TYPE65:79 \\# \\246 010203" into HTTPS data
  // (a priority, then a name whose label runs past the end), which loaded, and its answers
  // were ones ldns itself rejects.
  TempDir dir;
  std::ifstream in(std::string(LODESTAR_SOURCE_DIR) + "/tests/fuzz/corpus/zone_file/https_generic_rdata_bad_name",
                   std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  yaml::Diagnostics d;
  CHECK_FALSE(load(dir.write("h.zone", text.str()), d));
  CHECK_THAT(d.report(), Catch::Contains("h.zone:4:1: HTTPS data does not hold a well-formed domain name"));
  yaml::Diagnostics ok;  // well-formed in the same form: HTTPS priority 1 with the root as target
  CHECK(load(dir.write("g.zone", "@ IN SOA ns1 hostmaster 1 2 3 4 5\n@ IN NS ns1\nx IN TYPE65 \\# 3 000100\n"), ok));
}
