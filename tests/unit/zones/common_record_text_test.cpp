// The fast path for common records against ldns: whatever it takes, ldns takes too and reads
// to the same bytes; whatever it leaves, ldns judges (and its error stays the operator's).
#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <string>
#include <vector>

#include "zones/common_record_text.hpp"
#include "zones/record_text.hpp"

using namespace lodestar::zones;

namespace {

const std::string kExample("\x07" "example" "\x04" "test" "\x00", 14);
const std::string kRoot(1, '\0');

struct Tally {
  size_t fast = 0, ldnsOnly = 0;
};

// The fast path on `text` must agree with ldns whenever it takes it.
void compare(const std::string& text, uint32_t defaultTtl, const std::string& origin, Tally& tally) {
  ParsedRecord fast;
  std::string error;
  const bool took = parseCommonRecord(text, defaultTtl, origin, fast);
  const auto reference = parseRecordTextByLdns(text, defaultTtl, origin, error);
  if (!took) {
    ++tally.ldnsOnly;
    return;
  }
  ++tally.fast;
  INFO("record: '" << text << "' default TTL " << defaultTtl << " origin length " << origin.size());
  REQUIRE(reference.has_value());
  CHECK(fast.owner == reference->owner);
  CHECK(fast.type == reference->type);
  CHECK(fast.rrclass == reference->rrclass);
  CHECK(fast.ttl == reference->ttl);
  CHECK(fast.rdata == reference->rdata);
}

}  // namespace

TEST_CASE("the common records' fast path reads what ldns reads, and leaves ldns what it does not take",
          "[zones][record_text]") {
  const std::vector<std::string> owners = {
      "www", "www.example.test.", "@", ".", "a.b.c", "WwW.Sub", "x..y", ".lead", std::string(63, 'a'),
      std::string(64, 'a'), "_sip._tcp", "*.w", "@.sub", "a\\.b", "h-1", std::string(120, 'b') + "." + std::string(120, 'c')};
  const std::vector<std::string> heads = {"", "0", "300", "0300", "2147483647", "2147483648", "4294967296", "1h", "IN",
                                          "in", "CH", "300 IN", "300 in", "IN 300", "HS 300", "CLASS1"};
  const std::vector<std::string> bodies = {
      "A 192.0.2.1", "a 10.0.0.255", "A 1.2.3", "A 256.1.1.1", "A 01.2.3.4", "A 1.2.3.4 extra", "A ::1", "A",
      "AAAA ::1", "aaaa 2001:db8::1", "AAAA 2001:DB8:0:0:0:0:0:1", "AAAA 1.2.3.4", "AAAA ::ffff:1.2.3.4",
      "AAAA gg::1", "NS ns1", "ns ns1.example.", "NS @", "NS .", "NS a..b", "CNAME Target.Sub",
      "CNAME x." + std::string(250, 'y'), "PTR host.example.", "MX 10 mx", "mx 0010 MX.example.", "MX 65535 @",
      "MX 65536 mx", "MX mx", "MX 10", "MX 10 mx extra", "TXT hello", "TYPE1 \\# 4 c0000201", "SRV 1 2 3 t",
      "CNAME @.example.test.", "NS @.sub", "MX 10 @.", "CNAME a.@.b"};
  Tally tally;
  for (const auto& owner : owners)
    for (const auto& head : heads)
      for (const auto& body : bodies) {
        const std::string text = owner + " " + (head.empty() ? "" : head + " ") + body;
        compare(text, 3600, kExample, tally);
      }
  for (const auto& body : bodies) {
    compare("www " + body, 3600, kRoot, tally);
    compare("www.\t300\tIN\t" + body, 86400, kRoot, tally);
    compare("www " + body, 0, kExample, tally);  // ldns's own default TTL: ldns decides
  }
  // Both sides were exercised: the plain forms were taken, the rest left.
  CHECK(tally.fast > 1000);
  CHECK(tally.ldnsOnly > 1000);
}

TEST_CASE("the fast path reads a dotted quad exactly as inet_pton does", "[zones][record_text]") {
  const std::vector<std::string> quads = {
      "0.0.0.0", "255.255.255.255", "192.0.2.1", "10.0.0.0", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.04", "00.1.2.3",
      "0.01.2.3", "1.2.3.-1", "+1.2.3.4", "1.2.3.256", "1.2.3.2555", "1.2.3", "1.2.3.4.5", "999.1.1.1", "0x1.2.3.4",
      "1.2.3.4a", "a1.2.3.4", "1.2.3.", "1", "255.255.255.2550", "100.200.250.255", "9.99.199.249"};
  Tally tally;
  for (const auto& quad : quads) {
    ParsedRecord fast;
    const bool took = parseCommonRecord("h A " + quad, 300, kExample, fast);
    unsigned char bytes[4];
    const bool valid = inet_pton(AF_INET, quad.c_str(), bytes) == 1;
    INFO("address: '" << quad << "'");
    CHECK(took == valid);  // a valid one is not left to the slow path; an invalid one never taken
    if (took && valid) CHECK(fast.rdata == std::string(reinterpret_cast<const char*>(bytes), 4));
    compare("h A " + quad, 300, kExample, tally);
  }
  CHECK(tally.fast > 5);
}

TEST_CASE("the common records' fast path takes the plain forms a big zone file is made of", "[zones][record_text]") {
  ParsedRecord r;
  REQUIRE(parseCommonRecord("h12 IN A 10.0.0.12", 300, kExample, r));
  CHECK(r.owner == std::string("\x03h12", 4) + kExample);
  CHECK(r.ttl == 300);
  CHECK(r.rdata == std::string("\x0a\x00\x00\x0c", 4));
  REQUIRE(parseCommonRecord("mail 600 MX 10 mx1", 300, kExample, r));
  CHECK(r.type == 15);
  CHECK(r.ttl == 600);
  CHECK(r.rdata == std::string("\x00\x0a\x03mx1", 6) + kExample);
  // Left to ldns: a TTL with units, a quoted string, an escape, another class.
  CHECK_FALSE(parseCommonRecord("h 1h A 10.0.0.1", 300, kExample, r));
  CHECK_FALSE(parseCommonRecord("h TXT \"a b\"", 300, kExample, r));
  CHECK_FALSE(parseCommonRecord("a\\.b A 10.0.0.1", 300, kExample, r));
  CHECK_FALSE(parseCommonRecord("h CH A 10.0.0.1", 300, kExample, r));
  // An "@" label inside a name: ldns reads "@.x." in RDATA as the origin.
  CHECK_FALSE(parseCommonRecord("www CNAME @.example.test.", 300, kExample, r));
  CHECK_FALSE(parseCommonRecord("@.sub A 10.0.0.1", 300, kExample, r));
}
