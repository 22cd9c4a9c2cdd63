// The UDP hot path: recvmmsg/sendmmsg batches into preallocated buffers, the view read once
// per wake-up, counters of this thread only. Nothing here allocates or locks per query.
#include "dns/server/udp_loop.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <random>

#include "dns/engine/answer.hpp"
#include "dns/server/tap_recorder.hpp"

namespace lodestar::server {

namespace {
constexpr unsigned kBatch = 32;
constexpr size_t kMaxQuery = 4096;           // a larger UDP query is malformed for our purposes
constexpr size_t kMaxUdpAnswer = 4096;       // udp.max_payload is at most this
constexpr unsigned kMaxBatchesPerWake = 16;  // then look at the clock and the stop flag
constexpr size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo));
constexpr double kQueriesPerWake = 3;        // what a coalescing wait aims to gather
// dnstap: a batch's answers are sent from their slots after they are published, so the ring
// must not come round to them within a batch (TapRecorder::begin).
static_assert(kBatch < dnstap::TapRing::kMinCapacity);
constexpr auto kRateWindow = std::chrono::milliseconds(10);

// Writes one control message of `level`/`type` holding `info` at `out`; its size.
template <typename Info>
size_t writeControl(uint8_t* out, int level, int type, const Info& info) {
  auto* o = reinterpret_cast<cmsghdr*>(out);
  o->cmsg_level = level;
  o->cmsg_type = type;
  o->cmsg_len = CMSG_LEN(sizeof info);
  std::memcpy(CMSG_DATA(o), &info, sizeof info);
  return CMSG_SPACE(sizeof info);
}

// Turns the received packet-info into the one that makes the reply leave from the address
// the query was sent to (for wildcard binds).
size_t replyControl(const msghdr& in, uint8_t* out) {
  for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&in)); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&in), c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      info.ipi_spec_dst = info.ipi_addr;
      info.ipi_ifindex = 0;
      return writeControl(out, IPPROTO_IP, IP_PKTINFO, info);
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      info.ipi6_ifindex = 0;
      return writeControl(out, IPPROTO_IPV6, IPV6_PKTINFO, info);
    }
  }
  return 0;
}

// The system calls themselves: glibc's wrappers are cancellation points (we never cancel
// a thread), which costs about 50 instructions a call on a path that makes two per wake-up;
// on x86-64 the instruction itself, else syscall(). Negative on failure (errno unused).
long batchSyscall(long number, int fd, mmsghdr* msgs, unsigned n, int flags) noexcept {
#if defined(__x86_64__)
  long ret;
  register long r10 asm("r10") = flags;
  register long r8 asm("r8") = 0;  // recvmmsg's timeout: none
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(number), "D"(long(fd)), "S"(msgs), "d"(long(n)), "r"(r10), "r"(r8)
               : "rcx", "r11", "memory");
  return ret;
#else
  return syscall(number, fd, msgs, n, flags, nullptr);
#endif
}
int receiveBatch(int fd, mmsghdr* msgs, unsigned n, int flags) noexcept {
  return static_cast<int>(batchSyscall(SYS_recvmmsg, fd, msgs, n, flags));
}
int sendBatch(int fd, mmsghdr* msgs, unsigned n) noexcept {
  return static_cast<int>(batchSyscall(SYS_sendmmsg, fd, msgs, n, MSG_DONTWAIT));
}

void sleepFor(std::chrono::microseconds d) noexcept {
  timespec ts{0, static_cast<long>(d.count()) * 1000};
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
}
}  // namespace

std::chrono::microseconds coalesceDelay(double queriesPerSecond, std::chrono::microseconds max) noexcept {
  const double maxSeconds = static_cast<double>(max.count()) / 1e6;
  if (max.count() <= 0 || queriesPerSecond * maxSeconds < 2) return std::chrono::microseconds(0);
  const double want = kQueriesPerWake / queriesPerSecond * 1e6;
  return std::chrono::microseconds(want < static_cast<double>(max.count()) ? static_cast<long>(want) : max.count());
}

