// The CSV that lodestar-geodb builds databases from: a header row naming the columns
// network,continent,country,subdivision,latitude,longitude[,asn]; empty cells allowed.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "geo/geo_facts.hpp"

namespace lodestar::geo {

struct CsvNetwork {
  wire::Prefix network;
  GeoFacts facts;
};

/// Reads `path`; on failure returns false and fills `errors` with "file:line:column: ..."
/// lines (every bad row, not just the first).
bool readNetworkCsv(const std::string& path, std::vector<CsvNetwork>& out, std::vector<std::string>& errors);
/// The same from a stream (`path` names it in the errors).
bool readNetworkCsv(const std::string& path, std::istream& in, std::vector<CsvNetwork>& out,
                    std::vector<std::string>& errors);

}  // namespace lodestar::geo
