// Whether an interface can carry the AF_XDP path, from what the kernel tells anyone about it
// (its flags and link type, no privilege needed): the daemon refuses the path, or one family
// of it, where replies could never reach a client, and `--check` warns of it.
#pragma once

#include <string>

namespace lodestar::xdp {

struct LinkFit {
  /// Why no query on the link can be answered through AF_XDP in this mode (empty: it can).
  std::string refused;
  /// Why IPv4 replies could not reach a client there while IPv6 ones can (empty: they can).
  std::string ipv4Refused;
};

/// What stops the path on `ifname` in native or `generic` mode. Says nothing when this machine
/// has no such interface (the caller says that itself; a file may be checked on another one).
LinkFit examineLink(const std::string& ifname, bool generic);

}  // namespace lodestar::xdp
