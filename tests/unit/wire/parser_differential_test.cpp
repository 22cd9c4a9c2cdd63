// Differential test: the same packets through our parser and through ldns must agree.
#include <catch2/catch.hpp>

#include <random>

#include "dns/wire/query.hpp"
#include "tests/support/dns_message.hpp"
#include "zones/ldns.hpp"

using namespace lodestar;
using test::Bytes;
using test::QueryBuilder;

namespace {

struct Reference {
  bool ok = false;
  uint16_t id = 0, qtype = 0, qclass = 0, udpSize = 0;
  std::string qname;  // lowercase wire
  bool edns = false;
  uint8_t version = 0;
  int cookies = 0;  // COOKIE options, as ldns parses the OPT's options
  Bytes cookie;     // the last one's data
};

Reference viaLdns(const Bytes& b) {
  Reference r;
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, b.data(), b.size()) != LDNS_STATUS_OK) return r;
  if (ldns_rr_list_rr_count(ldns_pkt_question(pkt)) == 1) {
    ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
    ldns_rdf* owner = ldns_rdf_clone(ldns_rr_owner(q));
    ldns_dname2canonical(owner);
    r.qname.assign(reinterpret_cast<const char*>(ldns_rdf_data(owner)), ldns_rdf_size(owner));
    ldns_rdf_deep_free(owner);
    r.qtype = static_cast<uint16_t>(ldns_rr_get_type(q));
    r.qclass = static_cast<uint16_t>(ldns_rr_get_class(q));
    r.ok = true;
  }
  r.id = ldns_pkt_id(pkt);
  r.edns = ldns_pkt_edns(pkt);
  r.udpSize = ldns_pkt_edns_udp_size(pkt);
  r.version = ldns_pkt_edns_version(pkt);
  if (r.edns)
    if (ldns_edns_option_list* list = ldns_pkt_edns_get_option_list(pkt))
      for (size_t i = 0; i < ldns_edns_option_list_get_count(list); ++i) {
        const ldns_edns_option* o = ldns_edns_option_list_get_option(list, i);
        if (ldns_edns_get_code(o) != LDNS_EDNS_COOKIE) continue;
        ++r.cookies;
        const uint8_t* data = ldns_edns_get_data(o);
        r.cookie.assign(data, data + ldns_edns_get_size(o));
      }
  ldns_pkt_free(pkt);
  return r;
}

std::string randomLabel(std::mt19937& rng) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  std::string s(1 + rng() % 20, 'a');
  for (auto& c : s) c = kChars[rng() % (sizeof kChars - 1)];
  return s;
}

Bytes randomQuery(std::mt19937& rng) {
  QueryBuilder q;
  q.id = static_cast<uint16_t>(rng());
  q.qname.clear();
  for (unsigned i = 0, n = 1 + rng() % 5; i < n; ++i) q.qname += randomLabel(rng) + ".";
  q.qtype = static_cast<uint16_t>(1 + rng() % 300);
  q.qclass = rng() % 10 ? 1 : static_cast<uint16_t>(rng() % 256);
  if (rng() % 2) {
    q.withEdns(static_cast<uint16_t>(512 + rng() % 4000));
    if (rng() % 2) q.ecs(rng() % 2 ? "198.51.100.0/24" : "2001:db8:200::/48");
    if (rng() % 3 == 0) {
      const auto code = static_cast<uint16_t>(rng() % 65000);
      q.option(code == wire::ednsopt::Cookie ? 65001 : code, {1, 2, 3});  // an unknown option
    }
    if (rng() % 3 == 0) {
      // A COOKIE: a client cookie alone, or with a server cookie of 8 to 32 bytes.
      Bytes cookie(rng() % 2 ? 8 : 16 + rng() % 25);
      for (auto& b : cookie) b = static_cast<uint8_t>(rng());
      q.option(wire::ednsopt::Cookie, cookie);
    }
  }
  return q.bytes();
}

void compare(const Bytes& b, const wire::Query& ours, const Reference& ref) {
  CHECK(ours.id == ref.id);
  CHECK(ours.qnameLower.view() == std::string_view(ref.qname));
  CHECK(ours.qtype == ref.qtype);
  CHECK(ours.qclass == ref.qclass);
  CHECK(ours.hasEdns == ref.edns);
  if (ours.hasEdns) {
    CHECK(ours.ednsVersion == ref.version);
    CHECK(ours.udpPayload == std::max<uint16_t>(512, ref.udpSize));
    // We accept one COOKIE at most, of a length RFC 7873 allows; ldns reads any.
    CHECK(ours.hasCookie == (ref.cookies == 1));
    if (ours.hasCookie) CHECK(Bytes(ours.cookie, ours.cookie + ours.cookieLength) == ref.cookie);
  }
  (void)b;
}

}  // namespace

TEST_CASE("well-formed queries: our parser and ldns agree on every field", "[wire][differential]") {
  std::mt19937 rng(2026);
  for (int i = 0; i < 5000; ++i) {
    Bytes b = randomQuery(rng);
    wire::Query ours{};
    REQUIRE(wire::parseQuery(b.data(), b.size(), ours) == wire::ParseResult::Ok);
    Reference ref = viaLdns(b);
    REQUIRE(ref.ok);
    compare(b, ours, ref);
  }
}

TEST_CASE("mutated queries: whenever both accept, they agree, we never accept a broken question",
          "[wire][differential]") {
  std::mt19937 rng(1035);
  int bothAccepted = 0, oursRejectedOnly = 0, oursAcceptedOnly = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b = randomQuery(rng);
    for (int k = 0, flips = 1 + static_cast<int>(rng() % 3); k < flips; ++k)
      b[rng() % b.size()] = static_cast<uint8_t>(rng());
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    wire::Query ours{};
    auto result = wire::parseQuery(b.data(), b.size(), ours);
    Reference ref = viaLdns(b);
    if (result == wire::ParseResult::Ok && ref.ok) {
      ++bothAccepted;
      compare(b, ours, ref);
    } else if (result == wire::ParseResult::Ok) {
      ++oursAcceptedOnly;
      // Only acceptable where ldns objects to RDATA we deliberately do not read: the
      // generator's OPT was mutated into another type, so we saw no EDNS at all.
      CHECK_FALSE(ours.hasEdns);
    } else if (ref.ok) {
      ++oursRejectedOnly;  // stricter than ldns: ECS validation, QR=1, opcode, OPT rules
    }
  }
  CHECK(bothAccepted > 1000);
  WARN("both " << bothAccepted << ", ours only " << oursAcceptedOnly << ", ldns only " << oursRejectedOnly);
}
