// TCP connection handling: non-blocking reads into a per-connection buffer, every complete
// message answered in order, writes queued under backpressure. Only progress counts against
// the deadlines: a byte that does not finish a message buys a slow client nothing.
#include "dns/server/tcp_connections.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include "dns/engine/answer.hpp"
#include "dns/server/log.hpp"
#include "dns/server/tap_recorder.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

namespace {
constexpr size_t kMaxQueuedOutput = 256 * 1024;  // stop reading until the client catches up
constexpr size_t kReadChunk = 16 * 1024;
constexpr std::chrono::milliseconds kDeadlineCheck{250};
constexpr std::chrono::milliseconds kFirstBackoff{10};
constexpr std::chrono::milliseconds kLongestBackoff{1000};

bool outOfDescriptors(int err) { return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM; }
}  // namespace

struct TcpConnections::Connection {
  EpollTag tag{EpollTag::Kind::TcpConnection, -1, this};
  wire::Address peer;
  uint16_t peerPort = 0;  // for logs (dnstap)
  ClientPrefix prefix;
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  size_t outSent = 0;
  Clock::time_point lastProgress;  // connect, last message read whole, last answer bytes sent
  Clock::time_point messageStart;  // first byte of the message under way (the connect for the first)
  bool messageUnderWay = true;     // a new connection owes its first message
  bool answered = false;           // sent one message whole: not a trickler
  bool closed = false;
  bool wantWrite = false;
  bool peerDone = false;  // the client half-closed: answer what we have, then close
};

TcpConnections::TcpConnections(int epollFd, TcpAdmission& admission, TcpTimeouts timeouts, TapRecorder* tap)
    : epollFd_(epollFd), admission_(admission), timeouts_(timeouts), tap_(tap), scratch_(2 + 65535) {}

TcpConnections::~TcpConnections() {
  for (auto& c : connections_)
    if (!c.closed) close(c);
}