// Preallocated buffers for one batch: nothing is allocated per packet.
struct UdpLoop::Batch {
  std::array<std::array<uint8_t, kMaxQuery>, kBatch> queries;
  std::array<std::array<uint8_t, kMaxUdpAnswer>, kBatch> answers;
  std::array<sockaddr_storage, kBatch> peers;
  std::array<std::array<uint8_t, kControlSize>, kBatch> control;
  std::array<std::array<uint8_t, kControlSize>, kBatch> replyControl;
  std::array<iovec, kBatch> inIov, outIov;
  std::array<mmsghdr, kBatch> in, out;
};

UdpLoop::UdpLoop(int fd, bool wildcard, ViewPublisher& views, ViewPublisher::Reader& reader, UdpSettings settings)
    : fd_(fd),
      wildcard_(wildcard),
      views_(views),
      reader_(reader),
      settings_(settings),
      batch_(std::make_unique<Batch>()),
      random_(std::random_device{}() ^ reinterpret_cast<uintptr_t>(this)) {
  pipeline_.setDetailed(settings_.detailedStats);
  pipeline_.add(signer_);
  if (settings_.cookies) {
    cookieStage_ = std::make_unique<cookies::CookieStage>(*settings_.cookies, settings_.requireCookies);
    pipeline_.add(*cookieStage_);
  }
  if (settings_.rateLimit) {
    limiter_ = std::make_unique<rrl::RateLimiter>(*settings_.rateLimit, stats_);
    pipeline_.add(*limiter_);
  }
  answerRoom_ = std::max<size_t>(settings_.maxPayload, wire::kClassicUdpPayload);
  Batch& b = *batch_;
  for (unsigned i = 0; i < kBatch; ++i) {
    b.inIov[i] = {b.queries[i].data(), kMaxQuery};
    msghdr& h = b.in[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &b.peers[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &b.inIov[i];
    h.msg_iovlen = 1;
    if (wildcard_) {
      h.msg_control = b.control[i].data();
      h.msg_controllen = kControlSize;
    }
    msghdr& o = b.out[i].msg_hdr;
    o = msghdr{};
    o.msg_iov = &b.outIov[i];
    o.msg_iovlen = 1;
  }
  // Blocking receives, but never for long: the stop flag is looked at every 250 ms even if
  // the shutdown() in stop() did not wake us.
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
  timeval timeout{0, 250'000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

UdpLoop::~UdpLoop() { stop(); }

void UdpLoop::start() {
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), "lodestar-udp");  // for top -H, ps -L, perf
}

void UdpLoop::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true, std::memory_order_relaxed);
  shutdown(fd_, SHUT_RD);  // wakes a blocked recvmmsg on Linux, even for UDP
  thread_.join();
}

void UdpLoop::run() {
  prctl(PR_SET_TIMERSLACK, 1000UL);  // 1 µs: the default 50 µs slack would swamp the waits
  if (pipeline_.detailed()) tap_ ? runAs<true, true>() : runAs<true, false>();
  else tap_ ? runAs<false, true>() : runAs<false, false>();
}

template <bool Detailed, bool Tapped>
void UdpLoop::runAs() {
  using Clock = std::chrono::steady_clock;
  auto windowStart = Clock::now();
  uint64_t windowQueries = 0;
  std::chrono::microseconds delay{0};
  bool busy = false;
  unsigned wakeUps = 0;
  while (!stopping_.load(std::memory_order_relaxed)) {
    // While waiting this thread holds no view, so a reload never waits for it.
    ViewPublisher::leave(reader_);
    unsigned got;
    if (busy && delay.count() > 0) {
      sleepFor(delay);
      got = receiveBatches<Detailed, Tapped>(MSG_DONTWAIT);
    } else {
      got = receiveBatches<Detailed, Tapped>(MSG_WAITFORONE);  // blocks for the first query only
    }
    busy = got > 0;
    if (settings_.coalesceMax.count() == 0) continue;  // no waits: no rate to track
    windowQueries += got;
    if (++wakeUps % 16 != 0) continue;  // the clock, every 16th wake-up only
    const auto now = Clock::now();
    if (now - windowStart >= kRateWindow) {
      const double seconds = std::chrono::duration<double>(now - windowStart).count();
      delay = coalesceDelay(static_cast<double>(windowQueries) / seconds, settings_.coalesceMax);
      windowStart = now;
      windowQueries = 0;
    }
  }
  ViewPublisher::leave(reader_);
}

