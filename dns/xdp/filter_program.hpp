// The kernel half of the AF_XDP path: a small XDP program that hands this server's UDP
// queries (its port, its addresses) to the AF_XDP socket of the queue they arrived on and
// passes every other frame — ARP, TCP, ICMP, other services, fragments — to the kernel as
// if it were not there. Written as BPF instructions here, so building needs no BPF compiler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"

struct bpf_insn;

namespace lodestar::xdp {

/// Which destinations of one family the program takes.
enum class Take : uint8_t { None, Listed, Any };

struct FilterSpec {
  uint16_t port = 53;
  Take ipv4 = Take::Any, ipv6 = Take::Any;
  /// What a matching frame gets when its queue has no socket: pass (the kernel's socket
  /// path answers it); tests choose drop to tell the two outcomes apart.
  bool dropWithoutSocket = false;
};

enum class AttachMode : uint8_t { Native, Generic };

/// The program's instructions, for `xsksMapFd` and `addressMapFd` (-1 when no family is Listed).
std::vector<bpf_insn> filterInstructions(const FilterSpec& spec, int xsksMapFd, int addressMapFd);

/// The loaded program and its two maps (sockets per queue, addresses taken); attached to
/// at most one interface, detached again when destroyed.
class FilterProgram {
 public:
  static constexpr const char* kName = "lodestar_xdp";  // how a stale copy of ours is recognised

  /// Loads the program; false with `error` set (the verifier's log included) on failure.
  /// `addresses` are the Listed families' addresses.
  bool load(const FilterSpec& spec, const std::vector<wire::Address>& addresses, unsigned maxQueues, std::string& error);
  /// Attaches to `ifindex`, replacing a program of ours left by a process that died, never
  /// another one. False with `error` naming what the kernel refused.
  bool attach(unsigned ifindex, AttachMode mode, std::string& error);
  /// Sends queue `queue`'s matching frames to the AF_XDP socket `xskFd`.
  bool addSocket(uint32_t queue, int xskFd, std::string& error);
  /// The program's verdict on `frame`, run by the kernel (BPF_PROG_TEST_RUN): for tests.
  int testRun(const uint8_t* frame, size_t size, std::string& error) const;

  FilterProgram() = default;
  ~FilterProgram();
  FilterProgram(const FilterProgram&) = delete;
  FilterProgram& operator=(const FilterProgram&) = delete;

 private:
  int programFd_ = -1, xsksFd_ = -1, addressesFd_ = -1;
  unsigned ifindex_ = 0;
  uint32_t attachFlags_ = 0;
};

}  // namespace lodestar::xdp
