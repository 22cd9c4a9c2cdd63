#include "dns/server/cookie_keeper.hpp"

#include <filesystem>
#include <system_error>

#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

bool CookieKeeper::start(const config::CookieConfig& config, int64_t now, std::string& error) {
  config_ = config;
  if (!config.enabled) return true;
  if (config.secretFile.empty()) {
    auto fresh = cookies::randomSecret(error);
    if (!fresh) return false;
    file_ = {*fresh, std::nullopt, now};
  } else {
    // Its folder (the state_dir, by default) may not be there yet at the first start.
    std::error_code ec;
    const auto folder = std::filesystem::path(config.secretFile).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    auto loaded = cookies::loadOrCreateSecretFile(config.secretFile, now, error);
    if (!loaded) return false;
    file_ = *loaded;
  }
  const cookies::Secret* previous = file_.previous ? &*file_.previous : nullptr;
  secrets_ = std::make_unique<cookies::CookieSecrets>(file_.current, previous);
  return true;
}

int64_t CookieKeeper::nextRotation() const noexcept {
  return secrets_ && config_.rotateEvery.count() ? file_.made + config_.rotateEvery.count() : 0;
}

std::string CookieKeeper::tick(int64_t now) {
  const int64_t due = nextRotation();
  if (!due || now < due || now < retryAt_) return {};
  std::string error;
  std::optional<cookies::SecretFile> next;
  if (config_.secretFile.empty()) {
    if (auto fresh = cookies::randomSecret(error)) next = cookies::rotated(file_, *fresh, now);
  } else {
    next = cookies::rotateSecretFile(config_.secretFile, now, error);
  }
  if (!next) {
    retryAt_ = now + 300;
    return "cookies: the secret could not be rotated (tried again in 5 minutes; the current one stays): " + error;
  }
  file_ = *next;
  cookies::publish(*secrets_, file_);
  return "cookies: secret rotated; the previous one is accepted until the next rotation at " +
         wire::formatUtc(nextRotation());
}

std::string CookieKeeper::reload(const config::CookieConfig& config, int64_t now) {
  if (config.enabled != config_.enabled || (config.enabled && !secrets_))
    return "cookies: turning them on or off takes effect at the next restart";
  std::string note = config.require != config_.require ? "cookies: require changes at the next restart" : "";
  config_.rotateEvery = config.rotateEvery;
  if (!config.enabled || config.secretFile.empty()) return note;
  std::string error;
  auto loaded = cookies::loadOrCreateSecretFile(config.secretFile, now, error);
  if (!loaded) return "cookies: " + error + "; the secrets in use stay";
  config_.secretFile = config.secretFile;
  if (*loaded == file_) return note;
  file_ = *loaded;
  cookies::publish(*secrets_, file_);
  return "cookies: secrets read again from " + config.secretFile + (note.empty() ? "" : "; " + note.substr(9));
}

}  // namespace lodestar::server
