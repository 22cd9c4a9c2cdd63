// White lies (RFC 4470), `denial: white-lies`: a name that does not exist gets NXDOMAIN with
// two NSECs made for the answer, one covering the name (from a sibling of the name below the
// closest encloser to the next) and one the wildcard at the closest encloser; ldns checks
// the signatures and the coverage, and no NSEC covers a name the zone holds.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dns/dnssec/online_signer.hpp"
#include "dns/dnssec/white_lies.hpp"
#include "tests/support/signed_answers.hpp"
#include "zones/zone.hpp"

using namespace lodestar;
using namespace lodestar::test;

namespace {

// Wire form of the labels given (the root added), bytes as they are.
std::string wireName(std::initializer_list<std::string> labels) {
  std::string out;
  for (const std::string& l : labels) {
    out += static_cast<char>(l.size());
    out += l;
  }
  out += '\0';
  return out;
}

std::string str(const wire::WireName& n) { return std::string(n.view()); }

// The names signed.test holds (kSignedTestZone), which no lie may cover.
const char* const kExisting[] = {"signed.test.", "mail.signed.test.", "alias.signed.test.", "upper.signed.test.",
                                 "app.signed.test.", "sub.signed.test.", "big.signed.test.", "ns1.signed.test."};

}  // namespace

TEST_CASE("white lies: the sibling names just before and just after a name", "[dnssec]") {
  wire::WireName owner, next;
  // "b": from "a\255" to "b\000", in the same parent.
  REQUIRE(dnssec::siblingRange(wireName({"b", "x"}), owner, next));
  CHECK(str(owner) == wireName({"a\xff", "x"}));
  CHECK(str(next) == wireName({std::string("b\0", 2), "x"}));
  // A last byte that would become an upper-case letter sorts as its lower-case self: skipped.
  REQUIRE(dnssec::siblingRange(wireName({"[", "x"}), owner, next));
  CHECK(str(owner) == wireName({"@\xff", "x"}));
  // A label ending in a zero byte: what lies under the label without it, then 0xff.
  REQUIRE(dnssec::siblingRange(wireName({std::string("a\0", 2), "x"}), owner, next));
  CHECK(str(owner) == wireName({"\xff", "a", "x"}));
  CHECK(str(next) == wireName({std::string("a\0\0", 3), "x"}));
  // A label of 63 bytes has no room for another: its last byte goes one up, and one down
  // with "\255." before it (so the names under the lowered label stay outside the range).
  const std::string full(63, 'm');
  REQUIRE(dnssec::siblingRange(wireName({full, "x"}), owner, next));
  CHECK(str(owner) == wireName({"\xff", std::string(62, 'm') + "l", "x"}));
  CHECK(str(next) == wireName({std::string(62, 'm') + "n", "x"}));
  // "\000" follows its parent at once, and the root has no siblings.
  CHECK_FALSE(dnssec::siblingRange(wireName({std::string(1, '\0'), "x"}), owner, next));
  CHECK_FALSE(dnssec::siblingRange(wireName({}), owner, next));
  // A name of 255 bytes has no room for the longer sibling.
  const std::string longest =
      wireName({std::string(62, 'a'), std::string(63, 'b'), std::string(63, 'c'), std::string(62, 'd')});
  REQUIRE(longest.size() == 255);
  CHECK_FALSE(dnssec::siblingRange(longest, owner, next));
}

TEST_CASE("white lies: the closest encloser is the longest ancestor the zone holds", "[dnssec]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, "  denial: white-lies\n");
  const zones::Zone& zone = *sv.view->zones().front();
  const std::string deep = wireName({"x", "y", "mail", "signed", "test"});
  CHECK(deep.substr(dnssec::closestEncloserAt(zone, deep)) == wireName({"mail", "signed", "test"}));
  const std::string top = wireName({"nothing", "signed", "test"});
  CHECK(top.substr(dnssec::closestEncloserAt(zone, top)) == wireName({"signed", "test"}));
  const std::string outside = wireName({"a", "other", "test"});
  CHECK(dnssec::closestEncloserAt(zone, outside) == outside.size());
}

