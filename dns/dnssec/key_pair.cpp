// Reading a BIND key pair through ldns, and signing with OpenSSL's EVP interface.
#include "dns/dnssec/key_pair.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "dns/wire/name_text.hpp"
#include "zones/ldns.hpp"

namespace lodestar::dnssec {

namespace {

struct FileCloser {
  void operator()(FILE* f) const noexcept { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

std::string stripSuffix(const std::string& path) {
  for (std::string_view suffix : {".key", ".private"})
    if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
      return path.substr(0, path.size() - suffix.size());
  return path;
}

// The DNSKEY record of a .key file: comments and blank lines are skipped.
ldns_rr* readDnskey(FILE* f, std::string& error) {
  uint32_t ttl = 3600;
  ldns_rdf* origin = nullptr;
  ldns_rdf* prev = nullptr;
  int line = 1;
  ldns_rr* found = nullptr;
  while (!found && !std::feof(f)) {
    ldns_rr* rr = nullptr;
    ldns_status s = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, &line);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL || s == LDNS_STATUS_SYNTAX_ORIGIN) continue;
    if (s != LDNS_STATUS_OK) {
      error = std::string("line ") + std::to_string(line) + ": " + ldns_get_errorstr_by_id(s);
      break;
    }
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY) found = rr;
    else ldns_rr_free(rr);
  }
  if (origin) ldns_rdf_deep_free(origin);
  if (prev) ldns_rdf_deep_free(prev);
  if (!found && error.empty()) error = "no DNSKEY record in it";
  return found;
}

// "Activate: 20261201000000" (UTC) in a .private file; 0 when absent or unreadable.
int64_t timing(const std::string& text, const char* field) {
  const std::string key = std::string("\n") + field + ": ";
  const size_t at = text.find(key);
  if (at == std::string::npos) return 0;
  tm t{};
  if (std::sscanf(text.c_str() + at + key.size(), "%4d%2d%2d%2d%2d%2d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour,
                  &t.tm_min, &t.tm_sec) != 6)
    return 0;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&t));
}

std::string rdfBytes(const ldns_rdf* rdf) {
  return {reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf)};
}

}  // namespace

uint16_t keyTag(std::string_view rdata) noexcept {
  uint32_t ac = 0;
  for (size_t i = 0; i < rdata.size(); ++i)
    ac += (i & 1) ? static_cast<uint8_t>(rdata[i]) : static_cast<uint32_t>(static_cast<uint8_t>(rdata[i])) << 8;
  ac += (ac >> 16) & 0xFFFF;
  return static_cast<uint16_t>(ac & 0xFFFF);
}

KeyPair::~KeyPair() { EVP_PKEY_free(key_); }

bool KeyPair::setPublic(uint16_t flags) {
  uint8_t pub[133];
  size_t len = 0;
  if (algorithm_ == algorithm::Ed25519) {
    len = 32;
    if (EVP_PKEY_get_raw_public_key(key_, pub, &len) != 1 || len != 32) return false;
  } else {
    // The point's X and Y, 32 bytes each (RFC 6605); the key may hold it compressed.
    uint8_t held[133];
    size_t heldLength = 0;
    if (EVP_PKEY_get_octet_string_param(key_, OSSL_PKEY_PARAM_PUB_KEY, held, sizeof held, &heldLength) != 1)
      return false;
    EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    EC_POINT* point = group ? EC_POINT_new(group) : nullptr;
    const bool ok = point && EC_POINT_oct2point(group, point, held, heldLength, nullptr) == 1 &&
                    EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, nullptr) == 65;
    EC_POINT_free(point);
    EC_GROUP_free(group);
    if (!ok) return false;
    len = 65;
  }
  flags_ = flags;
  dnskey_.clear();
  dnskey_ += static_cast<char>(flags >> 8);
  dnskey_ += static_cast<char>(flags & 0xFF);
  dnskey_ += static_cast<char>(3);
  dnskey_ += static_cast<char>(algorithm_);
  if (algorithm_ == algorithm::Ed25519) dnskey_.append(reinterpret_cast<char*>(pub), 32);
  else dnskey_.append(reinterpret_cast<char*>(pub) + 1, 64);
  tag_ = keyTag(dnskey_);
  return true;
}

