// Reading and raising RLIMIT_NOFILE, counting open descriptors, sharing them out.
#include "dns/server/descriptor_budget.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace lodestar::server {

DescriptorLimit raiseDescriptorLimit() {
  DescriptorLimit out;
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) {
    out.problem = std::strerror(errno);
    return out;
  }
  out.before = out.soft = r.rlim_cur;
  out.hard = r.rlim_max;
  if (r.rlim_cur >= r.rlim_max) return out;
  rlimit raised{r.rlim_max, r.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    out.problem = std::strerror(errno);
    return out;
  }
  out.soft = r.rlim_max;
  return out;
}

unsigned descriptorsInUse() {
  unsigned n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n > 0 ? n - 1 : 0;  // the iterator's own descriptor
}

unsigned tcpConnectionsThatFit(unsigned wanted, unsigned long softLimit, unsigned inUse) {
  unsigned long taken = static_cast<unsigned long>(inUse) + kDescriptorReserve;
  unsigned long room = softLimit > taken ? softLimit - taken : 0;
  if (room < 1) room = 1;  // one connection at a time still answers
  return room < wanted ? static_cast<unsigned>(room) : wanted;
}

}  // namespace lodestar::server
