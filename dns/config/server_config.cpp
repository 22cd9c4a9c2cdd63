// Main config loading: unknown keys are errors; paths resolve against the file's folder.
#include "dns/config/server_config.hpp"

#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "zones/yaml/yaml_support.hpp"

namespace lodestar::config {

std::string resolvePath(const std::string& configPath, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  auto slash = configPath.rfind('/');
  return slash == std::string::npos ? p : configPath.substr(0, slash + 1) + p;
}

std::optional<ListenAddress> parseListenAddress(const std::string& text) {
  ListenAddress out;
  out.text = text;
  std::string host = text;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::nullopt;
      port = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto addr = wire::Address::parse(host);
  if (!addr) return std::nullopt;
  out.address = *addr;
  if (!port.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p > 65535) return std::nullopt;
    out.port = static_cast<uint16_t>(p);
  }
  return out;
}

std::optional<ServerConfig> loadServerConfig(const std::string& path, yaml::Diagnostics& diags) {
  yaml::YamlReader yaml(path, diags);
  return readServerConfig(yaml, yaml.load());
}

std::optional<ServerConfig> readServerConfig(yaml::YamlReader& yaml, const yaml::Node& root) {
  const std::string& path = yaml.file();
  yaml::Diagnostics& diags = yaml.diags();
  if (!root.isDefined()) return std::nullopt;
  if (!yaml.expectMap(root, "", {"listen", "workers", "zones", "geo", "state_dir", "control_socket", "udp", "tcp", "hooks",
                                "cluster", "xdp", "http", "log", "dnstap", "rate_limit", "cookies"}))
    return std::nullopt;
  ServerConfig c;
  c.path = path;

  if (!root["listen"]) {
    yaml.error(root, "", "missing key 'listen' (addresses such as 127.0.0.1:53 and [::1]:53)");
  } else if (auto list = yaml.stringList(root["listen"], "listen")) {
    if (list->empty())
      yaml.error(root["listen"], "listen", "at least one address is needed (a server listening nowhere answers nothing)");
    for (const auto& text : *list) {
      auto a = parseListenAddress(text);
      bool twice = a && a->port != 0 && std::any_of(c.listen.begin(), c.listen.end(), [&](const ListenAddress& l) {
        return l.port == a->port && l.address == a->address;
      });
      if (twice) yaml.error(root["listen"], "listen", "'" + text + "' is listed twice");
      else if (a) c.listen.push_back(*a);
      else yaml.error(root["listen"], "listen", "'" + text + "' is not an address[:port] such as 127.0.0.1:53 or [::1]:53");
    }
  }
  if (root["workers"]) {
    if (root["workers"].isScalar() && root["workers"].scalar() == "auto") c.workers = 0;
    else if (auto n = yaml.integer(root["workers"], "workers", 1, 256)) c.workers = static_cast<unsigned>(*n);
  }
  if (!root["zones"]) {
    yaml.error(root, "", "missing key 'zones' (zone policy files or directories)");
  } else if (auto list = yaml.stringList(root["zones"], "zones")) {
    for (const auto& z : *list) c.zonePaths.push_back(resolvePath(path, z));
  }
  if (const auto geo = root["geo"]) {
    if (yaml.expectMap(geo, "geo", {"database"}) && geo["database"]) {
      if (auto s = yaml.string(geo["database"], "geo.database")) {
        c.geoDatabase = resolvePath(path, *s);
        c.geoDatabaseWhere = yaml.at(geo["database"]);
      }
    }
  }
  if (root["state_dir"]) {
    if (auto s = yaml.string(root["state_dir"], "state_dir")) {
      c.stateDir = resolvePath(path, *s);
      struct stat st {};
      if (stat(c.stateDir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
        yaml.error(root["state_dir"], "state_dir", "'" + c.stateDir + "' exists and is not a folder");
    }
  }
  if (root["control_socket"]) {
    if (auto s = yaml.string(root["control_socket"], "control_socket")) {
      c.controlSocket = resolvePath(path, *s);
      if (c.controlSocket.size() >= sizeof(sockaddr_un::sun_path))
        yaml.error(root["control_socket"], "control_socket",
                   "the path '" + c.controlSocket + "' is " + std::to_string(c.controlSocket.size()) +
                       " bytes; a Unix socket path holds at most " + std::to_string(sizeof(sockaddr_un::sun_path) - 1));
      // The daemon replaces a socket left behind, never anything else.
      struct stat st {};
      if (lstat(c.controlSocket.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
        yaml.error(root["control_socket"], "control_socket",
                   "'" + c.controlSocket + "' exists and is not a socket; the daemon would have to remove it");
    }
  }
  if (const auto udp = root["udp"]) {
    if (yaml.expectMap(udp, "udp", {"max_payload", "coalesce_max_us"})) {
      if (udp["max_payload"]) {
        if (auto n = yaml.integer(udp["max_payload"], "udp.max_payload", 512, 4096))
          c.udpMaxPayload = static_cast<uint16_t>(*n);
      }
      if (udp["coalesce_max_us"]) {
        if (auto n = yaml.integer(udp["coalesce_max_us"], "udp.coalesce_max_us", 0, 1000))
          c.udpCoalesceMax = std::chrono::microseconds(*n);
      }
    }
  }
  if (const auto tcp = root["tcp"]) {
    if (yaml.expectMap(tcp, "tcp", {"max_connections", "idle_timeout", "message_timeout", "max_per_prefix", "prefix_v4",
                                    "prefix_v6"})) {
      if (tcp["max_connections"]) {
        if (auto n = yaml.integer(tcp["max_connections"], "tcp.max_connections", 1, 1'000'000))
          c.tcpMaxConnections = static_cast<unsigned>(*n);
      }
      if (tcp["idle_timeout"]) {
        if (auto d = yaml.duration(tcp["idle_timeout"], "tcp.idle_timeout")) c.tcpIdleTimeout = *d;
      }
      if (tcp["message_timeout"]) {
        if (auto d = yaml.duration(tcp["message_timeout"], "tcp.message_timeout")) {
          if (d->count() <= 0) yaml.error(tcp["message_timeout"], "tcp.message_timeout", "must be longer than 0");
          else c.tcpMessageTimeout = *d;
        }
      }
      if (tcp["max_per_prefix"]) {
        if (auto n = yaml.integer(tcp["max_per_prefix"], "tcp.max_per_prefix", 1, 1'000'000))
          c.tcpMaxPerPrefix = static_cast<unsigned>(*n);
      }
      if (tcp["prefix_v4"]) {
        if (auto n = yaml.integer(tcp["prefix_v4"], "tcp.prefix_v4", 0, 32)) c.tcpPrefixV4 = static_cast<uint8_t>(*n);
      }
      if (tcp["prefix_v6"]) {
        if (auto n = yaml.integer(tcp["prefix_v6"], "tcp.prefix_v6", 0, 128)) c.tcpPrefixV6 = static_cast<uint8_t>(*n);
      }
    }
  }
  if (const auto hooks = root["hooks"]) {
    if (!hooks.isSequence()) yaml.error(hooks, "hooks", "expected a list of {exec: [...]} or {webhook: URL}");
    for (size_t i = 0; hooks.isSequence() && i < hooks.size(); ++i) {
      std::string path = "hooks." + std::to_string(i);
      yaml::Node h = hooks.item(i);
      if (!yaml.expectMap(h, path, {"exec", "webhook", "timeout"})) continue;
      health::HookSpec spec;
      if (h["exec"] && h["webhook"]) {
        yaml.error(h, path, "a hook is either exec or webhook, not both");
        continue;
      }
      if (h["exec"]) {
        auto argv = yaml.stringList(h["exec"], path + ".exec");
        if (!argv || argv->empty() || (*argv)[0].empty() || (*argv)[0][0] != '/') {
          yaml.error(h["exec"], path + ".exec", "expected a command with an absolute path, e.g. [/usr/local/bin/page]");
          continue;
        }
        spec.command = *argv;
      } else if (h["webhook"]) {
        auto url = yaml.string(h["webhook"], path + ".webhook");
        if (!url || (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)) {
          yaml.error(h["webhook"], path + ".webhook", "expected an http:// or https:// URL");
          continue;
        }
        spec.url = *url;
      } else {
        yaml.error(h, path, "a hook needs 'exec' or 'webhook'");
        continue;
      }
      if (h["timeout"]) {
        if (auto d = yaml.duration(h["timeout"], path + ".timeout")) spec.timeout = *d;
      }
      c.hooks.push_back(spec);
    }
  }
  if (root["cluster"]) c.cluster = readClusterConfig(yaml, root["cluster"], path);
  if (root["xdp"]) c.xdp = readXdpConfig(yaml, root["xdp"], c.listen);
  if (root["http"]) c.http = readHttpConfig(yaml, root["http"], path);
  if (root["dnstap"]) c.dnstap = readDnstapConfig(yaml, root["dnstap"], path);
  if (root["rate_limit"]) c.rateLimit = readRateLimitConfig(yaml, root["rate_limit"]);
  if (root["cookies"]) {
    if (auto k = readCookieConfig(yaml, root["cookies"], path, c.stateDir)) c.cookies = *k;
  } else if (!c.stateDir.empty()) {
    c.cookies.secretFile = c.stateDir + "/cookie-secrets";
  }
  if (const auto log = root["log"]) {
    if (yaml.expectMap(log, "log", {"format", "level"})) {
      if (log["format"]) {
        if (auto f = yaml.string(log["format"], "log.format")) {
          if (*f == "json") c.logJson = true;
          else if (*f != "text") yaml.error(log["format"], "log.format", "'" + *f + "' is not a format (text or json)");
        }
      }
      if (log["level"]) {
        if (auto l = yaml.string(log["level"], "log.level")) {
          if (*l == "info") c.logLevel = 0;
          else if (*l == "warning") c.logLevel = 1;
          else if (*l == "error") c.logLevel = 2;
          else yaml.error(log["level"], "log.level", "'" + *l + "' is not a level (info, warning or error)");
        }
      }
    }
  }
  if (!diags.ok()) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
