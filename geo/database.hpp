// A MaxMind DB file (GeoIP2/GeoLite2 City or Country shape, DB-IP lite), memory-mapped
// through libmaxminddb: point lookups for explain and tests, and a walk of the search tree
// for compiling decision trees.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "dns/wire/address.hpp"
#include "dns/wire/content_digest.hpp"
#include "geo/geo_facts.hpp"

struct MMDB_s;

namespace lodestar::geo {

class Database {
 public:
  /// Opens and checks `path`; null with `error` set when it is missing, truncated or not a
  /// MaxMind DB.
  static std::unique_ptr<Database> open(const std::string& path, std::string& error);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  struct Lookup {
    bool found = false;
    GeoFacts facts;
    unsigned prefixLength = 0;  // of the network that matched, in the address's own family
  };
  /// The libmaxminddb lookup path (not the hot path).
  Lookup lookup(const wire::Address& address) const;

  /// One record of the search tree, as the compiler walks it.
  struct Record {
    enum class Kind { Node, Data, Empty } kind = Kind::Empty;
    uint32_t value = 0;  // node number, or data-section offset
  };
  /// The root record of the IPv4 (32-bit) or IPv6 (128-bit) tree.
  Record root(wire::Family family) const;
  /// The two children of a node record; false when the file is corrupt there.
  bool children(uint32_t node, Record& left, Record& right) const;
  /// The facts of a data record (decoded once, then cached); nullopt when corrupt.
  const GeoFacts* facts(uint32_t dataOffset) const;

  const std::string& path() const noexcept { return path_; }
  std::string description() const;
  uint32_t nodeCount() const noexcept;
  /// A digest of the file's bytes as loaded (to compare with other nodes).
  const std::string& digest() const noexcept { return digest_; }

 private:
  Database() = default;
  std::unique_ptr<MMDB_s> mmdb_;
  std::string path_;
  std::string digest_;
  Record ipv4Root_;
  mutable std::unordered_map<uint32_t, GeoFacts> factsCache_;
};

}  // namespace lodestar::geo
