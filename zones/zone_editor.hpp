// What may change in a built zone before any view answers from it: sets added to its nodes
// (DNSSEC's keys and signatures, made above the zone compiler) and the keys that made them.
// A zone in a published view is never edited.
#pragma once

#include <memory>
#include <span>

#include "zones/zone.hpp"

namespace lodestar::zones {

class ZoneEditor {
 public:
  explicit ZoneEditor(Zone& zone) noexcept : zone_(zone) {}
  const Zone& zone() const noexcept { return zone_; }
  Arena& arena() noexcept { return zone_.arena_; }
  /// `node` (of this zone) holds its sets, then `added` (kept in the zone's arena).
  void append(const Node& node, std::span<const RRset> added);
  /// The zone is signed with `keys`; its static signatures are due again at `resignAt`.
  void setKeys(std::shared_ptr<const ZoneKeys> keys, uint32_t resignAt) noexcept {
    zone_.keys_ = std::move(keys);
    zone_.resignAt_ = resignAt;
  }

 private:
  Zone& zone_;
};

}  // namespace lodestar::zones