void TcpConnections::acceptAll(EpollTag* listener, Clock::time_point now) {
  for (;;) {
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(listener->fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (outOfDescriptors(errno)) pauseAccepting(listener, now);
      return;  // EAGAIN: nothing pending
    }
    backoff_ = std::chrono::milliseconds(0);
    if (admission_.endShortage())
      logLine(LogLevel::Info, "tcp: accepting connections again (" + std::to_string(admission_.open()) + " open)");
    wire::Address peer = wire::Address::fromSockaddr(reinterpret_cast<sockaddr*>(&ss));
    ClientPrefix prefix = admission_.prefixOf(peer);
    if (!makeRoom(prefix)) {
      ++refused_;
      admission_.countRefused();
      ::close(fd);
      continue;
    }
    Connection& c = connections_.emplace_back();
    c.tag.fd = fd;
    c.peer = peer;
    static_assert(offsetof(sockaddr_in, sin_port) == offsetof(sockaddr_in6, sin6_port));
    c.peerPort = ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
    c.prefix = prefix;
    c.lastProgress = c.messageStart = now;
    c.in.reserve(4096);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = &c.tag;
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

// Takes a slot for a new connection, closing this worker's slowest connection (of the same
// prefix when that prefix is at its cap) while a cap is in the way. Another worker may take
// the freed slot first, hence a few rounds.
bool TcpConnections::makeRoom(const ClientPrefix& prefix) {
  for (int round = 0; round < 4; ++round) {
    Connection* victim = nullptr;
    switch (admission_.admit(prefix)) {
      case TcpAdmission::Verdict::Admitted: return true;
      case TcpAdmission::Verdict::PrefixFull: victim = slowest(&prefix); break;
      case TcpAdmission::Verdict::Full: victim = slowest(nullptr); break;
    }
    if (!victim) return false;
    ++evicted_;
    admission_.countEvicted();
    close(*victim);
  }
  return false;
}

// A connection that never sent a whole message goes before one that did (a trickler before
// an idle resolver), then the one whose last progress is oldest.
TcpConnections::Connection* TcpConnections::slowest(const ClientPrefix* prefix) {
  Connection* worst = nullptr;
  for (auto& c : connections_) {
    if (c.closed || (prefix && !(c.prefix == *prefix))) continue;
    if (!worst || (c.answered == worst->answered ? c.lastProgress < worst->lastProgress : !c.answered)) worst = &c;
  }
  return worst;
}

// The listener stays readable while a connection waits in its queue: watching it would spin.
// Closing the slowest connection gives the next accept a descriptor.
void TcpConnections::pauseAccepting(EpollTag* listener, Clock::time_point now) {
  int err = errno;
  if (admission_.startShortage())
    logLine(LogLevel::Warning, std::string("tcp: accept failed: ") + std::strerror(err) + " with " +
                                   std::to_string(admission_.open()) +
                                   " connections open; pausing accepts and closing the slowest connections (logged once "
                                   "until accepts work again)");
  if (Connection* victim = slowest(nullptr)) {
    ++evicted_;
    admission_.countEvicted();
    close(*victim);
  }
  backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kLongestBackoff);
  resumeAt_ = now + backoff_;
  if (std::find(paused_.begin(), paused_.end(), listener) != paused_.end()) return;
  epoll_event ev{};
  ev.data.ptr = listener;
  epoll_ctl(epollFd_, EPOLL_CTL_MOD, listener->fd, &ev);
  paused_.push_back(listener);
}

void TcpConnections::close(Connection& c) {
  if (c.closed) return;
  epoll_ctl(epollFd_, EPOLL_CTL_DEL, c.tag.fd, nullptr);
  ::close(c.tag.fd);
  c.closed = true;
  admission_.release(c.prefix);
  ++closedPending_;
}

// Writes queued output; false when the connection failed.
bool TcpConnections::flush(Connection& c, Clock::time_point now) {
  while (c.outSent < c.out.size()) {
    ssize_t n = send(c.tag.fd, c.out.data() + c.outSent, c.out.size() - c.outSent, MSG_NOSIGNAL);
    if (n > 0) {
      c.outSent += static_cast<size_t>(n);
      c.lastProgress = now;
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

// Answers every whole message buffered; true when there was at least one.
bool TcpConnections::answerBuffered(Connection& c, const zones::View& view, const engine::Pipeline& pipeline,
                                    engine::FastRandom& random) {
  size_t at = 0;
  engine::Client client{c.peer, engine::Transport::Tcp, 0, &random, c.peerPort};
  while (c.in.size() - at >= 2 && c.out.size() < kMaxQueuedOutput) {
    size_t len = size_t(c.in[at]) << 8 | c.in[at + 1];
    if (c.in.size() - at - 2 < len) break;
    engine::AnswerContext a(c.in.data() + at + 2, len, client, scratch_.data() + 2, scratch_.size() - 2);
    size_t n = engine::answerQuery(a, view, pipeline);
    if (tap_) tap_->record(a, view.serial());
    at += 2 + len;
    if (n == 0) continue;
    scratch_[0] = static_cast<uint8_t>(n >> 8);
    scratch_[1] = static_cast<uint8_t>(n);
    c.out.insert(c.out.end(), scratch_.begin(), scratch_.begin() + 2 + static_cast<long>(n));
  }
  c.in.erase(c.in.begin(), c.in.begin() + static_cast<long>(at));
  return at > 0;
}

void TcpConnections::onEvent(EpollTag* tag, uint32_t events, const zones::View& view, const engine::Pipeline& pipeline,
                             engine::FastRandom& random, Clock::time_point now) {
  Connection& c = *static_cast<Connection*>(tag->owner);
  if (c.closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    for (;;) {
      if (c.out.size() >= kMaxQueuedOutput) break;
      size_t old = c.in.size();
      c.in.resize(old + kReadChunk);
      ssize_t n = recv(c.tag.fd, c.in.data() + old, kReadChunk, 0);
      c.in.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
      if (n > 0) {
        if (!c.messageUnderWay) {
          c.messageUnderWay = true;
          c.messageStart = now;
        }
        if (answerBuffered(c, view, pipeline, random)) {
          // What is left is the start of the next message: its deadline runs from now.
          c.lastProgress = c.messageStart = now;
          c.messageUnderWay = !c.in.empty();
          c.answered = true;
        }
        continue;
      }
      if (n == 0) c.peerDone = true;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) return close(c);
      break;
    }
  }
  if (!flush(c, now)) return close(c);
  // A message can never exceed 65535 bytes; more buffered than that without progress is garbage.
  if (c.in.size() > 2 + 65535) return close(c);
  if (c.peerDone && c.out.empty()) close(c);
}

void TcpConnections::sweep(Clock::time_point now) {
  if (!paused_.empty() && now >= resumeAt_) {
    for (EpollTag* listener : paused_) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = listener;
      epoll_ctl(epollFd_, EPOLL_CTL_MOD, listener->fd, &ev);
    }
    paused_.clear();
  }
  bool check = now - lastDeadlineCheck_ >= kDeadlineCheck;
  if (!check && closedPending_ == 0) return;
  if (check) lastDeadlineCheck_ = now;
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (check && !it->closed) {
      const Connection& c = *it;
      // Waiting on the client to read its answers, or between messages: idle; a message
      // under way (or the first one owed): the message deadline.
      bool late = !c.out.empty() || !c.messageUnderWay ? now - c.lastProgress > timeouts_.idle
                                                      : now - c.messageStart > timeouts_.message;
      if (late) close(*it);
    }
    if (it->closed) it = connections_.erase(it);
    else ++it;
  }
  closedPending_ = 0;
}

}  // namespace lodestar::server
