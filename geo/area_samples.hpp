// Client addresses from every area of a geo database, for the failover drill: it asks the
// answer path what each area's clients get before and while a region is down.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "geo/database.hpp"

namespace lodestar::geo {

/// One country the database names, with some of its networks' addresses.
struct AreaSample {
  std::string country;    // "DE"
  std::string continent;  // "EU"
  std::vector<wire::Address> addresses;  // one per network, in address order
  size_t networks = 0;                   // how many networks the database gives it
};

struct AreaSampling {
  std::vector<AreaSample> areas;  // by country code
  bool complete = true;           // false: the walk stopped at its node budget (or a corrupt node)
};

/// Up to `perArea` addresses of every country the database names: the first address of each
/// of its first networks, IPv4 then IPv6 (the IPv4 block inside IPv6 walked once). At most
/// `maxNodes` search nodes are read, so a huge or damaged file costs bounded time.
AreaSampling sampleAreas(const Database& db, size_t perArea, size_t maxNodes = size_t(1) << 22);

}  // namespace lodestar::geo
