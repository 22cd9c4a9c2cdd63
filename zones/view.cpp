// Longest-suffix zone selection.
#include "zones/view.hpp"

#include "zones/wire_name.hpp"

namespace lodestar::zones {

bool View::add(std::unique_ptr<Zone> zone) {
  if (byApex_.count(zone->apex())) return false;
  longestApex_ = std::max(longestApex_, zone->apex().size());
  byApex_.emplace(zone->apex(), zone.get());
  zones_.push_back(std::move(zone));
  return true;
}

const Zone* View::findZone(std::string_view name) const noexcept {
  // Skip the labels that make the name longer than any apex, then try each suffix.
  while (name.size() > longestApex_) name = parentName(name);
  for (;;) {
    auto it = byApex_.find(name);
    if (it != byApex_.end()) return it->second;
    if (name.size() <= 1) return nullptr;
    name = parentName(name);
  }
}

}  // namespace lodestar::zones
