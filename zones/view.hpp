// The view: every zone the server answers for, immutable once published.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zones/zone.hpp"

namespace lodestar::zones {

class View {
 public:
  /// Adds a zone; false when a zone with the same apex is already present.
  bool add(std::unique_ptr<Zone> zone);

  /// The zone whose apex is the longest suffix of `lowerName` (lowercase wire); null when
  /// the name is in no zone of ours.
  const Zone* findZone(std::string_view lowerName) const noexcept;

  const std::vector<std::unique_ptr<Zone>>& zones() const noexcept { return zones_; }

 private:
  std::vector<std::unique_ptr<Zone>> zones_;
  std::unordered_map<std::string_view, const Zone*> byApex_;
  size_t longestApex_ = 0;
};

}  // namespace lodestar::zones
