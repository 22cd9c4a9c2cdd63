// Wildcards in a signed zone (RFC 4592, RFC 4035 3.1.3.3-4), checked by ldns as the verifier:
// a name synthesised from a wildcard carries the wildcard's signature (labels field without
// the "*", which ldns verifies by rebuilding the wildcard's name from it) and one NSEC made for
// the answer covering the next closer name, whose ends give the wildcard's parent as closest
// encloser and which does not deny the wildcard; NODATA at a wildcard adds the wildcard's own
// NSEC; static, steered and CNAME answers, the "*" name asked as itself, empty non-terminals
// and names below existing ones; both denials (compact, white lies); and the cache.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dns/dnssec/online_signer.hpp"
#include "dns/dnssec/records.hpp"
#include "tests/support/signed_answers.hpp"

using namespace lodestar;
using namespace lodestar::test;

namespace {

// Added to kSignedTestZone: static and steered wildcards, a CNAME at one and to one, a name
// beside one, an empty non-terminal under one.
const char* const kWildRecords = R"(  "*.cdn": {A: 192.0.2.50, MX: 10 mail, TXT: from the wildcard}
  exact.cdn: {A: 192.0.2.51}
  deep.ent.cdn: {A: 192.0.2.52}
  "*.to": {CNAME: exact.cdn}
  pointer: {CNAME: gone.cdn}
  "*.edge": {steer: {policy: failover, pool: web, order: [west, east]}}
  edgy: {CNAME: x.edge}
  "*.dead": {CNAME: nowhere}
  "*.loop": {CNAME: again.loop}
)";

// Every name the zone holds (empty non-terminals too): no NSEC may deny one of them.
const char* const kExisting[] = {
    "signed.test.",        "mail.signed.test.", "alias.signed.test.",    "upper.signed.test.",   "app.signed.test.",
    "sub.signed.test.",    "big.signed.test.",  "ns1.signed.test.",      "cdn.signed.test.",     "*.cdn.signed.test.",
    "exact.cdn.signed.test.", "ent.cdn.signed.test.", "deep.ent.cdn.signed.test.", "to.signed.test.",
    "*.to.signed.test.",   "pointer.signed.test.", "edge.signed.test.",  "*.edge.signed.test.",  "edgy.signed.test.",
    "dead.signed.test.",   "*.dead.signed.test.", "loop.signed.test.",  "*.loop.signed.test."};

const char* const kDenials[] = {"", "  denial: white-lies\n"};

struct Signer {
  engine::QueryStats stats;
  engine::Pipeline pipeline{stats};
  dnssec::OnlineSigner signer{stats};
  Signer() { pipeline.add(signer); }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The labels fields of the RRSIGs of `section` over `type` owned by `owner`.
std::vector<int> rrsigLabels(ldns_pkt* pkt, ldns_pkt_section section, const std::string& owner, ldns_rr_type type) {
  std::vector<int> out;
  ldns_rr_list* sigs = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_RRSIG, section);
  const Dname name(owner);
  for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs); ++i) {
    ldns_rr* sig = ldns_rr_list_rr(sigs, i);
    if (ldns_dname_compare(ldns_rr_owner(sig), name.rdf) == 0 && ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) == type)
      out.push_back(ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig)));
  }
  if (sigs) ldns_rr_list_deep_free(sigs);
  return out;
}

int labels(const std::string& name) {
  const Dname d(name);
  return static_cast<int>(ldns_dname_label_count(d.rdf));
}

// Whether `nsec` denies `name`: covers it without being its own NSEC.
bool denies(ldns_rr* nsec, const ldns_rdf* name) {
  return ldns_nsec_covers_name(nsec, name) && ldns_dname_compare(ldns_rr_owner(nsec), name) != 0;
}
bool denies(ldns_rr* nsec, const std::string& name) {
  const Dname d(name);
  return denies(nsec, d.rdf);
}

