#include "dns/server/dnssec_report.hpp"

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
      const bool signsAll = s->ksks == s->zsks;
      nlohmann::json key = {{"tag", k->tag()},
                            {"algorithm", k->algorithm()},
                            {"algorithm_name", algorithmName(k->algorithm())},
                            {"flags", k->flags()},
                            {"role", signsAll ? "CSK" : k->isKsk() ? "KSK" : "ZSK"},
                            {"file", k->file()},
                            {"dnskey", dnssec::dnskeyText(z->apex(), *k, keyTtl)}};
      if (k->isKsk() || signsAll) key["ds"] = dnssec::dsText(z->apex(), *k, keyTtl);
      keys.push_back(key);
    }
    out.push_back({{"zone", wire::nameToText(z->apex())},
                   {"signed_at", s->signedAt},
                   {"expires_from", s->earliestExpiry},
                   {"resign_at", z->resignAt()},
                   {"denial", "compact"},
                   {"keys", keys}});
  }
  return out;
}

}  // namespace lodestar::server
