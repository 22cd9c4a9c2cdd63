// The cookie secrets' file: its text, its reading and its atomic writing with mode 0600.
#include "dns/cookies/secret_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dns/cookies/cookie_secrets.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::cookies {

namespace {

int hexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string systemError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// The directory `path` lies in, for its fsync after the rename.
std::string directoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string secretHex(const Secret& secret) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (uint8_t b : secret) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::optional<Secret> parseSecretHex(std::string_view text) noexcept {
  if (text.size() != 32) return std::nullopt;
  Secret out;
  for (size_t i = 0; i < 16; ++i) {
    const int hi = hexValue(text[2 * i]), lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::optional<Secret> randomSecret(std::string& error) {
  Secret out;
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = getrandom(out.data() + got, out.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::string("getrandom: ") + std::strerror(errno);
      return std::nullopt;
    }
    got += static_cast<size_t>(n);
  }
  return out;
}

std::string formatSecretFile(const SecretFile& file) {
  std::string out = "# Lodestar DNS cookie secrets (RFC 9018): keep private.\n";
  out += "current " + secretHex(file.current) + "\n";
  if (file.previous) out += "previous " + secretHex(*file.previous) + "\n";
  out += "made " + wire::formatUtc(file.made) + "\n";
  return out;
}

std::optional<SecretFile> parseSecretFile(std::string_view text, std::string& error, std::string_view origin) {
  SecretFile out;
  bool haveCurrent = false, haveMade = false;
  size_t lineNumber = 0;
  auto fail = [&](const std::string& message) {
    error = std::string(origin) + ":" + std::to_string(lineNumber) + ": " + message;
    return std::nullopt;
  };
  while (!text.empty()) {
    ++lineNumber;
    const size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    const size_t space = line.find_first_of(" \t");
    const std::string_view key = line.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
    if (key == "current" || key == "previous") {
      const bool current = key == "current";
      if (current ? haveCurrent : out.previous.has_value())
        return fail(std::string(key) + " is given twice");
      const std::optional<Secret> secret = parseSecretHex(value);
      if (!secret)
        return fail(std::string(key) + ": a secret is 32 hex digits (128 bits), not '" + std::string(value) + "'");
      if (current) {
        out.current = *secret;
        haveCurrent = true;
      } else {
        out.previous = *secret;
      }
    } else if (key == "made") {
      if (haveMade) return fail("made is given twice");
      std::string why;
      const std::optional<int64_t> when = wire::parseUtc(value, why);
      if (!when) return fail("made: " + why);
      out.made = *when;
      haveMade = true;
    } else {
      return fail("unknown key '" + std::string(key) + "' (current, previous and made are known)");
    }
  }
  if (!haveCurrent) {
    error = std::string(origin) + ": no current secret";
    return std::nullopt;
  }
  if (!haveMade) {
    error = std::string(origin) + ": no 'made' time";
    return std::nullopt;
  }
  return out;
}

SecretFile rotated(const SecretFile& file, const Secret& fresh, int64_t now) {
  SecretFile out;
  out.current = fresh;
  out.previous = file.current;
  out.made = now;
  return out;
}

std::optional<SecretFile> readSecretFile(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = systemError("cannot read", path);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = systemError("cannot read", path);
    return std::nullopt;
  }
  return parseSecretFile(text.str(), error, path);
}

bool writeSecretFile(const std::string& path, const SecretFile& file, std::string& error) {
  std::string temporary = path + ".XXXXXX";
  const int fd = mkostemp(temporary.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    error = systemError("cannot create", temporary);
    return false;
  }
  const std::string text = formatSecretFile(file);
  size_t written = 0;
  bool ok = fchmod(fd, 0600) == 0;
  while (ok && written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  if (!ok) error = systemError("cannot write", temporary);
  if (close(fd) != 0 && ok) {
    error = systemError("cannot write", temporary);
    ok = false;
  }
  if (ok && rename(temporary.c_str(), path.c_str()) != 0) {
    error = systemError("cannot rename " + temporary + " to", path);
    ok = false;
  }
  if (!ok) {
    unlink(temporary.c_str());
    return false;
  }
  // The rename itself survives a crash once the directory is on disk.
  if (const int dir = open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return true;
}

std::optional<SecretFile> loadOrCreateSecretFile(const std::string& path, int64_t now, std::string& error) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 || errno != ENOENT) return readSecretFile(path, error);
  const std::optional<Secret> secret = randomSecret(error);
  if (!secret) return std::nullopt;
  SecretFile file;
  file.current = *secret;
  file.made = now;
  if (!writeSecretFile(path, file, error)) return std::nullopt;
  return file;
}

std::optional<SecretFile> rotateSecretFile(const std::string& path, int64_t now, std::string& error) {
  const std::optional<SecretFile> file = loadOrCreateSecretFile(path, now, error);
  if (!file) return std::nullopt;
  const std::optional<Secret> fresh = randomSecret(error);
  if (!fresh) return std::nullopt;
  const SecretFile next = rotated(*file, *fresh, now);
  if (!writeSecretFile(path, next, error)) return std::nullopt;
  return next;
}

void publish(CookieSecrets& secrets, const SecretFile& file) noexcept {
  secrets.publish(file.current, file.previous ? &*file.previous : nullptr);
}

}  // namespace lodestar::cookies
