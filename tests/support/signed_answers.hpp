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
/// `dnssec:` block (lines of YAML indented by two, e.g. "  denial: white-lies\n").
struct SignedView {
  TempDir dir;
  std::unique_ptr<zones::View> view;
  ldns_rr_list* keys = ldns_rr_list_new();  // the two DNSKEYs

  explicit SignedView(ldns_signing_algorithm alg, const std::string& policy = "");
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

/// Asks `view` through `pipeline` over TCP (no size limit), with EDNS and DO unless told.
void ask(const zones::View& view, engine::Pipeline& pipeline, const std::string& name, uint16_t type, Asked& out,
         bool dnssecOk = true);

}  // namespace lodestar::test
