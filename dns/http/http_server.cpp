// libmicrohttpd in external-epoll mode: its epoll descriptor is watched by the control loop,
// MHD_run() is called when it is readable and when the timeout it asks for comes.
#include "dns/http/http_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace lodestar::http {

namespace {

// Equal secrets take the same time to compare whatever the first difference.
bool sameSecret(std::string_view a, std::string_view b) noexcept {
  unsigned char differ = a.size() != b.size();
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) differ |= static_cast<unsigned char>(a[i] ^ b[i]);
  return differ == 0;
}

int bindListener(const Listener& l) {
  sockaddr_storage ss;
  const socklen_t len = l.address.toSockaddr(l.port, ss);
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("http: cannot open a socket for " + l.text + ": " + std::strerror(errno));
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, 64) != 0) {
    const int e = errno;
    close(fd);
    throw std::runtime_error("http: cannot listen on " + l.text + ": " + std::strerror(e) +
                             (e == EADDRINUSE ? " (another process has this port: choose another in http.listen)"
                              : e == EADDRNOTAVAIL ? " (no interface of this machine has that address: fix http.listen)"
                                                   : ""));
  }
  return fd;
}

}  // namespace

struct Access {
  // libmicrohttpd says a line for each malformed request: anyone who can connect could
  // otherwise fill the log. At most kLogBurst lines per kLogWindow, the rest counted.
  static void log(void* self, const char* format, va_list args) {
    auto& server = *static_cast<HttpServer*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (now - server.logWindowStart_ > HttpServer::kLogWindow) {
      if (server.logSuppressed_)
        server.log_("http: " + std::to_string(server.logSuppressed_) + " more line(s) of libmicrohttpd not logged");
      server.logWindowStart_ = now;
      server.logLines_ = 0;
      server.logSuppressed_ = 0;
    }
    if (++server.logLines_ > HttpServer::kLogBurst) {
      ++server.logSuppressed_;
      return;
    }
    char line[512];
    std::vsnprintf(line, sizeof line, format, args);
    std::string text(line);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    server.log_("http: " + text);
  }

