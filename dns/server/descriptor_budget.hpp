// The process's descriptor budget: the soft RLIMIT_NOFILE raised to the hard one at start,
// and the share TCP clients may hold, so health probes, hooks and the control socket always
// find descriptors (a probe that cannot open a socket must never be what marks a backend down).
#pragma once

#include <string>

namespace lodestar::server {

/// Descriptors kept out of the TCP clients' reach: probes in flight, curl and c-ares, hook
/// children's pipes, control connections, reload's file reads.
inline constexpr unsigned kDescriptorReserve = 256;

struct DescriptorLimit {
  unsigned long before = 0;  ///< the soft limit the daemon was started with
  unsigned long soft = 0;    ///< the soft limit now
  unsigned long hard = 0;
  std::string problem;       ///< why raising failed (empty when it worked or was not needed)
};

/// Raises the soft RLIMIT_NOFILE to the hard limit.
DescriptorLimit raiseDescriptorLimit();

/// Descriptors this process has open now (/proc/self/fd).
unsigned descriptorsInUse();

/// How many TCP connections fit beside the reserve: `wanted` (tcp.max_connections) or less.
unsigned tcpConnectionsThatFit(unsigned wanted, unsigned long softLimit, unsigned inUse);

}  // namespace lodestar::server
