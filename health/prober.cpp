// Probe implementations. Each probe owns its file descriptors and a timeout timer, and
// finishes through one path (finish) so `done` runs once.
#include "health/prober.hpp"

#include "health/child_process.hpp"
#include "health/curl_driver.hpp"
#include "health/dns_probe.hpp"
#include "dns/wire/duration.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace lodestar::health {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}


bool toSockaddr(const std::string& address, uint16_t port, sockaddr_storage& ss, socklen_t& len) {
  std::memset(&ss, 0, sizeof ss);
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// Closes a probe socket with a reset: no FIN exchange and no TIME_WAIT, which halves the
// kernel's work per tcp probe (the connection has told us all we wanted).
void abortiveClose(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

std::string errnoReason(int err) {
  switch (err) {
    case ECONNREFUSED: return "connect refused";
    case ENETUNREACH: return "network unreachable";
    case EHOSTUNREACH: return "host unreachable";
    case ETIMEDOUT: return "connect timed out";
    default: return std::string("connect failed: ") + std::strerror(err);
  }
}

ProbeResult localFailure(std::string what, int err) {
  ProbeResult r{false, "local failure, endpoint not judged: " + what + ": " + std::strerror(err), {}};
  r.local = true;
  return r;
}

}  // namespace

bool isLocalError(int err) noexcept {
  return err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOBUFS || err == EAGAIN;
}

struct Prober::Impl {
  loop::EventLoop& loop;
  CurlDriver curl;

  explicit Impl(loop::EventLoop& l) : loop(l), curl(l) {}

  // --- tcp: a non-blocking connect, success when it completes ---------------------------
  void startTcp(const CheckSpec& spec, const std::string& address, Done done) {
    auto started = Clock::now();
    sockaddr_storage ss;
    socklen_t len = 0;
    if (!toSockaddr(address, spec.port, ss, len)) return done({false, "bad address " + address, {}});
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      int err = errno;
      if (isLocalError(err)) return done(localFailure("socket", err));
      return done({false, std::string("socket: ") + std::strerror(err), {}});
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
      abortiveClose(fd);
      return done({true, "connected", since(started)});
    }
    if (errno != EINPROGRESS) {
      int err = errno;
      close(fd);
      if (err == ENOBUFS || err == ENOMEM || err == EAGAIN) return done(localFailure("connect", err));
      return done({false, errnoReason(err), since(started)});
    }
    auto shared = std::make_shared<Done>(std::move(done));
    auto timer = std::make_shared<loop::EventLoop::TimerId>(0);
    *timer = loop.after(spec.timeout, [this, fd, shared, started, t = spec.timeout] {
      loop.forgetClosing(fd);
      close(fd);
      (*shared)({false, "timeout after " + wire::formatDuration(t), since(started)});
    });
    loop.watch(fd, EPOLLOUT, [this, fd, shared, timer, started](uint32_t) {
      int err = 0;
      socklen_t l = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
      loop.cancel(*timer);
      loop.forgetClosing(fd);
      abortiveClose(fd);
      (*shared)(err == 0 ? ProbeResult{true, "connected", since(started)} : ProbeResult{false, errnoReason(err), since(started)});
    });
  }

  // --- http / https through libcurl's multi interface --------------------------------------
  struct HttpProbe {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    curl_slist* resolve = nullptr;
    std::string body;
    CheckSpec spec;  // a copy: the caller's may not outlive the probe
    Done done;
    Clock::time_point started;
    int socketError = 0;  // why libcurl could not have its socket, when that is this machine's fault
    ~HttpProbe() {
      curl_easy_cleanup(easy);
      curl_slist_free_all(headers);
      curl_slist_free_all(resolve);
    }
  };

  static size_t onBody(char* data, size_t size, size_t n, void* user) {
    auto* p = static_cast<HttpProbe*>(user);
    if (p->body.size() < 65536) p->body.append(data, std::min(size * n, 65536 - p->body.size()));
    return size * n;
  }

  // libcurl reports a socket it could not open as a failed connect; opening it here tells
  // "no descriptor" (ours) from "refused" (the endpoint's).
  static curl_socket_t openSocket(void* user, curlsocktype, curl_sockaddr* a) {
    int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
    if (fd < 0 && isLocalError(errno)) static_cast<HttpProbe*>(user)->socketError = errno;
    return fd < 0 ? CURL_SOCKET_BAD : fd;
  }

  void startHttp(const CheckSpec& spec, const std::string& address, Done done) {
    auto p = std::make_shared<HttpProbe>();
    p->spec = spec;
    p->done = std::move(done);
    p->started = Clock::now();
    CURL* e = p->easy = curl_easy_init();
    if (!e) return p->done(localFailure("curl_easy_init", ENOMEM));
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::openSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, p.get());
    bool tls = spec.kind == ProbeKind::Https;
    uint16_t port = spec.port ? spec.port : (tls ? 443 : 80);
    std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    if (!spec.sni.empty()) {
      // Connect to the endpoint but speak to it by name: SNI and certificate checks use it.
      p->resolve = curl_slist_append(nullptr, (spec.sni + ":" + std::to_string(port) + ":" + address).c_str());
      curl_easy_setopt(e, CURLOPT_RESOLVE, p->resolve);
      host = spec.sni;
    }
    std::string url = std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port) + spec.path;
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(spec.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(spec.timeout.count()));
    curl_easy_setopt(e, CURLOPT_USERAGENT, userAgent());
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);  // each probe proves a new connection works
    // Endpoints are addresses: no name cache. libcurl's is a small hash that thousands of
    // distinct endpoints turn into long chains (it was half the control thread's CPU).
    curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, spec.verifyTls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, spec.verifyTls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, p.get());
    if (spec.method == "HEAD") curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    else if (spec.method != "GET") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, spec.method.c_str());
    if (!spec.host.empty()) p->headers = curl_slist_append(p->headers, ("Host: " + spec.host).c_str());
    for (const auto& h : spec.headers) p->headers = curl_slist_append(p->headers, h.c_str());
    if (p->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->headers);
    curl.add(e, [p](CURLcode result) {
      ProbeResult r;
      r.latency = since(p->started);
      if (p->socketError) {
        r = localFailure("socket", p->socketError);
      } else if (result == CURLE_OUT_OF_MEMORY || result == CURLE_FAILED_INIT) {
        r.local = true;
        r.reason = std::string("local failure, endpoint not judged: ") + curl_easy_strerror(result);
      } else if (result == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status);
        r.reason = "HTTP " + std::to_string(status);
        bool statusOk = false;
        for (unsigned s : p->spec.expectStatus) statusOk = statusOk || s == static_cast<unsigned>(status);
        bool bodyOk = p->spec.bodyContains.empty() || p->body.find(p->spec.bodyContains) != std::string::npos;
        if (statusOk && !bodyOk) r.reason += ", body lacks \"" + p->spec.bodyContains + "\"";
        r.success = statusOk && bodyOk;
      } else if (result == CURLE_OPERATION_TIMEDOUT) {
        r.reason = "timeout after " + wire::formatDuration(p->spec.timeout);
      } else if (result == CURLE_COULDNT_CONNECT) {
        r.reason = "connect refused";
      } else {
        r.reason = curl_easy_strerror(result);
      }
      p->done(r);
    });
  }

  // --- exec: the operator's script; exit 0 = up; killed at the timeout ---------------------
  void startExec(const CheckSpec& spec, const std::string& address, Done done) {
    auto started = Clock::now();
    std::vector<std::string> argv = spec.command;
    argv.push_back(address);
    if (spec.port) argv.push_back(std::to_string(spec.port));
    runChild(loop, std::move(argv), {}, spec.timeout, [done = std::move(done), started](const ChildResult& c) {
      if (!c.started && isLocalError(c.spawnError)) return done(localFailure("cannot start the check", c.spawnError));
      done({c.started && !c.timedOut && c.exitStatus == 0, c.describe(), since(started)});
    });
  }
};

