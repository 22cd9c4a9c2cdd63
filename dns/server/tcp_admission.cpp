// The shared TCP caps: one lock around a small map, taken on accept and close only.
#include "dns/server/tcp_admission.hpp"

#include <algorithm>

namespace lodestar::server {

ClientPrefix TcpAdmission::prefixOf(const wire::Address& peer) const noexcept {
  ClientPrefix p;
  p.family = peer.family;
  unsigned bits = peer.family == wire::Family::IPv4 ? limits_.prefixV4 : limits_.prefixV6;
  unsigned whole = std::min(bits / 8, 16u);
  for (unsigned i = 0; i < whole; ++i) p.bytes[i] = peer.bytes[i];
  if (whole < 16 && bits % 8) p.bytes[whole] = static_cast<uint8_t>(peer.bytes[whole] & (0xFF00u >> (bits % 8)));
  return p;
}

size_t TcpAdmission::PrefixHash::operator()(const ClientPrefix& p) const noexcept {
  uint64_t h = 1469598103934665603ull ^ static_cast<uint8_t>(p.family);
  for (uint8_t b : p.bytes) h = (h ^ b) * 1099511628211ull;
  return static_cast<size_t>(h);
}

TcpAdmission::Verdict TcpAdmission::admit(const ClientPrefix& prefix) {
  std::lock_guard<std::mutex> guard(lock_);
  unsigned& n = perPrefix_[prefix];
  if (n >= limits_.maxPerPrefix) {
    if (n == 0) perPrefix_.erase(prefix);
    return Verdict::PrefixFull;
  }
  if (open_.load(std::memory_order_relaxed) >= limits_.maxConnections) {
    if (n == 0) perPrefix_.erase(prefix);
    return Verdict::Full;
  }
  ++n;
  open_.fetch_add(1, std::memory_order_relaxed);
  return Verdict::Admitted;
}

void TcpAdmission::release(const ClientPrefix& prefix) {
  std::lock_guard<std::mutex> guard(lock_);
  auto it = perPrefix_.find(prefix);
  if (it == perPrefix_.end()) return;
  if (--it->second == 0) perPrefix_.erase(it);
  open_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace lodestar::server
