// The cookie secrets' file: the current secret, the previous one during a rollover, and when
// the current one was made. A cluster shares the same three through etcd (as JSON:
// dns/server/cluster_cookies.hpp), so every node of an NS set makes and accepts the same
// server cookies; each node's file then holds its copy.
//
//   # Lodestar DNS cookie secrets (RFC 9018): keep private.
//   current 0f1e2d3c4b5a69788796a5b4c3d2e1f0
//   previous e5e973e5a6b2a43f48e7dc849e37bfcf
//   made 2026-12-06T11:00:00Z
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/cookies/server_cookie.hpp"

namespace lodestar::cookies {

class CookieSecrets;

struct SecretFile {
  Secret current{};
  std::optional<Secret> previous;  // still accepted: cookies made before the last rotation
  int64_t made = 0;  // when `current` was made (unix seconds)

  bool operator==(const SecretFile&) const = default;
};

/// 32 hex digits, lower case.
std::string secretHex(const Secret& secret);
/// Exactly 32 hex digits (either case); nullopt otherwise.
std::optional<Secret> parseSecretHex(std::string_view text) noexcept;

/// A secret from the kernel's random source (getrandom); nullopt with `error` when it fails.
std::optional<Secret> randomSecret(std::string& error);

/// The file's text, as above.
std::string formatSecretFile(const SecretFile& file);
/// Reads what formatSecretFile() writes: `current` and `made` once each, `previous` at most
/// once, blank lines and `#` comments; anything else is an error naming its line
/// ("`origin`:LINE: ...").
std::optional<SecretFile> parseSecretFile(std::string_view text, std::string& error,
                                          std::string_view origin = "cookie secrets");

/// The rotation itself: `fresh` becomes current (made at `now`), the current one previous;
/// the previous one before it is dropped (its cookies are more than an hour old if rotations
/// are at least an hour apart, and invalid anyway).
SecretFile rotated(const SecretFile& file, const Secret& fresh, int64_t now);

/// Reads `path`; nullopt with `error` (naming the path) when it cannot be read or parsed.
std::optional<SecretFile> readSecretFile(const std::string& path, std::string& error);
/// Writes `path` whole or not at all (a temporary file beside it, fsync, rename), mode 0600.
bool writeSecretFile(const std::string& path, const SecretFile& file, std::string& error);
/// Reads `path`, or when there is no such file creates it (mode 0600) with a random secret
/// made at `now`.
std::optional<SecretFile> loadOrCreateSecretFile(const std::string& path, int64_t now, std::string& error);
/// Reads `path` (created first when missing), rotates it to a new random secret and writes it
/// back; returns what it wrote.
std::optional<SecretFile> rotateSecretFile(const std::string& path, int64_t now, std::string& error);

/// Publishes `file` to the answer path's secrets.
void publish(CookieSecrets& secrets, const SecretFile& file) noexcept;

}  // namespace lodestar::cookies
