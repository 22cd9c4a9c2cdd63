// What an epoll event refers to inside a worker.
#pragma once

namespace lodestar::dns {

struct EpollTag {
  enum class Kind { Wake, Udp, TcpListener, TcpConnection } kind;
  int fd = -1;
  bool wildcard = false;  // UDP bound to a wildcard address: reply from the packet's address
  void* owner = nullptr;  // the TCP connection behind the event
};

}  // namespace lodestar::dns