// The NSEC that proves no name closer than the wildcard's parent `encloser` exists for
// `name`, as validators derive it (RFC 4035 5.3.4; Unbound, BIND and Knot Resolver alike): it
// covers the name; the longer common suffix of the name with its owner or with its next name
// is the encloser (so both lie one label below it, neither on the name's own branch); and it
// does not deny the wildcard "*.<encloser>". Returns how many NSECs of the answer do so.
int closerNameProofs(const Nsecs& nsecs, const std::string& name, const std::string& encloser) {
  const Dname ce(encloser), nameRdf(name);
  const int ceLabels = static_cast<int>(ldns_dname_label_count(ce.rdf));
  ldns_rdf* nextCloser = ldns_dname_clone_from(nameRdf.rdf, ldns_dname_label_count(nameRdf.rdf) - ceLabels - 1);
  int proofs = 0;
  for (size_t i = 0; i < nsecs.count(); ++i) {
    ldns_rr* nsec = nsecs.at(i);
    if (!denies(nsec, name)) continue;
    INFO("covering " << name << ": " << text(nsec));
    const ldns_rdf* ends[] = {ldns_rr_owner(nsec), ldns_rr_rdf(nsec, 0)};
    for (const ldns_rdf* end : ends) {
      CHECK(ldns_dname_is_subdomain(end, ce.rdf));
      CHECK(static_cast<int>(ldns_dname_label_count(end)) == ceLabels + 1);
      CHECK(ldns_dname_compare(end, nextCloser) != 0);
    }
    CHECK(denies(nsec, nextCloser));
    CHECK_FALSE(denies(nsec, "*." + encloser));
    ++proofs;
  }
  ldns_rdf_deep_free(nextCloser);
  return proofs;
}

void noExistingNameDenied(const Nsecs& nsecs) {
  for (size_t i = 0; i < nsecs.count(); ++i)
    for (const char* name : kExisting) {
      INFO(text(nsecs.at(i)) << " denies " << name);
      CHECK_FALSE(denies(nsecs.at(i), name));
    }
}

// The NSEC owned by `owner`, or null.
ldns_rr* nsecAt(const Nsecs& nsecs, const std::string& owner) {
  const Dname d(owner);
  for (size_t i = 0; i < nsecs.count(); ++i)
    if (ldns_dname_compare(ldns_rr_owner(nsecs.at(i)), d.rdf) == 0) return nsecs.at(i);
  return nullptr;
}

constexpr auto kNxname = static_cast<ldns_rr_type>(dnssec::rrtype::NXNAME);

bool lists(ldns_rr* nsec, ldns_rr_type type) { return ldns_nsec_bitmap_covers_type(ldns_nsec_get_bitmap(nsec), type); }

}  // namespace

TEST_CASE("dnssec wildcard: a static expansion carries the wildcard's signature and an NSEC covering the next closer name",
          "[dnssec][wildcard]") {
  const std::string denial = GENERATE(values<std::string>({kDenials[0], kDenials[1]}));
  const auto alg = GENERATE(LDNS_SIGN_ECDSAP256SHA256, LDNS_SIGN_ED25519);
  INFO("policy: " << denial);
  SignedView sv(alg, denial, kWildRecords);
  Signer s;
  struct {
    const char* name;
    uint16_t type;
    const char* data;  // in the answer's text
  } cases[] = {{"img.cdn.signed.test.", 1, "192.0.2.50"},
               {"a.b.cdn.signed.test.", 1, "192.0.2.50"},  // any depth: the next closer name is b.cdn
               {"IMG.Cdn.signed.test.", 1, "192.0.2.50"},  // the qname's case kept; the proof's in lower case
               {"*.x.cdn.signed.test.", 1, "192.0.2.50"},  // a "*" below the wildcard's parent: a name like any
               {"img.cdn.signed.test.", 15, "mail.signed.test."},
               {"img.cdn.signed.test.", 16, "from the wildcard"}};
  for (const auto& c : cases) {
    INFO(c.name << " type " << c.type);
    Asked r;
    ask(*sv.view, s.pipeline, c.name, c.type, r);
    CHECK(r.rcode == 0);
    ldns_rr_list* answer = ldns_pkt_answer(r.pkt);
    REQUIRE(ldns_rr_list_rr_count(answer) == 2);  // the record and its signature (one ZSK)
    CHECK(text(ldns_rr_list_rr(answer, 0)).find(c.data) != std::string::npos);
    CHECK(text(ldns_rr_list_rr(answer, 0)).rfind(c.name, 0) == 0);  // owned by the qname, as asked
    // The wildcard's signature: labels of "cdn.signed.test.", which ldns turns back into
    // "*.cdn.signed.test." to verify it, as a validator does.
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_ANSWER, c.name, static_cast<ldns_rr_type>(c.type)) == std::vector<int>{3});
    Checked answered = verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys);
    CHECK(answered.signedSets == 1);
    CHECK(answered.unsignedSets == 0);
    Checked authority = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(authority.signedSets == 1);  // the NSEC, nothing else
    CHECK(authority.unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    CHECK(nsecs.count() == 1);
    CHECK(closerNameProofs(nsecs, lower(c.name), "cdn.signed.test.") == 1);
    noExistingNameDenied(nsecs);
    CHECK_FALSE(lists(nsecs.at(0), kNxname));
  }
  CHECK(s.stats.signingFailures.value() == 0);
}

