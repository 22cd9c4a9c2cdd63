// The links the AF_XDP path cannot serve, from the kernel's behaviour (docs/xdp.md):
// - A loopback device has no driver hook for native XDP. In generic mode a reply handed to
//   its transmit comes straight back in as a received frame, without the route a packet sent
//   by a local socket carries, so the kernel routes it as if it came from outside: an IPv4
//   one is a martian (every packet on a loopback device is from one of this machine's own
//   addresses, and 127.0.0.0/8 is not routed from outside) and is dropped — unless the
//   operator set accept_local and route_localnet, which we do not ask of a machine. IPv6 has
//   no such rule for a loopback device, and its replies arrive.
// - A link that is not Ethernet (tun, WireGuard, IP tunnels): the filter and the replies are
//   Ethernet frames.
#include "dns/xdp/link_check.hpp"

#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace lodestar::xdp {

namespace {
std::string linkTypeName(unsigned type) {
  switch (type) {
    case ARPHRD_NONE: return "no link-layer header, as tun and WireGuard devices";
    case ARPHRD_TUNNEL: return "an IPv4-in-IPv4 tunnel";
    case ARPHRD_TUNNEL6: return "an IPv6 tunnel";
    case ARPHRD_SIT: return "an IPv6-in-IPv4 tunnel";
    case ARPHRD_IPGRE: return "a GRE tunnel";
    case ARPHRD_PPP: return "PPP";
    case ARPHRD_INFINIBAND: return "InfiniBand";
    default: return "link type " + std::to_string(type);
  }
}
}  // namespace

LinkFit examineLink(const std::string& ifname, bool generic) {
  LinkFit fit;
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fit;
  ifreq flags{}, hardware{};
  std::strncpy(flags.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  std::strncpy(hardware.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  const bool known = ioctl(fd, SIOCGIFFLAGS, &flags) == 0;
  const bool typed = known && ioctl(fd, SIOCGIFHWADDR, &hardware) == 0;
  close(fd);
  if (!known) return fit;
  if (flags.ifr_flags & IFF_LOOPBACK) {
    const std::string ipv4 = ifname + " is a loopback device: a reply sent through AF_XDP comes back in as a received "
                                      "frame without a route, and the kernel drops an IPv4 one as a martian (to "
                                      "127.0.0.0/8, or from this machine's own address)";
    if (generic) fit.ipv4Refused = ipv4;
    else fit.refused = ifname + " is a loopback device, which has no driver hook for native XDP (in generic mode "
                                "only IPv6 could be answered there: " + ipv4 + ")";
    return fit;
  }
  if (typed && hardware.ifr_hwaddr.sa_family != ARPHRD_ETHER)
    fit.refused = ifname + " is not an Ethernet link (" + linkTypeName(hardware.ifr_hwaddr.sa_family) +
                  "); the XDP filter and the replies are Ethernet frames";
  return fit;
}

}  // namespace lodestar::xdp
