// The DNS cookie secrets of a cluster: one etcd key, P/cookie-secrets, that every node of the
// NS set adopts, so a server cookie one nameserver made is valid on all of them (RFC 9018 4).
// The key is created if absent by the first node that finds none (with its file's secrets, so
// its clients keep their cookies) and rotated by a transaction on its mod revision: one node
// wins, the others adopt its value by the watch. A rotation moves current to previous, so no
// secret still in use is dropped. Each node keeps a copy in its secrets' file (CookieKeeper),
// which it starts with when etcd cannot be reached. Runs on the control loop.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "dns/cluster/cluster_link.hpp"
#include "dns/cookies/secret_file.hpp"
#include "health/loop/event_loop.hpp"

namespace lodestar::server {

class CookieKeeper;

/// The key under the cluster's prefix.
inline constexpr const char* kCookieSecretsKey = "cookie-secrets";

/// The key's value: {"version":1,"current":HEX,"previous":HEX,"made":UNIX,"by":NODE}
/// ("previous" only during a rollover; "by" the node that wrote it, for the log).
std::string cookieSecretsValue(const cookies::SecretFile& secrets, const std::string& node);
/// Reads what cookieSecretsValue() writes, by type; nullopt with `error` on anything else
/// (another version, a field missing or of the wrong type, a secret that is not 32 hex
/// digits). Unknown fields are ignored. `by` gets the writer's node when given.
std::optional<cookies::SecretFile> parseCookieSecretsValue(std::string_view text, std::string& error,
                                                           std::string* by = nullptr);

class ClusterCookies {
 public:
  /// `keeper` outlives this (the daemon's cookies; started, cookies on); `key` is P/cookie-secrets.
  /// `foreign` hears why a value at the key is ignored (the cluster logs each reason once).
  ClusterCookies(loop::EventLoop& loop, cluster::ClusterLink& link, CookieKeeper& keeper, std::string key,
                 std::string node, std::function<void(const std::string& why)> foreign);
  ~ClusterCookies();
  ClusterCookies(const ClusterCookies&) = delete;
  ClusterCookies& operator=(const ClusterCookies&) = delete;

  /// The key's value as read (nullopt: absent, deleted) at `modRevision`. Adopted when it is
  /// Lodestar's and differs from the secrets in use; told to `foreign` and ignored when not.
  void take(const std::optional<std::string>& value, int64_t modRevision);
  /// A full read of the prefix arrived (after take() for the key when it was there): from now
  /// on this node creates the key when it is absent and rotates it when due.
  void snapshotRead();

 private:
  void tick();  // every second: create the key when absent, rotate it when due
  /// Writes `next` if the key is still at `expected` (0: absent); else adopts what is there.
  void write(const cookies::SecretFile& next, int64_t expected, bool rotation);
  void adopt(const cookies::SecretFile& secrets, const std::string& by);

  loop::EventLoop& loop_;
  cluster::ClusterLink& link_;
  CookieKeeper& keeper_;
  const std::string key_, node_;
  std::function<void(const std::string&)> foreign_;
  loop::EventLoop::TimerId timer_ = 0;
  bool read_ = false;     // the key's state is known (a snapshot arrived)
  bool busy_ = false;     // a transaction is under way
  bool toldUnreachable_ = false;
  int64_t revision_ = 0;  // the key's mod revision as last seen (0: absent)
  int64_t retryAt_ = 0;   // after a failed write: not before this (unix seconds)
};

}  // namespace lodestar::server