TEST_CASE("white lies: NXDOMAIN with two signed NSECs covering the name and the wildcard, and nothing that exists",
          "[dnssec]") {
  const auto alg = GENERATE(LDNS_SIGN_ECDSAP256SHA256, LDNS_SIGN_ED25519);
  SignedView sv(alg, "  denial: white-lies\n");
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  struct {
    const char* name;
    const char* wildcard;  // at the closest encloser
  } cases[] = {{"nothing.signed.test.", "*.signed.test."},
               {"x.y.mail.signed.test.", "*.mail.signed.test."},
               {"Deep.Under.Nothing.signed.test.", "*.signed.test."}};
  for (const auto& c : cases) {
    INFO(c.name);
    Asked r;
    ask(*sv.view, pipeline, c.name, 1, r);
    CHECK(r.rcode == 3);  // NXDOMAIN stays NXDOMAIN
    const Checked checked = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(checked.signedSets == 3);  // the SOA and two NSECs
    CHECK(checked.unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    REQUIRE(nsecs.count() == 2);
    CHECK(nsecs.covering(c.name) == 1);
    CHECK(nsecs.covering(c.wildcard) == 1);
    for (const char* name : kExisting) {
      INFO("covers " << name);
      CHECK(nsecs.covering(name) == 0);
    }
    // Each NSEC's ends are children of the closest encloser: a validator derives the true one.
    const Dname encloser(std::string(c.wildcard).substr(2));
    for (size_t i = 0; i < nsecs.count(); ++i) {
      INFO(text(nsecs.at(i)));
      const ldns_rdf* owner = ldns_rr_owner(nsecs.at(i));
      const ldns_rdf* next = ldns_rr_rdf(nsecs.at(i), 0);
      CHECK(ldns_dname_is_subdomain(owner, encloser.rdf));
      CHECK(ldns_dname_is_subdomain(next, encloser.rdf));
      CHECK(ldns_dname_label_count(owner) == ldns_dname_label_count(encloser.rdf) + 1);
      CHECK(ldns_dname_label_count(next) == ldns_dname_label_count(encloser.rdf) + 1);
    }
  }
  // The wildcard's own name: one NSEC covers it, and so the wildcard.
  {
    Asked r;
    ask(*sv.view, pipeline, "*.signed.test.", 1, r);
    CHECK(r.rcode == 3);
    const Nsecs nsecs(r.pkt);
    CHECK(nsecs.count() == 1);
    CHECK(nsecs.covering("*.signed.test.") == 1);
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).unsignedSets == 0);
  }
  // NODATA is proven as compact denial proves it: one NSEC at the name, its types listed.
  {
    Asked r;
    ask(*sv.view, pipeline, "mail.signed.test.", 28, r);
    CHECK(r.rcode == 0);
    const Nsecs nsecs(r.pkt);
    REQUIRE(nsecs.count() == 1);
    const Dname mail("mail.signed.test.");
    CHECK(ldns_dname_compare(ldns_rr_owner(nsecs.at(0)), mail.rdf) == 0);
    CHECK(ldns_nsec_bitmap_covers_type(ldns_nsec_get_bitmap(nsecs.at(0)), LDNS_RR_TYPE_A));
    CHECK_FALSE(ldns_nsec_bitmap_covers_type(ldns_nsec_get_bitmap(nsecs.at(0)), LDNS_RR_TYPE_AAAA));
  }
  // Without DO: a plain NXDOMAIN.
  {
    Asked r;
    ask(*sv.view, pipeline, "nothing.signed.test.", 1, r, false);
    CHECK(r.rcode == 3);
    CHECK(Nsecs(r.pkt).count() == 0);
  }
}

TEST_CASE("white lies: the wildcard's NSEC is signed once per closest encloser, each name's once", "[dnssec]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, "  denial: white-lies\n");
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  {
    Asked r;
    ask(*sv.view, pipeline, "first.signed.test.", 1, r);
  }
  CHECK(stats.signaturesMade.value() == 2);  // the name's range and the wildcard's, by the ZSK
  for (const char* name : {"second.signed.test.", "third.signed.test."}) {
    Asked r;
    ask(*sv.view, pipeline, name, 1, r);
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).signedSets == 3);
  }
  CHECK(stats.signaturesMade.value() == 4);  // one more per name: the wildcard's came from the cache
  {
    Asked r;
    ask(*sv.view, pipeline, "second.signed.test.", 1, r);
  }
  CHECK(stats.signaturesMade.value() == 4);
  CHECK(stats.signingFailures.value() == 0);
}
