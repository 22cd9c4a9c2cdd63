// Parsing and printing of addresses and prefixes.
#include "dns/wire/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace lodestar::wire {

std::optional<Address> Address::parse(std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Address a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.family = Family::IPv4;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.family = Family::IPv6;
    return a;
  }
  return std::nullopt;
}

Address Address::fromSockaddr(const sockaddr* sa) noexcept {
  Address a;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    a.family = Family::IPv4;
    std::memcpy(a.bytes.data(), &in->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    const uint8_t* b = in6->sin6_addr.s6_addr;
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) == 0) {
      a.family = Family::IPv4;
      std::memcpy(a.bytes.data(), b + 12, 4);
    } else {
      a.family = Family::IPv6;
      std::memcpy(a.bytes.data(), b, 16);
    }
  }
  return a;
}

unsigned Address::toSockaddr(uint16_t port, sockaddr_storage& out) const noexcept {
  std::memset(&out, 0, sizeof out);
  if (family == Family::IPv4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    std::memcpy(&in->sin_addr, bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  std::memcpy(&in6->sin6_addr, bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

std::string Address::toString() const {
  char buf[INET6_ADDRSTRLEN];
  if (family == Family::IPv4) return inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  if (family == Family::IPv6) return inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return "none";
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = Address::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  unsigned len = 0;
  auto digits = text.substr(slash + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
  if (ec != std::errc() || end != digits.data() + digits.size() || len > addr->bits()) return std::nullopt;
  if (!hostBitsAreZero(addr->bytes.data(), addr->bits() / 8, len)) return std::nullopt;
  return Prefix{*addr, static_cast<uint8_t>(len)};
}

std::string Prefix::toString() const { return address.toString() + "/" + std::to_string(length); }

}  // namespace lodestar::wire