template <bool Detailed, bool Tapped>
unsigned UdpLoop::receiveBatches(int flags) {
  Batch& b = *batch_;
  const zones::View* view = nullptr;
  auto clientOf = [this](const sockaddr_storage& peer) {
    // sin_port and sin6_port sit at the same offset: no test of the family for the port.
    static_assert(offsetof(sockaddr_in, sin_port) == offsetof(sockaddr_in6, sin6_port));
    return engine::Client{wire::Address::fromSockaddr(reinterpret_cast<const sockaddr*>(&peer)), engine::Transport::Udp, 0,
                          &random_, ntohs(reinterpret_cast<const sockaddr_in*>(&peer)->sin_port)};
  };
  unsigned total = 0;
  for (unsigned round = 0; round < kMaxBatchesPerWake; ++round) {
    int got = receiveBatch(fd_, b.in.data(), kBatch, round == 0 ? flags : MSG_DONTWAIT);
    if (got <= 0) return total;
    // stop()'s shutdown() wakes recvmmsg with an empty "datagram": not a query to count.
    if (stopping_.load(std::memory_order_relaxed)) return total;
    total += static_cast<unsigned>(got);
    if (!view) view = views_.enter(reader_);  // once per wake-up, not per packet
    unsigned replies = 0;
    for (int i = 0; i < got; ++i) {
      msghdr& h = b.in[i].msg_hdr;
      size_t n = 0;
      uint8_t* out = b.answers[i].data();
      if (h.msg_flags & MSG_TRUNC) {
        ++stats_.received;
        ++stats_.dropped;
      } else {
        const engine::Client client = clientOf(b.peers[i]);
        const uint8_t* query = b.queries[i].data();
        const size_t size = b.in[i].msg_len;
        // dnstap: the answer is written into the log's slot, after the query, and sent from
        // there (TapRecorder::begin); when the ring is full, here as usual.
        uint8_t* slot = Tapped ? tap_->begin(query, size, kMaxQuery, answerRoom_) : nullptr;
        if (slot) out = slot;
        engine::AnswerContext a(query, size, client, out, slot ? answerRoom_ : kMaxUdpAnswer);
        n = engine::answerQueryAs<Detailed>(a, *view, pipeline_);
        if constexpr (Tapped) tap_->finish(a, slot != nullptr, view->serial());
      }
      if (n) {
        b.outIov[replies] = {out, n};
        msghdr& o = b.out[replies].msg_hdr;  // its iovec was set up once
        o.msg_name = &b.peers[i];
        o.msg_namelen = h.msg_namelen;
        if (wildcard_) {
          size_t len = replyControl(h, b.replyControl[replies].data());
          o.msg_control = len ? b.replyControl[replies].data() : nullptr;
          o.msg_controllen = len;
        }
        ++replies;
      }
      // recvmmsg wrote the lengths of the header it used: give it its full room back.
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_controllen = wildcard_ ? kControlSize : 0;
    }
    for (unsigned sent = 0; sent < replies;) {
      int n = sendBatch(fd_, b.out.data() + sent, replies - sent);
      if (n <= 0) {  // the socket buffer is full or the peer vanished: UDP loses it (counted)
        stats_.unsent += replies - sent;
        break;
      }
      sent += static_cast<unsigned>(n);
    }
    if (static_cast<unsigned>(got) < kBatch) return total;
  }
  return total;
}

}  // namespace lodestar::server
