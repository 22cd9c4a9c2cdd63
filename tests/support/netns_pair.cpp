// Network namespaces for the AF_XDP tests, made and removed through `ip`; setns for a thread.
#include "tests/support/netns_pair.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <tuple>

#include "tests/support/command.hpp"

namespace lodestar::test {

namespace {
void must(const std::string& command) {
  auto r = runCommand(command);
  if (r.status != 0) throw std::runtime_error(command + " failed: " + r.output);
}
}  // namespace

bool NetnsPair::possible() { return geteuid() == 0 && runCommand("command -v ip").status == 0; }

NetnsPair::NetnsPair(Queues queues) {
  const std::string id = std::to_string(getpid());
  const std::string net = std::to_string(getpid() % 250 + 1);
  serverNs = "lodestar-" + id + "-s", clientNs = "lodestar-" + id + "-c";
  serverIf = "lx" + id + "s", clientIf = "lx" + id + "c";  // at most 15 characters
  server4 = "10.213." + net + ".1", client4 = "10.213." + net + ".2";
  server6 = "fd00:213:" + net + "::1", client6 = "fd00:213:" + net + "::2";
  must("ip netns add " + serverNs);
  must("ip netns add " + clientNs);
  auto counts = [](unsigned rx, unsigned tx) {
    return " numrxqueues " + std::to_string(rx) + " numtxqueues " + std::to_string(tx);
  };
  must("ip link add " + serverIf + counts(queues.serverRx, queues.serverTx) + " netns " + serverNs +
       " type veth peer name " + clientIf + counts(queues.clientRx, queues.clientTx) + " netns " + clientNs);
  for (const auto& [ns, dev, a4, a6] : {std::tuple{serverNs, serverIf, server4, server6}, std::tuple{clientNs, clientIf, client4, client6}}) {
    must("ip -n " + ns + " addr add " + a4 + "/24 dev " + dev);
    must("ip -n " + ns + " addr add " + a6 + "/64 dev " + dev + " nodad");
    must("ip -n " + ns + " link set " + dev + " up");
    must("ip -n " + ns + " link set lo up");
  }
}

NetnsPair::~NetnsPair() {
  runCommand("ip netns del " + serverNs);
  runCommand("ip netns del " + clientNs);
}

std::vector<std::string> NetnsPair::inServer() const {
  return {"/usr/bin/nsenter", "--net=/run/netns/" + serverNs};
}

std::string NetnsPair::inClient(const std::string& command) const {
  return runCommand("ip netns exec " + clientNs + " sh -c '" + command + "'").output;
}

std::string NetnsPair::inServerShell(const std::string& command) const {
  return runCommand("ip netns exec " + serverNs + " sh -c '" + command + "'").output;
}

std::string NetnsPair::serverLink() const { return runCommand("ip -n " + serverNs + " link show dev " + serverIf).output; }

NetnsSwitch::NetnsSwitch(const std::string& ns) {
  home_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int there = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  const bool moved = home_ >= 0 && there >= 0 && setns(there, CLONE_NEWNET) == 0;
  const int err = errno;
  if (there >= 0) close(there);
  if (!moved) {
    if (home_ >= 0) close(home_);
    throw std::runtime_error("cannot enter network namespace " + ns + ": " + std::strerror(err));
  }
}

NetnsSwitch::~NetnsSwitch() {
  setns(home_, CLONE_NEWNET);
  close(home_);
}

}  // namespace lodestar::test
