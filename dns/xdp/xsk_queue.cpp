// The AF_XDP socket through libxdp's rings. Frame accounting: every frame is in exactly one
// place — the fill ring, the receive ring, the transmit ring or the completion ring — and
// the fill ring has room for all of them, so returning a frame never fails.
#include "dns/xdp/xsk_queue.hpp"

#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "dns/xdp/filter_program.hpp"
#include "dns/xdp/frame.hpp"

namespace lodestar::xdp {

namespace {
constexpr uint32_t kFrames = 4096;
constexpr uint32_t kFrameSize = XSK_UMEM__DEFAULT_FRAME_SIZE;
constexpr uint32_t kRingSize = 2048;  // receive and transmit
constexpr size_t kIPv4Overhead = kIPv4Header + kUdpHeader, kIPv6Overhead = kIPv6Header + kUdpHeader;

uint64_t frameBase(uint64_t addr) noexcept { return addr & ~static_cast<uint64_t>(kFrameSize - 1); }

int linkMtu(const std::string& ifname) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq req{};
  std::strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  int mtu = fd >= 0 && ioctl(fd, SIOCGIFMTU, &req) == 0 ? req.ifr_mtu : 1500;
  if (fd >= 0) close(fd);
  return mtu;
}
}  // namespace

struct XskQueue::Rings {
  void* area = MAP_FAILED;
  xsk_umem* umem = nullptr;
  xsk_socket* socket = nullptr;
  xsk_ring_prod fill{}, transmit{};
  xsk_ring_cons completion{}, receive{};
  size_t mtu = 1500;
  uint8_t query[kFrameSize];  // a query's payload, copied out before its frame becomes the reply

  ~Rings() {
    if (socket) xsk_socket__delete(socket);
    if (umem) xsk_umem__delete(umem);
    if (area != MAP_FAILED) munmap(area, static_cast<size_t>(kFrames) * kFrameSize);
  }
};

XskQueue::XskQueue() : rings_(std::make_unique<Rings>()) {}
XskQueue::~XskQueue() = default;

