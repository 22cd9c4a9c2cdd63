// Control socket server: non-blocking, on the control loop; garbage and oversize requests
// get an error response, never a crash.
#include "dns/server/control_server.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "dns/control/protocol.hpp"

namespace lodestar::server {

ControlServer::ControlServer(loop::EventLoop& loop, std::string path, Handler handler)
    : loop_(loop), path_(std::move(path)), handler_(std::move(handler)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) throw std::runtime_error("control_socket path is too long: " + path_);
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  // Only a socket is ever replaced: a path that names a zone file or the config by mistake
  // must not lose it (connect() to a plain file is refused just like a dead socket's).
  struct stat existing {};
  if (lstat(path_.c_str(), &existing) == 0 && !S_ISSOCK(existing.st_mode))
    throw std::runtime_error("control_socket " + path_ + " exists and is not a socket; refusing to replace it");
  listenFd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  // A socket file left by a daemon that died: nobody answers on it, so replace it.
  if (connect(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    close(listenFd_);
    throw std::runtime_error("control socket " + path_ + " is in use by another lodestar");
  }
  if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
    int err = errno;
    close(listenFd_);
    throw std::runtime_error("cannot remove the old control socket file " + path_ + " (left by a daemon that is gone): " +
                             std::strerror(err));
  }
  close(listenFd_);
  listenFd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  mode_t old = umask(0117);  // the socket is created 0660
  int rc = bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old);
  if (rc != 0 || listen(listenFd_, 16) != 0) {
    int err = errno;
    close(listenFd_);
    throw std::runtime_error("cannot listen on control socket " + path_ + ": " + std::strerror(err));
  }
  chmod(path_.c_str(), 0660);
  struct stat made {};
  if (lstat(path_.c_str(), &made) == 0) made_ = {made.st_dev, made.st_ino};
  loop_.watch(listenFd_, EPOLLIN, [this](uint32_t) { accept(); });
}

ControlServer::~ControlServer() {
  if (resumeAccepting_) loop_.cancel(resumeAccepting_);
  for (auto& [fd, c] : clients_) {
    loop_.unwatch(fd);
    close(fd);
  }
  loop_.unwatch(listenFd_);
  close(listenFd_);
  // Ours only: the file may have been replaced since (by a second daemon, or by hand).
  struct stat now {};
  if (lstat(path_.c_str(), &now) == 0 && S_ISSOCK(now.st_mode) && made_ == std::pair(now.st_dev, now.st_ino))
    unlink(path_.c_str());
}

void ControlServer::accept() {
  for (;;) {
    int fd = accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) pauseAccepting();
      return;
    }
    acceptBackoff_ = std::chrono::milliseconds(0);
    if (clients_.size() >= kMaxClients) {
      close(fd);
      continue;
    }
    ucred cred{};
    socklen_t len = sizeof cred;
    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    Client& c = clients_[fd];
    c.fd = fd;
    c.uid = cred.uid;
    c.serial = nextSerial_++;
    c.connected = std::chrono::steady_clock::now();
    // A client that connects and never finishes its request is closed, not kept forever.
    arm(c, kRequestTimeout);
    loop_.watch(fd, EPOLLIN | EPOLLRDHUP, [this, fd](uint32_t) { onReadable(fd); });
  }
}

// The listener stays readable while a connection waits: watching it out of descriptors
// would spin the loop.
void ControlServer::pauseAccepting() {
  acceptBackoff_ = std::min(std::max(acceptBackoff_ * 2, std::chrono::milliseconds(10)), std::chrono::milliseconds(1000));
  loop_.unwatch(listenFd_);
  if (resumeAccepting_) loop_.cancel(resumeAccepting_);
  resumeAccepting_ = loop_.after(acceptBackoff_, [this] {
    resumeAccepting_ = 0;
    loop_.watch(listenFd_, EPOLLIN, [this](uint32_t) { accept(); });
  });
}

