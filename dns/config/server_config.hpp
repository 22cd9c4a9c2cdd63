// The main configuration file (lodestar.yaml): where to listen, how many workers, which zones.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "health/state/hook_spec.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/yaml/yaml_support.hpp"

namespace lodestar::config {

struct ListenAddress {
  wire::Address address;
  uint16_t port = 53;
  std::string text;  // as written, for messages
};

/// `cluster:`: several nameservers sharing overrides and health through etcd. Absent: this
/// node runs alone, its overrides in state_dir.
struct ClusterConfig {
  std::vector<std::string> etcd;          // endpoints, http:// or https://
  std::string prefix = "/lodestar/";      // several Lodestar clusters may share one etcd
  std::string node;                       // this node's name, unique in the cluster
  std::string caFile, certFile, keyFile;  // tls
  std::string user, password;
  std::chrono::milliseconds lease{5000};  // this node's reports vanish this long after it dies
  std::chrono::milliseconds grace{10000}; // etcd unreachable this long: quorum checks use our own probes
  // The nodes an admin change waits for: these, or (empty) every node seen within
  // expectSeenWithin. This node is always one of them.
  std::vector<std::string> nodes;
  std::chrono::milliseconds expectSeenWithin{std::chrono::hours(1)};
  std::chrono::milliseconds ackWait{2000};  // how long an admin change waits for every expected node
};

/// `xdp:`: queries arriving on `interface`'s listed receive queues are answered through
/// AF_XDP sockets, bypassing the kernel's UDP stack; TCP and all else stay on sockets.
constexpr unsigned kMaxXdpQueues = 256;
struct XdpConfig {
  std::string interface;
  std::vector<uint32_t> queues{0};
  bool generic = false;  // mode: generic (after the kernel builds an skb) instead of native
  yaml::SourceLocation where, interfaceWhere;
};

/// `http:`: the metrics, health and status page listener. Absent: no HTTP at all.
inline constexpr uint16_t kDefaultHttpPort = 9353;
struct HttpConfig {
  std::vector<ListenAddress> listen;  // default: 127.0.0.1 on kDefaultHttpPort
  // Asked of every path but /healthz when set: a bearer token, or basic auth (either works
  // when both are set). Read from files so the secrets stay out of the main config.
  std::string token;
  std::string user, password;
};

/// `dnstap:`: the query log, in dnstap over Frame Streams, to a file or a reader's Unix socket.
struct DnstapConfig {
  std::string file;      // one of these two
  std::string socket;
  std::string identity;  // default: the host name
  bool queries = true;   // AUTH_QUERY messages
  bool responses = true; // AUTH_RESPONSE messages
  unsigned queue = 1024; // records each answering thread may have waiting
};

/// `rate_limit:`: response rate limiting over UDP (off without the key). Rates are answers a
/// second to one client prefix, per name and type (answers with data) or zone (the other
/// classes), over all workers.
struct RateLimitConfig {
  uint32_t responsesPerSecond = 20;  // answers with data, NODATA, CNAMEs
  uint32_t nxdomainsPerSecond = 20;  // each class's default: responses_per_second
  uint32_t referralsPerSecond = 20;
  uint32_t errorsPerSecond = 20;     // FORMERR, REFUSED, NOTIMP, ...
  uint32_t slip = 2;                 // every slip-th limited answer goes out empty with TC=1
  uint8_t prefixV4 = 24;
  uint8_t prefixV6 = 56;
  uint32_t tableSize = 65536;        // buckets per worker (16 bytes each), fixed
  std::vector<wire::Prefix> exempt;  // never limited
  bool operator==(const RateLimitConfig&) const = default;
};

/// `cookies:`: DNS cookies (RFC 7873, server cookies as RFC 9018 makes them). On by default.
struct CookieConfig {
  bool enabled = true;
  /// The secrets' file (dns/cookies/secret_file.hpp); default state_dir/cookie-secrets, and
  /// without a state_dir a secret kept in memory only. Nodes of one NS set share it.
  std::string secretFile;
  std::chrono::seconds rotateEvery{86400};  // 0: never (the file is replaced by other means)
  bool require = false;  // UDP queries without a valid server cookie get BADCOOKIE
  bool operator==(const CookieConfig&) const = default;
};

struct ServerConfig {
  std::string path;  // of the config file itself
  std::vector<ListenAddress> listen;
  unsigned workers = 0;  // 0: one per core
  std::vector<std::string> zonePaths;  // absolute or relative to the config file's folder
  std::string geoDatabase;  // MaxMind DB (City or Country shape); empty: no geo database
  yaml::SourceLocation geoDatabaseWhere;
  std::string stateDir;
  std::string controlSocket;
  uint16_t udpMaxPayload = 1232;
  /// udp.coalesce_max_us: the longest a UDP thread waits to gather queries under load; 0: never.
  std::chrono::microseconds udpCoalesceMax{0};
  unsigned tcpMaxConnections = 1024;  // over all workers
  std::chrono::milliseconds tcpIdleTimeout{10'000};
  /// tcp.message_timeout: a whole message from its first byte, and the first from the connect.
  std::chrono::milliseconds tcpMessageTimeout{2'000};
  unsigned tcpMaxPerPrefix = 128;  // connections from one client prefix, over all workers
  uint8_t tcpPrefixV4 = 24;
  uint8_t tcpPrefixV6 = 56;
  std::vector<health::HookSpec> hooks;  // run on every health state change
  std::optional<ClusterConfig> cluster;
  std::optional<XdpConfig> xdp;
  std::optional<HttpConfig> http;
  std::optional<DnstapConfig> dnstap;
  std::optional<RateLimitConfig> rateLimit;
  CookieConfig cookies;
  /// log.format: "json" writes one JSON object per line; log.level: the least level written.
  bool logJson = false;
  int logLevel = 0;  // 0 info, 1 warning, 2 error (server::LogLevel's order)
};

/// Reads and checks the main config; nullopt when anything is wrong (all of it reported).
std::optional<ServerConfig> loadServerConfig(const std::string& path, yaml::Diagnostics& diags);
/// The same on the file's YAML already parsed (yaml.parse(text) reads a config from text).
std::optional<ServerConfig> readServerConfig(yaml::YamlReader& yaml, const yaml::Node& root);

/// `p` relative to the configuration file's folder (absolute paths as they are).
std::string resolvePath(const std::string& configPath, const std::string& p);

/// Reads `cluster:` (reports every mistake to the reader's diagnostics).
std::optional<ClusterConfig> readClusterConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath);

/// Reads `xdp:`; `listen` must already be read (the filter serves their one port).
std::optional<XdpConfig> readXdpConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::vector<ListenAddress>& listen);

/// Reads `http:` (its files relative to the configuration file's folder).
std::optional<HttpConfig> readHttpConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath);

/// Reads `dnstap:` (its paths relative to the configuration file's folder).
std::optional<DnstapConfig> readDnstapConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath);

/// Reads `rate_limit:`.
std::optional<RateLimitConfig> readRateLimitConfig(yaml::YamlReader& yaml, const yaml::Node& node);

/// Reads `cookies:`; `stateDir` gives the secrets' file its default place.
std::optional<CookieConfig> readCookieConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath,
                                             const std::string& stateDir);

/// Parses "127.0.0.1:53", "[::1]:53" or a bare address (port 53).
std::optional<ListenAddress> parseListenAddress(const std::string& text);

}  // namespace lodestar::config
