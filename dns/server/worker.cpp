// The worker: starts a UdpLoop per UDP socket and runs the TCP epoll loop on a thread of
// its own, so the UDP threads can block in recvmmsg without an epoll_wait per wake-up.
#include "dns/server/worker.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <list>
#include <random>
#include <stdexcept>

#include "dns/server/tap_recorder.hpp"
#include "dns/server/tcp_connections.hpp"

namespace lodestar::server {

Worker::Worker(WorkerSockets sockets, ViewPublisher& views, std::vector<ViewPublisher::Reader*> readers,
               WorkerSettings settings, TcpAdmission& admission)
    : sockets_(std::move(sockets)),
      views_(views),
      tcpReader_(*readers.at(0)),
      settings_(settings),
      admission_(admission),
      random_(std::random_device{}() ^ reinterpret_cast<uintptr_t>(this)) {
  if (readers.size() != readersFor(sockets_)) throw std::logic_error("a worker needs one view reader per thread");
  for (size_t i = 0; i < sockets_.udp.size(); ++i)
    udp_.push_back(std::make_unique<UdpLoop>(sockets_.udp[i], sockets_.udpWildcard[i], views, *readers[i + 1],
                                             settings.udp));
  tcpPipeline_.setDetailed(settings.udp.detailedStats);
  tcpPipeline_.add(tcpSigner_);
  if (settings.udp.cookies) {  // over TCP a cookie is answered too, and never required
    tcpCookies_ = std::make_unique<cookies::CookieStage>(*settings.udp.cookies, false);
    tcpPipeline_.add(*tcpCookies_);
  }
  if (settings.tap) {
    for (auto& u : udp_) {
      taps_.push_back(std::make_unique<TapRecorder>(settings.tap->addProducer(false), settings.tap->clock()));
      u->logTo(*taps_.back());
    }
    taps_.push_back(std::make_unique<TapRecorder>(settings.tap->addProducer(true), settings.tap->clock()));
    tcpTap_ = taps_.back().get();
  }
  epollFd_ = epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epollFd_ < 0 || wakeFd_ < 0) throw std::runtime_error("cannot create the worker's epoll/eventfd");
}

Worker::~Worker() {
  stop();
  udp_.clear();
  std::vector<WorkerSockets> own{std::move(sockets_)};
  closeSockets(own);
  close(wakeFd_);
  close(epollFd_);
}

void Worker::start() {
  for (auto& u : udp_) u->start();
  tcpThread_ = std::thread([this] { runTcp(); });
  pthread_setname_np(tcpThread_.native_handle(), "lodestar-tcp");
}

void Worker::stop() {
  for (auto& u : udp_) u->stop();
  if (!tcpThread_.joinable()) return;
  stopping_.store(true, std::memory_order_relaxed);
  uint64_t one = 1;
  (void)!write(wakeFd_, &one, sizeof one);
  tcpThread_.join();
}

void Worker::addStatsTo(engine::StatsTotals& total) const noexcept {
  for (const auto& u : udp_) total.add(u->stats(), engine::QueryPath::Udp);
  total.add(tcpStats_, engine::QueryPath::Tcp);
}

void Worker::runTcp() {
  std::list<EpollTag> tags;
  auto watch = [&](EpollTag tag) {
    tags.push_back(tag);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &tags.back();
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, tag.fd, &ev);
  };
  watch({EpollTag::Kind::Wake, wakeFd_});
  for (int fd : sockets_.tcp) watch({EpollTag::Kind::TcpListener, fd});

  TcpConnections tcp(epollFd_, admission_, settings_.tcp, tcpTap_);
  std::array<epoll_event, 64> events;
  while (!stopping_.load(std::memory_order_relaxed)) {
    // While blocked this thread holds no view, so a reload never waits for it.
    ViewPublisher::leave(tcpReader_);
    // While accepts pause for want of descriptors, wake soon enough to resume them.
    int n = epoll_wait(epollFd_, events.data(), static_cast<int>(events.size()), tcp.acceptPaused() ? 10 : 250);
    auto now = TcpConnections::Clock::now();
    // The view is read once per wake-up, not per query.
    const zones::View* view = views_.enter(tcpReader_);
    for (int i = 0; i < n; ++i) {
      auto* tag = static_cast<EpollTag*>(events[i].data.ptr);
      switch (tag->kind) {
        case EpollTag::Kind::Wake:
          break;
        case EpollTag::Kind::TcpListener:
          tcp.acceptAll(tag, now);
          break;
        case EpollTag::Kind::TcpConnection:
          tcp.onEvent(tag, events[i].events, *view, tcpPipeline_, random_, now);
          break;
      }
    }
    tcp.sweep(now);
  }
  ViewPublisher::leave(tcpReader_);
}

}  // namespace lodestar::server
