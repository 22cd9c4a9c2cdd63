// c-ares 1.18 has no event thread of its own: its sockets are watched on our loop through
// the socket-state callback, and its timeouts run from our timers.
#include "health/dns_probe.hpp"

#include "dns/wire/constants.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

namespace lodestar::health {

namespace {

using Clock = std::chrono::steady_clock;

// Is `expected` among the addresses c-ares's `parse` finds in the reply (A or AAAA)?
template <int kFamily, typename Parse, typename AddrTtl, size_t N, typename Member>
bool answerHas(Parse parse, const unsigned char* reply, int length, AddrTtl (&addrs)[N], Member address,
               const std::string& expected) {
  int n = static_cast<int>(N);
  if (parse(reply, length, nullptr, addrs, &n) != ARES_SUCCESS) return false;
  for (int i = 0; i < n; ++i) {
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(kFamily, &(addrs[i].*address), text, sizeof text) && expected == text) return true;
  }
  return false;
}

struct DnsProbe : std::enable_shared_from_this<DnsProbe> {
  loop::EventLoop& loop;
  CheckSpec spec;  // a copy: the caller's may not outlive the probe
  Prober::Done done;
  ares_channel channel = nullptr;
  Clock::time_point started = Clock::now();
  loop::EventLoop::TimerId deadline = 0, aresTimer = 0;
  bool finished = false;
  std::shared_ptr<DnsProbe> self;  // alive until finish()

  DnsProbe(loop::EventLoop& l, const CheckSpec& s, Prober::Done d) : loop(l), spec(s), done(std::move(d)) {}

  void finish(bool success, std::string reason, bool local = false) {
    if (finished) return;
    finished = true;
    loop.cancel(deadline);
    if (aresTimer) loop.cancel(aresTimer);
    ProbeResult r{success, std::move(reason),
                  std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started), local};
    // c-ares forbids destroying a channel from its own callbacks: do it on the next round,
    // keeping this probe alive until then (ares_destroy still calls onSocketState).
    auto keep = std::move(self);
    ares_channel c = channel;
    channel = nullptr;
    loop.after(std::chrono::milliseconds(0), [keep, c] {
      if (c) ares_destroy(c);
    });
    done(r);
  }

  void rearmTimer() {
    if (!channel) return;
    if (aresTimer) loop.cancel(aresTimer);
    timeval max{1, 0}, tv{};
    timeval* t = ares_timeout(channel, &max, &tv);
    auto wait = std::chrono::milliseconds(t->tv_sec * 1000 + t->tv_usec / 1000 + 1);
    aresTimer = loop.after(wait, [this] {
      aresTimer = 0;
      if (!channel) return;
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      rearmTimer();
    });
  }

  static void onSocketState(void* data, ares_socket_t fd, int readable, int writable) {
    auto* p = static_cast<DnsProbe*>(data);
    if ((!readable && !writable) || !p->channel) {
      p->loop.unwatch(fd);
      return;
    }
    uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
    p->loop.watch(fd, events, [p, fd](uint32_t ev) {
      if (!p->channel) return;
      ares_process_fd(p->channel, ev & EPOLLIN ? fd : ARES_SOCKET_BAD, ev & EPOLLOUT ? fd : ARES_SOCKET_BAD);
      p->rearmTimer();
    });
  }

  static void onAnswer(void* arg, int status, int, unsigned char* abuf, int alen) {
    auto* p = static_cast<DnsProbe*>(arg);
    if (p->finished || status == ARES_EDESTRUCTION) return;
    if (!abuf || alen < 12) {
      if (status == ARES_ENOMEM) return p->finish(false, "local failure, endpoint not judged: dns: out of memory", true);
      p->finish(false, status == ARES_ETIMEOUT ? "timeout after " + std::to_string(p->spec.timeout.count()) + "ms"
                                                : std::string("dns: ") + ares_strerror(status));
      return;
    }
    int rcode = abuf[3] & 0x0F;
    if (rcode != p->spec.dnsRcode) {
      p->finish(false, std::string("rcode ") + wire::rcodeName(rcode) + ", expected " + wire::rcodeName(p->spec.dnsRcode));
      return;
    }
    if (p->spec.dnsAnswer.empty()) return p->finish(true, wire::rcodeName(rcode));
    // The expected address must be among the A or AAAA records.
    bool found = false;
    if (p->spec.dnsType == ns_t_a) {
      ares_addrttl addrs[32];
      found = answerHas<AF_INET>(ares_parse_a_reply, abuf, alen, addrs, &ares_addrttl::ipaddr, p->spec.dnsAnswer);
    } else if (p->spec.dnsType == ns_t_aaaa) {
      ares_addr6ttl addrs[32];
      found = answerHas<AF_INET6>(ares_parse_aaaa_reply, abuf, alen, addrs, &ares_addr6ttl::ip6addr, p->spec.dnsAnswer);
    }
    p->finish(found, found ? std::string(wire::rcodeName(rcode)) + ", " + p->spec.dnsAnswer
                           : "answer lacks " + p->spec.dnsAnswer);
  }
};

}  // namespace

void startDnsProbe(loop::EventLoop& loop, const CheckSpec& spec, const std::string& address, Prober::Done done) {
  static std::once_flag init;
  std::call_once(init, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  // c-ares reports a socket it could not open as a refusal: find out first whether a
  // descriptor is there to be had.
  int spare = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (int err = errno; spare < 0 && isLocalError(err)) {
    ProbeResult r{false, std::string("local failure, endpoint not judged: socket: ") + std::strerror(err), {}};
    r.local = true;
    return done(r);
  }
  if (spare >= 0) close(spare);
  auto p = std::make_shared<DnsProbe>(loop, spec, std::move(done));
  p->self = p;
  ares_options opts{};
  opts.flags = ARES_FLAG_NORECURSE | ARES_FLAG_NOSEARCH;
  opts.timeout = static_cast<int>(spec.timeout.count());
  opts.tries = 1;
  opts.sock_state_cb = &DnsProbe::onSocketState;
  opts.sock_state_cb_data = p.get();
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  if (int rc = ares_init_options(&p->channel, &opts, mask); rc != ARES_SUCCESS)
    return p->finish(false, std::string("local failure, endpoint not judged: c-ares init failed: ") + ares_strerror(rc),
                     true);
  std::string server = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  server += ":" + std::to_string(spec.port ? spec.port : 53);
  if (ares_set_servers_ports_csv(p->channel, server.c_str()) != ARES_SUCCESS)
    return p->finish(false, "bad dns server " + server);
  p->deadline = loop.after(spec.timeout + std::chrono::milliseconds(50), [raw = p.get()] {
    raw->finish(false, "timeout after " + std::to_string(raw->spec.timeout.count()) + "ms");
  });
  ares_query(p->channel, spec.dnsName.c_str(), ns_c_in, spec.dnsType, &DnsProbe::onAnswer, p.get());
  if (!p->finished) p->rearmTimer();
}

}  // namespace lodestar::health
