// Two network namespaces joined by a veth pair, made by a test and removed with it: the
// AF_XDP tests attach to a real interface without touching the machine's own. Names carry
// the test's PID, so parallel runs never meet. Needs root. NetnsSwitch moves the calling
// thread into one of them for a while (sockets opened there stay there).
#pragma once

#include <string>
#include <vector>

namespace lodestar::test {

class NetnsPair {
 public:
  /// How many receive and transmit queues each side's veth device has.
  struct Queues {
    unsigned serverRx = 1, serverTx = 1, clientRx = 1, clientTx = 1;
  };
  /// Throws with the failing command's output when the kernel or `ip` refuses.
  NetnsPair() : NetnsPair(Queues{}) {}
  explicit NetnsPair(Queues queues);
  ~NetnsPair();
  NetnsPair(const NetnsPair&) = delete;
  NetnsPair& operator=(const NetnsPair&) = delete;

  /// True when this process may make namespaces (root); tests skip otherwise.
  static bool possible();

  // The server's side and the client's side.
  std::string serverNs, clientNs, serverIf, clientIf;
  std::string server4, client4, server6, client6;  // addresses, without prefix length

  /// Runs the daemon (or any command) in the server's namespace, keeping the mounts.
  std::vector<std::string> inServer() const;
  /// `command` run through the shell in the client's namespace.
  std::string inClient(const std::string& command) const;
  /// `command` run through the shell in the server's namespace (a client on its loopback).
  std::string inServerShell(const std::string& command) const;
  /// What `ip link` says of the server's interface (shows an attached XDP program).
  std::string serverLink() const;
};

/// The calling thread in network namespace `ns` (a name under /run/netns) until destroyed,
/// then back where it was. Throws when the kernel refuses.
class NetnsSwitch {
 public:
  explicit NetnsSwitch(const std::string& ns);
  ~NetnsSwitch();
  NetnsSwitch(const NetnsSwitch&) = delete;
  NetnsSwitch& operator=(const NetnsSwitch&) = delete;

 private:
  int home_ = -1;
};

}  // namespace lodestar::test
