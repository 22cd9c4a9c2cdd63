// A signing key as operators keep it: a BIND key pair (K<zone>.+<alg>+<tag>.key and .private,
// from dnssec-keygen or ldns-keygen), read through ldns into OpenSSL's key.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace lodestar::dnssec {

namespace algorithm {
inline constexpr uint8_t EcdsaP256Sha256 = 13, Ed25519 = 15;
}

/// One key, ready to sign: its DNSKEY (flags, algorithm, public key) and the private half.
class KeyPair {
 public:
  ~KeyPair();
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;

  /// Reads `path` (with or without .key / .private) for the zone `apexWire` (lowercase wire).
  /// Null with `error` set when a file is missing or unreadable, the algorithm is neither 13 nor
  /// 15, the DNSKEY is for another zone, or the public key is not the private key's.
  static std::unique_ptr<KeyPair> load(const std::string& path, std::string_view apexWire, std::string& error);
  /// A key made in memory (tests, the benchmark's cold cost): a new key of `alg`.
  static std::unique_ptr<KeyPair> generate(uint8_t alg, uint16_t flags, std::string_view apexWire);

  uint8_t algorithm() const noexcept { return algorithm_; }
  uint16_t flags() const noexcept { return flags_; }
  uint16_t tag() const noexcept { return tag_; }
  /// The SEP bit (257): a key-signing key, which signs the DNSKEY set and is in the parent's DS.
  bool isKsk() const noexcept { return flags_ & 1; }
  /// The DNSKEY RDATA: flags, protocol 3, algorithm, public key.
  const std::string& dnskey() const noexcept { return dnskey_; }
  /// The signature size of its algorithm (64 for both).
  static constexpr size_t kSignatureSize = 64;
  /// Signs `data`; writes kSignatureSize bytes at `out`. False when OpenSSL fails.
  bool sign(const uint8_t* data, size_t size, uint8_t* out) const noexcept;
  /// Where it was read from (empty for a generated key).
  const std::string& file() const noexcept { return file_; }
  /// The timing metadata dnssec-keygen writes into the .private file (seconds since the
  /// epoch; 0 when the file has none): when it is published, signs, stops signing, goes.
  int64_t publish() const noexcept { return publish_; }
  int64_t activate() const noexcept { return activate_; }
  int64_t inactive() const noexcept { return inactive_; }
  int64_t removed() const noexcept { return removed_; }
  /// The file is BIND's format 1.3 or later, which always writes the times that apply: there a
  /// missing Publish or Activate means never (dnssec-keygen -P none -A none, a stand-by key),
  /// where an older file (ldns-keygen's 1.2) has no times at all and the key is always on.
  bool timesAreExplicit() const noexcept { return timesExplicit_; }

 private:
  KeyPair() = default;
  bool setPublic(uint16_t flags);  // from the private key: dnskey_ and tag_
  EVP_PKEY* key_ = nullptr;
  uint8_t algorithm_ = 0;
  uint16_t flags_ = 0;
  uint16_t tag_ = 0;
  std::string dnskey_;
  std::string file_;
  int64_t publish_ = 0, activate_ = 0, inactive_ = 0, removed_ = 0;
  bool timesExplicit_ = false;
};

/// RFC 4034 appendix B: the key tag of a DNSKEY RDATA.
uint16_t keyTag(std::string_view dnskeyRdata) noexcept;

}  // namespace lodestar::dnssec
