// `cookies:` in the main configuration: DNS cookies on or off, the secrets' file, how often
// the secret rotates, and whether UDP queries must bring a valid server cookie.
#include "dns/config/server_config.hpp"

namespace lodestar::config {

std::optional<CookieConfig> readCookieConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath,
                                             const std::string& stateDir) {
  CookieConfig c;
  const size_t errors = yaml.diags().errors().size();
  if (!yaml.expectMap(node, "cookies", {"enabled", "secret_file", "rotate_every", "require"})) return std::nullopt;
  if (const auto n = node["enabled"])
    if (auto v = yaml.boolean(n, "cookies.enabled")) c.enabled = *v;
  if (const auto n = node["secret_file"]) {
    if (auto v = yaml.string(n, "cookies.secret_file")) c.secretFile = resolvePath(configPath, *v);
  } else if (!stateDir.empty()) {
    c.secretFile = stateDir + "/cookie-secrets";
  }
  if (const auto n = node["rotate_every"]) {
    // A server cookie lives an hour (RFC 9018 4.3): a secret must stay accepted that long, and
    // the previous one is kept until the next rotation, so an hour apart at least.
    if (auto v = yaml.seconds(n, "cookies.rotate_every", 0, 366 * 86400ull)) {
      if (*v && *v < 3600) yaml.error(n, "cookies.rotate_every", "at least 1h (a server cookie is valid for an hour), or 0: never");
      else c.rotateEvery = std::chrono::seconds(*v);
    }
  }
  if (const auto n = node["require"])
    if (auto v = yaml.boolean(n, "cookies.require")) c.require = *v;
  if (yaml.diags().errors().size() != errors) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
