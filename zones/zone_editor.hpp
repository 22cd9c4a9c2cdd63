// What may change in a built zone before any view answers from it: sets added to its nodes
// (DNSSEC's keys and signatures, made above the zone compiler) and the keys that made them;
// and the copy of a signed zone without what signing added, to be signed again in place.
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
  /// Where added sets keep their bytes: the zone's own arena (a copy signed again has its own).
  Arena& arena() noexcept { return zone_.arena_; }
  /// `node` (of this zone) holds its sets, then `added` (kept in the zone's arena).
  void append(const Node& node, std::span<const RRset> added);
  /// The zone is signed with `keys`; its static signatures are due again at `resignAt`.
  void setKeys(std::shared_ptr<const ZoneKeys> keys, uint32_t resignAt) noexcept {
    zone_.keys_ = std::move(keys);
    zone_.resignAt_ = resignAt;
  }

  /// A zone of `from`'s compiled data (shared, not copied: names, records, pools, steered
  /// records, origin, policy, serial, counter slots) holding, of `from`'s sets, those whose type
  /// `addedBySigning` does not name: what the operator wrote, unsigned, to be signed again.
  /// Until detach(), some of its nodes may still read sets in `from`'s memory: `from` must live.
  /// The copy is never in a view before it is signed and detached.
  static std::unique_ptr<Zone> copyUnsigned(const Zone& from, bool (*addedBySigning)(uint16_t type));
  /// After signing a copy: the nodes signing left alone get their sets into this zone's own
  /// memory, so that the zone it was copied from may be freed.
  void detach();

 private:
  Zone& zone_;
};

}  // namespace lodestar::zones
