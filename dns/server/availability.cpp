// Per-minute buckets in a ring of one day; a bucket from an older day is reset on reuse.
#include "dns/server/availability.hpp"

namespace lodestar::server {

void Availability::sample(const zones::View& view, int64_t now) {
  std::map<std::pair<std::string, std::string>, bool> usable;
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    auto& u = usable[{view.regions()[at.region].name, at.pool.name}];
    u = u || (!at.members.drained() && at.health().up);
  });
  const int64_t minute = now / 60;
  for (const auto& [key, isUsable] : usable) {
    Minute& b = buckets_[key][static_cast<size_t>(minute % kMinutes)];
    if (b.minute != minute) b = {minute, 0, 0};
    if (b.sampled < 255) {
      ++b.sampled;
      b.usable += isUsable;
    }
  }
}

std::optional<Availability::Share> Availability::of(const std::string& region, const std::string& pool,
                                                     int64_t now) const {
  auto it = buckets_.find({region, pool});
  if (it == buckets_.end()) return std::nullopt;
  const int64_t minute = now / 60;
  uint64_t hourUp = 0, hourAll = 0, dayUp = 0, dayAll = 0;
  for (const Minute& b : it->second) {
    if (b.minute < 0 || b.minute > minute || minute - b.minute >= kMinutes) continue;
    dayUp += b.usable;
    dayAll += b.sampled;
    if (minute - b.minute < 60) {
      hourUp += b.usable;
      hourAll += b.sampled;
    }
  }
  if (!dayAll) return std::nullopt;
  Share s;
  s.lastDay = 100.0 * double(dayUp) / double(dayAll);
  s.lastHour = hourAll ? 100.0 * double(hourUp) / double(hourAll) : s.lastDay;
  s.sampledSeconds = dayAll;
  return s;
}

}  // namespace lodestar::server
