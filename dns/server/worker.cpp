// The worker loop: epoll over this worker's sockets; UDP in recvmmsg/sendmmsg batches.
#include "dns/server/worker.hpp"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <random>
#include <cstring>
#include <list>
#include <stdexcept>

#include "dns/engine/answer.hpp"
#include "dns/server/tcp_connections.hpp"

namespace lodestar::dns {

namespace {
constexpr unsigned kBatch = 32;
constexpr size_t kMaxQuery = 4096;           // a larger UDP query is malformed for our purposes
constexpr size_t kMaxUdpAnswer = 4096;       // udp.max_payload is at most this
constexpr unsigned kMaxBatchesPerWake = 16;  // then let TCP and the wake fd have a turn
constexpr size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo));

// Turns the received packet-info into the one that makes the reply leave from the address
// the query was sent to (for wildcard binds).
size_t replyControl(const msghdr& in, uint8_t* out) {
  for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&in)); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&in), c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      info.ipi_spec_dst = info.ipi_addr;
      info.ipi_ifindex = 0;
      auto* o = reinterpret_cast<cmsghdr*>(out);
      o->cmsg_level = IPPROTO_IP;
      o->cmsg_type = IP_PKTINFO;
      o->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(o), &info, sizeof info);
      return CMSG_SPACE(sizeof info);
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      info.ipi6_ifindex = 0;
      auto* o = reinterpret_cast<cmsghdr*>(out);
      o->cmsg_level = IPPROTO_IPV6;
      o->cmsg_type = IPV6_PKTINFO;
      o->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(o), &info, sizeof info);
      return CMSG_SPACE(sizeof info);
    }
  }
  return 0;
}
}  // namespace

// Preallocated buffers for one batch: nothing is allocated per packet.
struct Worker::UdpBatch {
  std::array<std::array<uint8_t, kMaxQuery>, kBatch> queries;
  std::array<std::array<uint8_t, kMaxUdpAnswer>, kBatch> answers;
  std::array<sockaddr_storage, kBatch> peers;
  std::array<std::array<uint8_t, kControlSize>, kBatch> control;
  std::array<std::array<uint8_t, kControlSize>, kBatch> replyControl;
  std::array<iovec, kBatch> inIov, outIov;
  std::array<mmsghdr, kBatch> in, out;
};

Worker::Worker(WorkerSockets sockets, ViewPublisher& views, ViewPublisher::Reader& reader, WorkerSettings settings)
    : sockets_(std::move(sockets)),
      views_(views),
      reader_(reader),
      settings_(settings),
      batch_(std::make_unique<UdpBatch>()),
      random_(std::random_device{}() ^ reinterpret_cast<uintptr_t>(this)) {
  epollFd_ = epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epollFd_ < 0 || wakeFd_ < 0) throw std::runtime_error("cannot create the worker's epoll/eventfd");
}

Worker::~Worker() {
  stop();
  std::vector<WorkerSockets> own{std::move(sockets_)};
  closeSockets(own);
  close(wakeFd_);
  close(epollFd_);
}

void Worker::start() { thread_ = std::thread([this] { run(); }); }

void Worker::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true, std::memory_order_relaxed);
  uint64_t one = 1;
  (void)!write(wakeFd_, &one, sizeof one);
  thread_.join();
}

void Worker::drainUdp(int fd, bool wildcard, const zones::View& view) {
  UdpBatch& b = *batch_;
  for (unsigned round = 0; round < kMaxBatchesPerWake; ++round) {
    for (unsigned i = 0; i < kBatch; ++i) {
      b.inIov[i] = {b.queries[i].data(), kMaxQuery};
      msghdr& h = b.in[i].msg_hdr;
      h = msghdr{};
      h.msg_name = &b.peers[i];
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_iov = &b.inIov[i];
      h.msg_iovlen = 1;
      if (wildcard) {
        h.msg_control = b.control[i].data();
        h.msg_controllen = kControlSize;
      }
    }
    int got = recvmmsg(fd, b.in.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (got <= 0) return;
    unsigned replies = 0;
    for (int i = 0; i < got; ++i) {
      const msghdr& h = b.in[i].msg_hdr;
      if (h.msg_flags & MSG_TRUNC) {
        ++stats_.received;
        ++stats_.dropped;
        continue;
      }
      Client client{geo::Address::fromSockaddr(reinterpret_cast<const sockaddr*>(&b.peers[i])), Transport::Udp,
                    random_.next()};
      size_t n = answerQuery(b.queries[i].data(), b.in[i].msg_len, client, view, b.answers[i].data(), kMaxUdpAnswer,
                             stats_, settings_.udpMaxPayload);
      if (n == 0) continue;
      b.outIov[replies] = {b.answers[i].data(), n};
      msghdr& o = b.out[replies].msg_hdr;
      o = msghdr{};
      o.msg_name = &b.peers[i];
      o.msg_namelen = h.msg_namelen;
      o.msg_iov = &b.outIov[replies];
      o.msg_iovlen = 1;
      if (wildcard) {
        size_t len = replyControl(h, b.replyControl[replies].data());
        if (len) {
          o.msg_control = b.replyControl[replies].data();
          o.msg_controllen = len;
        }
      }
      ++replies;
    }
    for (unsigned sent = 0; sent < replies;) {
      int n = sendmmsg(fd, b.out.data() + sent, replies - sent, 0);
      if (n <= 0) break;  // the socket buffer is full or the peer vanished: UDP loses it
      sent += static_cast<unsigned>(n);
    }
    if (static_cast<unsigned>(got) < kBatch) return;
  }
}

void Worker::run() {
  std::list<EpollTag> tags;
  auto watch = [&](EpollTag tag) {
    tags.push_back(tag);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &tags.back();
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, tag.fd, &ev);
  };
  watch({EpollTag::Kind::Wake, wakeFd_});
  for (size_t i = 0; i < sockets_.udp.size(); ++i)
    watch({EpollTag::Kind::Udp, sockets_.udp[i], static_cast<bool>(sockets_.udpWildcard[i])});
  for (int fd : sockets_.tcp) watch({EpollTag::Kind::TcpListener, fd});

  TcpConnections tcp(epollFd_, settings_.tcpMaxConnections, settings_.tcpIdleTimeout);
  std::array<epoll_event, 64> events;
  while (!stopping_.load(std::memory_order_relaxed)) {
    // While blocked this worker holds no view, so a reload never waits for it.
    ViewPublisher::leave(reader_);
    int n = epoll_wait(epollFd_, events.data(), static_cast<int>(events.size()), 250);
    auto now = TcpConnections::Clock::now();
    // The view is read once per wake-up, not per packet.
    const zones::View* view = views_.enter(reader_);
    for (int i = 0; i < n; ++i) {
      auto* tag = static_cast<EpollTag*>(events[i].data.ptr);
      switch (tag->kind) {
        case EpollTag::Kind::Wake:
          break;
        case EpollTag::Kind::Udp:
          drainUdp(tag->fd, tag->wildcard, *view);
          break;
        case EpollTag::Kind::TcpListener:
          tcp.acceptAll(tag->fd, now);
          break;
        case EpollTag::Kind::TcpConnection:
          tcp.onEvent(tag, events[i].events, *view, stats_, random_, now);
          break;
      }
    }
    tcp.sweep(now);
  }
  ViewPublisher::leave(reader_);
}

}  // namespace lodestar::dns
