// lodestar-demo-backend: a tiny HTTP server for the demo's endpoints and the failover drill.
// Answers GET /healthz with 200 "ok" (or 503 with --status 503); with --hang it accepts
// connections and never answers, like a wedged backend.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

int listenOn(const std::string& text) {
  auto colon = text.rfind(':');
  std::string host = text.substr(0, colon);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  int port = std::stoi(text.substr(colon + 1));
  sockaddr_storage ss{};
  socklen_t len;
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in;
  } else if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in6;
  } else {
    std::fprintf(stderr, "bad address %s\n", text.c_str());
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, 128) != 0) {
    std::fprintf(stderr, "cannot listen on %s: %s\n", text.c_str(), std::strerror(errno));
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> listens;
  bool hang = false;
  int status = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--listen" && i + 1 < argc) listens.push_back(argv[++i]);
    else if (a == "--hang") hang = true;
    else if (a == "--status" && i + 1 < argc) status = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: lodestar-demo-backend --listen ADDR:PORT [--listen ...] [--hang] [--status N]\n");
      return 2;
    }
  }
  if (listens.empty()) return 2;
  signal(SIGPIPE, SIG_IGN);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::unordered_map<int, bool> listeners;
  std::unordered_map<int, std::string> names;
  for (const auto& l : listens) {
    int fd = listenOn(l);
    if (fd < 0) return 1;
    listeners[fd] = true;
    names[fd] = l;
    epoll_event ev{EPOLLIN, {}};
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::unordered_map<int, std::string> served;  // connection → the listener's address
  std::printf("serving %zu address(es)%s\n", listens.size(), hang ? " (hanging)" : "");
  std::fflush(stdout);
  epoll_event events[64];
  for (;;) {
    int n = epoll_wait(ep, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (listeners.count(fd)) {
        for (int c; (c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
          served[c] = names[fd];
          epoll_event ev{EPOLLIN, {}};
          ev.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
        }
        continue;
      }
      char buf[4096];
      ssize_t got = read(fd, buf, sizeof buf);
      if (got <= 0) {
        close(fd);
        served.erase(fd);
        continue;
      }
      if (hang) continue;  // read the request, never answer
      std::string body = status == 200 ? "ok " + served[fd] + "\n" : "unavailable\n";
      std::string reply = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Service Unavailable") +
                          "\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n" + body;
      (void)!write(fd, reply.data(), reply.size());
      close(fd);
      served.erase(fd);
    }
  }
}
