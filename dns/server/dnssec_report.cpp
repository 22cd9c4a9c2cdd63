#include "dns/server/dnssec_report.hpp"

#include <algorithm>

#include "dns/dnssec/records.hpp"
#include "dns/dnssec/signed_zone.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::server {

namespace {

const char* algorithmName(uint8_t alg) {
  return alg == dnssec::algorithm::Ed25519 ? "ED25519" : alg == dnssec::algorithm::EcdsaP256Sha256 ? "ECDSAP256SHA256" : "?";
}

bool sameName(const std::string& text, const std::string& apexWire) {
  auto lower = [](std::string s) {
    for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (s.empty() || s.back() != '.') s += '.';
    return s;
  };
  return lower(text) == lower(wire::nameToText(apexWire));
}

}  // namespace

nlohmann::json dnssecReport(const zones::View& view, const std::string& zone) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& z : view.zones()) {
    const dnssec::SignedZone* s = dnssec::signedZone(*z);
    if (!s || (!zone.empty() && !sameName(zone, z->apex()))) continue;
    const uint32_t keyTtl = z->soa().ttl;
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : s->keys) {
      // Its role by what it signs now: the key sets (KSK), the data (ZSK), both (CSK), or
      // nothing (published before its Activate time or after its Inactive time).
      const bool signsKeys = std::find(s->ksks.begin(), s->ksks.end(), k.get()) != s->ksks.end();
      const bool signsData = std::find(s->zsks.begin(), s->zsks.end(), k.get()) != s->zsks.end();
      const char* role = signsKeys && signsData ? "CSK" : signsKeys ? "KSK" : signsData ? "ZSK" : "published, not signing";
      nlohmann::json key = {{"tag", k->tag()},
                            {"algorithm", k->algorithm()},
                            {"algorithm_name", algorithmName(k->algorithm())},
                            {"flags", k->flags()},
                            {"role", role},
                            {"file", k->file()},
                            {"dnskey", dnssec::dnskeyText(z->apex(), *k, keyTtl)}};
      // The parent's DS points at a key that signs the DNSKEY set, or at a SEP key about to
      // (a KSK rollover puts the new DS at the parent first).
      if (signsKeys || k->isKsk()) key["ds"] = dnssec::dsText(z->apex(), *k, keyTtl);
      keys.push_back(key);
    }
    out.push_back({{"zone", wire::nameToText(z->apex())},
                   {"signed_at", s->signedAt},
                   {"expires_from", s->earliestExpiry},
                   {"resign_at", z->resignAt()},  // of the zone in this view: a re-sign in place moves it
                   {"static_signatures", s->signatures},
                   {"denial", "compact"},
                   {"keys", keys}});
  }
  return out;
}

}  // namespace lodestar::server
