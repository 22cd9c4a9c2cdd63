// `dnstap:` in the main configuration: where the query log goes and what it holds.
#include <sys/un.h>
#include <unistd.h>

#include "dns/config/server_config.hpp"

namespace lodestar::config {

std::optional<DnstapConfig> readDnstapConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath) {
  DnstapConfig c;
  const size_t errors = yaml.diags().errors().size();
  if (!yaml.expectMap(node, "dnstap", {"file", "socket", "identity", "queries", "responses", "queue"})) return std::nullopt;
  if (const auto f = node["file"])
    if (auto s = yaml.string(f, "dnstap.file")) c.file = resolvePath(configPath, *s);
  if (const auto u = node["socket"]) {
    if (auto s = yaml.string(u, "dnstap.socket")) {
      c.socket = resolvePath(configPath, *s);
      if (c.socket.size() >= sizeof(sockaddr_un{}.sun_path))
        yaml.error(u, "dnstap.socket", "'" + c.socket + "' is longer than a Unix socket path may be (" +
                                           std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes)");
    }
  }
  if (node["file"] && node["socket"]) yaml.error(node, "dnstap", "'file' or 'socket', not both");
  if (!node["file"] && !node["socket"]) yaml.error(node, "dnstap", "'file' or 'socket' is needed: where the log goes");
  if (const auto i = node["identity"]) {
    if (auto s = yaml.string(i, "dnstap.identity")) c.identity = *s;
  } else {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) c.identity = host;
  }
  if (const auto q = node["queries"])
    if (auto b = yaml.boolean(q, "dnstap.queries")) c.queries = *b;
  if (const auto r = node["responses"])
    if (auto b = yaml.boolean(r, "dnstap.responses")) c.responses = *b;
  if (!c.queries && !c.responses) yaml.error(node, "dnstap", "'queries' and 'responses' are both off: nothing to log");
  if (const auto n = node["queue"])
    if (auto v = yaml.integer(n, "dnstap.queue", 64, 1u << 20)) c.queue = static_cast<unsigned>(*v);
  if (yaml.diags().errors().size() != errors) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
