// Probe implementations. Each probe owns its file descriptors and a timeout timer, and
// finishes through one path (finish) so `done` runs once.
#include "health/prober.hpp"

#include "health/dns_probe.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <vector>

extern char** environ;

namespace lodestar::health {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }

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

std::string errnoReason(int err) {
  switch (err) {
    case ECONNREFUSED: return "connect refused";
    case ENETUNREACH: return "network unreachable";
    case EHOSTUNREACH: return "host unreachable";
    case ETIMEDOUT: return "connect timed out";
    default: return std::string("connect failed: ") + std::strerror(err);
  }
}

}  // namespace

struct Prober::Impl {
  EventLoop& loop;
  CURLM* multi = nullptr;
  EventLoop::TimerId curlTimer = 0;

  struct HttpProbe {
    CURL* easy;
    curl_slist* headers = nullptr;
    std::string body;
    CheckSpec spec;  // a copy: the caller's may not outlive the probe
    Done done;
    Clock::time_point started;
  };
  std::unordered_map<CURL*, std::unique_ptr<HttpProbe>> http;

  explicit Impl(EventLoop& l) : loop(l) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::onCurlSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::onCurlTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  ~Impl() {
    for (auto& [easy, p] : http) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(p->headers);
    }
    curl_multi_cleanup(multi);
    if (curlTimer) loop.cancel(curlTimer);
  }

  // --- tcp: a non-blocking connect, success when it completes ---------------------------
  void startTcp(const CheckSpec& spec, const std::string& address, Done done) {
    auto started = Clock::now();
    sockaddr_storage ss;
    socklen_t len = 0;
    uint16_t port = spec.port;
    if (!toSockaddr(address, port, ss, len)) return done({false, "bad address " + address, {}});
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return done({false, std::string("socket: ") + std::strerror(errno), {}});
    if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
      close(fd);
      return done({true, "connected", since(started)});
    }
    if (errno != EINPROGRESS) {
      int err = errno;
      close(fd);
      return done({false, errnoReason(err), since(started)});
    }
    auto shared = std::make_shared<Done>(std::move(done));
    auto timer = std::make_shared<EventLoop::TimerId>(0);
    *timer = loop.after(spec.timeout, [this, fd, shared, started, t = spec.timeout] {
      loop.unwatch(fd);
      close(fd);
      (*shared)({false, "timeout after " + ms(t), since(started)});
    });
    loop.watch(fd, EPOLLOUT, [this, fd, shared, timer, started](uint32_t) {
      int err = 0;
      socklen_t l = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
      loop.cancel(*timer);
      loop.unwatch(fd);
      close(fd);
      (*shared)(err == 0 ? ProbeResult{true, "connected", since(started)} : ProbeResult{false, errnoReason(err), since(started)});
    });
  }

  // --- http / https through libcurl's multi interface --------------------------------------
  static size_t onBody(char* data, size_t size, size_t n, void* user) {
    auto* p = static_cast<HttpProbe*>(user);
    if (p->body.size() < 65536) p->body.append(data, std::min(size * n, 65536 - p->body.size()));
    return size * n;
  }

  void startHttp(const CheckSpec& spec, const std::string& address, Done done) {
    auto p = std::make_unique<HttpProbe>();
    p->spec = spec;
    p->done = std::move(done);
    p->started = Clock::now();
    CURL* e = curl_easy_init();
    p->easy = e;
    bool tls = spec.kind == ProbeKind::Https;
    uint16_t port = spec.port ? spec.port : (tls ? 443 : 80);
    std::string hostPart = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    std::string url;
    if (!spec.sni.empty()) {
      // Connect to the endpoint but speak to it by name: SNI and certificate checks use it.
      std::string resolve = spec.sni + ":" + std::to_string(port) + ":" + address;
      p->headers = nullptr;
      curl_slist* r = curl_slist_append(nullptr, resolve.c_str());
      curl_easy_setopt(e, CURLOPT_RESOLVE, r);
      // libcurl copies the resolve list into the handle's cache at transfer start.
      resolveLists.push_back(r);
      url = std::string(tls ? "https://" : "http://") + spec.sni + ":" + std::to_string(port) + spec.path;
    } else {
      url = std::string(tls ? "https://" : "http://") + hostPart + ":" + std::to_string(port) + spec.path;
    }
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, p.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(spec.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(spec.timeout.count()));
    curl_easy_setopt(e, CURLOPT_USERAGENT, userAgent());
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);  // each probe proves a new connection works
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
    http.emplace(e, std::move(p));
    curl_multi_add_handle(multi, e);
  }
  std::vector<curl_slist*> resolveLists;

  void finishDoneTransfers() {
    int pending = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &pending)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* e = m->easy_handle;
      auto it = http.find(e);
      if (it == http.end()) continue;
      std::unique_ptr<HttpProbe> p = std::move(it->second);
      http.erase(it);
      ProbeResult r;
      r.latency = since(p->started);
      if (m->data.result == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        r.reason = "HTTP " + std::to_string(status);
        bool statusOk = false;
        for (unsigned s : p->spec.expectStatus) statusOk = statusOk || s == static_cast<unsigned>(status);
        bool bodyOk = p->spec.bodyContains.empty() || p->body.find(p->spec.bodyContains) != std::string::npos;
        if (statusOk && !bodyOk) r.reason += ", body lacks \"" + p->spec.bodyContains + "\"";
        r.success = statusOk && bodyOk;
      } else if (m->data.result == CURLE_OPERATION_TIMEDOUT) {
        r.reason = "timeout after " + ms(p->spec.timeout);
      } else if (m->data.result == CURLE_COULDNT_CONNECT) {
        r.reason = "connect refused";
      } else {
        r.reason = curl_easy_strerror(m->data.result);
      }
      curl_multi_remove_handle(multi, e);
      curl_easy_cleanup(e);
      curl_slist_free_all(p->headers);
      p->done(r);
    }
    if (http.empty()) {
      for (auto* r : resolveLists) curl_slist_free_all(r);
      resolveLists.clear();
    }
  }

  static int onCurlSocket(CURL*, curl_socket_t s, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      self->loop.unwatch(s);
      return 0;
    }
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    self->loop.watch(s, events, [self, s](uint32_t ev) {
      int flags = (ev & EPOLLIN ? CURL_CSELECT_IN : 0) | (ev & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                  (ev & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
      int running = 0;
      curl_multi_socket_action(self->multi, s, flags, &running);
      self->finishDoneTransfers();
    });
    return 0;
  }

  static int onCurlTimer(CURLM*, long timeoutMs, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (self->curlTimer) self->loop.cancel(self->curlTimer);
    self->curlTimer = 0;
    if (timeoutMs < 0) return 0;
    self->curlTimer = self->loop.after(std::chrono::milliseconds(timeoutMs), [self] {
      self->curlTimer = 0;
      int running = 0;
      curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      self->finishDoneTransfers();
    });
    return 0;
  }

  // --- exec: the operator's script; exit 0 = up; killed at the timeout ---------------------
  void startExec(const CheckSpec& spec, const std::string& address, Done done) {
    auto started = Clock::now();
    std::vector<std::string> args = spec.command;
    args.push_back(address);
    if (spec.port) args.push_back(std::to_string(spec.port));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);  // the daemon blocks signals; the script should not
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills its children too
    int rc = posix_spawn(&pid, argv[0], nullptr, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return done({false, std::string("cannot run ") + spec.command[0] + ": " + std::strerror(rc), {}});
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    auto shared = std::make_shared<Done>(std::move(done));
    auto timer = std::make_shared<EventLoop::TimerId>(0);
    auto reap = [this, pid, pidfd, shared, timer, started](bool timedOut, std::chrono::milliseconds t) {
      if (timedOut) kill(-pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      if (pidfd >= 0) {
        loop.unwatch(pidfd);
        close(pidfd);
      }
      if (!timedOut) loop.cancel(*timer);
      ProbeResult r{false, {}, since(started)};
      if (timedOut) r.reason = "killed after " + ms(t);
      else if (WIFEXITED(status)) {
        r.success = WEXITSTATUS(status) == 0;
        r.reason = "exit " + std::to_string(WEXITSTATUS(status));
      } else r.reason = "killed by signal " + std::to_string(WTERMSIG(status));
      (*shared)(r);
    };
    *timer = loop.after(spec.timeout, [reap, t = spec.timeout] { reap(true, t); });
    if (pidfd >= 0) loop.watch(pidfd, EPOLLIN, [reap](uint32_t) { reap(false, {}); });
  }
};

Prober::Prober(EventLoop& loop) : impl_(std::make_unique<Impl>(loop)) {}
Prober::~Prober() = default;

const char* Prober::userAgent() noexcept { return "Lodestar-health-check/0.1 (+https://lodestar.invalid/health)"; }

void Prober::start(const CheckSpec& spec, const std::string& address, Done done) {
  const std::string& target = spec.address.empty() ? address : spec.address;
  switch (spec.kind) {
    case ProbeKind::Tcp: return impl_->startTcp(spec, target, std::move(done));
    case ProbeKind::Http:
    case ProbeKind::Https: return impl_->startHttp(spec, target, std::move(done));
    case ProbeKind::Exec: return impl_->startExec(spec, target, std::move(done));
    case ProbeKind::Dns: return startDnsProbe(impl_->loop, spec, target, std::move(done));
  }
}

}  // namespace lodestar::health
