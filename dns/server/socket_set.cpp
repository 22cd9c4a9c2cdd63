// Socket creation; all start-up failures here are fatal and name the address.
#include "dns/server/socket_set.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "dns/server/port_owner.hpp"

namespace lodestar::server {

namespace {

bool isWildcard(const wire::Address& a) {
  for (unsigned i = 0; i < a.bits() / 8; ++i)
    if (a.bytes[i]) return false;
  return true;
}

int openSocket(const lodestar::config::ListenAddress& l, uint16_t port, int type, uint16_t& boundPort) {
  int family = l.address.family == wire::Family::IPv4 ? AF_INET : AF_INET6;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() for " + l.text + ": " + std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // One socket per worker on the same address: the kernel spreads packets across them.
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (type == SOCK_DGRAM && isWildcard(l.address)) {
    if (family == AF_INET) setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    else setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  }
  if (type == SOCK_DGRAM) {
    int size = 4 << 20;  // absorb bursts while a worker is busy
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  sockaddr_storage ss;
  socklen_t len = l.address.toSockaddr(port, ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int err = errno;
    close(fd);
    throw std::runtime_error(std::string("cannot bind ") + (type == SOCK_DGRAM ? "UDP " : "TCP ") + l.text +
                             ": " + std::strerror(err));
  }
  if (type == SOCK_STREAM && listen(fd, 1024) != 0) {
    int err = errno;
    close(fd);
    throw std::runtime_error("cannot listen on TCP " + l.text + ": " + std::strerror(err));
  }
  socklen_t slen = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &slen);
  boundPort = ntohs(ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                            : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return fd;
}

// Our sockets share their port through SO_REUSEPORT, and so would a second server's: it
// would silently take a share of the queries. A socket without that option cannot bind
// where anyone listens, so one trial bind per protocol tells whether the port is free.
void refuseIfServed(const lodestar::config::ListenAddress& l) {
  int family = l.address.family == wire::Family::IPv4 ? AF_INET : AF_INET6;
  for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
    int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    // TCP: connections of an earlier run in TIME_WAIT must not count as a server.
    if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage ss;
    socklen_t len = l.address.toSockaddr(l.port, ss);
    int rc = bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
    int err = errno;
    close(fd);
    if (rc == 0 || err != EADDRINUSE) continue;
    std::string owner = portOwner(l.port, type == SOCK_STREAM);
    throw std::runtime_error(std::string(type == SOCK_DGRAM ? "UDP " : "TCP ") + l.text + " is already served by " +
                             (owner.empty() ? "another process" : owner) +
                             "; refusing to share it (stop that server, or listen elsewhere)");
  }
}

}  // namespace

std::vector<WorkerSockets> openSockets(const std::vector<lodestar::config::ListenAddress>& listen, unsigned workers,
                                       std::vector<BoundAddress>& bound) {
  std::vector<WorkerSockets> out(workers);
  try {
    for (const auto& l : listen) {
      if (l.port != 0) refuseIfServed(l);
      uint16_t port = l.port;
      for (unsigned w = 0; w < workers; ++w) {
        uint16_t got = 0;
        // With port 0 the kernel picks a free UDP port, which TCP may have in use: pick again.
        for (int attempt = 0;; ++attempt) {
          int udp = openSocket(l, port, SOCK_DGRAM, got);
          try {
            uint16_t tcpPort = 0;
            int tcp = openSocket(l, got, SOCK_STREAM, tcpPort);
            out[w].udp.push_back(udp);
            out[w].tcp.push_back(tcp);
            break;
          } catch (const std::runtime_error&) {
            close(udp);
            if (l.port != 0 || w != 0 || attempt >= 20) throw;
          }
        }
        out[w].udpWildcard.push_back(isWildcard(l.address));
        port = got;
      }
      std::string host = l.address.family == wire::Family::IPv6 ? "[" + l.address.toString() + "]"
                                                               : l.address.toString();
      bound.push_back({host + ":" + std::to_string(port)});
    }
  } catch (...) {
    closeSockets(out);
    throw;
  }
  return out;
}

void closeSockets(std::vector<WorkerSockets>& sockets) {
  for (auto& w : sockets) {
    for (int fd : w.udp) close(fd);
    for (int fd : w.tcp) close(fd);
    w.udp.clear();
    w.tcp.clear();
  }
}

}  // namespace lodestar::server
