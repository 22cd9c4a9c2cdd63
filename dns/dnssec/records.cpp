#include "dns/dnssec/records.hpp"

#include <openssl/evp.h>

#include <cstring>

#include "dns/wire/name_text.hpp"

namespace lodestar::dnssec {

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string dsRdata(std::string_view apex, const KeyPair& key) {
  std::string data(apex);
  data += key.dnskey();
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  out += static_cast<char>(key.tag() >> 8);
  out += static_cast<char>(key.tag() & 0xFF);
  out += static_cast<char>(key.algorithm());
  out += static_cast<char>(2);
  out.append(reinterpret_cast<char*>(digest), len);
  return out;
}

std::string dsText(std::string_view apex, const KeyPair& key, uint32_t ttl) {
  const std::string rd = dsRdata(apex, key);
  return wire::nameToText(apex) + " " + std::to_string(ttl) + " IN DS " + std::to_string(key.tag()) + " " +
         std::to_string(key.algorithm()) + " 2 " + hex(std::string_view(rd).substr(4));
}

std::string dnskeyText(std::string_view apex, const KeyPair& key, uint32_t ttl) {
  return wire::nameToText(apex) + " " + std::to_string(ttl) + " IN DNSKEY " + std::to_string(key.flags()) + " 3 " +
         std::to_string(key.algorithm()) + " " + base64(std::string_view(key.dnskey()).substr(4));
}

size_t writeNsecRdata(std::string_view next, std::span<const uint16_t> types, uint8_t* out) noexcept {
  std::memcpy(out, next.data(), next.size());
  size_t at = next.size();
  size_t i = 0;
  while (i < types.size()) {
    const uint8_t window = static_cast<uint8_t>(types[i] >> 8);
    uint8_t bits[32] = {};
    uint8_t length = 0;
    for (; i < types.size() && (types[i] >> 8) == window; ++i) {
      const uint8_t low = static_cast<uint8_t>(types[i] & 0xFF);
      bits[low / 8] |= static_cast<uint8_t>(0x80 >> (low % 8));
      length = static_cast<uint8_t>(low / 8 + 1);
    }
    out[at++] = window;
    out[at++] = length;
    std::memcpy(out + at, bits, length);
    at += length;
  }
  return at;
}

}  // namespace lodestar::dnssec
