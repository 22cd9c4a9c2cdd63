// A signed test zone and its answers, checked by ldns as the independent verifier: the zone
// (steered, static, CNAME, delegation), signed with keys written as ldns-keygen writes them,
// a query through the answer path, and every RRSIG of a section verified against the keys.
#pragma once

#include <memory>
#include <string>

#include "dns/engine/pipeline.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/ldns.hpp"
#include "zones/view.hpp"

namespace lodestar::test {

/// The zone "signed.test" without its `dnssec:` block.
extern const char* const kSignedTestZone;

/// The DNSKEY of the key pair `base` in `dir`, as a list for ldns's verifier (freed at exit).
ldns_rr_list* loadedKeys(const TempDir& dir, const std::string& base);

/// kSignedTestZone signed now with a KSK and a ZSK of `alg`; `policy` is added to its
/// `dnssec:` block (lines of YAML indented by two, e.g. "  denial: white-lies\n"), and
/// `records` to its `records:` block (the same, e.g. "  \"*.cdn\": {A: 192.0.2.50}\n").
struct SignedView {
  TempDir dir;
  std::unique_ptr<zones::View> view;
  ldns_rr_list* keys = ldns_rr_list_new();  // the two DNSKEYs

  explicit SignedView(ldns_signing_algorithm alg, const std::string& policy = "", const std::string& records = "");
  ~SignedView();
  SignedView(const SignedView&) = delete;
  SignedView& operator=(const SignedView&) = delete;
};

/// A record as ldns prints it.
std::string text(const ldns_rr* rr);

/// Sets of a section with a signature that verifies, and sets without one (RRSIG and OPT
/// aside). Every signature found is checked (a failing one fails the test).
struct Checked {
  int signedSets = 0;
  int unsignedSets = 0;
};
Checked verifySection(ldns_pkt* pkt, ldns_pkt_section section, ldns_rr_list* keys);

/// An answer as ldns parsed it.
struct Asked {
  ldns_pkt* pkt = nullptr;
  int rcode = -1;
  Asked() = default;
  Asked(const Asked&) = delete;
  Asked& operator=(const Asked&) = delete;
  ~Asked() { if (pkt) ldns_pkt_free(pkt); }
};

/// An ldns name made from presentation text, owned.
struct Dname {
  ldns_rdf* rdf;
  explicit Dname(const std::string& text);
  Dname(const Dname&) = delete;
  Dname& operator=(const Dname&) = delete;
  ~Dname() { ldns_rdf_deep_free(rdf); }
};

/// The NSEC records of a packet's authority section, owned.
struct Nsecs {
  ldns_rr_list* list;
  explicit Nsecs(ldns_pkt* pkt) : list(ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_NSEC, LDNS_SECTION_AUTHORITY)) {}
  Nsecs(const Nsecs&) = delete;
  Nsecs& operator=(const Nsecs&) = delete;
  ~Nsecs() { if (list) ldns_rr_list_deep_free(list); }
  size_t count() const { return list ? ldns_rr_list_rr_count(list) : 0; }
  ldns_rr* at(size_t i) const { return ldns_rr_list_rr(list, i); }
  /// How many of them cover `name` (ldns's test: owner <= name < next, canonical order; so
  /// an NSEC at the name itself counts).
  int covering(const std::string& name) const;
};

/// Asks `view` through `pipeline` over TCP (no size limit), with EDNS and DO unless told.
void ask(const zones::View& view, engine::Pipeline& pipeline, const std::string& name, uint16_t type, Asked& out,
         bool dnssecOk = true);

}  // namespace lodestar::test
