// What an epoll event refers to inside a worker's TCP loop.
#pragma once

namespace lodestar::server {

struct EpollTag {
  enum class Kind { Wake, TcpListener, TcpConnection } kind;
  int fd = -1;
  void* owner = nullptr;  // the TCP connection behind the event
};

}  // namespace lodestar::server