  static MHD_Result onRequest(void* self, MHD_Connection* connection, const char* url, const char* method, const char*,
                              const char*, size_t* uploadSize, void**) {
    // Answered on the first call, with the headers: a body is never read (libmicrohttpd
    // closes the connection instead), and a request that has one is refused.
    auto& server = *static_cast<HttpServer*>(self);
    const char* length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (*uploadSize != 0 || (length && std::string_view(length) != "0") ||
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
      return queue(server, connection, {413, "text/plain; charset=utf-8", "no request body is taken\n", {}});
    return queue(server, connection, server.answer(connection, url ? url : "", method ? method : ""));
  }

  static MHD_Result queue(HttpServer& server, MHD_Connection* connection, const Response& r) {
    MHD_Response* out = MHD_create_response_from_buffer(r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
    if (!out) return MHD_NO;
    MHD_add_response_header(out, MHD_HTTP_HEADER_CONTENT_TYPE, r.contentType.c_str());
    MHD_add_response_header(out, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(out, "X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : r.headers) MHD_add_response_header(out, name.c_str(), value.c_str());
    const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(r.status), out);
    MHD_destroy_response(out);
    if (r.status >= 100 && r.status < 600) ++server.answered_[r.status / 100];
    return queued;
  }
};

HttpServer::HttpServer(loop::EventLoop& loop, const std::vector<Listener>& listeners, Credentials credentials,
                       std::vector<Route> routes, Log log)
    : loop_(loop), credentials_(std::move(credentials)), routes_(std::move(routes)), log_(std::move(log)) {
  daemons_.reserve(listeners.size());
  try {
    for (const auto& l : listeners) {
      const int fd = bindListener(l);
      const unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (l.address.family == wire::Family::IPv6 ? MHD_USE_IPv6 : 0);
      // The logger first: options before it would log through MHD's own (stderr).
      MHD_Daemon* mhd = MHD_start_daemon(
          flags, 0, nullptr, nullptr, &Access::onRequest, this, MHD_OPTION_EXTERNAL_LOGGER, &Access::log, this,
          MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT, kMaxConnections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
          kMaxPerAddress, MHD_OPTION_CONNECTION_TIMEOUT, kRequestTimeoutSeconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
          size_t(32 * 1024), MHD_OPTION_END);
      // On failure libmicrohttpd has closed the socket itself (closing it again could close
      // a descriptor another thread just opened).
      if (!mhd) throw std::runtime_error("http: cannot start serving on " + l.text);
      const MHD_DaemonInfo* info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD);
      daemons_.push_back({mhd, info ? info->epoll_fd : -1, 0});
      if (daemons_.back().epollFd < 0) throw std::runtime_error("http: no epoll descriptor for " + l.text);
    }
  } catch (...) {
    for (auto& d : daemons_) MHD_stop_daemon(d.mhd);
    throw;
  }
  for (auto& d : daemons_) {
    loop_.watch(d.epollFd, EPOLLIN, [this, &d](uint32_t) { run(d); });
    run(d);
  }
}

HttpServer::~HttpServer() {
  for (auto& d : daemons_) {
    loop_.unwatch(d.epollFd);
    if (d.timer) loop_.cancel(d.timer);
    MHD_stop_daemon(d.mhd);  // closes the listening socket and every connection
  }
}

void HttpServer::run(Daemon& d) {
  MHD_run(d.mhd);
  if (d.timer) loop_.cancel(d.timer);
  d.timer = 0;
  MHD_UNSIGNED_LONG_LONG ms = 0;
  if (MHD_get_timeout(d.mhd, &ms) == MHD_YES)
    d.timer = loop_.after(std::chrono::milliseconds(ms > 60'000 ? 60'000 : ms), [this, &d] {
      d.timer = 0;
      run(d);
    });
}

bool HttpServer::authorized(MHD_Connection* connection) const {
  if (!credentials_.any()) return true;
  const char* header = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  const std::string_view given = header ? header : "";
  if (!credentials_.token.empty() && given.size() > 7 && given.substr(0, 7) == "Bearer " &&
      sameSecret(given.substr(7), credentials_.token))
    return true;
  if (credentials_.user.empty()) return false;
  char* password = nullptr;
  char* user = MHD_basic_auth_get_username_password(connection, &password);
  // Both compared whatever the first says: the time tells nothing of which one was wrong.
  const bool ok = user && password && ((int(sameSecret(user, credentials_.user)) & int(sameSecret(password, credentials_.password))) != 0);
  if (user) MHD_free(user);
  if (password) MHD_free(password);
  return ok;
}

Response HttpServer::answer(MHD_Connection* connection, std::string_view path, std::string_view method) {
  if (method != "GET" && method != "HEAD") return {405, "text/plain; charset=utf-8", "only GET and HEAD\n", {{"Allow", "GET, HEAD"}}};
  const Route* route = nullptr;
  for (const auto& r : routes_)
    if (r.path == path) route = &r;
  if (!route) return {404, "text/plain; charset=utf-8", "no such page\n", {}};
  if (!route->open && !authorized(connection)) {
    std::string challenge = credentials_.token.empty() ? "" : "Bearer realm=\"lodestar\"";
    if (!credentials_.user.empty()) challenge += std::string(challenge.empty() ? "" : ", ") + "Basic realm=\"lodestar\"";
    return {401, "text/plain; charset=utf-8", "credentials needed\n", {{"WWW-Authenticate", challenge}}};
  }
  try {
    return route->handler();
  } catch (const std::exception& e) {
    log_(std::string("http: ") + std::string(path) + " failed: " + e.what());
    return {500, "text/plain; charset=utf-8", "internal error\n", {}};
  }
}

}  // namespace lodestar::http
