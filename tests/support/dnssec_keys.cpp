#include "tests/support/dnssec_keys.hpp"

#include <cstdio>
#include <stdexcept>

#include "zones/ldns.hpp"

namespace lodestar::test {

std::string writeKeyPair(const TempDir& dir, const std::string& zone, int algorithm, bool ksk) {
  const auto alg = algorithm == 15 ? LDNS_SIGN_ED25519 : LDNS_SIGN_ECDSAP256SHA256;
  ldns_key* key = ldns_key_new_frm_algorithm(alg, 256);
  if (!key) throw std::runtime_error("ldns could not make a key");
  ldns_key_set_flags(key, ksk ? 257 : 256);
  ldns_key_set_pubkey_owner(key, ldns_dname_new_frm_str(zone.c_str()));
  ldns_rr* rr = ldns_key2rr(key);
  char tag[8];
  std::snprintf(tag, sizeof tag, "%03d", algorithm);
  const std::string base = "K" + zone + "+" + tag + "+" + std::to_string(ldns_calc_keytag(rr));
  FILE* pub = std::fopen((dir.path() + "/" + base + ".key").c_str(), "w");
  FILE* priv = std::fopen((dir.path() + "/" + base + ".private").c_str(), "w");
  if (pub) ldns_rr_print(pub, rr);
  if (priv) ldns_key_print(priv, key);
  if (pub) std::fclose(pub);
  if (priv) std::fclose(priv);
  ldns_rr_free(rr);
  ldns_key_deep_free(key);
  if (!pub || !priv) throw std::runtime_error("cannot write the key files of " + base);
  return base;
}

}  // namespace lodestar::test