TEST_CASE("dnssec wildcard: NODATA at a wildcard has the wildcard's NSEC and the next closer name's",
          "[dnssec][wildcard]") {
  const std::string denial = GENERATE(values<std::string>({kDenials[0], kDenials[1]}));
  INFO("policy: " << denial);
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, denial, kWildRecords);
  Signer s;
  struct {
    const char* name;
    uint16_t type;
    const char* wildcard;
    ldns_rr_type has;  // a type the wildcard lists
  } cases[] = {{"img.cdn.signed.test.", 28, "*.cdn.signed.test.", LDNS_RR_TYPE_MX},
               {"a.b.cdn.signed.test.", 33, "*.cdn.signed.test.", LDNS_RR_TYPE_A},
               {"a.edge.signed.test.", 28, "*.edge.signed.test.", LDNS_RR_TYPE_A},  // steered: its pool has no IPv6
               {"a.edge.signed.test.", 16, "*.edge.signed.test.", LDNS_RR_TYPE_A}};
  for (const auto& c : cases) {
    INFO(c.name << " type " << c.type);
    Asked r;
    ask(*sv.view, s.pipeline, c.name, c.type, r);
    CHECK(r.rcode == 0);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 0);
    const Checked authority = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(authority.signedSets == 3);  // the SOA and two NSECs
    CHECK(authority.unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    REQUIRE(nsecs.count() == 2);
    // The wildcard's own: its types, not the one asked; signed over the wildcard's name.
    ldns_rr* atWildcard = nsecAt(nsecs, c.wildcard);
    REQUIRE(atWildcard);
    INFO(text(atWildcard));
    CHECK(lists(atWildcard, c.has));
    CHECK_FALSE(lists(atWildcard, static_cast<ldns_rr_type>(c.type)));
    CHECK_FALSE(lists(atWildcard, kNxname));
    CHECK_FALSE(lists(atWildcard, LDNS_RR_TYPE_CNAME));  // else a validator expects the CNAME
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_AUTHORITY, c.wildcard, LDNS_RR_TYPE_NSEC) ==
          std::vector<int>{labels(c.wildcard) - 1});
    const std::string encloser = std::string(c.wildcard).substr(2);
    CHECK(closerNameProofs(nsecs, c.name, encloser) == 1);
    noExistingNameDenied(nsecs);
  }
  CHECK(s.stats.signingFailures.value() == 0);
}