Prober::Prober(loop::EventLoop& loop) : impl_(std::make_unique<Impl>(loop)) {}
Prober::~Prober() = default;

const char* Prober::userAgent() noexcept { return "Lodestar-health-check/0.1 (+https://lodestar.invalid/health)"; }

namespace {
// Set by the test build of the daemon only (closeForTests); empty in the shipped one.
std::vector<std::string>& closedForTests() {
  static std::vector<std::string> list;
  return list;
}
}  // namespace

void Prober::closeForTests(std::vector<std::string> addresses) { closedForTests() = std::move(addresses); }

void Prober::start(const CheckSpec& spec, const std::string& address, Done done) {
  const std::string& target = spec.address.empty() ? address : spec.address;
  if (!closedForTests().empty() &&
      std::find(closedForTests().begin(), closedForTests().end(), target) != closedForTests().end()) {
    CheckSpec closed = spec;
    closed.port = 1;  // nothing listens on port 1 of a test's loopback address
    closed.kind = ProbeKind::Tcp;
    return impl_->startTcp(closed, target, std::move(done));
  }
  switch (spec.kind) {
    case ProbeKind::Tcp: return impl_->startTcp(spec, target, std::move(done));
    case ProbeKind::Http:
    case ProbeKind::Https: return impl_->startHttp(spec, target, std::move(done));
    case ProbeKind::Exec: return impl_->startExec(spec, target, std::move(done));
    case ProbeKind::Dns: return startDnsProbe(impl_->loop, spec, target, std::move(done));
  }
}

}  // namespace lodestar::health
