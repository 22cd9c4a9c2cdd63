#include "dns/server/cookie_keeper.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

namespace {

// The file's modification time in nanoseconds (0: cannot be read), and whether anyone but
// its owner may read it.
struct FileFacts {
  int64_t mtime = 0;
  bool openToOthers = false;
};
FileFacts factsOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return {int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, (st.st_mode & 077) != 0};
}

}  // namespace

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
    const FileFacts facts = factsOf(config.secretFile);
    mtime_ = facts.mtime;
    if (facts.openToOthers)
      warning_ = "cookies: " + config.secretFile + " can be read by others than its owner (chmod 600 it): "
                 "whoever reads it can make cookies this server accepts";
  }
  const cookies::Secret* previous = file_.previous ? &*file_.previous : nullptr;
  secrets_ = std::make_unique<cookies::CookieSecrets>(file_.current, previous);
  return true;
}

int64_t CookieKeeper::nextRotation() const noexcept {
  return secrets_ && config_.rotateEvery.count() ? file_.made + config_.rotateEvery.count() : 0;
}

std::string CookieKeeper::adoptIfChanged() {
  // A file another node (or the operator's tooling) wrote since: taken as it is, so nodes
  // sharing it agree within a tick, and a node whose rotation is due does not rotate again
  // what another has just rotated.
  const FileFacts facts = factsOf(config_.secretFile);
  if (!facts.mtime || facts.mtime == mtime_) return {};
  mtime_ = facts.mtime;
  std::string error;
  auto onDisk = cookies::readSecretFile(config_.secretFile, error);
  if (!onDisk) return "cookies: " + error + "; the secrets in use stay";
  if (*onDisk == file_) return {};
  file_ = *onDisk;
  cookies::publish(*secrets_, file_);
  return "cookies: secrets read again from " + config_.secretFile + " (written since)";
}

std::string CookieKeeper::tick(int64_t now) {
  // Clustered, the file is only this node's copy, and a node rotating alone would make
  // cookies the other nodes refuse: the cluster rotates (ClusterCookies).
  if (!secrets_ || clustered_) return {};
  if (!config_.secretFile.empty())
    if (std::string line = adoptIfChanged(); !line.empty()) return line;
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
  if (!config_.secretFile.empty()) mtime_ = factsOf(config_.secretFile).mtime;
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
  if (clustered_) {
    // The cluster's secrets stay; a file named anew gets this node's copy of them.
    if (config.secretFile == config_.secretFile) return note;
    config_.secretFile = config.secretFile;
    std::string error = adopt(file_);
    return error.empty() ? note : error;
  }
  std::string error;
  auto loaded = cookies::loadOrCreateSecretFile(config.secretFile, now, error);
  if (!loaded) return "cookies: " + error + "; the secrets in use stay";
  config_.secretFile = config.secretFile;
  mtime_ = factsOf(config.secretFile).mtime;
  if (*loaded == file_) return note;
  file_ = *loaded;
  cookies::publish(*secrets_, file_);
  return "cookies: secrets read again from " + config.secretFile + (note.empty() ? "" : "; " + note.substr(9));
}

std::string CookieKeeper::adopt(const cookies::SecretFile& secrets) {
  if (!secrets_) return {};
  file_ = secrets;
  cookies::publish(*secrets_, file_);
  if (config_.secretFile.empty()) return {};
  std::string error;
  if (!cookies::writeSecretFile(config_.secretFile, file_, error))
    return "cookies: " + error + " (this node's copy of the cluster's secrets, for a start without etcd)";
  mtime_ = factsOf(config_.secretFile).mtime;
  return {};
}

}  // namespace lodestar::server
