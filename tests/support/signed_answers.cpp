#include "tests/support/signed_answers.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "dns/dnssec/zone_signer.hpp"
#include "dns/engine/answer.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/dnssec_keys.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::test {

const char* const kSignedTestZone = R"(zone: signed.test
soa: {serial: 7, minimum: 60}
nameservers: {ns1: 192.0.2.53}
regions:
  east: {latitude: 39, longitude: -77.5}
  west: {latitude: 37, longitude: -122}
pools:
  web:
    regions:
      east: [192.0.2.10, 192.0.2.11]
      west: [192.0.2.20]
records:
  "@": {MX: 10 mail, TXT: hello}
  mail: {A: 192.0.2.25}
  alias: {CNAME: mail}
  Upper: {CNAME: MAIL.signed.test.}
  app:
    steer: {policy: failover, pool: web, order: [east, west]}
  sub: {NS: ns.elsewhere.test.}
  big: {TXT: ["text00-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "text01-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "text02-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "text03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "text04-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "text05-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "text06-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]}
)";

// The DNSKEY of the key pair `base` in `dir`, as a list for ldns's verifier (freed at exit).
ldns_rr_list* loadedKeys(const TempDir& dir, const std::string& base) {
  static std::vector<std::unique_ptr<ldns_rr_list, void (*)(ldns_rr_list*)>> held;
  FILE* f = std::fopen((dir.path() + "/" + base + ".key").c_str(), "r");
  ldns_rr* rr = nullptr;
  REQUIRE(ldns_rr_new_frm_fp(&rr, f, nullptr, nullptr, nullptr) == LDNS_STATUS_OK);
  std::fclose(f);
  held.emplace_back(ldns_rr_list_new(), ldns_rr_list_deep_free);
  ldns_rr_list_push_rr(held.back().get(), rr);
  return held.back().get();
}

SignedView::SignedView(ldns_signing_algorithm alg, const std::string& policy, const std::string& records) {
    const int algorithm = alg == LDNS_SIGN_ED25519 ? 15 : 13;
    const std::string ksk = writeKeyPair(dir, "signed.test.", algorithm, true);
    const std::string zsk = writeKeyPair(dir, "signed.test.", algorithm, false);
    dir.write("signed.test.yaml", std::string(kSignedTestZone) + records + "dnssec:\n  keys: [" + ksk + ", " + zsk + "]\n" + policy);
    yaml::Diagnostics diags;
    view = zones::loadView({dir.path() + "/signed.test.yaml"}, nullptr, diags);
    INFO(diags.report());
    REQUIRE(view);
    REQUIRE(dnssec::signView(*view, static_cast<uint32_t>(std::time(nullptr)), diags));
    for (const std::string& base : {ksk, zsk}) {
      FILE* f = std::fopen((dir.path() + "/" + base + ".key").c_str(), "r");
      ldns_rr* rr = nullptr;
      REQUIRE(ldns_rr_new_frm_fp(&rr, f, nullptr, nullptr, nullptr) == LDNS_STATUS_OK);
      std::fclose(f);
      ldns_rr_list_push_rr(keys, rr);
    }
  }

SignedView::~SignedView() { ldns_rr_list_deep_free(keys); }

// A record as ldns prints it (its string freed here).
std::string text(const ldns_rr* rr) {
  std::unique_ptr<char, void (*)(void*)> s(ldns_rr2str(rr), std::free);
  return s ? s.get() : "";
}

// Every RRSIG of the packet's `section` verifies its set against the zone's keys; returns
// how many sets were signed, and how many were left unsigned (RRSIG and OPT aside).
Checked verifySection(ldns_pkt* pkt, ldns_pkt_section section, ldns_rr_list* keys) {
  Checked out;
  ldns_rr_list* all = ldns_pkt_get_section_clone(pkt, section);
  ldns_rr_list* sigs = ldns_rr_list_new();
  ldns_rr_list* data = ldns_rr_list_new();
  for (size_t i = 0; i < ldns_rr_list_rr_count(all); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(all, i);
    ldns_rr_list_push_rr(ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG ? sigs : data, rr);
  }
  // One set per owner and type.
  while (ldns_rr_list_rr_count(data)) {
    ldns_rr_list* set = ldns_rr_list_pop_rrset(data);
    ldns_rr* first = ldns_rr_list_rr(set, 0);
    bool covered = false;
    for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); ++i) {
      ldns_rr* sig = ldns_rr_list_rr(sigs, i);
      if (ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) != ldns_rr_get_type(first) ||
          ldns_dname_compare(ldns_rr_owner(sig), ldns_rr_owner(first)) != 0)
        continue;
      ldns_rr_list* good = ldns_rr_list_new();
      const ldns_status s = ldns_verify_rrsig_keylist(set, sig, keys, good);
      INFO("set " << text(first) << "signature " << text(sig) << ldns_get_errorstr_by_id(s));
      CHECK(s == LDNS_STATUS_OK);
      ldns_rr_list_free(good);
      covered = true;
    }
    (covered ? out.signedSets : out.unsignedSets) += 1;
    ldns_rr_list_free(set);
  }
  ldns_rr_list_free(sigs);
  ldns_rr_list_free(data);
  ldns_rr_list_deep_free(all);
  return out;
}

Dname::Dname(const std::string& text) : rdf(ldns_dname_new_frm_str(text.c_str())) { REQUIRE(rdf); }

int Nsecs::covering(const std::string& name) const {
  Dname d(name);
  int n = 0;
  for (size_t i = 0; i < count(); ++i) n += ldns_nsec_covers_name(at(i), d.rdf) ? 1 : 0;
  return n;
}

void ask(const zones::View& view, engine::Pipeline& pipeline, const std::string& name, uint16_t type, Asked& out,
         bool dnssecOk) {
  QueryBuilder q;
  q.name(name).type(type).withEdns(4096);
  q.dnssecOk = dnssecOk;
  const Bytes query = q.bytes();
  std::vector<uint8_t> answer(65535);
  engine::Client client{};
  client.transport = engine::Transport::Tcp;
  engine::AnswerContext a(query.data(), query.size(), client, answer.data(), answer.size());
  const size_t n = engine::answerQuery(a, view, pipeline);
  REQUIRE(n > 0);
  REQUIRE(ldns_wire2pkt(&out.pkt, answer.data(), n) == LDNS_STATUS_OK);
  out.rcode = ldns_pkt_get_rcode(out.pkt);
}


}  // namespace lodestar::test
