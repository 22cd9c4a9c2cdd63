// Longest-suffix zone selection.
#include "zones/view.hpp"

#include <algorithm>
#include <atomic>

#include "dns/wire/name_text.hpp"
#include "zones/stats_slots.hpp"

namespace lodestar::zones {

bool View::add(std::shared_ptr<Zone> zone) {
  if (byApex_.contains(zone->apex(), zones_.data())) return false;
  longestApex_ = std::max(longestApex_, zone->apex().size());
  // A new zone may shadow names indexed before: drop the index until indexNames() again.
  names_ = {};
  hits_.clear();
  namesIndexed_ = false;
  if (!zone->numbered_) zone->statsSlot_ = static_cast<uint16_t>(std::min(zones_.size(), kZoneStatsSlots - 1));
  zones_.push_back(std::move(zone));
  byApex_.emplace(static_cast<uint32_t>(zones_.size() - 1), zones_.data());
  return true;
}

void View::setRegions(std::vector<Region> regions, std::shared_ptr<const AdminCells> admin) {
  regions_ = std::move(regions);
  admin_ = std::move(admin);
  numberZones();
}

void View::numberZones() {
  // A zone kept from an earlier view keeps its slots: that view may still be answering and
  // counting. The others take the first free ones, in file order; past the slots they share
  // the last (zones) or count nowhere by record (steered).
  const size_t overflow = kZoneStatsSlots - 1;
  std::vector<bool> zoneTaken(overflow);
  std::vector<bool> steeredTaken(kSteeredStatsSlots - 1);
  const size_t width = regions_.size();
  for (const auto& zone : zones_) {
    if (!zone->numbered_) continue;
    if (zone->statsSlot_ < overflow) zoneTaken[zone->statsSlot_] = true;
    for (const auto& record : zone->compiled_->steered)
      if (record->statsBlock != SteeredRecord::kNoStatsBlock)
        for (size_t i = 0; i < width; ++i) steeredTaken[record->statsBlock + i] = true;
  }
  size_t nextZone = 0, nextBlock = 0;
  for (const auto& zone : zones_) {
    if (zone->numbered_) continue;
    while (nextZone < overflow && zoneTaken[nextZone]) ++nextZone;
    zone->statsSlot_ = static_cast<uint16_t>(std::min(nextZone, overflow));
    if (nextZone < overflow) ++nextZone;
    for (const auto& record : zone->compiled_->steered) {
      // One counter per region of the view for each record, while they fit: a record's slot
      // is then a sum, never a search (the answer path adds the RegionId).
      auto freeAt = [&](size_t at) {
        for (size_t i = 0; i < width; ++i)
          if (steeredTaken[at + i]) return false;
        return true;
      };
      while (width > 0 && nextBlock + width <= steeredTaken.size() && !freeAt(nextBlock)) ++nextBlock;
      const bool fits = width > 0 && nextBlock + width <= steeredTaken.size();
      record->statsBlock = fits ? static_cast<uint32_t>(nextBlock) : SteeredRecord::kNoStatsBlock;
      if (fits) nextBlock += width;
    }
    zone->numbered_ = true;
  }
}

std::unique_ptr<View> View::make(std::vector<std::shared_ptr<Zone>> zones, Basis basis) {
  auto view = std::make_unique<View>();
  for (auto& zone : zones)
    if (!view->add(std::move(zone))) return nullptr;
  view->indexNames();
  view->setRegions(std::move(basis.regions), std::move(basis.admin));
  view->setDatabase(std::move(basis.db));
  if (basis.extendable) view->setReuse(std::move(basis.reuseInputs), std::move(basis.extendable), std::move(basis.policies));
  return view;
}

const Zone* View::findZone(std::string_view name) const noexcept {
  // Skip the labels that make the name longer than any apex, then try each suffix. The root
  // name is its own parent: stop there, or a view with no zones (longest apex 0) never ends.
  while (name.size() > longestApex_ && name.size() > 1) name = wire::parentName(name);
  for (;;) {
    if (const auto* zone = byApex_.find(name, zones_.data())) return zone->get();
    if (name.size() <= 1) return nullptr;
    name = wire::parentName(name);
  }
}

void View::indexNames() {
  hits_.clear();
  size_t nodes = 0;
  for (const auto& zone : zones_) nodes += zone->nodeCount();
  hits_.reserve(nodes);
  // A zone's name is the view's for that zone unless a zone below it, served here too, holds
  // it: only a zone with one below looks each name up (a million names, a fifth of the load).
  std::vector<bool> holdsAnother(zones_.size());
  for (const auto& zone : zones_) {
    for (std::string_view p = zone->apex(); p.size() > 1;) {
      p = wire::parentName(p);
      if (const auto* above = byApex_.find(p, zones_.data())) holdsAnother[static_cast<size_t>(above - zones_.data())] = true;
    }
  }
  for (size_t z = 0; z < zones_.size(); ++z) {
    const Zone* zone = zones_[z].get();
    zone->forEachNode([&](const Node& n) {
      if (!holdsAnother[z] || findZone(n.name) == zone) hits_.push_back({zone, &n});
    });
  }
  names_ = {};
  names_.reserve(hits_.size(), hits_.data());
  for (size_t i = 0; i < hits_.size(); ++i) names_.emplace(static_cast<uint32_t>(i), hits_.data());
  namesIndexed_ = true;
}

uint64_t View::nextSerial() noexcept {
  static std::atomic<uint64_t> last{0};  // views are made on the loader's and the control thread
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace lodestar::zones
