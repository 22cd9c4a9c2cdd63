// Crediting per-RegionId counts to region names, view by view.
#include "dns/server/region_tally.hpp"

namespace lodestar::server {

namespace {

// The counts since `base`, by the names of the view they were counted under, added to `into`.
void credit(const RegionCounts& now, const RegionCounts& base, const std::vector<std::string>& names,
            std::map<std::string, uint64_t>& into) {
  const size_t overflow = now.size() - 1;
  for (size_t i = 0; i < now.size(); ++i) {
    const uint64_t since = now[i] - base[i];
    if (since == 0) continue;
    // The last slot holds every id from `overflow` on: never one region's count.
    into[i < overflow && i < names.size() ? names[i] : kOtherRegions] += since;
  }
}

}  // namespace

void RegionTally::rebase(const RegionCounts& now, const std::vector<std::string>& names) {
  credit(now, base_, names, carried_);
  base_ = now;
}

std::map<std::string, uint64_t> RegionTally::byName(const RegionCounts& now, const std::vector<std::string>& names) const {
  std::map<std::string, uint64_t> out = carried_;
  credit(now, base_, names, out);
  return out;
}

}  // namespace lodestar::server