TEST_CASE("dnssec wildcard: the wildcard asked by its own name, empty non-terminals and names below existing ones",
          "[dnssec][wildcard]") {
  const std::string denial = GENERATE(values<std::string>({kDenials[0], kDenials[1]}));
  const bool whiteLies = !denial.empty();
  INFO("policy: " << denial);
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, denial, kWildRecords);
  Signer s;
  // "*.cdn" as the qname: an ordinary name. Its signature counts the labels without the "*"
  // as it always does (RFC 4034 3.1.3), which validators read as no expansion; no NSEC.
  {
    Asked r;
    ask(*sv.view, s.pipeline, "*.cdn.signed.test.", 1, r);
    CHECK(r.rcode == 0);
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_ANSWER, "*.cdn.signed.test.", LDNS_RR_TYPE_A) == std::vector<int>{3});
    CHECK(verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys).signedSets == 1);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_authority(r.pkt)) == 0);
  }
  // Its NODATA: the NSEC at the wildcard alone, as at any name.
  {
    Asked r;
    ask(*sv.view, s.pipeline, "*.cdn.signed.test.", 28, r);
    CHECK(r.rcode == 0);
    const Nsecs nsecs(r.pkt);
    REQUIRE(nsecs.count() == 1);
    CHECK(nsecAt(nsecs, "*.cdn.signed.test."));
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).unsignedSets == 0);
  }
  // A name that exists beside the wildcard is itself, not the wildcard's.
  {
    Asked r;
    ask(*sv.view, s.pipeline, "exact.cdn.signed.test.", 1, r);
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_ANSWER, "exact.cdn.signed.test.", LDNS_RR_TYPE_A) == std::vector<int>{4});
    CHECK(ldns_rr_list_rr_count(ldns_pkt_authority(r.pkt)) == 0);
  }
  // An empty non-terminal under the wildcard's parent exists: NODATA, no wildcard (RFC 4592
  // 2.2.2), proven by its own NSEC.
  {
    Asked r;
    ask(*sv.view, s.pipeline, "ent.cdn.signed.test.", 1, r);
    CHECK(r.rcode == 0);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 0);
    const Nsecs nsecs(r.pkt);
    REQUIRE(nsecs.count() == 1);
    CHECK(nsecAt(nsecs, "ent.cdn.signed.test."));
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).unsignedSets == 0);
  }
  // Below an empty non-terminal or a name with data, the closest encloser is that name, which
  // has no wildcard: denied, and the proof never denies "*.cdn" or any name that exists.
  for (const char* name : {"x.ent.cdn.signed.test.", "x.exact.cdn.signed.test.", "y.x.exact.cdn.signed.test."}) {
    INFO(name);
    Asked r;
    ask(*sv.view, s.pipeline, name, 1, r);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 0);
    const Checked authority = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(authority.unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    noExistingNameDenied(nsecs);
    if (whiteLies) {
      CHECK(r.rcode == 3);
      CHECK(nsecs.count() == 2);
      CHECK(nsecs.covering(name) == 1);
    } else {
      CHECK(r.rcode == 0);  // compact denial: the name's NSEC, listing NXNAME
      REQUIRE(nsecs.count() == 1);
      CHECK(nsecAt(nsecs, name));
      CHECK(lists(nsecs.at(0), kNxname));
    }
  }
  // A name below the wildcard itself: "*.cdn" is its closest encloser, and has no "*" child.
  {
    Asked r;
    ask(*sv.view, s.pipeline, "a.*.cdn.signed.test.", 1, r);
    CHECK(r.rcode == (whiteLies ? 3 : 0));
    CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 0);
    const Nsecs nsecs(r.pkt);
    noExistingNameDenied(nsecs);
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).unsignedSets == 0);
  }
  CHECK(s.stats.signingFailures.value() == 0);
}

TEST_CASE("dnssec wildcard: a CNAME at a wildcard, and CNAMEs to names a wildcard answers", "[dnssec][wildcard]") {
  const std::string denial = GENERATE(values<std::string>({kDenials[0], kDenials[1]}));
  INFO("policy: " << denial);
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, denial, kWildRecords);
  Signer s;
  struct {
    const char* name;
    const char* expanded;  // the name of the chain the wildcard answered
    const char* encloser;
    const char* last;      // the last record's data
  } cases[] = {{"x.to.signed.test.", "x.to.signed.test.", "to.signed.test.", "192.0.2.51"},
               {"pointer.signed.test.", "gone.cdn.signed.test.", "cdn.signed.test.", "192.0.2.50"},
               {"edgy.signed.test.", "x.edge.signed.test.", "edge.signed.test.", "192.0.2.20"}};
  for (const auto& c : cases) {
    INFO(c.name);
    Asked r;
    ask(*sv.view, s.pipeline, c.name, 1, r);
    CHECK(r.rcode == 0);
    ldns_rr_list* answer = ldns_pkt_answer(r.pkt);
    REQUIRE(ldns_rr_list_rr_count(answer) == 4);  // CNAME, its RRSIG, A, its RRSIG
    CHECK(text(ldns_rr_list_rr(answer, 2)).find(c.last) != std::string::npos);
    const Checked answered = verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys);
    CHECK(answered.signedSets == 2);
    CHECK(answered.unsignedSets == 0);
    // The synthesised set's signature is the wildcard's: one label fewer than its owner.
    const ldns_rr_type type = std::string(c.expanded) == c.name ? LDNS_RR_TYPE_CNAME : LDNS_RR_TYPE_A;
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_ANSWER, c.expanded, type) == std::vector<int>{labels(c.expanded) - 1});
    const Checked authority = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(authority.signedSets == 1);
    CHECK(authority.unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    CHECK(nsecs.count() == 1);
    CHECK(closerNameProofs(nsecs, c.expanded, c.encloser) == 1);
    noExistingNameDenied(nsecs);
  }
  // A CNAME at a wildcard to a name that does not exist: the expansion's proof beside the
  // target's denial (compact: its NSEC listing NXNAME; white lies: NXDOMAIN and two NSECs).
  {
    const bool whiteLies = !denial.empty();
    Asked r;
    ask(*sv.view, s.pipeline, "x.dead.signed.test.", 1, r);
    CHECK(r.rcode == (whiteLies ? 3 : 0));
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_ANSWER, "x.dead.signed.test.", LDNS_RR_TYPE_CNAME) == std::vector<int>{3});
    CHECK(verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys).unsignedSets == 0);
    const Checked authority = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(authority.unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    CHECK(nsecs.count() == (whiteLies ? 3u : 2u));
    CHECK(closerNameProofs(nsecs, "x.dead.signed.test.", "dead.signed.test.") == 1);
    if (whiteLies) CHECK(nsecs.covering("nowhere.signed.test.") == 1);
    else CHECK(nsecAt(nsecs, "nowhere.signed.test."));
    noExistingNameDenied(nsecs);
  }
  // A loop through a wildcard: the chain stops where the answer path stops it; two names
  // synthesised, again.loop seven times over, each proven once.
  {
    Asked r;
    ask(*sv.view, s.pipeline, "x.loop.signed.test.", 1, r);
    CHECK(r.rcode == 0);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 16);  // 8 CNAMEs, each with its RRSIG
    // (The answer's seven equal records are one set to ldns, which does not verify them as
    // one record: not checked here; a resolver stops at the loop anyway.)
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    CHECK(nsecs.count() == 2);
    CHECK(closerNameProofs(nsecs, "x.loop.signed.test.", "loop.signed.test.") == 1);
    CHECK(closerNameProofs(nsecs, "again.loop.signed.test.", "loop.signed.test.") == 1);
  }
  CHECK(s.stats.signingFailures.value() == 0);
}

