// Blocking client: connect, send one line, read one line.
#include "dns/control/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "dns/control/protocol.hpp"

namespace lodestar::control {

std::optional<nlohmann::json> request(const std::string& socketPath, const std::string& command,
                                             const nlohmann::json& args, std::string& error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socketPath.size() >= sizeof addr.sun_path) {
    error = "control socket path too long: " + socketPath;
    return std::nullopt;
  }
  std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    close(fd);
    if (err == EACCES || err == EPERM)
      error = "permission denied on " + socketPath + " (it is mode 0660: run as its owner or group)";
    else if (err == ENOENT || err == ECONNREFUSED)
      error = "lodestar is not running (nothing listens on " + socketPath + ")";
    else
      error = "cannot connect to " + socketPath + ": " + std::strerror(err);
    return std::nullopt;
  }
  std::string out = requestLine(command, args) + "\n";
  if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) {
    error = "lodestar closed the control connection";
    close(fd);
    return std::nullopt;
  }
  std::string in;
  char buf[4096];
  bool whole = false;  // the answer's line ended
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 120'000) != 1) {
      error = "no answer from lodestar within 120 s";
      close(fd);
      return std::nullopt;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    // Only the bytes just read are searched: a reply of many megabytes (export) stays linear.
    if (std::memchr(buf, '\n', static_cast<size_t>(n)) != nullptr) {
      whole = true;
      break;
    }
  }
  close(fd);
  // Closed before the end of the line: say so, not "unreadable" (the daemon gives up on a
  // reply not taken within its deadline, or it stopped).
  if (!whole) {
    error = in.empty() ? "lodestar closed the control connection without answering"
                       : "lodestar closed the control connection before the whole answer (" + std::to_string(in.size()) +
                             " bytes came)";
    return std::nullopt;
  }
  auto response = parseReply(in);
  if (!response) error = "lodestar sent an unreadable answer";
  return response;
}

}  // namespace lodestar::control