void ControlServer::arm(Client& c, std::chrono::milliseconds d) {
  if (c.deadline) loop_.cancel(c.deadline);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c.connected + kTotalTimeout -
                                                                    std::chrono::steady_clock::now());
  int fd = c.fd;
  c.deadline = loop_.after(std::max(std::chrono::milliseconds(0), std::min(d, left)), [this, fd] {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    it->second.deadline = 0;  // this timer has fired: nothing to cancel
    drop(fd);
  });
}

void ControlServer::onReadable(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, static_cast<size_t>(n));
      if (c.in.size() > control::kMaxRequest)
        return respond(c, control::failure("request larger than " + std::to_string(control::kMaxRequest) + " bytes"));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n == 0 && !c.in.empty()) {
      c.ended = true;  // the request may end without a newline: the end of input ends it
      break;
    }
    return drop(fd);
  }
  auto newline = c.in.find('\n');
  if (newline == std::string::npos && !c.ended) return;  // wait for the rest
  if (newline == std::string::npos) newline = c.in.size();
  std::string error;
  auto request = control::parseRequest(std::string_view(c.in).substr(0, newline), error);
  if (!request) return respond(c, control::failure(error));
  // The request is whole: stop reading; the reply may take a while, up to the total deadline.
  arm(c, kTotalTimeout);
  // A client that hangs up before its answer is dropped (EPOLLHUP: a Unix socket's peer
  // closed both ways); one that only shut its sending side still gets the answer.
  loop_.watch(fd, EPOLLRDHUP, [this, fd](uint32_t events) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    if (events & (EPOLLHUP | EPOLLERR)) return drop(fd);
    it->second.ended = true;
    loop_.watch(fd, 0, [this, fd](uint32_t) { drop(fd); });  // only HUP/ERR are reported now
  });
  Reply reply = [this, fd, serial = c.serial](const nlohmann::json& response) {
    auto it = clients_.find(fd);
    if (it == clients_.end() || it->second.serial != serial || !it->second.out.empty()) return;
    respond(it->second, response);
  };
  try {
    handler_(request->command, request->args, c.uid, reply);
  } catch (const std::exception& e) {
    reply(control::failure(std::string("internal error: ") + e.what()));
  }
}

void ControlServer::respond(Client& c, const nlohmann::json& response) {
  arm(c, kIdleTimeout);  // a client that never reads its reply does not keep it
  c.out = response.dump() + "\n";
  c.sent = 0;
  int fd = c.fd;
  loop_.watch(fd, EPOLLOUT, [this, fd](uint32_t) { onWritable(fd); });
  // Now, not when the socket is next reported writable: the loop may first run work queued
  // before this reply (a reload's judgement of every record takes a second at 100,000).
  onWritable(fd);
}

void ControlServer::onWritable(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  while (c.sent < c.out.size()) {
    ssize_t n = send(fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n > 0) {
      c.sent += static_cast<size_t>(n);
      arm(c, kIdleTimeout);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return drop(fd);
  }
  // One request per connection. Read what the client still sends before closing, so a
  // client in the middle of an oversize request gets to read our answer; but only briefly.
  shutdown(fd, SHUT_WR);
  if (c.ended) return drop(fd);  // nothing more will come
  arm(c, kLinger);
  loop_.watch(fd, EPOLLIN | EPOLLRDHUP, [this, fd](uint32_t) { drain(fd); });
}

void ControlServer::drain(int fd) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      it->second.drained += static_cast<size_t>(n);
      if (it->second.drained > 16 * control::kMaxRequest) return drop(fd);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return drop(fd);
  }
}

void ControlServer::drop(int fd) {
  auto it = clients_.find(fd);
  if (it != clients_.end() && it->second.deadline) loop_.cancel(it->second.deadline);
  loop_.unwatch(fd);
  close(fd);
  clients_.erase(fd);
}

}  // namespace lodestar::server
