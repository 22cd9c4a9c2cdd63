#include "dns/server/rate_limit_settings.hpp"

namespace lodestar::server {

rrl::RateSettings rateSettingsFor(const config::RateLimitConfig& config, unsigned workers) {
  const uint32_t n = workers ? workers : 1;
  auto share = [n](uint32_t rate) { return rate ? (rate + n - 1) / n : 0; };
  rrl::RateSettings s;
  s.perSecond[static_cast<size_t>(rrl::RateClass::Responses)] = share(config.responsesPerSecond);
  s.perSecond[static_cast<size_t>(rrl::RateClass::NxDomains)] = share(config.nxdomainsPerSecond);
  s.perSecond[static_cast<size_t>(rrl::RateClass::Referrals)] = share(config.referralsPerSecond);
  s.perSecond[static_cast<size_t>(rrl::RateClass::Errors)] = share(config.errorsPerSecond);
  s.slip = config.slip;
  s.prefixV4 = config.prefixV4;
  s.prefixV6 = config.prefixV6;
  s.tableEntries = config.tableSize;
  s.exempt = config.exempt;
  return s;
}

}  // namespace lodestar::server
