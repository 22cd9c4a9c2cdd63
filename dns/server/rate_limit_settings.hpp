// `rate_limit:` as each answering thread's limiter takes it: the rates are over all workers,
// and a client's queries spread over them (the kernel picks a worker's socket by the
// query's addresses and ports, and resolvers pick a new source port for every query), so
// each thread holds its share.
#pragma once

#include "dns/config/server_config.hpp"
#include "dns/rrl/rate_limiter.hpp"

namespace lodestar::server {

/// One thread's settings when `workers` threads answer UDP on each address: each rate
/// divided among them (rounded up: never 0 for a class that is limited).
rrl::RateSettings rateSettingsFor(const config::RateLimitConfig& config, unsigned workers);

}  // namespace lodestar::server
