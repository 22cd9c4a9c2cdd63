// TCP connection handling: non-blocking reads into a per-connection buffer, every complete
// message answered in order, writes queued under backpressure.
#include "dns/server/tcp_connections.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dns/engine/answer.hpp"

namespace lodestar::server {

namespace {
constexpr size_t kMaxQueuedOutput = 256 * 1024;  // stop reading until the client catches up
constexpr size_t kReadChunk = 16 * 1024;
}  // namespace

struct TcpConnections::Connection {
  EpollTag tag{EpollTag::Kind::TcpConnection, -1, this};
  wire::Address peer;
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  size_t outSent = 0;
  Clock::time_point lastActive;
  bool closed = false;
  bool wantWrite = false;
  bool peerDone = false;  // the client half-closed: answer what we have, then close
};

TcpConnections::TcpConnections(int epollFd, unsigned maxConnections, std::chrono::milliseconds idleTimeout)
    : epollFd_(epollFd), max_(maxConnections), idle_(idleTimeout), scratch_(2 + 65535) {}

TcpConnections::~TcpConnections() {
  for (auto& c : connections_)
    if (!c.closed) ::close(c.tag.fd);
}

void TcpConnections::acceptAll(int listenFd, Clock::time_point now) {
  for (;;) {
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(listenFd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error such as EMFILE: try again later
    if (connections_.size() >= max_) {
      ++refused_;
      ::close(fd);
      continue;
    }
    Connection& c = connections_.emplace_back();
    c.tag.fd = fd;
    c.peer = wire::Address::fromSockaddr(reinterpret_cast<sockaddr*>(&ss));
    c.lastActive = now;
    c.in.reserve(4096);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = &c.tag;
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

void TcpConnections::close(Connection& c) {
  if (c.closed) return;
  epoll_ctl(epollFd_, EPOLL_CTL_DEL, c.tag.fd, nullptr);
  ::close(c.tag.fd);
  c.closed = true;
  ++closedPending_;
}

// Writes queued output; false when the connection failed.
bool TcpConnections::flush(Connection& c) {
  while (c.outSent < c.out.size()) {
    ssize_t n = send(c.tag.fd, c.out.data() + c.outSent, c.out.size() - c.outSent, MSG_NOSIGNAL);
    if (n > 0) {
      c.outSent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  if (c.outSent == c.out.size()) {
    c.out.clear();
    c.outSent = 0;
  }
  bool want = !c.out.empty();
  if (want != c.wantWrite) {
    epoll_event ev{};
    // Under backpressure stop reading, so a client that never reads cannot grow our queue.
    ev.events = (want ? EPOLLOUT : 0u) | (c.out.size() < kMaxQueuedOutput ? EPOLLIN | EPOLLRDHUP : 0u);
    ev.data.ptr = &c.tag;
    epoll_ctl(epollFd_, EPOLL_CTL_MOD, c.tag.fd, &ev);
    c.wantWrite = want;
  }
  return true;
}

void TcpConnections::answerBuffered(Connection& c, const zones::View& view, const engine::Pipeline& pipeline,
                                    engine::FastRandom& random) {
  size_t at = 0;
  engine::Client client{c.peer, engine::Transport::Tcp, 0, &random};
  while (c.in.size() - at >= 2 && c.out.size() < kMaxQueuedOutput) {
    size_t len = size_t(c.in[at]) << 8 | c.in[at + 1];
    if (c.in.size() - at - 2 < len) break;
    engine::AnswerContext a(c.in.data() + at + 2, len, client, scratch_.data() + 2, scratch_.size() - 2);
    size_t n = engine::answerQuery(a, view, pipeline);
    at += 2 + len;
    if (n == 0) continue;
    scratch_[0] = static_cast<uint8_t>(n >> 8);
    scratch_[1] = static_cast<uint8_t>(n);
    c.out.insert(c.out.end(), scratch_.begin(), scratch_.begin() + 2 + static_cast<long>(n));
  }
  c.in.erase(c.in.begin(), c.in.begin() + static_cast<long>(at));
}

void TcpConnections::onEvent(EpollTag* tag, uint32_t events, const zones::View& view, const engine::Pipeline& pipeline,
                             engine::FastRandom& random, Clock::time_point now) {
  Connection& c = *static_cast<Connection*>(tag->owner);
  if (c.closed) return;
  c.lastActive = now;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    for (;;) {
      if (c.out.size() >= kMaxQueuedOutput) break;
      size_t old = c.in.size();
      c.in.resize(old + kReadChunk);
      ssize_t n = recv(c.tag.fd, c.in.data() + old, kReadChunk, 0);
      c.in.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
      if (n > 0) {
        answerBuffered(c, view, pipeline, random);
        continue;
      }
      if (n == 0) c.peerDone = true;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) return close(c);
      break;
    }
  }
  if (!flush(c)) return close(c);
  // A message can never exceed 65535 bytes; more buffered than that without progress is garbage.
  if (c.in.size() > 2 + 65535) return close(c);
  if (c.peerDone && c.out.empty()) close(c);
}

void TcpConnections::sweep(Clock::time_point now) {
  bool checkIdle = now - lastIdleCheck_ >= std::chrono::milliseconds(250);
  if (!checkIdle && closedPending_ == 0) return;
  if (checkIdle) lastIdleCheck_ = now;
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (checkIdle && !it->closed && now - it->lastActive > idle_) close(*it);
    if (it->closed) it = connections_.erase(it);
    else ++it;
  }
  closedPending_ = 0;
}

}  // namespace lodestar::server