std::unique_ptr<KeyPair> KeyPair::load(const std::string& path, std::string_view apexWire, std::string& error) {
  const std::string base = stripSuffix(path);
  File pub(std::fopen((base + ".key").c_str(), "r"));
  if (!pub) {
    error = base + ".key: cannot be read (" + std::strerror(errno) + ")";
    return nullptr;
  }
  File priv(std::fopen((base + ".private").c_str(), "r"));
  if (!priv) {
    error = base + ".private: cannot be read (" + std::strerror(errno) + ")";
    return nullptr;
  }
  std::string why;
  ldns_rr* dnskey = readDnskey(pub.get(), why);
  if (!dnskey) {
    error = base + ".key: " + why;
    return nullptr;
  }
  std::unique_ptr<ldns_rr, void (*)(ldns_rr*)> dnskeyHeld(dnskey, ldns_rr_free);
  const std::string owner = wire::lowercaseWire(rdfBytes(ldns_rr_owner(dnskey)));
  if (owner != apexWire) {
    error = base + ".key: the key is for " + wire::nameToText(owner) + ", not for the zone " + wire::nameToText(apexWire);
    return nullptr;
  }
  if (ldns_rr_rd_count(dnskey) != 4) {
    error = base + ".key: its DNSKEY record is malformed";
    return nullptr;
  }
  const std::string flagsBytes = rdfBytes(ldns_rr_rdf(dnskey, 0));
  const std::string algBytes = rdfBytes(ldns_rr_rdf(dnskey, 2));
  const std::string publicKey = rdfBytes(ldns_rr_rdf(dnskey, 3));
  const uint16_t flags = flagsBytes.size() == 2 ? static_cast<uint16_t>(uint8_t(flagsBytes[0]) << 8 | uint8_t(flagsBytes[1])) : 0;
  const uint8_t alg = algBytes.size() == 1 ? static_cast<uint8_t>(algBytes[0]) : 0;
  if (alg != algorithm::EcdsaP256Sha256 && alg != algorithm::Ed25519) {
    error = base + ".key: algorithm " + std::to_string(alg) +
            " is not supported (13, ECDSAP256SHA256, and 15, ED25519, are: e.g. ldns-keygen -a ECDSAP256SHA256 ZONE)";
    return nullptr;
  }
  if (!(flags & 0x0100)) {
    error = base + ".key: the DNSKEY's zone-key flag (256) is not set; it cannot sign a zone";
    return nullptr;
  }
  // The timing fields, read from the text first (ldns skips them).
  std::string privateText;
  for (int c; (c = std::fgetc(priv.get())) != EOF && privateText.size() < 64 * 1024;) privateText += static_cast<char>(c);
  privateText.insert(0, "\n");
  std::rewind(priv.get());
  ldns_key* privateKey = nullptr;
  int line = 1;
  const ldns_status s = ldns_key_new_frm_fp_l(&privateKey, priv.get(), &line);
  if (s != LDNS_STATUS_OK || !privateKey) {
    error = base + ".private:" + std::to_string(line) + ": " + ldns_get_errorstr_by_id(s);
    return nullptr;
  }
  std::unique_ptr<KeyPair> key(new KeyPair);
  key->algorithm_ = static_cast<uint8_t>(ldns_key_algorithm(privateKey));
  key->key_ = ldns_key_evp_key(privateKey);
  if (key->key_) EVP_PKEY_up_ref(key->key_);
  ldns_key_deep_free(privateKey);
  if (!key->key_ || key->algorithm_ != alg) {
    error = base + ".private: holds an algorithm " + std::to_string(key->algorithm_) + " key, but the .key file says " +
            std::to_string(alg);
    return nullptr;
  }
  if (!key->setPublic(flags) || key->dnskey_.substr(4) != publicKey) {
    error = base + ".key: its public key is not the one of " + base + ".private (files of two different keys?)";
    return nullptr;
  }
  key->file_ = base;
  key->publish_ = timing(privateText, "Publish");
  key->activate_ = timing(privateText, "Activate");
  key->inactive_ = timing(privateText, "Inactive");
  key->removed_ = timing(privateText, "Delete");
  int major = 0, minor = 0;
  if (const size_t at = privateText.find("\nPrivate-key-format: v"); at != std::string::npos)
    std::sscanf(privateText.c_str() + at + 22, "%d.%d", &major, &minor);
  key->timesExplicit_ = major > 1 || (major == 1 && minor >= 3);
  return key;
}

std::unique_ptr<KeyPair> KeyPair::generate(uint8_t alg, uint16_t flags, std::string_view) {
  std::unique_ptr<KeyPair> key(new KeyPair);
  key->algorithm_ = alg;
  key->key_ = alg == algorithm::Ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key->key_ || !key->setPublic(flags)) return nullptr;
  return key;
}

bool KeyPair::sign(const uint8_t* data, size_t size, uint8_t* out) const noexcept {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return false;
  bool ok = false;
  if (algorithm_ == algorithm::Ed25519) {
    size_t len = kSignatureSize;
    ok = EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
         EVP_DigestSign(ctx, out, &len, data, size) == 1 && len == kSignatureSize;
  } else {
    // OpenSSL gives ECDSA's (r, s) in DER; DNSSEC wants them as two 32-byte numbers.
    uint8_t der[80];
    size_t len = sizeof der;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_) == 1 &&
        EVP_DigestSign(ctx, der, &len, data, size) == 1) {
      const unsigned char* p = der;
      if (ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len))) {
        const BIGNUM* r = nullptr;
        const BIGNUM* s = nullptr;
        ECDSA_SIG_get0(sig, &r, &s);
        ok = BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
        ECDSA_SIG_free(sig);
      }
    }
  }
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace lodestar::dnssec
