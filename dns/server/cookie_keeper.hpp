// The daemon's DNS cookie secrets (`cookies:`): read from their file at start, or made there
// the first time; rotated in the file when `rotate_every` has passed since the current one
// was made (the previous one still accepted until the next rotation); read again when the
// file changes (a node sharing it rotated it, the operator replaced it: within a second) and
// at a reload. Without a
// file (no state_dir), a secret kept in memory only. Clustered, the secrets are the cluster's
// (ClusterCookies, through etcd): the file is then this node's copy of them, and only the
// cluster rotates. The answer path reads them through secrets(); everything here runs on the
// control thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "dns/config/server_config.hpp"
#include "dns/cookies/cookie_secrets.hpp"
#include "dns/cookies/secret_file.hpp"

namespace lodestar::server {

class CookieKeeper {
 public:
  /// Loads (or creates) the secrets of `config`; false with `error` when the file cannot be
  /// read, parsed or written: the daemon does not start with secrets it cannot keep.
  bool start(const config::CookieConfig& config, int64_t now, std::string& error);
  /// The secrets the cookie stages read (null before start(), or with cookies off).
  const cookies::CookieSecrets* secrets() const noexcept { return secrets_.get(); }
  /// Takes the file again when it was written since (another node sharing it rotated it),
  /// else rotates when due; returns a line for the log when it did or failed (empty otherwise).
  std::string tick(int64_t now);
  /// A reload: the file read again (another path, or the same file replaced). Returns a line
  /// for the log when the secrets changed or the file is broken (the old secrets then stay).
  std::string reload(const config::CookieConfig& config, int64_t now);
  /// For status: when the current secret was made and when it rotates (0: never).
  int64_t made() const noexcept { return file_.made; }
  int64_t nextRotation() const noexcept;
  /// A line for the log after start() (the file open to others), or empty.
  const std::string& warning() const noexcept { return warning_; }

  /// The secrets in use, as the file has them.
  const cookies::SecretFile& file() const noexcept { return file_; }
  /// Where they are kept: the file (empty: in memory only), and whether the cluster owns them.
  const std::string& path() const noexcept { return config_.secretFile; }
  bool clustered() const noexcept { return clustered_; }
  /// From now on the cluster owns the secrets (after start(), cookies on): tick() neither
  /// rotates nor reads the file again, and reload() keeps the secrets in use.
  void shareThroughCluster() noexcept { clustered_ = true; }
  /// The cluster's secrets: published to the answer path and written to the file as this
  /// node's copy. Returns an error for the log when the copy could not be written ("" else).
  std::string adopt(const cookies::SecretFile& secrets);

 private:
  config::CookieConfig config_;
  cookies::SecretFile file_;
  std::unique_ptr<cookies::CookieSecrets> secrets_;
  std::string adoptIfChanged();

  int64_t retryAt_ = 0;  // after a failed rotation: not before this
  int64_t mtime_ = 0;    // of the file when this node last read or wrote it (ns)
  bool clustered_ = false;
  std::string warning_;
};

}  // namespace lodestar::server
