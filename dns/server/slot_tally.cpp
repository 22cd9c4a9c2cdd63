// Crediting per-slot counts to names, view by view.
#include "dns/server/slot_tally.hpp"

#include "dns/wire/name_text.hpp"

namespace lodestar::server {

// The counts since the last rebase, by the names of the view they were counted under, added
// to `into`.
void SlotTally::credit(std::span<const uint64_t> now, const std::vector<std::string>& names,
                       std::map<std::string, uint64_t>& into) const {
  if (now.empty()) return;
  const size_t overflow = now.size() - 1;
  for (size_t i = 0; i < now.size(); ++i) {
    const uint64_t since = now[i] - (i < base_.size() ? base_[i] : 0);
    if (since == 0) continue;
    // The last slot holds every id from `overflow` on: never one name's count.
    const bool named = i < overflow && i < names.size() && !names[i].empty();
    into[named ? names[i] : overflow_] += since;
  }
}

void SlotTally::rebase(std::span<const uint64_t> now, const std::vector<std::string>& names) {
  credit(now, names, carried_);
  base_.assign(now.begin(), now.end());
}

std::map<std::string, uint64_t> SlotTally::byName(std::span<const uint64_t> now,
                                                  const std::vector<std::string>& names) const {
  std::map<std::string, uint64_t> out = carried_;
  credit(now, names, out);
  return out;
}

std::string steeredKey(const std::string& record, const std::string& region) {
  return record + '\0' + region;  // a record's name is text with escapes: never a NUL
}

std::pair<std::string, std::string> splitSteeredKey(const std::string& key) {
  const size_t at = key.find('\0');
  if (at == std::string::npos) return {key, ""};
  return {key.substr(0, at), key.substr(at + 1)};
}

SlotNames slotNames(const zones::View& view) {
  SlotNames out;
  for (const auto& r : view.regions()) out.regions.push_back(r.name);
  for (const auto& zone : view.zones()) {
    if (zone->statsSlot() >= out.zones.size()) out.zones.resize(zone->statsSlot() + 1);
    out.zones[zone->statsSlot()] = wire::nameToText(zone->apex());
    for (const auto& record : zone->steered()) {
      if (record->statsBlock == zones::SteeredRecord::kNoStatsBlock) continue;
      for (zones::RegionId r : record->pool->regions) {
        const size_t slot = record->statsBlock + r;
        if (slot >= out.steered.size()) out.steered.resize(slot + 1);
        out.steered[slot] = steeredKey(record->name, view.regions()[r].name);
      }
    }
  }
  return out;
}

}  // namespace lodestar::server
