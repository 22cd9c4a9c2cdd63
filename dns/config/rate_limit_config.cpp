// `rate_limit:` in the main configuration: response rate limiting's rates, slip, prefixes,
// table size and exempt networks.
#include "dns/config/server_config.hpp"

namespace lodestar::config {

std::optional<RateLimitConfig> readRateLimitConfig(yaml::YamlReader& yaml, const yaml::Node& node) {
  RateLimitConfig c;
  const size_t errors = yaml.diags().errors().size();
  if (!yaml.expectMap(node, "rate_limit", {"responses_per_second", "nxdomains_per_second", "referrals_per_second",
                                            "errors_per_second", "slip", "prefix_v4", "prefix_v6", "table_size", "exempt"}))
    return std::nullopt;
  // 0 leaves a class unlimited; a million a second from one prefix is no limit either.
  auto rate = [&](const char* key, uint32_t& out) {
    if (const auto n = node[key])
      if (auto v = yaml.integer(n, std::string("rate_limit.") + key, 0, 1'000'000)) out = static_cast<uint32_t>(*v);
  };
  rate("responses_per_second", c.responsesPerSecond);
  c.nxdomainsPerSecond = c.referralsPerSecond = c.errorsPerSecond = c.responsesPerSecond;
  rate("nxdomains_per_second", c.nxdomainsPerSecond);
  rate("referrals_per_second", c.referralsPerSecond);
  rate("errors_per_second", c.errorsPerSecond);
  if (const auto n = node["slip"])
    if (auto v = yaml.integer(n, "rate_limit.slip", 0, 10)) c.slip = static_cast<uint32_t>(*v);
  if (const auto n = node["prefix_v4"])
    if (auto v = yaml.integer(n, "rate_limit.prefix_v4", 8, 32)) c.prefixV4 = static_cast<uint8_t>(*v);
  if (const auto n = node["prefix_v6"])
    if (auto v = yaml.integer(n, "rate_limit.prefix_v6", 16, 128)) c.prefixV6 = static_cast<uint8_t>(*v);
  if (const auto n = node["table_size"])
    if (auto v = yaml.integer(n, "rate_limit.table_size", 1024, 1u << 24)) c.tableSize = static_cast<uint32_t>(*v);
  if (const auto n = node["exempt"]) {
    if (auto list = yaml.stringList(n, "rate_limit.exempt")) {
      if (list->size() > 64) yaml.error(n, "rate_limit.exempt", "at most 64 networks (each answer checks them all)");
      for (const std::string& text : *list) {
        if (auto p = wire::Prefix::parse(text)) c.exempt.push_back(*p);
        else yaml.error(n, "rate_limit.exempt", "'" + text + "' is not a network such as 192.0.2.0/24 or 2001:db8::/32");
      }
    }
  }
  if (yaml.diags().errors().size() != errors) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
