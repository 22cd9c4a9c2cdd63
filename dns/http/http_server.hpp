// The HTTP listener for metrics, health checks, the status API and page: libmicrohttpd
// driven from the control loop's epoll (no thread of its own), so every handler runs on the
// loop's thread and reads the daemon's state as the control socket does — never on a DNS
// worker. Bounded against hostile clients: connections in all and per address, an idle
// timeout, memory per connection, GET and HEAD only, no request body, its own log lines
// rate-limited.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/wire/address.hpp"
#include "health/loop/event_loop.hpp"

struct MHD_Daemon;
struct MHD_Connection;

namespace lodestar::http {

struct Listener {
  wire::Address address;
  uint16_t port = 0;
  std::string text;  // as configured, for messages
};

/// Asked of every route that is not open; none set: every route is open.
struct Credentials {
  std::string token;           // "Authorization: Bearer TOKEN"
  std::string user, password;  // "Authorization: Basic base64(user:password)"
  bool any() const noexcept { return !token.empty() || !user.empty(); }
};

struct Response {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the type and the no-cache ones
};

class HttpServer {
 public:
  using Handler = std::function<Response()>;
  struct Route {
    std::string path;  // exact, without the query string
    Handler handler;
    bool open = false;  // served without credentials (/healthz: load balancers have none)
  };
  using Log = std::function<void(const std::string&)>;

  /// Binds every listener (std::runtime_error naming the address that failed) and serves
  /// `routes` from `loop`; `log` gets libmicrohttpd's own errors.
  HttpServer(loop::EventLoop& loop, const std::vector<Listener>& listeners, Credentials credentials,
             std::vector<Route> routes, Log log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Requests answered so far, by class (2xx, 4xx, ...), for the metrics.
  uint64_t answered(int statusClass) const noexcept { return statusClass >= 1 && statusClass <= 5 ? answered_[statusClass] : 0; }

  // Limits a client cannot push past.
  static constexpr unsigned kMaxConnections = 64;
  static constexpr unsigned kMaxPerAddress = 16;
  static constexpr unsigned kRequestTimeoutSeconds = 10;

 private:
  struct Daemon {
    MHD_Daemon* mhd = nullptr;
    int epollFd = -1;
    loop::EventLoop::TimerId timer = 0;
  };
  friend struct Access;  // libmicrohttpd's callbacks, in the .cpp (their types are its own)
  Response answer(MHD_Connection* connection, std::string_view path, std::string_view method);
  bool authorized(MHD_Connection* connection) const;
  /// Lets libmicrohttpd work, then arms the timer it asks for.
  void run(Daemon& d);

  static constexpr unsigned kLogBurst = 10;
  static constexpr std::chrono::seconds kLogWindow{10};
  std::chrono::steady_clock::time_point logWindowStart_{};
  unsigned logLines_ = 0;
  uint64_t logSuppressed_ = 0;

  loop::EventLoop& loop_;
  Credentials credentials_;
  std::vector<Route> routes_;
  Log log_;
  std::vector<Daemon> daemons_;
  uint64_t answered_[6] = {};
};

}  // namespace lodestar::http
