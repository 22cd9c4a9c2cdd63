// Per-minute buckets in a ring of one day; a bucket from an older day is reset on reuse.
#include "dns/server/availability.hpp"

namespace lodestar::server {

void Availability::sample(const zones::View& view, int64_t now) {
  struct Seen {
    bool usable = false, drained = false;
  };
  std::map<std::pair<std::string, std::string>, Seen> seen;
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    auto& s = seen[{view.regions()[at.region].name, at.pool.name}];
    const bool drained = at.members.drained();
    s.usable = s.usable || (!drained && at.health().up);
    s.drained = s.drained || drained;
  });
  const int64_t minute = now / 60;
  for (const auto& [key, s] : seen) {
    Minute& b = buckets_[key][static_cast<size_t>(minute % kMinutes)];
    if (b.minute != minute) b = {minute, 0, 0, 0};
    if (b.sampled < 255) {
      ++b.sampled;
      b.usable += s.usable;
      // Down because an operator drained the region (or a window did): planned, not an outage.
      b.planned += !s.usable && s.drained;
    }
  }
}

std::optional<Availability::Share> Availability::of(const std::string& region, const std::string& pool,
                                                     int64_t now) const {
  auto it = buckets_.find({region, pool});
  if (it == buckets_.end()) return std::nullopt;
  const int64_t minute = now / 60;
  struct Sum {
    uint64_t up = 0, planned = 0, all = 0;
  } hour, day;
  for (const Minute& b : it->second) {
    if (b.minute < 0 || b.minute > minute || minute - b.minute >= kMinutes) continue;
    for (Sum* sum : {&day, minute - b.minute < 60 ? &hour : nullptr}) {
      if (!sum) continue;
      sum->up += b.usable;
      sum->planned += b.planned;
      sum->all += b.sampled;
    }
  }
  if (!day.all) return std::nullopt;
  if (!hour.all) hour = day;
  auto percent = [](uint64_t part, uint64_t all) { return 100.0 * double(part) / double(all); };
  Share s;
  s.lastDay = percent(day.up, day.all);
  s.lastHour = percent(hour.up, hour.all);
  s.plannedLastDay = percent(day.planned, day.all);
  s.plannedLastHour = percent(hour.planned, hour.all);
  s.unplannedLastDay = percent(day.all - day.up - day.planned, day.all);
  s.unplannedLastHour = percent(hour.all - hour.up - hour.planned, hour.all);
  s.sampledSeconds = day.all;
  return s;
}

}  // namespace lodestar::server
