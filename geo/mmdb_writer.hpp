// Writes City-shaped MaxMind DB files (format 2.0) that libmaxminddb and mmdblookup read.
#pragma once

#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "geo/geo_facts.hpp"

namespace lodestar::geo {

class MmdbWriter {
 public:
  /// Adds a network. A more specific network wins over a wider one whatever the order;
  /// IPv4 networks live at ::/96, as in MaxMind's own IPv6 databases.
  void insert(const wire::Prefix& network, const GeoFacts& facts);

  /// The complete file. `databaseType` lands in the metadata (e.g. "Lodestar-City").
  std::string serialize(const std::string& databaseType, const std::string& description) const;

  size_t networkCount() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    wire::Prefix network;
    size_t data;  // index into data_
  };
  std::vector<Entry> entries_;
  std::vector<GeoFacts> data_;
};

}  // namespace lodestar::geo
