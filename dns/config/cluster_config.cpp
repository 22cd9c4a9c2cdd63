// `cluster:` in the main configuration: where etcd is, who this node is, and how long its
// reports live. Every mistake is reported with its place, like the rest of the file.
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "dns/config/server_config.hpp"

namespace lodestar::config {

namespace {

bool validNodeName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')) return false;
  return true;
}

}  // namespace

std::optional<ClusterConfig> readClusterConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath) {
  if (!yaml.expectMap(node, "cluster", {"etcd", "prefix", "node", "tls", "user", "password", "lease", "grace", "nodes",
                                         "expect_seen_within", "ack_wait"}))
    return std::nullopt;
  ClusterConfig c;
  bool ok = true;
  auto fail = [&](const yaml::Node& at, const std::string& path, const std::string& message) {
    yaml.error(at, path, message);
    ok = false;
  };
  if (!node["etcd"]) {
    fail(node, "cluster", "missing key 'etcd' (the etcd endpoints, e.g. [http://10.0.0.1:2379, http://10.0.0.2:2379])");
  } else if (auto list = yaml.stringList(node["etcd"], "cluster.etcd")) {
    if (list->empty()) fail(node["etcd"], "cluster.etcd", "at least one etcd endpoint is needed");
    for (const auto& e : *list) {
      if (e.rfind("http://", 0) != 0 && e.rfind("https://", 0) != 0)
        fail(node["etcd"], "cluster.etcd", "'" + e + "' is not an http:// or https:// URL of an etcd member");
      else c.etcd.push_back(e.back() == '/' ? e.substr(0, e.size() - 1) : e);
    }
  } else {
    ok = false;
  }
  if (!node["node"]) {
    fail(node, "cluster", "missing key 'node' (this nameserver's name in the cluster, e.g. ns1)");
  } else if (auto name = yaml.string(node["node"], "cluster.node")) {
    if (!validNodeName(*name))
      fail(node["node"], "cluster.node", "'" + *name + "' is not a node name (1-63 letters, digits, '-', '_' or '.')");
    c.node = *name;
  }
  if (node["prefix"]) {
    if (auto prefix = yaml.string(node["prefix"], "cluster.prefix")) {
      if (prefix->empty() || (*prefix)[0] != '/')
        fail(node["prefix"], "cluster.prefix", "the key prefix must start with '/', e.g. /lodestar/");
      c.prefix = *prefix;
      if (c.prefix.empty() || c.prefix.back() != '/') c.prefix += '/';
      // Lodestar writes P/admin, P/nodes/... and P/history/... under a prefix P. A prefix with
      // one of those words as a segment could lie inside another cluster's (/th/nodes/ inside
      // /th/), whose nodes would read its keys as their own: phantom nodes in their quorums.
      for (size_t at = 1, next; at < c.prefix.size(); at = next + 1) {
        next = c.prefix.find('/', at);
        const std::string segment = c.prefix.substr(at, next - at);
        if (segment == "admin" || segment == "nodes" || segment == "history")
          fail(node["prefix"], "cluster.prefix",
               "'" + c.prefix + "' has the segment '" + segment + "', a name Lodestar writes under a prefix: " +
                   "its keys could be read as another cluster's (/th/nodes/ inside /th/). Choose another name");
      }
    }
  }
  if (const auto tls = node["tls"]) {
    if (yaml.expectMap(tls, "cluster.tls", {"ca", "cert", "key"})) {
      auto file = [&](const char* key, std::string& out) {
        if (!tls[key]) return;
        const std::string path = std::string("cluster.tls.") + key;
        if (auto s = yaml.string(tls[key], path)) {
          out = resolvePath(configPath, *s);
          if (access(out.c_str(), R_OK) != 0) fail(tls[key], path, "cannot read '" + out + "'");
        }
      };
      file("ca", c.caFile);
      file("cert", c.certFile);
      file("key", c.keyFile);
      if (c.certFile.empty() != c.keyFile.empty())
        fail(tls, "cluster.tls", "a client certificate needs both 'cert' and 'key'");
    }
  }
  if (node["user"]) {
    if (auto s = yaml.string(node["user"], "cluster.user")) c.user = *s;
  }
  if (node["password"]) {
    if (auto s = yaml.string(node["password"], "cluster.password")) c.password = *s;
  }
  if (!c.password.empty() && c.user.empty()) fail(node["password"], "cluster.password", "a password needs 'user'");
  if (node["lease"]) {
    if (auto d = yaml.duration(node["lease"], "cluster.lease", {std::chrono::seconds(2), std::chrono::minutes(10)}))
      c.lease = *d;
  }
  if (node["grace"]) {
    if (auto d = yaml.duration(node["grace"], "cluster.grace")) c.grace = *d;
  }
  if (node["nodes"]) {
    if (auto list = yaml.stringList(node["nodes"], "cluster.nodes")) {
      for (const auto& name : *list)
        if (!validNodeName(name))
          fail(node["nodes"], "cluster.nodes", "'" + name + "' is not a node name (1-63 letters, digits, '-', '_' or '.')");
      c.nodes = *list;
      if (!c.node.empty() && std::find(c.nodes.begin(), c.nodes.end(), c.node) == c.nodes.end())
        fail(node["nodes"], "cluster.nodes", "the list does not name this node (" + c.node + "); list every node, this one too");
    } else {
      ok = false;
    }
  }
  if (node["expect_seen_within"]) {
    if (auto d = yaml.duration(node["expect_seen_within"], "cluster.expect_seen_within",
                               {std::chrono::seconds(10), std::chrono::hours(24 * 30)}))
      c.expectSeenWithin = *d;
  }
  if (node["ack_wait"]) {
    if (auto d = yaml.duration(node["ack_wait"], "cluster.ack_wait", {std::chrono::milliseconds(100), std::chrono::minutes(1)}))
      c.ackWait = *d;
  }
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
