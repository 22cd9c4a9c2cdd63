// A probe definition: what to ask an endpoint, how often, and how many answers move its state.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "health/state/state_machine.hpp"

namespace lodestar::health {

enum class ProbeKind : uint8_t { Tcp, Http, Https, Dns, Exec };
/// Whose probes decide an endpoint's health when several nameservers share it (cluster:):
/// Default is Quorum when clustered, Local alone.
enum class Consensus : uint8_t { Default, Local, Quorum };
const char* probeKindName(ProbeKind kind) noexcept;

struct CheckSpec {
  std::string name;
  ProbeKind kind = ProbeKind::Tcp;
  uint16_t port = 0;        // 0: the kind's default (80, 443, 53); tcp needs one
  std::string address;      // probe this address instead of the endpoint's own
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds timeout{2000};
  std::chrono::milliseconds recheck{200};  // rapid recheck delay when a result disagrees
  unsigned rise = 2;
  unsigned fall = 3;
  FlapDamping damping;      // off unless the check sets flap_damping
  Consensus consensus = Consensus::Default;
  // http / https
  std::string method = "GET";
  std::string path = "/";
  std::string host;                               // Host header; empty: the endpoint address
  std::vector<std::string> headers;               // "Name: value"
  std::vector<unsigned> expectStatus = {200};
  std::string bodyContains;
  bool verifyTls = true;
  std::string sni;
  // dns
  std::string dnsName;
  uint16_t dnsType = 1;
  uint8_t dnsRcode = 0;
  std::string dnsAnswer;  // an address the answer must contain; empty: any
  // exec
  std::vector<std::string> command;  // argv; the endpoint address and port are appended

  /// The longest time from a backend that starts to hang until it is withdrawn: a full
  /// interval, then `fall` probes that each take the timeout, spaced by the recheck delay.
  std::chrono::milliseconds worstCaseWithdrawal() const noexcept {
    return interval + timeout + (fall - 1) * (recheck + timeout);
  }
  /// Same check, same identity: endpoints probed by equal specs share their health. Built
  /// from identityFields(), so no field can be forgotten (a test counts the struct's fields).
  std::string identity() const;
  /// Every field but the name (two names for one probe still probe the same thing).
  auto identityFields() const {
    return std::tie(kind, port, address, interval, timeout, recheck, rise, fall, damping.falls, damping.window,
                    damping.hold, consensus, method, path, host, headers, expectStatus, bodyContains, verifyTls, sni, dnsName,
                    dnsType, dnsRcode, dnsAnswer, command);
  }
};

}  // namespace lodestar::health