TEST_CASE("dnssec wildcard: a steered wildcard is signed over the wildcard's name, once for every name it answers",
          "[dnssec][wildcard]") {
  const std::string denial = GENERATE(values<std::string>({kDenials[0], kDenials[1]}));
  INFO("policy: " << denial);
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, denial, kWildRecords);
  Signer s;
  uint64_t made = 0;
  for (const char* name : {"a.edge.signed.test.", "b.c.edge.signed.test.", "A.edge.signed.test.", "a.edge.signed.test."}) {
    INFO(name);
    const uint64_t hits = s.stats.signatureHits.value();
    Asked r;
    ask(*sv.view, s.pipeline, name, 1, r);
    CHECK(r.rcode == 0);
    ldns_rr_list* answer = ldns_pkt_answer(r.pkt);
    REQUIRE(ldns_rr_list_rr_count(answer) == 2);
    CHECK(text(ldns_rr_list_rr(answer, 0)).find("192.0.2.20") != std::string::npos);  // west first
    CHECK(rrsigLabels(r.pkt, LDNS_SECTION_ANSWER, name, LDNS_RR_TYPE_A) == std::vector<int>{3});
    const Checked answered = verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys);
    CHECK(answered.signedSets == 1);
    CHECK(answered.unsignedSets == 0);
    CHECK(verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys).unsignedSets == 0);
    const Nsecs nsecs(r.pkt);
    CHECK(nsecs.count() == 1);
    CHECK(closerNameProofs(nsecs, lower(name), "edge.signed.test.") == 1);
    noExistingNameDenied(nsecs);
    // The set's signature is made once for all the names; the proof once per next closer name.
    const uint64_t now = s.stats.signaturesMade.value();
    if (made == 0) CHECK(now == 2);  // the set and the first NSEC
    else if (std::string(name) == "b.c.edge.signed.test.") CHECK(now == made + 1);  // c.edge's NSEC
    else CHECK(now == made);  // a.edge again, in any case: both from the cache
    if (made != 0) CHECK(s.stats.signatureHits.value() > hits);
    made = now;
  }
  CHECK(s.stats.signingFailures.value() == 0);
}

TEST_CASE("dnssec wildcard: without DO an expansion is answered unsigned and without NSEC", "[dnssec][wildcard]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, "", kWildRecords);
  Signer s;
  for (const char* name : {"img.cdn.signed.test.", "a.edge.signed.test.", "x.to.signed.test."}) {
    INFO(name);
    Asked r;
    ask(*sv.view, s.pipeline, name, 1, r, false);
    CHECK(r.rcode == 0);
    CHECK(ldns_pkt_rr_list_by_type(r.pkt, LDNS_RR_TYPE_RRSIG, LDNS_SECTION_ANY_NOQUESTION) == nullptr);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_authority(r.pkt)) == 0);
  }
  CHECK(s.stats.signaturesMade.value() == 0);
}
