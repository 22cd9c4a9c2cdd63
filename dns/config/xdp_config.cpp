// `xdp:` in the main configuration: which interface and receive queues the AF_XDP path
// serves. Whether the interface exists and can carry the path is learnt at start (the file
// may be checked on another machine; `--check` warns when it cannot carry it here).
#include <net/if.h>

#include <algorithm>
#include <set>

#include "dns/config/server_config.hpp"

namespace lodestar::config {

std::optional<XdpConfig> readXdpConfig(yaml::YamlReader& yaml, const yaml::Node& node,
                                       const std::vector<ListenAddress>& listen) {
  if (!yaml.expectMap(node, "xdp", {"interface", "queues", "mode"})) return std::nullopt;
  XdpConfig c;
  c.where = yaml.at(node);
  bool ok = true;
  auto fail = [&](const yaml::Node& at, const std::string& path, const std::string& message) {
    yaml.error(at, path, message);
    ok = false;
  };
  if (!node["interface"]) {
    fail(node, "xdp", "missing key 'interface' (the network interface whose queries take the AF_XDP path, e.g. eth0)");
  } else if (auto s = yaml.string(node["interface"], "xdp.interface")) {
    c.interfaceWhere = yaml.at(node["interface"]);
    if (s->empty() || s->size() >= IFNAMSIZ || s->find('/') != std::string::npos)
      fail(node["interface"], "xdp.interface", "'" + *s + "' is not an interface name (1 to " +
                                                   std::to_string(IFNAMSIZ - 1) + " characters, no '/')");
    c.interface = *s;
  } else {
    ok = false;
  }
  if (const auto queues = node["queues"]) {
    if (!queues.isSequence() || queues.size() == 0) {
      fail(queues, "xdp.queues", "expected a list of receive queue numbers, e.g. [0, 1]");
    } else {
      c.queues.clear();
      std::set<uint32_t> seen;
      for (size_t i = 0; i < queues.size(); ++i) {
        auto n = yaml.integer(queues.item(i), "xdp.queues", 0, kMaxXdpQueues - 1);
        if (!n) ok = false;
        else if (!seen.insert(static_cast<uint32_t>(*n)).second) fail(queues.item(i), "xdp.queues", "queue " + std::to_string(*n) + " is listed twice");
        else c.queues.push_back(static_cast<uint32_t>(*n));
      }
    }
  }
  if (const auto mode = node["mode"]) {
    if (auto s = yaml.string(mode, "xdp.mode")) {
      if (*s == "generic") c.generic = true;
      else if (*s != "native") fail(mode, "xdp.mode", "'" + *s + "' is not a mode (native: in the driver; generic: after the kernel made an skb, slower, for drivers without XDP)");
    } else {
      ok = false;
    }
  }
  // The kernel filter matches one UDP port: the one the sockets listen on.
  std::set<uint16_t> ports;
  for (const auto& l : listen) ports.insert(l.port);
  if (ports.size() > 1)
    fail(node, "xdp", "the listen addresses use " + std::to_string(ports.size()) +
                          " different ports; the XDP path serves one port, so listen on one port when xdp is on");
  else if (ports.count(0))
    fail(node, "xdp", "the listen port is 0 (chosen by the kernel per socket); the XDP filter needs the port itself");
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
