// The export of a signed zone with wildcards (`lodestarctl export ZONE --nsec-chain`): the
// wildcards' sets, static and steered, are written under their own "*" names with signatures
// whose labels field leaves the "*" out; every signature verifies with ldns against the zone's
// keys, and ldns-verify-zone accepts the whole export (signatures and the NSEC chain).
// Beside the socket tests: it runs ldns-verify-zone.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dns/server/zone_export.hpp"
#include "tests/support/command.hpp"
#include "tests/support/signed_answers.hpp"
#include "tests/support/skip.hpp"

using namespace lodestar;
using namespace lodestar::test;

namespace {

const char* const kWildRecords = R"(  "*.cdn": {A: 192.0.2.50, MX: 10 mail, TXT: from the wildcard}
  exact.cdn: {A: 192.0.2.51}
  deep.ent.cdn: {A: 192.0.2.52}
  "*.to": {CNAME: exact.cdn}
  "*.edge": {steer: {policy: failover, pool: web, order: [west, east]}}
)";

std::vector<uint8_t> unhex(const std::string& text) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  return out;
}

// The export's records as ldns reads them (as lodestarctl prints them).
ldns_rr_list* records(const nlohmann::json& exported) {
  ldns_rr_list* out = ldns_rr_list_new();
  for (const auto& r : exported.at("records")) {
    std::vector<uint8_t> rr = unhex(r.at("owner").get<std::string>());
    const std::vector<uint8_t> rdata = unhex(r.at("rdata").get<std::string>());
    const uint32_t ttl = r.at("ttl").get<uint32_t>();
    const uint16_t type = r.at("type").get<uint16_t>();
    for (uint32_t v : {uint32_t{type}, 1u, ttl >> 16, ttl & 0xFFFF, static_cast<uint32_t>(rdata.size())}) {
      rr.push_back(static_cast<uint8_t>(v >> 8));
      rr.push_back(static_cast<uint8_t>(v));
    }
    rr.insert(rr.end(), rdata.begin(), rdata.end());
    ldns_rr* parsed = nullptr;
    size_t pos = 0;
    REQUIRE(ldns_wire2rr(&parsed, rr.data(), rr.size(), &pos, LDNS_SECTION_ANSWER) == LDNS_STATUS_OK);
    ldns_rr_list_push_rr(out, parsed);
  }
  return out;
}

}  // namespace

TEST_CASE("dnssec wildcard: the export of a signed zone with wildcards verifies, in ldns and by ldns-verify-zone",
          "[dnssec][wildcard][export]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256, "", kWildRecords);
  server::ExportRequest request;
  request.zone = "signed.test";
  request.client = *wire::Address::parse("192.0.2.1");
  request.nsecChain = true;
  const nlohmann::json exported = server::exportZone(*sv.view, request);
  REQUIRE_FALSE(exported.contains("error"));
  std::unique_ptr<ldns_rr_list, void (*)(ldns_rr_list*)> all(records(exported), ldns_rr_list_deep_free);

  // Every set with its signatures, verified here; the wildcards' among them.
  std::unique_ptr<ldns_rr_list, void (*)(ldns_rr_list*)> sigs(ldns_rr_list_new(), ldns_rr_list_free);
  std::unique_ptr<ldns_rr_list, void (*)(ldns_rr_list*)> data(ldns_rr_list_new(), ldns_rr_list_free);
  for (size_t i = 0; i < ldns_rr_list_rr_count(all.get()); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(all.get(), i);
    ldns_rr_list_push_rr(ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG ? sigs.get() : data.get(), rr);
  }
  int wildcardSets = 0, verified = 0;
  ldns_rr_list_sort(data.get());
  while (ldns_rr_list_rr_count(data.get())) {
    std::unique_ptr<ldns_rr_list, void (*)(ldns_rr_list*)> set(ldns_rr_list_pop_rrset(data.get()), ldns_rr_list_free);
    ldns_rr* first = ldns_rr_list_rr(set.get(), 0);
    const std::string owner = text(first).substr(0, text(first).find('\t'));
    if (owner.rfind("*.", 0) == 0) ++wildcardSets;
    for (size_t i = 0; i < ldns_rr_list_rr_count(sigs.get()); ++i) {
      ldns_rr* sig = ldns_rr_list_rr(sigs.get(), i);
      if (ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) != ldns_rr_get_type(first) ||
          ldns_dname_compare(ldns_rr_owner(sig), ldns_rr_owner(first)) != 0)
        continue;
      INFO(text(first) << text(sig));
      if (owner.rfind("*.", 0) == 0) {
        // The labels field counts the labels after the "*".
        CHECK(ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig)) + 1 == ldns_dname_label_count(ldns_rr_owner(first)));
      }
      ldns_rr_list* good = ldns_rr_list_new();
      CHECK(ldns_verify_rrsig_keylist(set.get(), sig, sv.keys, good) == LDNS_STATUS_OK);
      ldns_rr_list_free(good);
      ++verified;
    }
  }
  // *.cdn: A, MX, TXT, NSEC; *.to: CNAME, NSEC; *.edge: A (steered), NSEC.
  CHECK(wildcardSets == 8);
  CHECK(verified > wildcardSets);

  if (access("/usr/bin/ldns-verify-zone", X_OK) != 0)
    LODESTAR_SKIP("ldns-verify-zone is not installed (apt-get install ldnsutils): the export was verified in ldns only");
  std::string zoneText;
  for (size_t i = 0; i < ldns_rr_list_rr_count(all.get()); ++i) zoneText += text(ldns_rr_list_rr(all.get(), i));
  const std::string file = sv.dir.write("export.zone", zoneText);
  const CommandResult result = runCommand("ldns-verify-zone " + file);
  INFO(result.output);
  CHECK(result.status == 0);
  CHECK(result.output.find("Zone is verified and complete") != std::string::npos);
}