std::unique_ptr<XskQueue> XskQueue::open(const std::string& ifname, uint32_t queue, FilterProgram& filter,
                                         std::string& error) {
  std::unique_ptr<XskQueue> q(new XskQueue());
  Rings& r = *q->rings_;
  const size_t areaSize = static_cast<size_t>(kFrames) * kFrameSize;
  r.area = mmap(nullptr, areaSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (r.area == MAP_FAILED) {
    error = std::string("cannot map the AF_XDP frames: ") + std::strerror(errno);
    return nullptr;
  }
  xsk_umem_config umemConfig{};
  umemConfig.fill_size = kFrames;
  umemConfig.comp_size = kFrames;
  umemConfig.frame_size = kFrameSize;
  umemConfig.frame_headroom = 0;
  if (int rc = xsk_umem__create(&r.umem, r.area, areaSize, &r.fill, &r.completion, &umemConfig); rc != 0) {
    r.umem = nullptr;
    error = std::string("cannot register the AF_XDP frames (UMEM): ") + std::strerror(-rc);
    return nullptr;
  }
  xsk_socket_config socketConfig{};
  socketConfig.rx_size = kRingSize;
  socketConfig.tx_size = kRingSize;
  socketConfig.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;  // our own filter, not libxdp's
  socketConfig.bind_flags = XDP_USE_NEED_WAKEUP;
  if (int rc = xsk_socket__create(&r.socket, ifname.c_str(), queue, r.umem, &r.receive, &r.transmit, &socketConfig);
      rc != 0) {
    r.socket = nullptr;
    error = "cannot open an AF_XDP socket on " + ifname + " queue " + std::to_string(queue) + ": " + std::strerror(-rc);
    return nullptr;
  }
  uint32_t at = 0;
  if (xsk_ring_prod__reserve(&r.fill, kFrames, &at) != kFrames) {
    error = "the AF_XDP fill ring is smaller than its frames";
    return nullptr;
  }
  for (uint32_t i = 0; i < kFrames; ++i) *xsk_ring_prod__fill_addr(&r.fill, at + i) = static_cast<uint64_t>(i) * kFrameSize;
  xsk_ring_prod__submit(&r.fill, kFrames);
  if (!filter.addSocket(queue, xsk_socket__fd(r.socket), error)) return nullptr;

  xdp_options options{};
  socklen_t optionsSize = sizeof options;
  if (getsockopt(xsk_socket__fd(r.socket), SOL_XDP, XDP_OPTIONS, &options, &optionsSize) == 0)
    q->zeroCopy_ = options.flags & XDP_OPTIONS_ZEROCOPY;
  r.mtu = static_cast<size_t>(linkMtu(ifname));
  q->payloadRoom_ = std::min<size_t>(kFrameSize - kEthernetHeader - kIPv6Overhead, r.mtu - kIPv6Overhead);
  return q;
}

int XskQueue::fd() const noexcept { return xsk_socket__fd(rings_->socket); }

namespace {
// One writer per counter: a plain add, never a locked instruction.
void add(std::atomic<uint64_t>& c, uint64_t n) noexcept {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
}  // namespace

// Frames the kernel has sent go back to the fill ring; each one is a reply answered. (Only
// replies are ever put on the transmit ring.)
void XskQueue::reap() noexcept {
  Rings& r = *rings_;
  uint32_t from = 0, to = 0;
  const uint32_t done = xsk_ring_cons__peek(&r.completion, kFrames, &from);
  if (done == 0) return;
  xsk_ring_prod__reserve(&r.fill, done, &to);  // always room: see the file comment
  for (uint32_t i = 0; i < done; ++i)
    *xsk_ring_prod__fill_addr(&r.fill, to + i) = frameBase(*xsk_ring_cons__comp_addr(&r.completion, from + i));
  xsk_ring_prod__submit(&r.fill, done);
  xsk_ring_cons__release(&r.completion, done);
  unsent_ -= std::min(done, unsent_);
  add(counters_.answered, done);
}

// Wakes the kernel's transmit while descriptors wait on the ring. In copy mode one sendto()
// sends at most the socket's budget (32 frames) and leaves the rest on the ring, so one call
// per batch would hold replies back until the next query arrives. Stops when a wake-up moved
// nothing (the kernel cannot send now, or a driver sends on its own time); what is left is
// taken by a later flush().
void XskQueue::kick() noexcept {
  Rings& r = *rings_;
  constexpr int kMaxKicks = 8;
  uint32_t waiting = kRingSize - xsk_prod_nb_free(&r.transmit, kRingSize);
  for (int i = 0; i < kMaxKicks && waiting > 0; ++i) {
    if (!xsk_ring_prod__needs_wakeup(&r.transmit)) return;  // the driver is sending already
    if (sendto(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) < 0 && errno != EAGAIN && errno != EBUSY) return;
    const uint32_t left = kRingSize - xsk_prod_nb_free(&r.transmit, kRingSize);
    if (left >= waiting) return;
    waiting = left;
  }
}

uint32_t XskQueue::flush() noexcept {
  reap();
  if (unsent_ == 0) return 0;
  kick();
  reap();
  return unsent_;
}

unsigned XskQueue::serve(Responder& responder, unsigned max) noexcept {
  Rings& r = *rings_;
  reap();
  uint32_t at = 0;
  const uint32_t got = xsk_ring_cons__peek(&r.receive, std::min<unsigned>(max, kRingSize), &at);
  if (got == 0) return 0;
  uint64_t unanswered[kRingSize];  // frames going straight back to the fill ring
  uint32_t dropped = 0, queued = 0, malformed = 0, full = 0;
  for (uint32_t i = 0; i < got; ++i) {
    const xdp_desc* in = xsk_ring_cons__rx_desc(&r.receive, at + i);
    uint8_t* frame = static_cast<uint8_t*>(xsk_umem__get_data(r.area, in->addr));
    UdpFrame udp;
    size_t size = 0;
    uint32_t slot = 0;
    if (!parseUdpFrame(frame, in->len, udp)) {
      ++malformed;
    } else {
      std::memcpy(r.query, frame + udp.payloadOffset, udp.payloadSize);
      const size_t overhead = udp.source.family == wire::Family::IPv4 ? kIPv4Overhead : kIPv6Overhead;
      const size_t inFrame = kFrameSize - (in->addr - frameBase(in->addr)) - udp.payloadOffset;
      const size_t room = std::min(inFrame, r.mtu - overhead);
      size = responder.respond(r.query, udp.payloadSize, udp.source, udp.sourcePort, frame + udp.payloadOffset, room);
      if (size && xsk_ring_prod__reserve(&r.transmit, 1, &slot) != 1) size = 0, ++full;
    }
    if (size == 0) {
      unanswered[dropped++] = frameBase(in->addr);
      continue;
    }
    xdp_desc* out = xsk_ring_prod__tx_desc(&r.transmit, slot);
    out->addr = in->addr;
    out->len = static_cast<uint32_t>(writeReplyHeaders(frame, udp, size));
    out->options = 0;
    ++queued;
  }
  xsk_ring_cons__release(&r.receive, got);
  if (queued) {
    xsk_ring_prod__submit(&r.transmit, queued);
    unsent_ += queued;
  }
  if (dropped) {
    uint32_t to = 0;
    xsk_ring_prod__reserve(&r.fill, dropped, &to);
    for (uint32_t i = 0; i < dropped; ++i) *xsk_ring_prod__fill_addr(&r.fill, to + i) = unanswered[i];
    xsk_ring_prod__submit(&r.fill, dropped);
  }
  add(counters_.received, got);
  if (queued) add(counters_.queued, queued);
  if (malformed) add(counters_.malformed, malformed);
  if (full) add(counters_.transmitFull, full);
  if (queued) kick();
  reap();  // copy mode often completes within the kick itself
  return got;
}

}  // namespace lodestar::xdp
